"""Build the incident map with folium, served from ``static/vendor`` and safe under a strict CSP.

folium builds the Leaflet skeleton (map, base tiles, panes, layer groups, marker clustering,
fullscreen, layer control). Incident data never goes through folium: folium's ``Popup`` and
``Tooltip`` put HTML into the page unescaped, so the pages pass incidents as JSON (``|tojson``,
which escapes ``<``, ``>``, ``&`` and ``'``) and ``static/js/incidentmap.js`` builds popups with DOM
methods (``textContent``), so hostile article text shows as text and never runs.

The map is rendered in parts (``MapParts``) instead of folium's whole HTML document because the
page template must put a CSP nonce on the inline script and owns the page layout; folium's default
CDN links (jQuery, Bootstrap, Font Awesome...) are replaced with the vendored files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
from folium.plugins import Fullscreen, MarkerCluster
from folium.template import Template
from markupsafe import Markup

from mapapp.incidents.model import EVENT_TYPES

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
EVENT_COLORS: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#882255",
    "Protests": "#0072B2",
    "Riots": "#56B4E9",
    "Strategic developments": "#009E73",
}
OTHER_COLOR = "#666666"

# Radius (metres) of the area drawn for an incident located only to part of a region (2) or to a
# region/country (3): large enough to read as "somewhere around here", not as a point.
AREA_RADIUS_M: dict[int, int] = {2: 25_000, 3: 75_000}

GEONAMES_ATTRIBUTION = (
    'Places &copy; <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)'
)
OUTLINES_ATTRIBUTION = 'Outlines <a href="https://www.naturalearthdata.com/">Natural Earth</a>'

VENDOR_JS = (
    "vendor/leaflet/leaflet.js",
    "vendor/markercluster/leaflet.markercluster.js",
    "vendor/fullscreen/Control.FullScreen.umd.js",
)
VENDOR_CSS = (
    "vendor/leaflet/leaflet.css",
    "vendor/markercluster/MarkerCluster.css",
    "vendor/markercluster/MarkerCluster.Default.css",
    "vendor/fullscreen/Control.FullScreen.css",
)

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class VendoredFullscreen(Fullscreen):
    """folium's Fullscreen for leaflet.fullscreen 5 (UMD), which has no ``L.control.fullscreen``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            new L.Control.FullScreen(
                {{ this.options|tojavascript }}
            ).addTo({{this._parent.get_name()}});
        {% endmacro %}
        """
    )


@dataclass(frozen=True, slots=True)
class MapParts:
    """The pieces of a rendered folium map, for a page template to place."""

    html: Markup  # the map <div>
    script: Markup  # JS building the map; goes into one inline <script nonce=...>
    js: tuple[str, ...]  # script URLs (local), in load order
    css: tuple[str, ...]  # stylesheet URLs (local)
    names: dict[str, str] = field(default_factory=dict)  # role -> JS variable name


def event_type_legend() -> list[dict[str, Any]]:
    """ACLED event types with colours and sub-types, for the legend, toggles and popups."""
    return [
        {"name": name, "color": EVENT_COLORS.get(name, OTHER_COLOR), "sub_types": list(subs)}
        for name, subs in EVENT_TYPES.items()
    ]


def build_map(
    *,
    tile_url: str,
    tile_attribution: str,
    static_url: Callable[[str], str],
    center: Sequence[float] | None = None,
    zoom: int | None = None,
    bounds: Sequence[Sequence[float]] | None = None,
) -> MapParts:
    """Build the folium map skeleton.

    ``center`` is ``(lat, lon)``; ``bounds`` is ``((south, west), (north, east))`` and wins over
    centre/zoom (applied by the page script with ``fitBounds`` so it adapts to the iframe size).
    ``tile_attribution`` is trusted configuration HTML; GeoNames and Natural Earth are credited
    next to it.
    """
    m = folium.Map(
        location=list(center) if center else [20.0, 10.0],
        zoom_start=zoom if zoom is not None else 2,
        tiles=None,
        control_scale=True,
        world_copy_jump=True,
        max_bounds=False,
        width="100%",
        height="100%",
    )
    # Instance attributes: folium's add_js_link would mutate the class-level lists shared by
    # every map in the process.
    m.default_js = [(path, static_url(path)) for path in VENDOR_JS]
    m.default_css = [(path, static_url(path)) for path in VENDOR_CSS]

    folium.TileLayer(
        tiles=tile_url,
        attr=" | ".join([tile_attribution, GEONAMES_ATTRIBUTION, OUTLINES_ATTRIBUTION]),
        name="Base map",
        overlay=False,
        control=True,
        max_zoom=18,
        subdomains="abc",
    ).add_to(m)
    # Outlines sit under areas and markers and never take clicks.
    folium.map.CustomPane("outlines", z_index=350, pointer_events=False).add_to(m)
    outlines = folium.FeatureGroup(name="Country outlines", overlay=True, control=True).add_to(m)
    areas = folium.FeatureGroup(name="Areas (region-level places)", overlay=True).add_to(m)
    cluster = MarkerCluster(
        name="Incidents",
        overlay=True,
        control=True,
        options={
            "chunkedLoading": True,
            "showCoverageOnHover": False,
            "maxClusterRadius": 50,
            "spiderfyOnMaxZoom": True,
        },
    ).add_to(m)
    for element in (cluster,):
        element.default_js = []  # the vendored copy is already in VENDOR_JS
        element.default_css = []
    fullscreen = VendoredFullscreen(
        position="topleft", title="Full screen", title_cancel="Exit full screen"
    )
    fullscreen.default_js = []
    fullscreen.default_css = []
    fullscreen.add_to(m)
    folium.LayerControl(position="topleft", collapsed=True).add_to(m)

    root = m.get_root()
    root.render()
    names = {
        "map": m.get_name(),
        "outlines": outlines.get_name(),
        "areas": areas.get_name(),
        "cluster": cluster.get_name(),
    }
    for value in names.values():
        # The names reach the page script through JSON, but JS looks them up on window.
        if not _NAME_RE.match(value):
            raise RuntimeError(f"unexpected folium element name {value!r}")
    js = tuple(url for _, url in m.default_js)
    css = tuple(url for _, url in m.default_css)
    bounds_js = ""
    if bounds:
        (south, west), (north, east) = bounds
        bounds_js = (
            f"{names['map']}.fitBounds([[{float(south)!r}, {float(west)!r}], "
            f"[{float(north)!r}, {float(east)!r}]], {{maxZoom: 12}});\n"
        )
    # Trusted markup: folium output of our own options (configuration strings pass through its
    # JSON encoding, which escapes <, > and &); no incident data is in it.
    return MapParts(
        html=Markup(root.html.render()),  # noqa: S704
        script=Markup(root.script.render() + bounds_js),  # noqa: S704
        js=js,
        css=css,
        names=names,
    )

"""HTML pages: the layer index, the full map, the chrome-less embed, oEmbed and country outlines.

Routes (blueprint ``pages``):

- ``/`` lists layers with counts, date ranges and links (map, embed, GeoJSON, CSV, OGC).
- ``/maps/<layer>`` the full map with filters, legend, and a copy-paste embed snippet.
- ``/embed/<layer>`` the same map for iframes: ``lat``/``lon``/``zoom`` or ``bbox``, ``start``/
  ``end``, ``type``, ``height``. Sets no cookies (the session is never touched here).
- ``/oembed?url=&maxwidth=&maxheight=&format=json`` (oEmbed 1.0, type ``rich``).
- ``/outlines.geojson`` simplified country outlines from the gazetteer, so maps stay readable when
  tiles cannot load (offline, intranet).

Small layers (``MAPAPP_INLINE_MARKER_LIMIT`` incidents or fewer) travel inline as JSON and are
filtered in the browser; larger ones are loaded by the visible bbox from OGC API items
(``limit``-ed, debounced), so no page carries a whole 100,000-incident layer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup

from gazetteer.coords import validate_latlon
from mapapp.errors import GazetteerError, InvalidQuery, NotFound, ServiceError
from mapapp.incidents.model import Incident
from mapapp.store.base import BBox, Layer
from mapapp.web.db import get_gazetteer, get_store
from mapapp.web.mapbuilder import AREA_RADIUS_M, OTHER_COLOR, build_map, event_type_legend
from mapapp.web.params import parse_bbox, parse_date, parse_types

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)

DEFAULT_EMBED_WIDTH = 800
DEFAULT_EMBED_HEIGHT = 500
MIN_HEIGHT, MAX_HEIGHT = 150, 3000
MAX_ZOOM = 18
# Only what the popups, filters and areas use travels to the browser.
INLINE_PROPERTIES = (
    "event_date",
    "date_precision",
    "date_note",
    "event_type",
    "sub_event_type",
    "fatalities",
    "fatalities_lower_bound",
    "location",
    "admin1",
    "country_code",
    "geo_precision",
    "feature_code",
    "sentences",
    "source_url",
    "source_title",
    "source_publisher",
)
# Query parameters an embed URL may carry (everything else is dropped from oEmbed iframes).
VIEW_PARAMS = ("lat", "lon", "zoom", "bbox", "start", "end", "type", "height")
_LAYER_PATH = re.compile(r"^/(maps|embed)/([^/]+)/?$")


class FormatNotImplemented(ServiceError):
    """oEmbed ``format=xml``: the spec's answer is 501."""

    status = 501
    code = "format_not_implemented"
    default_message = "Only format=json is implemented."


@dataclass(frozen=True, slots=True)
class View:
    """Where the map opens and what it shows first (from the query string)."""

    center: tuple[float, float] | None = None
    zoom: int | None = None
    bbox: BBox | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    types: tuple[str, ...] | None = None  # None: every type
    height: int | None = None

    def filter_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "types": list(self.types) if self.types is not None else None,
        }


def _number(args: Any, name: str) -> float | None:
    text = args.get(name)
    if text is None or text.strip() == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidQuery(f"{name} must be a number.", parameter=name, value=text[:50]) from None
    if not math.isfinite(value):
        raise InvalidQuery(f"{name} must be a finite number.", parameter=name, value=text[:50])
    return value


def _bounded_int(args: Any, name: str, low: int, high: int) -> int | None:
    text = args.get(name)
    if text is None or text.strip() == "":
        return None
    try:
        value = int(text.strip().removesuffix("px"))
    except ValueError:
        raise InvalidQuery(f"{name} must be an integer.", parameter=name, value=text[:50]) from None
    if not low <= value <= high:
        raise InvalidQuery(f"{name} must be between {low} and {high}.", parameter=name, value=value)
    return value


def parse_view(args: Any) -> View:
    """Read ``lat``/``lon``/``zoom``, ``bbox``, ``start``/``end``, ``type``, ``height``."""
    lat, lon = _number(args, "lat"), _number(args, "lon")
    center = None
    if (lat is None) != (lon is None):
        raise InvalidQuery("lat and lon go together: give both or neither.", parameter="lat")
    if lat is not None and lon is not None:
        validate_latlon(lat, lon)
        center = (lat, lon)
    zoom = _bounded_int(args, "zoom", 0, MAX_ZOOM)
    bbox = parse_bbox(args.get("bbox"))
    start = parse_date(args.get("start"), "start")
    end = parse_date(args.get("end"), "end")
    if start and end and start > end:
        raise InvalidQuery("start is after end.", parameter="start/end")
    types: tuple[str, ...] | None = None
    if "type" in args:
        # Present but empty (every box unticked) means "no type", not "every type".
        types = tuple(parse_types(args.getlist("type")) or ())
    height = _bounded_int(args, "height", MIN_HEIGHT, MAX_HEIGHT)
    return View(center, zoom, bbox, start, end, types, height)


def _inline_feature(incident: Incident) -> dict[str, Any]:
    feature = incident.to_feature()
    props = feature["properties"]
    feature["properties"] = {key: props.get(key) for key in INLINE_PROPERTIES}
    return feature


def _static(path: str) -> str:
    return url_for("static", filename=path)


def _map_context(layer: Layer, view: View, *, page: str) -> dict[str, Any]:
    """Everything the map templates need: folium parts, config JSON, inline data."""
    config = current_app.config
    bounds = None
    center, zoom = view.center, view.zoom
    if view.bbox is not None:
        bounds = ((view.bbox[1], view.bbox[0]), (view.bbox[3], view.bbox[2]))
    elif center is None and layer.bbox is not None:
        bounds = ((layer.bbox[1], layer.bbox[0]), (layer.bbox[3], layer.bbox[2]))
    if center is not None and zoom is None:
        zoom = 8
    parts = build_map(
        tile_url=str(config["TILE_URL"]),
        tile_attribution=str(config["TILE_ATTRIBUTION"]),
        static_url=_static,
        center=center,
        zoom=zoom,
        bounds=bounds,
    )
    inline_limit = int(config["INLINE_MARKER_LIMIT"])
    mode = "inline" if layer.count <= inline_limit else "bbox"
    incidents = None
    if mode == "inline":
        store = get_store()
        incidents = {
            "type": "FeatureCollection",
            "features": [_inline_feature(i) for i in store.iter_query(layer.name)],
        }
    fetch_limit = max(1, min(inline_limit, int(config["MAX_LIMIT"])))
    map_config = {
        "page": page,
        "layer": layer.name,
        "title": layer.title or layer.name,
        "mode": mode,
        "total": layer.count,
        "names": parts.names,
        "featuresUrl": url_for("ogc.items", layer=layer.name),
        "layerBbox": list(layer.bbox) if layer.bbox else None,
        "fetchLimit": fetch_limit,
        "outlinesUrl": url_for("pages.outlines"),
        "types": event_type_legend(),
        "otherColor": OTHER_COLOR,
        "areaRadius": {str(k): v for k, v in AREA_RADIUS_M.items()},
        "filter": view.filter_json(),
        "dateRange": {
            "min": layer.min_date.isoformat() if layer.min_date else None,
            "max": layer.max_date.isoformat() if layer.max_date else None,
        },
        "embedUrl": url_for("pages.embed", layer=layer.name, _external=True),
        "mapUrl": url_for("pages.map_page", layer=layer.name, _external=True),
        "embedHeight": view.height or DEFAULT_EMBED_HEIGHT,
        "collapsePanel": page == "embed",
    }
    return {
        "layer": layer,
        "view": view,
        "parts": parts,
        "map_config": map_config,
        "incidents": incidents,
        "mode": mode,
    }


def _links(layer: Layer) -> dict[str, str]:
    return {
        "map": url_for("pages.map_page", layer=layer.name),
        "embed": url_for("pages.embed", layer=layer.name),
        "geojson": url_for("api.layer_geojson", layer=layer.name),
        "csv": url_for("api.layer_csv", layer=layer.name),
        "ogc": url_for("ogc.collection", layer=layer.name),
    }


@bp.get("/")
def index() -> str:
    """Every layer with its count, date range and links."""
    layers = sorted(get_store().list_layers(), key=lambda layer: layer.name)
    rows = [{"layer": layer, "links": _links(layer)} for layer in layers]
    return render_template("pages/index.html", rows=rows)


@bp.get("/maps/<layer>")
def map_page(layer: str) -> str:
    """The full map of one layer."""
    found = get_store().get_layer(layer)
    view = parse_view(request.args)
    context = _map_context(found, view, page="map")
    page_url = url_for("pages.map_page", layer=found.name, _external=True)
    if request.query_string:
        page_url += "?" + request.query_string.decode("utf-8", "replace")
    context["oembed_url"] = url_for("pages.oembed", url=page_url, format="json", _external=True)
    context["links"] = _links(found)
    return render_template("pages/map.html", **context)


@bp.get("/embed/<layer>")
def embed(layer: str) -> str:
    """The map without site chrome, for iframes; no cookies."""
    found = get_store().get_layer(layer)
    view = parse_view(request.args)
    context = _map_context(found, view, page="embed")
    larger = url_for("pages.map_page", layer=found.name)
    kept = [(k, v) for k, v in request.args.items(multi=True) if k in VIEW_PARAMS and k != "height"]
    if kept:
        larger += "?" + urlencode(kept)
    context["larger_url"] = larger
    return render_template("pages/embed.html", **context)


def _positive(args: Any, name: str) -> int | None:
    return _bounded_int(args, name, 1, 100_000)


def iframe_html(src: str, *, width: int, height: int, title: str) -> Markup:
    """A responsive iframe: full container width up to ``width``, fixed ``height``."""
    return Markup(
        '<iframe src="{src}" title="{title}" width="{width}" height="{height}" '
        'style="border:0;width:100%;max-width:{width}px" loading="lazy" allowfullscreen '
        'referrerpolicy="strict-origin-when-cross-origin"></iframe>'
    ).format(src=src, title=title, width=width, height=height)


@bp.get("/oembed")
def oembed() -> Response:
    """oEmbed 1.0 for map and embed URLs of this service (type ``rich``)."""
    args = request.args
    fmt = (args.get("format") or "json").strip().lower()
    if fmt == "xml":
        # Answered here, not raised: a deliberate 501 is not a server failure to log.
        error = FormatNotImplemented()
        response = jsonify(error.to_dict())
        response.status_code = error.status
        return response
    if fmt != "json":
        raise InvalidQuery("format must be json.", parameter="format", value=fmt[:20])
    url = (args.get("url") or "").strip()
    if not url:
        raise InvalidQuery("url is required: the address of a map or embed page.", parameter="url")
    parts = urlsplit(url)
    match = _LAYER_PATH.match(parts.path)
    if (
        parts.scheme not in {"http", "https"}
        or parts.netloc.lower() != request.host.lower()
        or match is None
    ):
        raise NotFound("This URL is not a map of this service.", url=url[:300])
    found = get_store().get_layer(match.group(2))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k in VIEW_PARAMS]
    try:
        view = parse_view(_MultiArgs(query))
    except InvalidQuery as exc:
        raise InvalidQuery(f"The map URL has a bad parameter: {exc.message}") from None
    maxwidth, maxheight = _positive(args, "maxwidth"), _positive(args, "maxheight")
    width = DEFAULT_EMBED_WIDTH if maxwidth is None else min(DEFAULT_EMBED_WIDTH, maxwidth)
    height = view.height or DEFAULT_EMBED_HEIGHT
    if maxheight is not None:
        height = min(height, maxheight)
    query = [(k, v) for k, v in query if k != "height"] + [("height", str(height))]
    src = url_for("pages.embed", layer=found.name, _external=True) + "?" + urlencode(query)
    title = found.title or found.name
    body = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Incident maps",
        "provider_url": url_for("pages.index", _external=True),
        "title": title,
        "html": str(iframe_html(src, width=width, height=height, title=title)),
        "width": width,
        "height": height,
        "cache_age": 3600,
    }
    return jsonify(body)


class _MultiArgs:
    """The little of ``MultiDict`` that ``parse_view`` uses, over a list of pairs."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def get(self, name: str) -> str | None:
        return next((v for k, v in self._pairs if k == name), None)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self._pairs if k == name]

    def __contains__(self, name: object) -> bool:
        return any(k == name for k, _ in self._pairs)


# -- country outlines -----------------------------------------------------------------------

# ~3 km: at the zooms where missing tiles hurt most (country to region) the outline looks exact,
# and the whole world stays near 1 MB. Coordinates are rounded to 0.01 degree (~1 km).
OUTLINE_TOLERANCE_DEG = 0.03
OUTLINE_DECIMALS = 2
_outlines_lock = threading.Lock()
_outlines_cache: dict[tuple[str, float], tuple[bytes, str]] = {}


def _gazetteer_key() -> tuple[str, float]:
    config = current_app.config
    path = config.get("GAZETTEER_PATH") or Path(config["HOME"]) / "gazetteer.sqlite"
    path = Path(path)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return (str(path), mtime)


def build_outlines(gazetteer: Any) -> dict[str, Any]:
    """Simplified country polygons as a GeoJSON FeatureCollection (``country_code``, ``name``)."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    features = []
    for country in gazetteer.countries():
        code = country.country_code
        if not code:
            continue
        shape = gazetteer.country_shape(code)
        if shape is None or shape.is_empty:
            continue
        # Without topology preservation simplification is several times faster; it can empty
        # a tiny island state, which then keeps its shape with the careful (slow) method.
        simple = shape.simplify(OUTLINE_TOLERANCE_DEG, preserve_topology=False)
        if simple.is_empty:
            simple = shape.simplify(OUTLINE_TOLERANCE_DEG / 10, preserve_topology=True)
        simple = shapely.transform(simple, lambda xy: np.round(xy, OUTLINE_DECIMALS))
        if simple.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"country_code": code, "name": country.name},
                "geometry": mapping(simple),
            }
        )
    return {"type": "FeatureCollection", "features": features}


@bp.get("/outlines.geojson")
def outlines() -> Response:
    """Country outlines for offline maps; built once per gazetteer file, then cached."""
    key = _gazetteer_key()
    with _outlines_lock:
        cached = _outlines_cache.get(key)
    if cached is None:
        try:
            doc = build_outlines(get_gazetteer())
        except GazetteerError as exc:
            # A data endpoint: answer JSON (the map simply goes without outlines).
            log.warning("country outlines unavailable: %s", exc.message)
            response = jsonify(exc.to_dict())
            response.status_code = exc.status
            return response
        body = json.dumps(doc, separators=(",", ":")).encode("utf-8")
        cached = (body, hashlib.sha256(body).hexdigest()[:32])
        with _outlines_lock:
            _outlines_cache.clear()
            _outlines_cache[key] = cached
    body, etag = cached
    response = current_app.response_class(body, mimetype="application/geo+json")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)

"""Map pages, embeds, oEmbed and outlines through the Flask test client."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import folium
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from mapapp.incidents.model import Incident
from mapapp.store.base import open_store
from mapapp.web import create_app
from mapapp.web.mapbuilder import build_map
from tests.helpers import assert_error_response, make_incident

HOSTILE = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> '
    "${window.__pwned=3} `whoami` </script>"
)


def incident(
    iid: str, event_type: str, lat: float, lon: float, day: dt.date | None, **overrides: Any
) -> Incident:
    # Kept as a wrapper: every sentence and title here carries this module's HOSTILE text, and
    # these incidents have 2 fatalities and no note when undated.
    return make_incident(
        iid,
        event_type,
        lat,
        lon,
        day,
        sentence=f"Sentence {iid}. {HOSTILE}",
        title=f"Title {iid} {HOSTILE}",
        **{"fatalities": 2, "undated_note": None, **overrides},
    )


SMALL = [
    incident("s1", "Battles", 36.2021, 37.1343, dt.date(2024, 11, 10)),
    incident("s2", "Protests", 33.8938, 35.5018, dt.date(2024, 10, 26), lower_bound=True),
    incident("s3", "Explosions/Remote violence", 33.5020, 36.2510, dt.date(2024, 11, 14)),
    incident("s4", "Battles", 35.0, 38.5, dt.date(2024, 9, 1), precision=3, place="Syria"),
]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = str(tmp_path / "incidents.sqlite")
    with open_store(url) as store:
        store.ensure_layer("syria", title=f"Syria {HOSTILE}", description=f"About {HOSTILE}")
        for item in SMALL:
            store.add(item)
        store.ensure_layer("empty", title="Nothing yet")
    return url


def make_app(tmp_path: Path, store_url: str, **overrides):
    config = {"TESTING": True, "HOME": str(tmp_path), "STORE_URL": store_url}
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def client(tmp_path: Path, store_url: str):
    return make_app(tmp_path, store_url).test_client()


def scripts(html: str) -> tuple[list[str], list[str]]:
    """(executable inline script bodies, JSON data block bodies)."""
    tree = HTMLParser(html)
    code, data = [], []
    for node in tree.css("script"):
        kind = node.attributes.get("type")
        if kind == "application/json":
            data.append(node.text(deep=True))
        elif node.attributes.get("src") is None:
            code.append(node.text(deep=True))
    return code, data


def map_config(html: str) -> dict:
    node = HTMLParser(html).css_first("script#mapapp-config")
    assert node is not None
    return json.loads(node.text(deep=True))


# -- index -----------------------------------------------------------------------------------


def test_index_lists_layers_with_counts_dates_and_links(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tree = HTMLParser(html)
    rows = tree.css("table.layers-table tbody tr")
    assert len(rows) == 2
    syria = next(r for r in rows if "/maps/syria" in r.html)
    cells = [c.text(deep=True).strip() for c in syria.css("td")]
    assert cells[1] == "4"
    assert cells[2] == "2024-09-01 – 2024-11-14"
    hrefs = {a.attributes["href"] for a in syria.css("a")}
    assert {
        "/maps/syria",
        "/embed/syria",
        "/layers/syria.geojson",
        "/layers/syria.csv",
        "/ogc/collections/syria",
    } <= hrefs
    # The hostile title and description are text, not markup.
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "Syria " + HOSTILE in syria.text(deep=True)


def test_index_without_layers_explains_how_to_add_one(tmp_path: Path) -> None:
    app = make_app(tmp_path, str(tmp_path / "none.sqlite"))
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert "There are no layers yet" in response.get_data(as_text=True)


# -- map page --------------------------------------------------------------------------------


def test_map_page_uses_only_vendored_assets_and_nonced_scripts(client) -> None:
    response = client.get("/maps/syria")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    tree = HTMLParser(html)
    for node in tree.css("script"):
        assert node.attributes.get("nonce") == nonce
        src = node.attributes.get("src")
        if src is not None:
            assert src.startswith("/static/"), src
    for node in tree.css("link[rel=stylesheet]"):
        assert node.attributes["href"].startswith("/static/"), node.attributes["href"]
    for node in tree.css("style"):
        assert node.attributes.get("nonce") == nonce
    # No CDN anywhere: folium's defaults (jsdelivr, cdnjs, jQuery, Bootstrap) are replaced.
    for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "bootstrapcdn"):
        assert cdn not in html
    for asset in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/markercluster/leaflet.markercluster.js",
        "/static/vendor/fullscreen/Control.FullScreen.umd.js",
        "/static/js/incidentmap.js",
    ):
        assert f'src="{asset}"' in html
        assert client.get(asset).status_code == 200


def test_map_page_passes_hostile_text_only_as_escaped_json(client) -> None:
    html = client.get("/maps/syria").get_data(as_text=True)
    code, data = scripts(html)
    # Incident text never enters executable script...
    for body in code:
        assert "Sentence s1" not in body
        assert "__pwned" not in body
    # ...and the raw markup never appears anywhere in the page.
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "</script>" not in "".join(data)
    incidents = json.loads(HTMLParser(html).css_first("script#mapapp-incidents").text(deep=True))
    by_id = {f["id"]: f for f in incidents["features"]}
    assert set(by_id) == {"s1", "s2", "s3", "s4"}
    props = by_id["s1"]["properties"]
    assert props["sentences"] == [f"Sentence s1. {HOSTILE}"]
    assert props["source_title"] == f"Title s1 {HOSTILE}"
    assert props["source_url"] == "https://news.example/s1"
    assert by_id["s2"]["properties"]["fatalities_lower_bound"] is True
    assert by_id["s4"]["properties"]["geo_precision"] == 3
    assert by_id["s1"]["geometry"]["coordinates"] == [37.1343, 36.2021]


def test_map_page_config_links_data_outlines_and_embed(client) -> None:
    html = client.get("/maps/syria").get_data(as_text=True)
    config = map_config(html)
    assert config["mode"] == "inline"
    assert config["total"] == 4
    assert config["featuresUrl"] == "/ogc/collections/syria/items"
    assert config["outlinesUrl"] == "/outlines.geojson"
    assert config["embedUrl"] == "http://localhost/embed/syria"
    assert config["dateRange"] == {"min": "2024-09-01", "max": "2024-11-14"}
    assert [t["name"] for t in config["types"]][:2] == ["Battles", "Explosions/Remote violence"]
    # The JS looks the folium objects up by these names: they must be in the folium script.
    code, _ = scripts(html)
    folium_script = next(body for body in code if "L.map(" in body)
    for name in config["names"].values():
        assert f"var {name} =" in folium_script
    assert "L.markerClusterGroup(" in folium_script
    assert "new L.Control.FullScreen(" in folium_script
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in folium_script
    assert "GeoNames" in folium_script and "CC BY 4.0" in folium_script
    # The embed box and the oEmbed discovery link.
    tree = HTMLParser(html)
    assert tree.css_first("textarea#embed-code") is not None
    link = tree.css_first('link[rel=alternate][type="application/json+oembed"]')
    target = urlsplit(link.attributes["href"])
    assert target.path == "/oembed"
    assert parse_qs(target.query) == {"url": ["http://localhost/maps/syria"], "format": ["json"]}


def test_map_page_tile_url_and_attribution_come_from_configuration(
    tmp_path: Path, store_url: str
) -> None:
    app = make_app(
        tmp_path,
        store_url,
        TILE_URL="https://tiles.intranet.example/{z}/{x}/{y}.png",
        TILE_ATTRIBUTION="Intranet tiles",
    )
    html = app.test_client().get("/maps/syria").get_data(as_text=True)
    assert "https://tiles.intranet.example/{z}/{x}/{y}.png" in html
    assert "Intranet tiles" in html
    assert "tile.openstreetmap.org" not in html


def test_view_parameters_set_centre_zoom_bbox_and_filters(client) -> None:
    html = client.get("/maps/syria?lat=33.5&lon=36.3&zoom=9").get_data(as_text=True)
    assert "center: [33.5, 36.3]" in html
    assert '"zoom": 9' in html
    html = client.get("/maps/syria?bbox=35,32,39,37").get_data(as_text=True)
    assert "fitBounds([[32.0, 35.0], [37.0, 39.0]]" in html
    html = client.get(
        "/maps/syria?start=2024-10-01&end=2024-11-30&type=Battles&type=Protests"
    ).get_data(as_text=True)
    assert map_config(html)["filter"] == {
        "start": "2024-10-01",
        "end": "2024-11-30",
        "types": ["Battles", "Protests"],
    }
    # Without a view the map fits the layer's extent.
    assert "fitBounds(" in client.get("/maps/syria").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=10,50,0,40", "bbox"),
        ("lat=95&lon=10", "90"),
        ("lat=10", "lat and lon"),
        ("lat=abc&lon=1", "lat"),
        ("zoom=30", "zoom"),
        ("start=2024-12-01&end=2024-01-01", "start"),
        ("start=yesterday", "start"),
        ("type=Picnics", "Picnics"),
        ("height=20", "height"),
    ],
)
def test_bad_view_parameters_are_400_with_the_reason(client, query: str, word: str) -> None:
    for page in ("maps", "embed"):
        response = client.get(f"/{page}/syria?{query}")
        assert response.status_code == 400, (page, query)
        assert response.mimetype == "text/html"
        assert word in response.get_data(as_text=True)


def test_unknown_layer_is_a_friendly_404_page(client) -> None:
    for path in ("/maps/nope", "/embed/nope"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        assert "list of layers" in response.get_data(as_text=True)


def test_empty_layer_page_renders(client) -> None:
    response = client.get("/maps/empty")
    assert response.status_code == 200
    incidents = HTMLParser(response.get_data(as_text=True)).css_first("script#mapapp-incidents")
    assert json.loads(incidents.text(deep=True))["features"] == []


# -- embed -----------------------------------------------------------------------------------


def test_embed_has_no_chrome_no_cookie_and_may_be_framed(client) -> None:
    client.set_cookie("session", "abc")
    response = client.get("/embed/syria?lat=33.5&lon=36.3&zoom=7&height=420")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    tree = HTMLParser(html)
    assert tree.css_first("header.site-header") is None
    assert tree.css_first("textarea#embed-code") is None
    assert tree.css_first("div.embed-map div.folium-map") is not None
    style = tree.css_first("style").text(deep=True)
    assert ".embed-map { height: 420px; }" in style
    larger = tree.css_first("a.embed-larger").attributes
    assert larger["href"] == "/maps/syria?lat=33.5&lon=36.3&zoom=7"
    assert larger["rel"] == "noopener"
    assert map_config(html)["page"] == "embed"
    # The full map page, by contrast, refuses to be framed.
    assert client.get("/maps/syria").headers["X-Frame-Options"] == "DENY"


def test_embed_frame_ancestors_follow_configuration(tmp_path: Path, store_url: str) -> None:
    app = make_app(tmp_path, store_url, FRAME_ANCESTORS="https://news.example")
    response = app.test_client().get("/embed/syria")
    assert "frame-ancestors https://news.example" in response.headers["Content-Security-Policy"]


def test_embed_filters_reach_the_map(client) -> None:
    html = client.get("/embed/syria?start=2024-11-01&type=Battles").get_data(as_text=True)
    assert map_config(html)["filter"] == {"start": "2024-11-01", "end": "", "types": ["Battles"]}


# -- oEmbed ----------------------------------------------------------------------------------


def oembed(client, url: str, **params: str):
    query = "&".join([f"url={quote(url, safe='')}"] + [f"{k}={v}" for k, v in params.items()])
    return client.get(f"/oembed?{query}")


def test_oembed_answers_rich_iframe_for_a_map_url(client) -> None:
    response = oembed(client, "http://localhost/maps/syria?lat=33.5&lon=36.3&zoom=7&foo=bar")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers
    body = response.get_json()
    assert body["version"] == "1.0"
    assert body["type"] == "rich"
    assert body["width"] == 800 and body["height"] == 500
    assert body["title"] == f"Syria {HOSTILE}"
    frame = HTMLParser(body["html"]).css_first("iframe")
    src = urlsplit(frame.attributes["src"])
    assert (src.scheme, src.netloc, src.path) == ("http", "localhost", "/embed/syria")
    assert parse_qs(src.query) == {
        "lat": ["33.5"],
        "lon": ["36.3"],
        "zoom": ["7"],
        "height": ["500"],
    }
    assert frame.attributes["height"] == "500"
    assert frame.attributes["title"] == f"Syria {HOSTILE}"
    assert "<script>" not in body["html"]
    # The iframe it returns is itself a working page.
    assert client.get(src.path + "?" + src.query).status_code == 200


def test_oembed_respects_maxwidth_maxheight_and_embed_urls(client) -> None:
    body = oembed(
        client,
        "http://localhost/embed/syria?height=700&type=Battles",
        maxwidth="400",
        maxheight="300",
    ).get_json()
    assert (body["width"], body["height"]) == (400, 300)
    src = HTMLParser(body["html"]).css_first("iframe").attributes["src"]
    assert parse_qs(urlsplit(src).query) == {"type": ["Battles"], "height": ["300"]}
    assert "max-width:400px" in body["html"]


def test_oembed_errors(client) -> None:
    assert_error_response(oembed(client, "http://localhost/maps/nope"), 404, "unknown_layer")
    assert_error_response(oembed(client, "http://elsewhere.example/maps/syria"), 404)
    assert_error_response(oembed(client, "http://localhost/ogc/collections/syria"), 404)
    assert_error_response(oembed(client, "javascript:alert(1)//localhost/maps/syria"), 404)
    assert_error_response(oembed(client, "http://localhost/maps/syria", format="xml"), 501)
    assert_error_response(oembed(client, "http://localhost/maps/syria", format="yaml"), 400)
    assert_error_response(oembed(client, "http://localhost/maps/syria", maxwidth="-3"), 400)
    assert_error_response(oembed(client, "http://localhost/maps/syria?zoom=99"), 400)
    assert_error_response(client.get("/oembed"), 400)


# -- large layers ----------------------------------------------------------------------------


def test_large_layer_page_loads_by_bbox_and_stays_small(tmp_path: Path) -> None:
    url = str(tmp_path / "big.sqlite")
    with open_store(url) as store:
        store.ensure_layer("big")
        store.add_many(
            incident(
                f"b{i}",
                "Battles" if i % 2 else "Protests",
                30 + (i % 100) * 0.05,
                35 + (i // 100) * 0.05,
                dt.date(2024, 1, 1) + dt.timedelta(days=i % 300),
                layer="big",
            )
            for i in range(3000)
        )
        store.ensure_layer("small")
        store.add_many(incident(f"m{i}", "Riots", 10, 10, None, layer="small") for i in range(20))
    app = make_app(tmp_path, url, INLINE_MARKER_LIMIT=20)
    client = app.test_client()

    big = client.get("/maps/big").get_data(as_text=True)
    small = client.get("/maps/small").get_data(as_text=True)
    assert map_config(small)["mode"] == "inline"  # at the limit: still inline
    config = map_config(big)
    assert config["mode"] == "bbox"
    assert config["fetchLimit"] == 20
    assert HTMLParser(big).css_first("script#mapapp-incidents") is None
    assert "Sentence b1" not in big
    assert len(big.encode()) < 40_000  # the page does not grow with the layer
    assert "loads the incidents of the area in view" in big

    # What the page's script asks for: the features of the view, at most fetchLimit of them.
    response = client.get(
        config["featuresUrl"] + "?f=json&bbox=35,30,36,31&limit=20&type=Battles"
        "&datetime=2024-02-01/.."
    )
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["numberReturned"] == 20
    assert doc["numberMatched"] > 20
    for feature in doc["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 35 <= lon <= 36 and 30 <= lat <= 31
        assert feature["properties"]["event_type"] == "Battles"
        assert feature["properties"]["event_date"] >= "2024-02-01"


# -- outlines --------------------------------------------------------------------------------


def test_outlines_are_simplified_cached_country_shapes(
    tmp_path: Path, store_url: str, full_gazetteer_path: Path
) -> None:
    app = make_app(tmp_path, store_url, GAZETTEER_PATH=str(full_gazetteer_path))
    client = app.test_client()
    response = client.get("/outlines.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert "public" in response.headers["Cache-Control"]
    doc = response.get_json()
    assert doc["type"] == "FeatureCollection"
    codes = {f["properties"]["country_code"] for f in doc["features"]}
    assert {"SY", "LB", "FR", "BR", "AU"} <= codes
    assert len(codes) > 150
    syria = next(f for f in doc["features"] if f["id"] == "SY")
    assert syria["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert len(response.data) < 3_000_000  # simplified: small enough for a page load
    again = client.get("/outlines.geojson", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_outlines_without_a_gazetteer_is_a_json_503(tmp_path: Path, store_url: str) -> None:
    app = make_app(tmp_path, store_url, GAZETTEER_PATH=str(tmp_path / "missing.sqlite"))
    response = app.test_client().get("/outlines.geojson")
    assert_error_response(response, 503)
    # The map page itself does not depend on it.
    assert app.test_client().get("/maps/syria").status_code == 200


# -- map builder -----------------------------------------------------------------------------


def test_build_map_never_touches_folium_defaults() -> None:
    before = list(folium.Map.default_js)
    parts = build_map(
        tile_url="https://t.example/{z}/{x}/{y}.png",
        tile_attribution="T",
        static_url=lambda path: "/static/" + path,
    )
    assert all(url.startswith("/static/vendor/") for url in parts.js + parts.css)
    assert folium.Map.default_js == before
    assert set(parts.names) == {"map", "outlines", "areas", "cluster"}
    assert 'class="folium-map"' in parts.html

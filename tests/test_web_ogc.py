"""OGC API - Features: JSON and HTML through the test client, and OWSLib against a live server."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import make_server

from mapapp.store.base import open_store
from tests import web_fixtures
from tests.helpers import assert_error_response
from tests.web_fixtures import make_app, make_incident

store_url = web_fixtures.store_url
app = web_fixtures.app
client = web_fixtures.client

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"


def rels(doc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for link in doc["links"]:
        out.setdefault(link["rel"], []).append(link)
    return out


def test_landing_page_links(client) -> None:
    response = client.get("/ogc/")
    assert response.status_code == 200 and response.mimetype == "application/json"
    links = rels(response.get_json())
    assert {"self", "alternate", "service-desc", "conformance", "data"} <= set(links)
    assert links["conformance"][0]["href"].startswith("http://localhost/ogc/conformance")
    assert links["service-desc"][0]["type"] == "application/vnd.oai.openapi+json;version=3.0"


def test_conformance_and_openapi(client) -> None:
    classes = client.get("/ogc/conformance").get_json()["conformsTo"]
    assert CORE in classes
    assert any(c.endswith("/geojson") for c in classes) and any(
        c.endswith("/html") for c in classes
    )
    api = client.get("/ogc/api")
    assert api.mimetype == "application/vnd.oai.openapi+json"
    doc = api.get_json(force=True)
    assert doc["openapi"].startswith("3.0")
    assert "/collections/{collectionId}/items" in doc["paths"]


def test_collections_and_collection_extent(client) -> None:
    doc = client.get("/ogc/collections").get_json()
    by_id = {c["id"]: c for c in doc["collections"]}
    assert set(by_id) == {"syria", "empty"}
    syria = client.get("/ogc/collections/syria").get_json()
    assert syria["itemType"] == "feature"
    assert syria["extent"]["spatial"]["bbox"][0] == pytest.approx(
        [34.4668, 31.5017, 37.1343, 36.2021]
    )
    assert syria["extent"]["temporal"]["interval"] == [
        ["2024-10-01T00:00:00Z", "2024-11-14T23:59:59Z"]
    ]
    items = [link for link in syria["links"] if link["rel"] == "items"]
    assert {link["type"] for link in items} == {"application/geo+json", "text/html"}
    empty = client.get("/ogc/collections/empty").get_json()
    assert empty["extent"]["temporal"]["interval"] == [[None, None]]


def test_unknown_collection_is_404_json_and_html(client) -> None:
    assert_error_response(client.get("/ogc/collections/nowhere"), 404, "unknown_layer")
    assert_error_response(client.get("/ogc/collections/nowhere/items"), 404, "unknown_layer")
    html = client.get("/ogc/collections/%3Cimg%20src=x%20onerror=alert(1)%3E?f=html")
    assert html.status_code == 404 and html.mimetype == "text/html"
    text = html.get_data(as_text=True)
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_items_paging_links_and_counts(client) -> None:
    response = client.get("/ogc/collections/syria/items?limit=2")
    assert response.mimetype == "application/geo+json"
    page = response.get_json()
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == 5 and page["numberReturned"] == 2
    assert dt.datetime.fromisoformat(page["timeStamp"].replace("Z", "+00:00"))
    links = rels(page)
    assert "prev" not in links
    seen = [f["id"] for f in page["features"]]
    while "next" in links:
        nxt = urlsplit(links["next"][0]["href"])
        page = client.get(f"{nxt.path}?{nxt.query}").get_json()
        seen += [f["id"] for f in page["features"]]
        links = rels(page)
    assert sorted(seen) == ["a1", "a2", "a3", "a4", "a5"]  # every item exactly once
    assert page["numberReturned"] == 1
    prev = parse_qs(urlsplit(links["prev"][0]["href"]).query)
    assert prev["offset"] == ["2"] and prev["limit"] == ["2"]


def test_items_order_is_newest_first(client) -> None:
    features = client.get("/ogc/collections/syria/items").get_json()["features"]
    dates = [f["properties"]["event_date"] for f in features if f["properties"]["event_date"]]
    assert dates == sorted(dates, reverse=True)


def test_items_limit_default_and_clamp(tmp_path, store_url: str) -> None:
    c = make_app(tmp_path, store_url, DEFAULT_LIMIT=2, MAX_LIMIT=3).test_client()
    assert c.get("/ogc/collections/syria/items").get_json()["numberReturned"] == 2
    clamped = c.get("/ogc/collections/syria/items?limit=1000").get_json()
    assert clamped["numberReturned"] == 3  # clamped to MAX_LIMIT, not an error
    assert "limit=3" in rels(clamped)["next"][0]["href"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bbox=35.9,33.0,36.5,34.0", {"a1", "a5"}),
        ("bbox=35.9,33.0,0,36.5,34.0,100", {"a1", "a5"}),
        ("datetime=2024-11-14", {"a1"}),
        ("datetime=2024-11-14T08:30:00Z", {"a1"}),
        ("datetime=2024-10-26/2024-11-10", {"a2", "a3"}),
        ("datetime=../2024-10-26", {"a3", "a4"}),
        ("datetime=2024-11-01/..", {"a1", "a2"}),
        ("datetime=2024-11-01/", {"a1", "a2"}),
        ("datetime=../..", {"a1", "a2", "a3", "a4", "a5"}),
        ("type=Battles,Protests", {"a2", "a3"}),
        ("type=Battles&type=Protests&datetime=2024-11-01/..", {"a2"}),
        ("bbox=30,30,40,40&datetime=2024-10-01/2024-10-31&type=Violence+against+civilians", {"a4"}),
    ],
)
def test_items_filters(client, query: str, expected: set[str]) -> None:
    response = client.get(f"/ogc/collections/syria/items?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_json()
    assert {f["id"] for f in page["features"]} == expected
    assert page["numberMatched"] == len(expected)


def test_items_antimeridian_bbox(client, store_url: str) -> None:
    with open_store(store_url) as store:
        store.ensure_layer("pacific")
        store.add(
            make_incident("fiji", "Protests", -18.1, 178.4, dt.date(2024, 1, 1), layer="pacific")
        )
        store.add(
            make_incident("samoa", "Protests", -13.8, -171.8, dt.date(2024, 1, 2), layer="pacific")
        )
        store.add(
            make_incident("perth", "Protests", -31.9, 115.9, dt.date(2024, 1, 3), layer="pacific")
        )
    page = client.get("/ogc/collections/pacific/items?bbox=170,-30,-165,0").get_json()
    assert {f["id"] for f in page["features"]} == {"fiji", "samoa"}


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("bbox=1,2,3", "four"),
        ("bbox=0,0,200,10", "longitudes"),
        ("datetime=last-week", "RFC 3339"),
        ("datetime=2024-11-10/2024-11-01", "after its end"),
        ("datetime=2024-01-01/2024-02-01/2024-03-01", "interval"),
        ("limit=0", "at least 1"),
        ("limit=ten", "integer"),
        ("offset=-1", "at least 0"),
        ("type=Skirmish", "Unknown event type"),
        ("f=xml", "json or html"),
        ("colour=red", "Unknown query parameter"),
        ("bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857", "CRS84"),
    ],
)
def test_items_bad_parameters_are_400(client, query: str, fragment: str) -> None:
    body = assert_error_response(
        client.get(f"/ogc/collections/syria/items?{query}"), 400, "invalid_query"
    )
    assert fragment in body["message"]


def test_single_item(client) -> None:
    response = client.get("/ogc/collections/syria/items/a3")
    assert response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["id"] == "a3" and feature["geometry"]["coordinates"] == [35.5018, 33.8938]
    assert {"self", "alternate", "collection"} <= set(rels(feature))
    assert_error_response(client.get("/ogc/collections/syria/items/nope"), 404, "unknown_incident")


def test_items_etag_304(client) -> None:
    first = client.get("/ogc/collections/syria/items?limit=2")
    again = client.get(
        "/ogc/collections/syria/items?limit=2", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    other = client.get(
        "/ogc/collections/syria/items?limit=3", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert other.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/ogc/",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/syria",
        "/ogc/collections/syria/items",
        "/ogc/collections/syria/items/a1",
    ],
)
def test_html_by_f_and_by_accept(client, path: str) -> None:
    by_f = client.get(path + "?f=html")
    assert by_f.status_code == 200 and by_f.mimetype == "text/html"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    by_accept = client.get(path, headers={"Accept": browser})
    assert by_accept.mimetype == "text/html"
    assert client.get(path, headers={"Accept": "application/geo+json"}).mimetype != "text/html"
    assert client.get(path + "?f=json", headers={"Accept": browser}).mimetype != "text/html"


def test_html_escapes_hostile_article_text(client) -> None:
    for path in ["/ogc/collections/syria/items?f=html", "/ogc/collections/syria/items/a1?f=html"]:
        text = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_html_items_page_has_paging_links(client) -> None:
    text = client.get("/ogc/collections/syria/items?f=html&limit=2&offset=2").get_data(as_text=True)
    assert 'rel="next"' in text and 'rel="prev"' in text
    assert "3–4" in text


# -- a real client against a live server ------------------------------------------------------


@pytest.fixture
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/ogc/"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_owslib_reads_the_api(live_url: str) -> None:
    from owslib.ogcapi.features import Features

    api = Features(live_url)
    assert CORE in api.conformance()["conformsTo"]
    assert "/collections/{collectionId}/items/{featureId}" in api.api()["paths"]
    assert set(api.feature_collections()) == {"syria", "empty"}
    collection = api.collection("syria")
    assert collection["id"] == "syria" and collection["title"] == "Syria 2024"

    items = api.collection_items("syria", bbox=[35.9, 33.0, 36.5, 34.0], limit=1)
    assert items["numberMatched"] == 2 and items["numberReturned"] == 1
    assert items["features"][0]["id"] in {"a1", "a5"}
    rest = api.collection_items("syria", bbox=[35.9, 33.0, 36.5, 34.0], limit=1, offset=1)
    assert {items["features"][0]["id"], rest["features"][0]["id"]} == {"a1", "a5"}

    dated = api.collection_items("syria", datetime_="2024-10-01/2024-10-31")
    assert {f["id"] for f in dated["features"]} == {"a3", "a4"}

    feature = api.collection_item("syria", "a2")
    assert feature["id"] == "a2"
    assert feature["geometry"]["coordinates"] == [37.1343, 36.2021]
    assert feature["properties"]["event_type"] == "Battles"

    with pytest.raises(RuntimeError, match="unknown_layer"):
        api.collection_items("nowhere")


def test_items_and_download_validate_as_geojson(client) -> None:
    import geojson_validator

    for path in ["/ogc/collections/syria/items?limit=3", "/layers/syria.geojson"]:
        doc = json.loads(client.get(path).get_data())
        assert geojson_validator.validate_structure(doc, check_crs=True) == {}, path
    feature = client.get("/ogc/collections/syria/items/a1").get_json()
    assert geojson_validator.validate_structure(feature, check_crs=True) == {}

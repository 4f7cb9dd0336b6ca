"""Data API: layers, incidents, downloads, geoparse, ingest and corrections (Flask test client)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from mapapp.store.base import open_store
from mapapp.web import create_app
from tests import web_fixtures
from tests.helpers import assert_error_response
from tests.web_fixtures import HOSTILE, TOKEN, auth, make_app, make_incident

store_url = web_fixtures.store_url
app = web_fixtures.app
client = web_fixtures.client


# -- layers and incidents -------------------------------------------------------------------


def test_list_layers_has_counts_date_ranges_and_links(client) -> None:
    response = client.get("/api/layers")
    assert response.status_code == 200
    layers = {layer["name"]: layer for layer in response.get_json()["layers"]}
    assert set(layers) == {"syria", "empty"}
    syria = layers["syria"]
    assert syria["title"] == "Syria 2024"
    assert syria["count"] == 5
    assert (syria["min_date"], syria["max_date"]) == ("2024-10-01", "2024-11-14")
    assert syria["bbox"] == pytest.approx([34.4668, 31.5017, 37.1343, 36.2021])
    assert syria["links"]["geojson"] == "/layers/syria.geojson"
    assert layers["empty"]["count"] == 0 and layers["empty"]["min_date"] is None


def test_get_layer_and_unknown_layer(client) -> None:
    assert client.get("/api/layers/syria").get_json()["count"] == 5
    body = assert_error_response(client.get("/api/layers/nowhere"), 404, "unknown_layer")
    assert "nowhere" in body["message"]


def test_get_incident_is_a_geojson_feature(client) -> None:
    response = client.get("/api/layers/syria/incidents/a1")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["type"] == "Feature" and feature["id"] == "a1"
    assert feature["geometry"]["coordinates"] == [36.251, 33.502]  # [lon, lat]
    assert feature["properties"]["event_type"] == "Explosions/Remote violence"
    assert HOSTILE in feature["properties"]["source_title"]  # data is kept verbatim in JSON


def test_unknown_incident_is_404(client) -> None:
    assert_error_response(client.get("/api/layers/syria/incidents/zzz"), 404, "unknown_incident")
    assert_error_response(client.get("/api/layers/nope/incidents/a1"), 404)


# -- downloads -----------------------------------------------------------------------------


def ids(collection: dict) -> set[str]:
    return {feature["id"] for feature in collection["features"]}


def test_geojson_download_is_rfc7946_attachment(client) -> None:
    response = client.get("/layers/syria.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="syria.geojson"'
    doc = json.loads(response.get_data())
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert ids(doc) == {"a1", "a2", "a3", "a4", "a5"}
    for feature in doc["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    mazzeh = next(f for f in doc["features"] if f["id"] == "a1")
    assert mazzeh["geometry"]["coordinates"] == [36.251, 33.502]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bbox=35.9,33.0,36.5,34.0", {"a1", "a5"}),
        ("start=2024-11-01", {"a1", "a2"}),
        ("end=2024-10-26", {"a3", "a4"}),
        ("start=2024-10-02&end=2024-11-10", {"a2", "a3"}),
        ("type=Protests", {"a3"}),
        ("type=Protests&type=Battles", {"a2", "a3"}),
        ("type=Protests,Battles", {"a2", "a3"}),
        ("type=Explosions/Remote+violence&bbox=30,30,40,40&start=2024-11-01", {"a1"}),
    ],
)
def test_geojson_download_filters(client, query: str, expected: set[str]) -> None:
    response = client.get(f"/layers/syria.geojson?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert ids(json.loads(response.get_data())) == expected


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("bbox=1,2,3", "four comma-separated"),
        ("bbox=a,b,c,d", "numbers"),
        ("bbox=0,95,10,96", "latitudes"),
        ("bbox=0,10,10,5", "minimum latitude"),
        ("bbox=nan,1,2,3", "finite"),
        ("start=yesterday", "RFC 3339"),
        ("start=2024-11-10&end=2024-11-01", "after its end"),
        ("type=Skirmish", "Unknown event type"),
    ],
)
def test_download_bad_filters_are_400_with_reason(client, query: str, fragment: str) -> None:
    body = assert_error_response(client.get(f"/layers/syria.geojson?{query}"), 400, "invalid_query")
    assert fragment in body["message"]


def test_download_unknown_layer_is_json_404(client) -> None:
    assert_error_response(client.get("/layers/nowhere.geojson"), 404, "unknown_layer")
    assert_error_response(client.get("/layers/nowhere.csv"), 404, "unknown_layer")


def test_csv_download(client) -> None:
    response = client.get("/layers/syria.csv?type=Battles,Protests")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="syria.csv"'
    text = response.get_data(as_text=True)
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert {r["event_type"] for r in rows} == {"Battles", "Protests"}


def test_download_over_max_features_is_refused_not_truncated(
    tmp_path: Path, store_url: str
) -> None:
    app = create_app(
        {"TESTING": True, "HOME": str(tmp_path), "STORE_URL": store_url, "MAX_FEATURES": 3}
    )
    client = app.test_client()
    body = assert_error_response(client.get("/layers/syria.geojson"), 400, "invalid_query")
    assert body["details"] == {"matched": 5, "max_features": 3}
    assert client.get("/layers/syria.geojson?start=2024-11-01").status_code == 200


def test_download_etag_304_and_invalidation_on_write(client, store_url: str) -> None:
    first = client.get("/layers/syria.geojson")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Last-Modified"]
    again = client.get("/layers/syria.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    # A filtered download is another representation with another validator.
    assert client.get("/layers/syria.geojson?type=Battles").headers["ETag"] != etag
    with open_store(store_url) as store:
        store.add(make_incident("a6", "Riots", 35.0, 36.0, dt.date(2024, 11, 20)))
    changed = client.get("/layers/syria.geojson", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "a6" in ids(json.loads(changed.get_data()))


def test_download_gzip_when_accepted(client) -> None:
    plain = client.get("/layers/syria.geojson").get_data()
    response = client.get("/layers/syria.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.get_data()) == plain


# -- ingest and corrections ----------------------------------------------------------------

ARTICLE = {
    "text": (
        "DAMASCUS, Nov 14 (Reuters) - Israeli airstrikes hit two residential buildings in Mazzeh, "
        "a suburb of Damascus, on Thursday; several people were killed."
    ),
    "url": "https://news.example/damascus-strikes",
    "title": "Strikes hit Damascus suburb <script>alert(1)</script>",
    "published": "2024-11-14",
    "publisher": "Example News",
}


def test_ingest_without_configured_token_is_403(tmp_path: Path, store_url: str) -> None:
    app = create_app({"TESTING": True, "HOME": str(tmp_path), "STORE_URL": store_url})
    response = app.test_client().post("/api/layers/syria/articles", json=ARTICLE, headers=auth())
    body = assert_error_response(response, 403, "forbidden")
    assert "disabled" in body["message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic abc"}, auth("wrong"), auth("")])
def test_ingest_without_valid_token_is_401(client, headers: dict[str, str]) -> None:
    response = client.post("/api/layers/syria/articles", json=ARTICLE, headers=headers)
    assert_error_response(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_ingest_bad_bodies(client) -> None:
    post = client.post
    url = "/api/layers/syria/articles"
    body = assert_error_response(
        post(url, data='{"text": "x",', content_type="application/json", headers=auth()), 400
    )
    assert "Malformed JSON" in body["message"]
    assert_error_response(post(url, json=["not", "an", "object"], headers=auth()), 400)
    assert_error_response(post(url, json={"text": "  "}, headers=auth()), 400, "invalid_article")
    assert_error_response(post(url, json={**ARTICLE, "extra": 1}, headers=auth()), 400)
    assert_error_response(post(url, json={**ARTICLE, "published": "soon"}, headers=auth()), 400)
    assert_error_response(post(url, json={**ARTICLE, "title": 5}, headers=auth()), 400)
    assert_error_response(post(url, data="text", content_type="text/plain", headers=auth()), 400)
    assert_error_response(
        post("/api/layers/bad%20name!/articles", json=ARTICLE, headers=auth()), 400
    )
    big = {**ARTICLE, "text": "word " * 20_000}
    body = assert_error_response(post(url, json=big, headers=auth()), 413, "payload_too_large")
    assert "50000" in body["message"]


def test_ingest_article_then_idempotent(mapapp_home: Path, full_gazetteer_path: Path) -> None:
    store_url = str(mapapp_home / "incidents.sqlite")
    app = create_app(
        {"TESTING": True, "HOME": str(mapapp_home), "STORE_URL": store_url, "API_TOKEN": TOKEN}
    )
    client = app.test_client()
    first = client.post("/api/layers/news/articles", json=ARTICLE, headers=auth())
    assert first.status_code == 201, first.get_data(as_text=True)
    result = first.get_json()
    assert result["status"] == "added" and result["incidents"] >= 1
    items = client.get("/ogc/collections/news/items").get_json()
    assert items["numberMatched"] == result["incidents"]
    places = {f["properties"]["location"] for f in items["features"]}
    assert "Mazzeh" in places
    second = client.post("/api/layers/news/articles", json=ARTICLE, headers=auth())
    assert second.status_code == 200
    assert second.get_json()["status"] == "unchanged"
    assert (
        client.get("/ogc/collections/news/items").get_json()["numberMatched"] == result["incidents"]
    )


def test_patch_correction_requires_token_and_marks_reviewed(client) -> None:
    url = "/api/layers/syria/incidents/a2"
    assert_error_response(client.patch(url, json={"event_type": "Riots"}), 401)
    response = client.patch(
        url, json={"event_type": "Riots", "lat": 36.0, "lon": 37.0}, headers=auth()
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    feature = response.get_json()
    assert feature["properties"]["event_type"] == "Riots"
    assert feature["properties"]["reviewed"] is True
    assert feature["geometry"]["coordinates"] == [37.0, 36.0]
    stored = client.get(url).get_json()
    assert stored["properties"]["event_type"] == "Riots"
    assert_error_response(client.patch(url, json={"id": "x"}, headers=auth()), 400)
    assert_error_response(client.patch(url, json={"lat": 123}, headers=auth()), 400)
    assert_error_response(client.patch(url, json={}, headers=auth()), 400)
    assert_error_response(
        client.patch("/api/layers/syria/incidents/zzz", json={"lat": 1}, headers=auth()), 404
    )


# -- geoparse ------------------------------------------------------------------------------


@pytest.fixture
def geo_client(tmp_path: Path, store_url: str, full_gazetteer_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "HOME": str(tmp_path),
            "STORE_URL": store_url,
            "GAZETTEER_PATH": str(full_gazetteer_path),
            "MAX_BODY_BYTES": 50_000,
        }
    )
    return app.test_client()


def test_geoparse_plain_text_returns_geojson_mentions(geo_client) -> None:
    text = "Israeli airstrikes hit Mazzeh, a suburb of Damascus, and later Aleppo."
    response = geo_client.post("/api/geoparse", data=text, content_type="text/plain")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    doc = response.get_json()
    assert doc["type"] == "FeatureCollection"
    by_text = {f["properties"]["text"]: f for f in doc["features"]}
    assert {"Damascus", "Aleppo"} <= set(by_text)
    lon, lat = by_text["Damascus"]["geometry"]["coordinates"]
    assert lat == pytest.approx(33.51, abs=0.1) and lon == pytest.approx(36.29, abs=0.1)
    for feature in doc["features"]:
        props = feature["properties"]
        assert text[props["start"] : props["end"]] == props["text"]


def test_geoparse_json_body_and_errors(geo_client) -> None:
    response = geo_client.post("/api/geoparse", json={"text": "Protests in Beirut."})
    assert response.status_code == 200
    assert "Beirut" in {f["properties"]["text"] for f in response.get_json()["features"]}
    assert_error_response(
        geo_client.post("/api/geoparse", data="{bad", content_type="application/json"), 400
    )
    assert_error_response(geo_client.post("/api/geoparse", json={"text": ""}), 400)
    assert_error_response(geo_client.post("/api/geoparse", json={"text": "x", "focus": "SY"}), 400)
    assert_error_response(
        geo_client.post("/api/geoparse", data=b"\xff\xfe\x00bad", content_type="text/plain"), 400
    )
    assert_error_response(
        geo_client.post("/api/geoparse", data="a" * 60_000, content_type="text/plain"),
        413,
        "payload_too_large",
    )
    assert_error_response(geo_client.get("/api/geoparse"), 405)


# -- per-request store ----------------------------------------------------------------------


def test_store_is_reused_by_a_thread_but_closed_after_a_failure(app) -> None:
    from flask import g

    from mapapp.web.db import get_store

    seen = []

    @app.get("/api/probe-store")
    def probe_store():
        seen.append(get_store())
        return {"ok": True}

    @app.get("/api/probe-fail")
    def probe_fail():
        seen.append(get_store())
        raise RuntimeError("boom")

    c = app.test_client()
    c.get("/api/probe-store")
    c.get("/api/probe-store")
    assert seen[0] is seen[1]  # handed back at teardown, checked out again
    assert c.get("/api/probe-fail").status_code == 500
    assert seen[2] is seen[1]
    c.get("/api/probe-store")
    assert seen[3] is not seen[2]  # the failed request's store was closed, not reused
    with pytest.raises(Exception, match="closed"):
        seen[2].list_layers()
    with app.app_context():
        assert "store" not in g


def test_store_reuse_can_be_switched_off(tmp_path: Path, store_url: str) -> None:
    from mapapp.web.db import get_store

    app = make_app(tmp_path, store_url, STORE_REUSE=False)
    seen = []

    @app.get("/api/probe-store")
    def probe_store():
        seen.append(get_store())
        return {"ok": True}

    c = app.test_client()
    c.get("/api/probe-store")
    c.get("/api/probe-store")
    assert seen[0] is not seen[1]
    with pytest.raises(Exception, match="closed"):
        seen[0].list_layers()


def test_serve_command_runs_the_dev_server(monkeypatch, tmp_path: Path, store_url: str) -> None:
    from click.testing import CliRunner
    from flask import Flask

    from mapapp.cli import main

    calls = []
    monkeypatch.setattr(Flask, "run", lambda self, **kw: calls.append(kw))
    monkeypatch.setenv("MAPAPP_HOME", str(tmp_path))
    monkeypatch.setenv("MAPAPP_STORE_URL", store_url)
    result = CliRunner().invoke(main, ["serve", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": 5123, "debug": False}]
    monkeypatch.setenv("MAPAPP_ENV", "production")
    monkeypatch.delenv("MAPAPP_SECRET_KEY", raising=False)
    refused = CliRunner().invoke(main, ["serve"])
    assert refused.exit_code == 2
    assert "MAPAPP_SECRET_KEY" in refused.output


def test_store_queries_get_the_configured_timeout(tmp_path: Path, store_url: str) -> None:
    from mapapp.web.db import get_store

    app = make_app(tmp_path, store_url, QUERY_TIMEOUT_MS=1234)
    with app.test_request_context("/api/layers"):
        assert get_store().timeout_ms == 1234


def test_large_download_is_streamed_from_a_temp_file(client, monkeypatch) -> None:
    import mapapp.web.api as api

    monkeypatch.setattr(api, "CACHE_ITEM_MAX_BYTES", 1000)  # every body counts as large here
    response = client.get("/layers/syria.geojson")
    assert response.status_code == 200
    assert response.is_streamed
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body)
    assert ids(json.loads(body)) == {"a1", "a2", "a3", "a4", "a5"}
    assert response.headers["ETag"]
    response.close()

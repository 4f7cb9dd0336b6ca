"""One error contract: JSON on data routes (even for Flask's own errors), a safe page on HTML ones."""

from __future__ import annotations

import logging

import pytest

from mapapp.errors import StoreError
from tests import web_fixtures
from tests.helpers import assert_error_response
from tests.web_fixtures import auth

store_url = web_fixtures.store_url
app = web_fixtures.app
client = web_fixtures.client


@pytest.fixture
def failing_app(app):
    """The app with routes that fail unexpectedly (a bug) and with a store failure."""

    @app.get("/api/boom")
    def api_boom():
        raise RuntimeError("secret path /etc/passwd and SQL select * from x")

    @app.get("/boom")
    def page_boom():
        raise RuntimeError("secret path /etc/passwd")

    @app.get("/api/store-down")
    def store_down():
        raise StoreError("The incident store is unavailable.")

    return app


@pytest.mark.parametrize("path", ["/api/nothing", "/layers/syria.kml", "/ogc/nothing", "/api"])
def test_unknown_data_routes_are_json_404(client, path: str) -> None:
    assert_error_response(client.get(path), 404, "not_found")


def test_unknown_page_is_friendly_html_404(client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "404" in text and 'href="/"' in text
    assert "Traceback" not in text


def test_method_not_allowed_is_json_405_with_allow(client) -> None:
    response = client.delete("/api/layers")
    body = assert_error_response(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert body["message"]
    assert_error_response(client.post("/ogc/collections"), 405)
    assert_error_response(client.put("/layers/syria.geojson"), 405)


def test_oversized_body_is_json_413_before_auth_work(client) -> None:
    response = client.post("/api/geoparse", data=b"x" * 60_000, content_type="text/plain")
    body = assert_error_response(response, 413, "payload_too_large")
    assert body["details"]["max_bytes"] == 50_000


def test_malformed_json_is_400_with_position(client) -> None:
    response = client.post(
        "/api/layers/syria/articles",
        data='{"text": "a", "url": }',
        content_type="application/json",
        headers=auth(),
    )
    body = assert_error_response(response, 400, "invalid_input")
    assert "Malformed JSON" in body["message"] and "column" in body["message"]


def test_unexpected_error_is_logged_and_hidden(failing_app, caplog) -> None:
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR, logger="mapapp.web.errors"):
        response = client.get("/api/boom")
    body = assert_error_response(response, 500, "internal_error")
    assert "passwd" not in response.get_data(as_text=True)
    assert body["message"] == "Internal error."
    assert any("passwd" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_unexpected_error_on_page_is_html(failing_app) -> None:
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "passwd" not in text and "Traceback" not in text


def test_service_error_5xx_keeps_its_safe_message(failing_app, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="mapapp.web.errors"):
        response = failing_app.test_client().get("/api/store-down")
    body = assert_error_response(response, 500, "store_error")
    assert body["message"] == "The incident store is unavailable."
    assert caplog.records


def test_ogc_errors_follow_negotiation(client) -> None:
    assert_error_response(client.get("/ogc/collections/nowhere"), 404)
    html = client.get("/ogc/collections/nowhere", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.mimetype == "text/html"
    bad_f = client.get("/ogc/collections?f=pdf", headers={"Accept": "text/html"})
    assert_error_response(bad_f, 400, "invalid_query")


def test_html_error_page_escapes_everything(client) -> None:
    response = client.get("/ogc/collections/%22%3E%3Csvg%20onload=alert(1)%3E'?f=html")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "<svg" not in text
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;&#39;" in text


def test_bad_query_on_html_page_is_a_friendly_400(client) -> None:
    response = client.get("/ogc/collections/syria/items?f=html&bbox=1,2")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "bbox must be four" in response.get_data(as_text=True)

"""Security headers, CSP with a per-request nonce, embed framing, CORS, cookies, configuration."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string, session

from mapapp.errors import MisconfiguredError
from mapapp.web import create_app
from mapapp.web.security import frame_ancestors, tile_source
from tests import web_fixtures
from tests.helpers import assert_error_response
from tests.web_fixtures import ARTICLE_JSON, auth, make_app

store_url = web_fixtures.store_url
app = web_fixtures.app
client = web_fixtures.client

PATHS = [
    "/api/layers",
    "/layers/syria.geojson",
    "/ogc/",
    "/ogc/collections/syria/items?f=html",
    "/api/nothing",
    "/no/such/page",
    "/static/vendor/leaflet/leaflet.js",
]


def csp(response) -> dict[str, list[str]]:
    out = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.fixture
def probe_app(tmp_path, store_url):
    """The app with a page and an embed route rendering the nonce (as the map pages do)."""
    app = make_app(
        tmp_path, store_url, FRAME_ANCESTORS="https://news.example https://*.paper.example"
    )
    template = '<script nonce="{{ csp_nonce }}">var x = 1;</script>'

    @app.get("/probe")
    def probe():
        return render_template_string(template)

    @app.get("/embed/probe")
    def embed_probe():
        return render_template_string(template)

    @app.get("/embed/uses-session")
    def embed_session():
        session["seen"] = True  # a bug: embeds must not set cookies
        return "ok"

    return app


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_response(client, path: str) -> None:
    response = client.get(path)
    response.close()  # static files are streamed from an open file
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert (
        "'unsafe-inline'" not in policy["script-src"]
        and "'unsafe-eval'" not in policy["script-src"]
    )
    assert "https://tile.openstreetmap.org" in policy["img-src"] and "data:" in policy["img-src"]


def test_nonce_reaches_templates_and_changes_per_request(probe_app) -> None:
    c = probe_app.test_client()
    nonces = []
    for _ in range(2):
        response = c.get("/probe")
        match = re.search(r'nonce="([^"]+)"', response.get_data(as_text=True))
        assert match
        nonce = match.group(1)
        assert f"'nonce-{nonce}'" in csp(response)["script-src"]
        assert f"'nonce-{nonce}'" in csp(response)["style-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_embed_allows_configured_framers_and_sends_no_x_frame_options(probe_app) -> None:
    response = probe_app.test_client().get("/embed/probe")
    assert "X-Frame-Options" not in response.headers
    assert csp(response)["frame-ancestors"] == ["https://news.example", "https://*.paper.example"]
    assert "Set-Cookie" not in response.headers
    page = probe_app.test_client().get("/probe")
    assert page.headers["X-Frame-Options"] == "DENY"


def test_embed_default_frame_ancestors_is_any(tmp_path, store_url) -> None:
    app = make_app(tmp_path, store_url)

    @app.get("/embed/x")
    def embed_x():
        return "x"

    assert csp(app.test_client().get("/embed/x"))["frame-ancestors"] == ["*"]


@pytest.mark.parametrize(
    "value",
    ["https://ok.example; script-src *", "https://ok.example,https://b.example", "'unsafe-inline'"],
)
def test_frame_ancestors_cannot_inject_directives(tmp_path, store_url, value: str) -> None:
    with pytest.raises(MisconfiguredError, match="FRAME_ANCESTORS"):
        make_app(tmp_path, store_url, FRAME_ANCESTORS=value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'self' https://news.example", ["'self'", "https://news.example"]),
        ("https://*.paper.example:8443", ["https://*.paper.example:8443"]),
        ("'none'", ["'none'"]),
        ("https:", ["https:"]),
    ],
)
def test_frame_ancestors_accepts_csp_sources(value: str, expected: list[str]) -> None:
    assert frame_ancestors(value) == expected


def test_embed_and_api_never_set_cookies(probe_app, client) -> None:
    response = probe_app.test_client().get("/embed/uses-session")
    assert "Set-Cookie" not in response.headers
    for path in [
        "/api/layers",
        "/layers/syria.geojson",
        "/ogc/collections",
        "/api/layers/syria/incidents/a1",
    ]:
        assert "Set-Cookie" not in client.get(path).headers


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://intranet:8080/tiles/{z}/{x}/{y}.png", "http://intranet:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("javascript:alert(1)", None),
        ("https://evil.example;script-src */{z}", None),
    ],
)
def test_tile_source(url: str, expected: str | None) -> None:
    assert tile_source(url) == expected


def test_configured_tile_host_is_allowed_as_image_source(tmp_path, store_url) -> None:
    app = make_app(tmp_path, store_url, TILE_URL="https://{s}.tiles.example.net/{z}/{x}/{y}.png")
    assert "https://*.tiles.example.net" in csp(app.test_client().get("/ogc/"))["img-src"]


# -- CORS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/layers",
        "/api/layers/syria",
        "/api/layers/syria/incidents/a1",
        "/layers/syria.geojson",
        "/layers/syria.csv",
        "/ogc/",
        "/ogc/collections/syria/items",
    ],
)
def test_public_reads_are_cors_open_without_credentials(client, path: str) -> None:
    response = client.get(path, headers={"Origin": "https://news.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_preflight_for_public_read(client) -> None:
    response = client.options(
        "/ogc/collections/syria/items",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "Accept, If-None-Match",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "POST" not in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/api/layers/syria/articles", "POST", "Content-Type, Authorization"),
        ("/api/geoparse", "POST", "Content-Type"),
        ("/api/layers/syria/incidents/a1", "PATCH", "Authorization"),
        ("/ogc/collections", "GET", "Authorization"),
    ],
)
def test_preflight_for_writes_is_not_granted(client, path: str, method: str, headers: str) -> None:
    response = client.options(
        path,
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_writes_and_geoparse_responses_are_not_cors_open(client) -> None:
    origin = {"Origin": "https://evil.example"}
    ingest = client.post("/api/layers/syria/articles", json={"text": "x"}, headers=origin)
    assert ingest.status_code == 401
    assert "Access-Control-Allow-Origin" not in ingest.headers
    parse = client.post("/api/geoparse", data="", content_type="text/plain", headers=origin)
    assert "Access-Control-Allow-Origin" not in parse.headers
    patch = client.patch(
        "/api/layers/syria/incidents/a1", json={"lat": 1}, headers={**origin, **auth()}
    )
    assert "Access-Control-Allow-Origin" not in patch.headers


# -- configuration ---------------------------------------------------------------------------


def test_production_refuses_to_start_without_secrets(tmp_path, monkeypatch) -> None:
    for name in ("MAPAPP_SECRET_KEY", "MAPAPP_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    base = {"HOME": str(tmp_path), "ENV": "production"}
    with pytest.raises(MisconfiguredError, match="MAPAPP_SECRET_KEY, MAPAPP_API_TOKEN"):
        create_app(base)
    with pytest.raises(MisconfiguredError, match="MAPAPP_API_TOKEN"):
        create_app({**base, "SECRET_KEY": "k" * 32})
    with pytest.raises(MisconfiguredError, match="MAPAPP_SECRET_KEY"):
        create_app({**base, "API_TOKEN": "t" * 32})
    app = create_app({**base, "SECRET_KEY": "k" * 32, "API_TOKEN": "t" * 32})
    assert app.config["SECRET_KEY"] == "k" * 32


def test_production_reads_secrets_from_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MAPAPP_ENV", "production")
    monkeypatch.setenv("MAPAPP_HOME", str(tmp_path))
    monkeypatch.setenv("MAPAPP_SECRET_KEY", "from-env-secret")
    monkeypatch.setenv("MAPAPP_API_TOKEN", "from-env-token")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env-secret"
    assert app.config["API_TOKEN"] == "from-env-token"
    monkeypatch.delenv("MAPAPP_API_TOKEN")
    with pytest.raises(MisconfiguredError):
        create_app()


def test_development_gets_a_random_secret_key(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MAPAPP_SECRET_KEY", raising=False)
    first = create_app({"HOME": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"HOME": str(tmp_path)}).config["SECRET_KEY"]
    assert len(first) >= 32 and first != second


def test_max_body_comes_from_configuration(tmp_path, store_url) -> None:
    app = make_app(tmp_path, store_url, MAX_BODY_BYTES=100, API_TOKEN="t")
    assert app.config["MAX_CONTENT_LENGTH"] == 100
    response = app.test_client().post(
        "/api/layers/syria/articles", json=ARTICLE_JSON, headers=auth("t")
    )
    assert_error_response(response, 413, "payload_too_large")


def test_token_is_compared_exactly(tmp_path, store_url) -> None:
    app = make_app(tmp_path, store_url, API_TOKEN="abc")
    c = app.test_client()
    for token in ["ab", "abcd", "ABC", " abc x"]:
        response = c.patch("/api/layers/syria/incidents/a1", json={"lat": 1}, headers=auth(token))
        assert_error_response(response, 401)
    ok = c.patch("/api/layers/syria/incidents/a1", json={"lat": 1.5}, headers=auth("abc"))
    assert ok.status_code == 200


def test_static_dir_is_the_repository_static_folder(client) -> None:
    response = client.get("/static/vendor/leaflet/leaflet.css")
    response.close()
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert client.get("/static/../pyproject.toml").status_code == 404

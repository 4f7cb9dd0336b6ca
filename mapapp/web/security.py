"""Response hardening: security headers and CSP, CORS for public reads, the write token.

CORS is done by hand rather than with flask-cors because the rule is about *methods*, not paths:
anonymous ``GET``/``HEAD`` of public data is open to any origin (``*``, never with credentials),
while writes on the same ``/api/layers/...`` prefix must never be. That is a dozen lines here and
one dependency fewer.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from mapapp.errors import Forbidden, MisconfiguredError, Unauthorized

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

EMBED_PREFIX = "/embed/"
# Public, read-only data: open to cross-origin GET.
_PUBLIC_READ = re.compile(
    r"^/(ogc(/.*)?|layers/[^/]+|oembed|api/layers(/[^/]+(/incidents/[^/]+)?)?)$"
)
# Responses that must never set a cookie (embeds in third-party pages, anonymous API reads).
_COOKIELESS = re.compile(r"^/(embed/|oembed|ogc(/|$)|layers/|api/)")
_SAFE_REQUEST_HEADERS = {
    "accept",
    "accept-language",
    "content-language",
    "if-none-match",
    "if-modified-since",
}
EXPOSED_HEADERS = "ETag, Last-Modified, Content-Disposition, Link"


def csp_nonce() -> str:
    """This request's CSP nonce (templates: ``nonce="{{ csp_nonce }}"`` on script/style tags)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def tile_source(tile_url: str) -> str | None:
    """The CSP source for the tile URL template: ``https://{s}.tile.x.org/...`` -> ``https://*.tile.x.org``."""
    parts = urlsplit(tile_url or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    if not re.fullmatch(r"[A-Za-z0-9.*:\-\[\]]+", host):
        return None  # never let configuration inject CSP syntax
    return f"{parts.scheme}://{host}"


_SOURCE = re.compile(
    r"^('self'|'none'|\*|[a-z][a-z0-9+.-]*:"
    r"|([a-z][a-z0-9+.-]*://)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:(\d{1,5}|\*))?(/[^\s;,']*)?)$",
    re.IGNORECASE,
)


def frame_ancestors(value: str | None) -> list[str]:
    """``MAPAPP_FRAME_ANCESTORS`` as CSP sources; anything that is not a source is refused."""
    sources = str(value or "*").split()
    bad = [s for s in sources if not _SOURCE.match(s)]
    if bad or not sources:
        raise MisconfiguredError(
            f"MAPAPP_FRAME_ANCESTORS must be space-separated CSP sources; not a source: {bad[0]!r}"
            if bad
            else "MAPAPP_FRAME_ANCESTORS is empty."
        )
    return sources


def content_security_policy(nonce: str, *, embed: bool) -> str:
    """The CSP for one response: self-hosted scripts/styles plus nonce'd inline ones, tiles as images."""
    config = current_app.config
    img = ["'self'", "data:"]
    tiles = tile_source(config.get("TILE_URL", ""))
    if tiles:
        img.append(tiles)
    ancestors = frame_ancestors(config.get("FRAME_ANCESTORS")) if embed else ["'none'"]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        "img-src": img,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ancestors,
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def is_public_read() -> bool:
    return bool(_PUBLIC_READ.match(request.path))


def _preflight() -> Response | None:
    """Answer a CORS preflight for public reads; anything else gets no CORS headers."""
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    if not is_public_read():
        return None
    method = request.headers["Access-Control-Request-Method"].upper()
    asked = [
        h.strip().lower()
        for h in request.headers.get("Access-Control-Request-Headers", "").split(",")
        if h.strip()
    ]
    if method not in {"GET", "HEAD"} or any(h not in _SAFE_REQUEST_HEADERS for h in asked):
        return None
    response = current_app.response_class(status=204)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    if asked:
        response.headers["Access-Control-Allow-Headers"] = ", ".join(asked)
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _harden(response: Response) -> Response:
    path = request.path
    embed = path.startswith(EMBED_PREFIX)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), embed=embed)
    if embed:
        headers.pop("X-Frame-Options", None)
    else:
        headers["X-Frame-Options"] = "DENY"
    if request.method in {"GET", "HEAD"} and is_public_read() and response.status_code < 500:
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if _COOKIELESS.match(path) and "Set-Cookie" in headers:
        # Nothing on these routes should use the session; never let a cookie out by accident.
        log.warning("dropping Set-Cookie on cookieless route %s", path)
        headers.pop("Set-Cookie")
    return response


class CookielessSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that cookieless routes never send a cookie.

    The session is saved after ``after_request`` handlers run, so this is the one place that can
    guarantee it for embeds in third-party pages and for anonymous API reads.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if has_request_context() and _COOKIELESS.match(request.path):
            return
        super().save_session(app, session, response)


def require_token() -> None:
    """Check ``Authorization: Bearer <MAPAPP_API_TOKEN>``: 403 when writes are off, 401 when wrong."""
    token = current_app.config.get("API_TOKEN")
    if not token:
        raise Forbidden("Writes are disabled: no API token is configured (MAPAPP_API_TOKEN).")
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not supplied.strip():
        raise Unauthorized()
    if not hmac.compare_digest(supplied.strip().encode("utf-8"), str(token).encode("utf-8")):
        raise Unauthorized("The API token is not valid.")


def token_required(view: F) -> F:
    """Decorator for write endpoints."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        require_token()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    frame_ancestors(app.config.get("FRAME_ANCESTORS"))  # fail at start-up, not per request
    app.session_interface = CookielessSessionInterface()
    app.before_request(_preflight)
    app.after_request(_harden)
    app.context_processor(lambda: {"csp_nonce": csp_nonce()})

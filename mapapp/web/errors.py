"""One error contract: JSON (``ServiceError.to_dict()``) on data routes, a friendly page elsewhere.

Every error goes through here, including Flask's own 404/405/413/400 and unexpected exceptions
(logged with their traceback; the client only sees a safe message).
"""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from mapapp.errors import PayloadTooLarge, ServiceError, Unauthorized

log = logging.getLogger(__name__)

# Routes whose clients are programs: their errors are always JSON.
JSON_PREFIXES = ("/api/", "/layers/", "/oembed")


def wants_json() -> bool:
    """Whether the current request's errors are JSON (data routes) or an HTML page."""
    path = request.path
    if path.startswith(JSON_PREFIXES) or path == "/api":
        return True
    if path == "/ogc" or path.startswith("/ogc/"):
        from mapapp.web.params import wants_html

        try:
            return not wants_html()
        except ServiceError:
            return True  # a bad ``f`` is itself reported as JSON
    return False


def _http_error(exc: HTTPException) -> ServiceError:
    """Wrap a werkzeug error (404, 405, 413...) in the project's error type."""
    if exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return PayloadTooLarge(
            f"The request body is larger than the configured maximum of {limit} bytes.",
            max_bytes=limit,
        )
    error = ServiceError(exc.description or exc.name)
    error.status = exc.code or 500
    error.code = re.sub(r"[^a-z0-9]+", "_", (exc.name or "error").lower()).strip("_")
    return error


def error_response(error: ServiceError, headers: dict[str, str] | None = None) -> Response:
    """Render ``error`` as JSON or HTML depending on the route."""
    if error.status >= 500:
        g.request_failed = True  # teardown closes this request's store instead of reusing it
    if wants_json():
        response = jsonify(error.to_dict())
    else:
        response = current_app.make_response(
            (
                render_template(
                    "error.html", error=error, title=HTTP_STATUS_CODES.get(error.status, "Error")
                ),
                error.status,
            )
        )
    response.status_code = error.status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if isinstance(error, Unauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="mapapp"'
    return response


def handle_service_error(error: ServiceError) -> Response:
    if error.status >= 500:
        log.error("%s %s failed: %s", request.method, request.path, error, exc_info=error)
    return error_response(error)


def handle_http_exception(exc: HTTPException) -> Response:
    headers = {
        name: value
        for name, value in exc.get_headers()
        if name.lower() not in {"content-type", "content-length"}
    }
    return error_response(_http_error(exc), headers)


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(ServiceError())


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

"""Shared test helpers: one check of the JSON error shape for every endpoint and CLI."""

from __future__ import annotations

from typing import Any


def assert_error_shape(body: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Every error body is ``{"status", "code", "message"[, "details"]}`` and nothing leaks."""
    assert isinstance(body, dict), body
    assert set(body) <= {"status", "code", "message", "details"}, body
    assert body["status"] == status, body
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    assert "Traceback" not in body["message"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def assert_error_response(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """A Flask test-client response carrying the JSON error shape."""
    assert response.status_code == status, (
        response.status_code,
        response.get_data(as_text=True)[:500],
    )
    assert response.mimetype in {"application/json", "application/problem+json"}, response.mimetype
    return assert_error_shape(response.get_json(), status, code)

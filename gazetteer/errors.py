"""The project's one exception hierarchy.

``ServiceError`` is the root for every error the project raises on purpose. Each class knows the
HTTP status it maps to and carries a message that is safe to show to users (no paths, no SQL, no
stack). Subclasses also inherit the matching standard type, so callers that only know Python can
still ``except LookupError`` or ``except ValueError`` (geopy ``exc.py`` style).

It lives in ``gazetteer`` because that is the lowest layer; ``mapapp.errors`` re-exports it and
adds the service-level errors.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of all errors raised on purpose by the gazetteer and the map service."""

    status: int = 500
    code: str = "internal_error"
    default_message: str = "Internal error."

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = {k: v for k, v in details.items() if v is not None}
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        """The one JSON error shape used by every endpoint and ``--json`` CLI output."""
        body: dict[str, Any] = {"status": self.status, "code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(ServiceError, ValueError):
    """Input that can never be valid: the caller must change it."""

    status = 400
    code = "invalid_input"
    default_message = "Invalid input."


class NotFound(ServiceError, LookupError):
    status = 404
    code = "not_found"
    default_message = "Not found."


class GazetteerError(ServiceError):
    """Base for gazetteer failures."""

    code = "gazetteer_error"
    default_message = "Gazetteer error."


class GazetteerUnavailable(GazetteerError, RuntimeError):
    """The gazetteer database is missing, corrupt or could not be built."""

    status = 503
    code = "gazetteer_unavailable"
    default_message = "The gazetteer is not available; run `gazetteer build`."


class UnknownPlace(GazetteerError, NotFound):
    code = "unknown_place"
    default_message = "No such place in the gazetteer."


class UnknownCountry(GazetteerError, NotFound):
    status = 400
    code = "unknown_country"
    default_message = "Unknown country code."


class InvalidName(GazetteerError, InvalidInput):
    code = "invalid_name"
    default_message = "A place name must be non-empty text of reasonable length."


class InvalidCoordinates(GazetteerError, InvalidInput):
    code = "invalid_coordinates"
    default_message = "Coordinates are out of range."


class ImportFormatError(GazetteerError, InvalidInput):
    """A malformed import file; ``details['line']`` names the first bad line."""

    code = "import_format_error"
    default_message = "The import file is malformed; nothing was imported."

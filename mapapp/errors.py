"""Service-level errors, on top of the hierarchy rooted at ``gazetteer.errors.ServiceError``.

Every endpoint turns a ``ServiceError`` into the same JSON body (``ServiceError.to_dict``):
``{"status": int, "code": str, "message": str, "details"?: {...}}``.
"""

from __future__ import annotations

from gazetteer.errors import (
    GazetteerError,
    GazetteerUnavailable,
    ImportFormatError,
    InvalidCoordinates,
    InvalidInput,
    InvalidName,
    NotFound,
    ServiceError,
    UnknownCountry,
    UnknownPlace,
)

__all__ = [
    "ArticleError",
    "GazetteerError",
    "GazetteerUnavailable",
    "ImportFormatError",
    "InvalidCoordinates",
    "InvalidInput",
    "InvalidName",
    "NotFound",
    "PayloadTooLarge",
    "ServiceError",
    "StoreError",
    "Unauthorized",
    "Forbidden",
    "UnknownCountry",
    "UnknownIncident",
    "UnknownLayer",
    "UnknownPlace",
    "InvalidGeoJSON",
    "InvalidQuery",
    "MisconfiguredError",
]


class InvalidQuery(InvalidInput):
    """A bad bbox, datetime, limit, offset or type filter."""

    code = "invalid_query"
    default_message = "Invalid query parameter."


class InvalidGeoJSON(InvalidInput):
    code = "invalid_geojson"
    default_message = "Malformed GeoJSON."


class ArticleError(InvalidInput):
    """Article text that cannot be processed (empty, binary, not text)."""

    code = "invalid_article"
    default_message = "The article could not be read as text."


class PayloadTooLarge(ServiceError, ValueError):
    status = 413
    code = "payload_too_large"
    default_message = "The request or input is larger than the configured maximum."


class StoreError(ServiceError):
    code = "store_error"
    default_message = "Incident store error."


class UnknownLayer(StoreError, NotFound):
    status = 404
    code = "unknown_layer"
    default_message = "No such layer."


class UnknownIncident(StoreError, NotFound):
    status = 404
    code = "unknown_incident"
    default_message = "No such incident."


class Unauthorized(ServiceError, PermissionError):
    status = 401
    code = "unauthorized"
    default_message = "An API token is required (Authorization: Bearer <token>)."


class Forbidden(ServiceError, PermissionError):
    status = 403
    code = "forbidden"
    default_message = "This operation is not allowed."


class MisconfiguredError(ServiceError, RuntimeError):
    """The service refuses to start: e.g. production without a secret key."""

    code = "misconfigured"
    default_message = "The service is not configured."

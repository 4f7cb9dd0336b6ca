"""OGC API - Features - Part 1: Core, under ``/ogc`` (JSON/GeoJSON and HTML).

Each layer is a collection. Choices the standard leaves open (documented in the OpenAPI document
at ``/ogc/api``):

- ``limit`` defaults to ``MAPAPP_DEFAULT_LIMIT``; a larger value than ``MAPAPP_MAX_LIMIT`` is
  clamped to it, not refused (17-069r4, 7.15.4, permission 6); ``limit`` < 1 is a 400.
- ``datetime`` is an instant or an interval with ``..`` (or empty) for open ends. Incidents are
  dated by day, so a date-time selects its whole day.
- ``bbox`` is CRS84 (4 numbers; 6 numbers: heights ignored); minlon > maxlon crosses the
  antimeridian.
- ``type`` (repeatable or comma-separated ACLED event types) is an extra filter; any other unknown
  query parameter is a 400 (requirement /req/core/query-param-unknown).
- Ordering is stable (newest event first, then id), so ``offset`` paging is consistent.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from mapapp.errors import InvalidQuery
from mapapp.incidents.model import EVENT_TYPES, Incident
from mapapp.store.base import Layer
from mapapp.web.api import GEOJSON, layer_version, make_etag, not_modified
from mapapp.web.db import get_store
from mapapp.web.params import items_filters, paging, wants_html

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
COMMON_PARAMS = {"f"}
ITEMS_PARAMS = {"f", "bbox", "datetime", "limit", "offset", "type", "bbox-crs"}


def _check_params(allowed: set[str]) -> None:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise InvalidQuery(
            f"Unknown query parameter: {unknown[0]}.",
            parameter=unknown[0],
            allowed=sorted(allowed),
        )
    crs = request.args.get("bbox-crs")
    if crs and crs != CRS84:
        raise InvalidQuery("Only CRS84 bounding boxes are supported.", parameter="bbox-crs")


def _url(endpoint: str, fmt: str | None = None, **values: Any) -> str:
    if fmt:
        values["f"] = fmt
    return url_for(endpoint, _external=True, **values)


def _links(endpoint: str, html: bool, *, title: str, **values: Any) -> list[dict[str, str]]:
    """``self`` and ``alternate`` links of a resource in its two encodings."""
    json_type = GEOJSON if endpoint in {"ogc.items", "ogc.item"} else JSON
    json_link = {
        "href": _url(endpoint, "json", **values),
        "type": json_type,
        "title": f"{title} as JSON",
    }
    html_link = {
        "href": _url(endpoint, "html", **values),
        "type": HTML,
        "title": f"{title} as HTML",
    }
    if html:
        return [{"rel": "self", **html_link}, {"rel": "alternate", **json_link}]
    return [{"rel": "self", **json_link}, {"rel": "alternate", **html_link}]


def _respond(
    document: dict[str, Any], template: str, *, mimetype: str = JSON, **context: Any
) -> Response:
    if wants_html():
        response = current_app.make_response(render_template(template, doc=document, **context))
    else:
        response = current_app.response_class(
            json.dumps(document, ensure_ascii=False, default=str), mimetype=mimetype
        )
    if "f" not in request.args:
        response.vary.add("Accept")  # negotiated on the Accept header
    return response


@bp.get("/")
def landing() -> Response:
    _check_params(COMMON_PARAMS)
    html = wants_html()
    doc = {
        "title": "Incident maps - OGC API Features",
        "description": "Incident layers extracted from news articles, as OGC API Features collections.",
        "links": [
            *_links("ogc.landing", html, title="This document"),
            {
                "rel": "service-desc",
                "type": OPENAPI,
                "title": "The API definition (OpenAPI 3.0)",
                "href": _url("ogc.openapi"),
            },
            {
                "rel": "conformance",
                "type": JSON,
                "title": "Conformance classes",
                "href": _url("ogc.conformance", "json"),
            },
            {
                "rel": "data",
                "type": JSON,
                "title": "Collections",
                "href": _url("ogc.collections", "json"),
            },
        ],
    }
    return _respond(doc, "ogc/landing.html")


@bp.get("/conformance")
def conformance() -> Response:
    _check_params(COMMON_PARAMS)
    return _respond({"conformsTo": CONFORMANCE}, "ogc/conformance.html")


@bp.get("/api")
def openapi() -> Response:
    """The OpenAPI 3.0 definition of this API."""
    return current_app.response_class(json.dumps(openapi_document()), mimetype=OPENAPI)


def collection_dict(layer: Layer, html: bool, *, nested: bool = False) -> dict[str, Any]:
    """The collection description of a layer (extent from the store's statistics)."""
    name = layer.name
    start = layer.min_date.isoformat() + "T00:00:00Z" if layer.min_date else None
    end = layer.max_date.isoformat() + "T23:59:59Z" if layer.max_date else None
    links = [
        {
            "rel": "items",
            "type": GEOJSON,
            "title": "Items as GeoJSON",
            "href": _url("ogc.items", "json", layer=name),
        },
        {
            "rel": "items",
            "type": HTML,
            "title": "Items as HTML",
            "href": _url("ogc.items", "html", layer=name),
        },
        {
            "rel": "enclosure",
            "type": GEOJSON,
            "title": "Download as GeoJSON",
            "href": url_for("api.layer_geojson", layer=name, _external=True),
        },
        {
            "rel": "enclosure",
            "type": "text/csv",
            "title": "Download as CSV",
            "href": url_for("api.layer_csv", layer=name, _external=True),
        },
    ]
    if nested:
        links.insert(
            0,
            {
                "rel": "self",
                "type": JSON,
                "title": "This collection",
                "href": _url("ogc.collection", "json", layer=name),
            },
        )
    else:
        links[:0] = _links("ogc.collection", html, title="This collection", layer=name)
    return {
        "id": name,
        "title": layer.title or name,
        "description": layer.description or f"{layer.count} incidents.",
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {
            "spatial": {
                "bbox": [list(layer.bbox) if layer.bbox else [-180.0, -90.0, 180.0, 90.0]],
                "crs": CRS84,
            },
            "temporal": {
                "interval": [[start, end]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            },
        },
        "count": layer.count,
        "links": links,
    }


@bp.get("/collections")
def collections() -> Response:
    _check_params(COMMON_PARAMS)
    html = wants_html()
    layers = get_store().list_layers()
    doc = {
        "links": _links("ogc.collections", html, title="Collections"),
        "collections": [collection_dict(layer, html, nested=True) for layer in layers],
    }
    return _respond(doc, "ogc/collections.html")


@bp.get("/collections/<layer>")
def collection(layer: str) -> Response:
    _check_params(COMMON_PARAMS)
    found = get_store().get_layer(layer)
    return _respond(collection_dict(found, wants_html()), "ogc/collection.html")


def _page_url(layer: str, fmt: str, **overrides: Any) -> str:
    args = {k: request.args.getlist(k) for k in request.args if k != "f"}
    for key, value in overrides.items():
        args[key] = [str(value)]
    args["f"] = [fmt]
    query = urlencode([(k, v) for k, values in args.items() for v in values])
    return url_for("ogc.items", layer=layer, _external=True) + "?" + query


@bp.get("/collections/<layer>/items")
def items(layer: str) -> Response:
    _check_params(ITEMS_PARAMS)
    html = wants_html()
    filters = items_filters()
    limit, offset = paging()
    store = get_store()
    found = store.get_layer(layer)
    etag = make_etag(
        "items", layer_version(found), html, sorted(request.args.items(multi=True)), limit
    )
    early = not_modified(etag, found.updated_at)
    if early is not None:
        return early
    fast = getattr(store, "query_features", None)
    if fast is not None:
        # Features straight from the stored documents (no Incident objects on the hot path).
        features, number_matched = fast(layer, **filters.as_kwargs(), limit=limit, offset=offset)
    else:
        result = store.query(layer, **filters.as_kwargs(), limit=limit, offset=offset)
        features = [incident.to_feature() for incident in result.items]
        number_matched = result.number_matched
    fmt = "html" if html else "json"
    other = "json" if html else "html"
    links = [
        {
            "rel": "self",
            "type": HTML if html else GEOJSON,
            "title": "This page",
            "href": _page_url(layer, fmt),
        },
        {
            "rel": "alternate",
            "type": GEOJSON if html else HTML,
            "title": "This page",
            "href": _page_url(layer, other),
        },
        {
            "rel": "collection",
            "type": JSON,
            "title": found.title or layer,
            "href": _url("ogc.collection", "json", layer=layer),
        },
    ]
    if offset + len(features) < number_matched:
        links.append(
            {
                "rel": "next",
                "type": HTML if html else GEOJSON,
                "title": "Next page",
                "href": _page_url(layer, fmt, offset=offset + limit, limit=limit),
            }
        )
    if offset > 0:
        links.append(
            {
                "rel": "prev",
                "type": HTML if html else GEOJSON,
                "title": "Previous page",
                "href": _page_url(layer, fmt, offset=max(0, offset - limit), limit=limit),
            }
        )
    doc = {
        "type": "FeatureCollection",
        "features": features,
        "links": links,
        "numberMatched": number_matched,
        "numberReturned": len(features),
        "timeStamp": dt.datetime.now(dt.UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
    }
    response = _respond(
        doc, "ogc/items.html", mimetype=GEOJSON, layer=found, offset=offset, limit=limit
    )
    from mapapp.web.api import _conditional_headers

    return _conditional_headers(response, etag, found.updated_at)


@bp.get("/collections/<layer>/items/<item_id>")
def item(layer: str, item_id: str) -> Response:
    _check_params(COMMON_PARAMS)
    html = wants_html()
    incident: Incident = get_store().get(layer, item_id)
    feature = incident.to_feature()
    feature["links"] = [
        *_links("ogc.item", html, title="This incident", layer=layer, item_id=item_id),
        {
            "rel": "collection",
            "type": JSON,
            "title": "The collection",
            "href": _url("ogc.collection", "json", layer=layer),
        },
    ]
    return _respond(feature, "ogc/item.html", mimetype=GEOJSON, layer=layer)


def openapi_document() -> dict[str, Any]:
    """A compact OpenAPI 3.0 definition of the OGC endpoints (served at ``/ogc/api``)."""
    config = current_app.config
    f_param = {
        "name": "f",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["json", "html"]},
        "description": "Response format (default: JSON, or HTML for browsers).",
    }
    layer_param = {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    error = {
        "description": "Error: {status, code, message, details?}",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/error"}}},
    }

    def ok(description: str, media: str = JSON) -> dict[str, Any]:
        return {
            "description": description,
            "content": {
                media: {"schema": {"type": "object"}},
                HTML: {"schema": {"type": "string"}},
            },
        }

    items_params = [
        f_param,
        layer_param,
        {
            "name": "bbox",
            "in": "query",
            "style": "form",
            "explode": False,
            "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            "description": "minlon,minlat,maxlon,maxlat (CRS84); minlon > maxlon crosses the antimeridian.",
        },
        {
            "name": "datetime",
            "in": "query",
            "schema": {"type": "string"},
            "description": "Instant or interval (start/end, `..` for an open end); incidents are dated by day.",
        },
        {
            "name": "limit",
            "in": "query",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": int(config["MAX_LIMIT"]),
                "default": int(config["DEFAULT_LIMIT"]),
            },
            "description": "Page size; values above the maximum are clamped.",
        },
        {
            "name": "offset",
            "in": "query",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
        {
            "name": "type",
            "in": "query",
            "style": "form",
            "explode": False,
            "schema": {"type": "array", "items": {"type": "string", "enum": list(EVENT_TYPES)}},
            "description": "ACLED event types (repeat or comma-separate).",
        },
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Incident maps - OGC API Features",
            "version": "1.0.0",
            "description": __doc__.split("\n\n", 1)[0],
        },
        "servers": [{"url": url_for("ogc.landing", _external=True).rstrip("/")}],
        "paths": {
            "/": {
                "get": {
                    "summary": "Landing page",
                    "operationId": "getLandingPage",
                    "parameters": [f_param],
                    "responses": {"200": ok("Landing page"), "400": error},
                }
            },
            "/conformance": {
                "get": {
                    "summary": "Conformance classes",
                    "operationId": "getConformanceDeclaration",
                    "parameters": [f_param],
                    "responses": {"200": ok("Conformance classes"), "400": error},
                }
            },
            "/collections": {
                "get": {
                    "summary": "Collections (incident layers)",
                    "operationId": "getCollections",
                    "parameters": [f_param],
                    "responses": {"200": ok("Collections"), "400": error},
                }
            },
            "/collections/{collectionId}": {
                "get": {
                    "summary": "One collection",
                    "operationId": "describeCollection",
                    "parameters": [f_param, layer_param],
                    "responses": {"200": ok("Collection"), "404": error},
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "summary": "Incidents of a collection",
                    "operationId": "getFeatures",
                    "parameters": items_params,
                    "responses": {"200": ok("Features", GEOJSON), "400": error, "404": error},
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "summary": "One incident",
                    "operationId": "getFeature",
                    "parameters": [
                        f_param,
                        layer_param,
                        {
                            "name": "featureId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {"200": ok("Feature", GEOJSON), "404": error},
                }
            },
        },
        "components": {
            "schemas": {
                "error": {
                    "type": "object",
                    "required": ["status", "code", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {"type": "object"},
                    },
                }
            }
        },
    }

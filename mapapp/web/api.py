"""Data API: layer downloads (GeoJSON/CSV), layer and incident JSON, geoparsing, article ingest.

Downloads are the hot path (a newsroom page may pull a whole layer on every view), so each
rendered body is cached per process under a key made of the layer's version (its count and
``updated_at``, bumped by every write) and the filters; the same key is the weak ETag, so a
client that revalidates gets a 304 without touching the incidents at all.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.wsgi import wrap_file

from mapapp.errors import ArticleError, InvalidInput, InvalidQuery
from mapapp.incidents.model import Incident
from mapapp.store.base import Layer
from mapapp.web.db import get_gazetteer, get_store
from mapapp.web.params import Filters, check_layer_name, download_filters
from mapapp.web.security import token_required

bp = Blueprint("api", __name__)

GEOJSON = "application/geo+json"
#: Bodies up to this size are kept in memory (and cached); larger ones spill to a temp file.
CACHE_ITEM_MAX_BYTES = 32 * 1024 * 1024
GZIP_MIN_BYTES = 1024


# -- response cache ------------------------------------------------------------------------


@dataclass(slots=True)
class CachedBody:
    body: bytes
    gzipped: bytes | None = None


class ResponseCache:
    """A small LRU of rendered bodies bounded by total bytes (one per worker process)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, CachedBody] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedBody | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, item: CachedBody) -> None:
        size = len(item.body) + len(item.gzipped or b"")
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old.body) + len(old.gzipped or b"")
            self._items[key] = item
            self._size += size
            while self._size > self.max_bytes and self._items:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted.body) + len(evicted.gzipped or b"")


def response_cache() -> ResponseCache:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.get("mapapp.response_cache")
    if cache is None:
        cache = ResponseCache(int(app.config.get("RESPONSE_CACHE_BYTES", 128 * 1024 * 1024)))
        app.extensions["mapapp.response_cache"] = cache
    return cache


def layer_version(layer: Layer) -> str:
    """Changes whenever the layer's incidents change (every store write touches ``updated_at``)."""
    updated = layer.updated_at.isoformat() if layer.updated_at else ""
    return f"{layer.name}|{layer.count}|{updated}"


def make_etag(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def not_modified(etag: str, last_modified: dt.datetime | None) -> Response | None:
    """A 304 when the client's validators still match (before doing any work)."""
    if request.if_none_match:
        if request.if_none_match.contains_weak(etag):
            return _conditional_headers(current_app.response_class(status=304), etag, last_modified)
        return None
    since = request.if_modified_since
    if since and last_modified and _http_seconds(last_modified) <= since:
        return _conditional_headers(current_app.response_class(status=304), etag, last_modified)
    return None


def _http_seconds(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.replace(microsecond=0)


def _conditional_headers(
    response: Response, etag: str, last_modified: dt.datetime | None
) -> Response:
    response.set_etag(etag, weak=True)
    if last_modified is not None:
        response.last_modified = _http_seconds(last_modified)
    # Shared caches may keep it, but must revalidate: layers change when articles arrive.
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.vary.add("Accept-Encoding")
    return response


def cached_response(
    entry: CachedBody, mimetype: str, etag: str, last_modified: dt.datetime | None
) -> Response:
    """Serve a cached body, gzipped when the client accepts it."""
    if len(entry.body) >= GZIP_MIN_BYTES and "gzip" in request.accept_encodings:
        if entry.gzipped is None:
            entry.gzipped = _gzip(entry.body)
        response = current_app.response_class(entry.gzipped, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = current_app.response_class(entry.body, mimetype=mimetype)
    return _conditional_headers(response, etag, last_modified)


def _gzip(body: bytes) -> bytes:
    # Once per layer version and worker, so the smallest output is worth the 0.4 s.
    return gzip.compress(body, compresslevel=9, mtime=0)


# -- serialisation -------------------------------------------------------------------------


def _write_geojson(incidents: Iterable[Incident], out: IO[str]) -> None:
    from mapapp.store.export import write_geojson

    write_geojson(incidents, out)


def _write_csv(incidents: Iterable[Incident], out: IO[str]) -> None:
    from mapapp.store.export import write_csv

    write_csv(incidents, out)


WRITERS = {
    "geojson": (_write_geojson, GEOJSON),
    "csv": (_write_csv, "text/csv"),
}


def _download(layer_name: str, fmt: str) -> Response:
    filters = download_filters()
    store = get_store()
    layer = store.get_layer(layer_name)
    max_features = int(current_app.config["MAX_FEATURES"])
    etag = make_etag("download", layer_version(layer), fmt, filters.cache_key(), max_features)
    writer, mimetype = WRITERS[fmt]
    headers = {"Content-Disposition": f'attachment; filename="{_safe_filename(layer.name)}.{fmt}"'}

    early = not_modified(etag, layer.updated_at)
    if early is not None:
        early.headers.update(headers)
        return early
    cache = response_cache()
    entry = cache.get(etag)
    if entry is None:
        matched = _count(store, layer_name, filters)
        if matched > max_features:
            raise InvalidQuery(
                f"The download would hold {matched} incidents, more than the maximum of "
                f"{max_features}; narrow it with bbox, start/end or type.",
                matched=matched,
                max_features=max_features,
            )
        spool = SpooledTemporaryFile(max_size=CACHE_ITEM_MAX_BYTES)  # noqa: SIM115 - handed to wrap_file
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        writer(store.iter_query(layer_name, **filters.as_kwargs()), text)
        text.flush()
        text.detach()
        size = spool.tell()
        spool.seek(0)
        if size > CACHE_ITEM_MAX_BYTES:
            # Too big to keep in memory: stream the temp file, uncached.
            body = wrap_file(request.environ, spool)
            response = current_app.response_class(body, mimetype=mimetype, direct_passthrough=True)
            response.content_length = size
            response.headers.update(headers)
            return _conditional_headers(response, etag, layer.updated_at)
        body = spool.read()
        spool.close()
        # Compressed once, when the body is made: browsers always ask for gzip, and doing it
        # here keeps the CPU-heavy step off the path of the request that first asks for it.
        entry = CachedBody(body, _gzip(body) if len(body) >= GZIP_MIN_BYTES else None)
        cache.put(etag, entry)
    response = cached_response(entry, mimetype, etag, layer.updated_at)
    response.headers.update(headers)
    return response


def _count(store: Any, layer_name: str, filters: Filters) -> int:
    return store.query(layer_name, **filters.as_kwargs(), limit=0).number_matched


def _safe_filename(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "layer"


@bp.get("/layers/<layer>.geojson")
def layer_geojson(layer: str) -> Response:
    """The layer (filtered by bbox, start/end, type) as an RFC 7946 FeatureCollection."""
    return _download(layer, "geojson")


@bp.get("/layers/<layer>.csv")
def layer_csv(layer: str) -> Response:
    """The layer (same filters) as CSV with ACLED-like columns."""
    return _download(layer, "csv")


# -- layers and incidents ------------------------------------------------------------------


def layer_dict(layer: Layer) -> dict[str, Any]:
    """The JSON description of a layer, with links to its downloads and OGC collection."""
    return {
        "name": layer.name,
        "title": layer.title or layer.name,
        "description": layer.description,
        "count": layer.count,
        "min_date": layer.min_date.isoformat() if layer.min_date else None,
        "max_date": layer.max_date.isoformat() if layer.max_date else None,
        "bbox": list(layer.bbox) if layer.bbox else None,
        "created_at": layer.created_at.isoformat() if layer.created_at else None,
        "updated_at": layer.updated_at.isoformat() if layer.updated_at else None,
        "links": {
            "self": url_for("api.get_layer", layer=layer.name),
            "geojson": url_for("api.layer_geojson", layer=layer.name),
            "csv": url_for("api.layer_csv", layer=layer.name),
            "ogc": url_for("ogc.collection", layer=layer.name),
        },
    }


@bp.get("/api/layers")
def list_layers() -> Response:
    """Every layer with its count, date range and bbox."""
    return jsonify({"layers": [layer_dict(layer) for layer in get_store().list_layers()]})


@bp.get("/api/layers/<layer>")
def get_layer(layer: str) -> Response:
    return jsonify(layer_dict(get_store().get_layer(layer)))


def _feature_response(incident: Incident) -> Response:
    response = current_app.response_class(
        json.dumps(incident.to_feature(), ensure_ascii=False), mimetype=GEOJSON
    )
    return response


@bp.get("/api/layers/<layer>/incidents/<incident_id>")
def get_incident(layer: str, incident_id: str) -> Response:
    """One incident as a GeoJSON Feature."""
    return _feature_response(get_store().get(layer, incident_id))


@bp.patch("/api/layers/<layer>/incidents/<incident_id>")
@token_required
def correct_incident(layer: str, incident_id: str) -> Response:
    """A person's correction (location, lat/lon, event_type, event_date, ...); marks it reviewed."""
    changes = json_body()
    if not changes:
        raise InvalidInput("Send a JSON object with the fields to change.")
    return _feature_response(get_store().update(layer, incident_id, changes, reviewed=True))


@bp.post("/api/layers/<layer>/articles")
@token_required
def ingest(layer: str) -> tuple[Response, int]:
    """Ingest one article (JSON: text, url, title, published, publisher) into a layer."""
    from mapapp.store.ingest import ingest_article

    check_layer_name(layer)
    record = json_body()
    article = article_from_record(record)
    result = ingest_article(get_store(), layer, article, gazetteer=get_gazetteer())
    body = {
        "layer": layer,
        "article_key": result.article_key,
        "status": result.status,
        "incidents": result.incidents,
        "unresolved": list(result.unresolved),
        "links": {
            "layer": url_for("api.get_layer", layer=layer),
            "items": url_for("ogc.items", layer=layer),
        },
    }
    return jsonify(body), 201 if result.status == "added" else 200


# -- geoparsing ----------------------------------------------------------------------------


@bp.post("/api/geoparse")
def geoparse_text() -> Response:
    """Text in (text/plain, or JSON ``{"text": ..., "focus": [...]}``), GeoJSON mentions out."""
    from gazetteer.coords import to_position
    from mapapp.geoparse import geoparse

    focus: list[str] | None = None
    if request.mimetype == "application/json":
        record = json_body()
        text = record.get("text")
        focus = record.get("focus")
        if focus is not None and (
            not isinstance(focus, list) or not all(isinstance(f, str) for f in focus)
        ):
            raise InvalidInput("focus must be a list of country codes.")
    else:
        text = _text_body()
    if not isinstance(text, str) or not text.strip():
        raise ArticleError("Send the text to geoparse (text/plain, or JSON with a text member).")
    mentions = geoparse(text, focus=focus, gazetteer=get_gazetteer())
    features = []
    unresolved = []
    for mention in mentions:
        props = mention.to_dict()
        if mention.place is None:
            unresolved.append(props)
            continue
        features.append(
            {
                "type": "Feature",
                "id": f"{mention.start}-{mention.end}",
                "geometry": {
                    "type": "Point",
                    "coordinates": to_position(mention.place.lat, mention.place.lon),
                },
                "properties": props,
            }
        )
    body = {"type": "FeatureCollection", "features": features, "unresolved": unresolved}
    return current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype=GEOJSON)


# -- request bodies ------------------------------------------------------------------------


def _raw_body() -> bytes:
    # get_data enforces MAX_CONTENT_LENGTH (413) before anything is parsed.
    return request.get_data(cache=True)


def _text_body() -> str:
    data = _raw_body()
    try:
        return data.decode(request.mimetype_params.get("charset", "utf-8"))
    except (UnicodeDecodeError, LookupError):
        raise ArticleError(
            "The body is not text in the declared encoding (UTF-8 by default)."
        ) from None


def json_body() -> dict[str, Any]:
    """The request body as a JSON object; malformed JSON is a 400 that says where."""
    if request.mimetype != "application/json":
        raise InvalidInput(
            "Send JSON with Content-Type: application/json.", content_type=request.mimetype or None
        )
    data = _raw_body()
    try:
        value = json.loads(data)
    except UnicodeDecodeError:
        raise InvalidInput("Malformed JSON: the body is not UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"Malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    if not isinstance(value, dict):
        raise InvalidInput("The JSON body must be an object.")
    return value


ARTICLE_FIELDS = {"text", "url", "title", "published", "publisher"}


def article_from_record(record: dict[str, Any]) -> Any:
    """Validate an ingest request and build the store's ``Article``."""
    unknown = set(record) - ARTICLE_FIELDS
    if unknown:
        raise InvalidInput(
            "Unknown article field(s): " + ", ".join(sorted(unknown)),
            allowed=sorted(ARTICLE_FIELDS),
        )
    for name in ARTICLE_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{name} must be a string.", field=name)
    text = record.get("text")
    if not text or not text.strip():
        raise ArticleError("An article needs a non-empty text.")
    from mapapp.store.articles import make_article, parse_published

    published = record.get("published")
    if published:
        # Over HTTP an unreadable date is refused (the CLI keeps the article, undated).
        _, reason = parse_published(published)
        if reason:
            raise InvalidInput(f"published could not be read: {reason}", field="published")

    return make_article(
        text,
        url=record.get("url") or None,
        title=record.get("title") or None,
        published=published or None,
        publisher=record.get("publisher") or None,
    )

"""The incident store interface (pygeoapi ``provider/base.py`` style).

SQLite (``mapapp.store.sqlite.SQLiteStore``) is the embedded default; another backend (PostGIS) is
another subclass, chosen by ``open_store`` from the URL scheme, never an ``if`` inside a backend.
"""

from __future__ import annotations

import abc
import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mapapp.errors import InvalidQuery
from mapapp.incidents.model import Incident

BBox = tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat), as GeoJSON


_BBOX_ORDER = "(order: minlon,minlat,maxlon,maxlat)"


def check_bbox(bbox: Sequence[object] | None) -> BBox | None:
    """Validate ``(min_lon, min_lat, max_lon, max_lat)`` for every backend and entry point;
    ``min_lon > max_lon`` is a box crossing the antimeridian (OGC API Features)."""
    if bbox is None:
        return None
    try:
        values = [float(v) for v in bbox]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidQuery("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat.") from None
    if len(values) != 4:
        raise InvalidQuery("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat.")
    min_lon, min_lat, max_lon, max_lat = values
    if not all(math.isfinite(v) for v in values):
        raise InvalidQuery("bbox values must be finite numbers.")
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise InvalidQuery(f"bbox longitudes must be between -180 and 180 {_BBOX_ORDER}.")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise InvalidQuery(f"bbox latitudes must be between -90 and 90 {_BBOX_ORDER}.")
    if min_lat > max_lat:
        raise InvalidQuery("bbox minimum latitude (min_lat) is greater than its maximum (max_lat).")
    return (min_lon, min_lat, max_lon, max_lat)


@dataclass(slots=True)
class Layer:
    name: str
    title: str = ""
    description: str = ""
    count: int = 0
    min_date: dt.date | None = None
    max_date: dt.date | None = None
    bbox: BBox | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(slots=True)
class Article:
    """An ingested article; ``key`` (URL, else a hash of the text) makes ingestion idempotent."""

    key: str
    text: str
    content_hash: str
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class QueryResult:
    items: list[Incident]
    number_matched: int


@dataclass(slots=True)
class IngestResult:
    article_key: str
    status: str  # "added" | "updated" | "unchanged"
    incidents: int
    unresolved: list[str] = field(default_factory=list)


class IncidentStore(abc.ABC):
    """Layers of incidents. Every method is safe to call from one thread per connection."""

    # -- layers -------------------------------------------------------------------------------
    @abc.abstractmethod
    def ensure_layer(self, name: str, *, title: str = "", description: str = "") -> Layer:
        """Create the layer if it does not exist; return it."""

    @abc.abstractmethod
    def get_layer(self, name: str) -> Layer:
        """Raise ``UnknownLayer`` if absent. Count, date range and bbox are current."""

    @abc.abstractmethod
    def list_layers(self) -> list[Layer]: ...

    @abc.abstractmethod
    def delete_layer(self, name: str) -> None: ...

    # -- incidents ----------------------------------------------------------------------------
    @abc.abstractmethod
    def add(self, incident: Incident) -> Incident:
        """Insert (layer must exist); returns it with timestamps set."""

    @abc.abstractmethod
    def get(self, layer: str, incident_id: str) -> Incident:
        """Raise ``UnknownIncident`` / ``UnknownLayer``."""

    @abc.abstractmethod
    def update(
        self, layer: str, incident_id: str, changes: dict[str, Any], *, reviewed: bool = True
    ) -> Incident:
        """A person's correction (location, event_type, event_date...). Survives re-ingestion."""

    @abc.abstractmethod
    def delete(self, layer: str, incident_id: str) -> None: ...

    @abc.abstractmethod
    def query(
        self,
        layer: str,
        *,
        bbox: BBox | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        types: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> QueryResult:
        """Incidents of a layer, filtered, ordered by (event_date desc, id); start/end inclusive."""

    @abc.abstractmethod
    def iter_query(self, layer: str, **filters: Any) -> Iterator[Incident]:
        """Like ``query`` without paging, streaming (exports of large layers)."""

    # -- articles -----------------------------------------------------------------------------
    @abc.abstractmethod
    def ingest(self, layer: str, article: Article, incidents: Iterable[Incident]) -> IngestResult:
        """Store an article and its incidents atomically; idempotent on ``article.key``.

        Same key and same content hash: nothing changes ("unchanged"). Same key, new content: the
        article's unreviewed incidents are replaced, reviewed ones (people's corrections) are kept.
        """

    def get_article(self, layer: str, key: str) -> Article | None:
        """The stored article with this key, or None (lets ingestion skip unchanged articles)."""
        return None

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> IncidentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str) -> IncidentStore:
    """Open a store from a URL or path: a plain path or ``sqlite:///path`` is SQLite."""
    from mapapp.store.sqlite import SQLiteStore

    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///") :])
    if "://" in url:
        from mapapp.errors import MisconfiguredError

        raise MisconfiguredError(f"Unsupported store URL scheme: {url.split('://', 1)[0]}")
    return SQLiteStore(url)

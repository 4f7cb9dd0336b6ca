"""Exports of incidents: GeoJSON (RFC 7946) and CSV (ACLED-like columns) streamed, GeoPackage and
KML through geopandas/pyogrio (GDAL).

``iter_geojson`` / ``iter_csv`` yield text chunks (for Flask streaming responses);
``write_geojson`` / ``write_csv`` write them to a text file object. Memory stays flat whatever
the number of incidents.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from gazetteer.coords import to_position
from mapapp.errors import InvalidInput
from mapapp.incidents.model import Incident

FORMATS = ("geojson", "csv", "gpkg", "kml")
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
}

# ACLED's export columns (where we have the data), then ours.
CSV_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_url",
    "notes",
    "fatalities",
    "fatalities_lower_bound",
    "date_note",
    "geonameid",
    "rule",
    "reviewed",
    "layer",
    "timestamp",
)

_TIME_PRECISION = {"day": 1, "week": 2, "month": 3}
_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Demonstrations",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
_BATCH = 500


# -- GeoJSON ------------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def iter_geojson(
    incidents: Iterable[Incident | dict[str, Any]],
    *,
    bbox: Sequence[float] | None = None,
    extra: dict[str, Any] | None = None,
) -> Iterator[str]:
    """A FeatureCollection as text chunks: ``[lon, lat]`` with 6 decimals, ``id`` per feature.

    ``bbox`` (min_lon, min_lat, max_lon, max_lat) is written when given; otherwise it is computed
    from the features and written after them (member order does not matter in JSON), so the
    collection can be streamed without holding it. ``extra`` adds top-level members (e.g. the
    layer's name); ``crs`` is refused, RFC 7946 removed it. Items are ``Incident``s or
    Features already in ``Incident.to_feature()`` form (``SQLiteStore.iter_features``).
    """
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if extra:
        if "crs" in extra:
            raise InvalidInput("RFC 7946 GeoJSON has no crs member.")
        head.update({k: v for k, v in extra.items() if k not in ("type", "features", "bbox")})
    if bbox is not None:
        head["bbox"] = [round(float(v), 6) for v in bbox]
    yield json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":['
    min_lon = min_lat = math.inf
    max_lon = max_lat = -math.inf
    batch: list[dict[str, Any]] = []
    first = True
    for inc in incidents:
        feature = inc if isinstance(inc, dict) else inc.to_feature()
        lon, lat = feature["geometry"]["coordinates"]
        if lon < min_lon:
            min_lon = lon
        if lon > max_lon:
            max_lon = lon
        if lat < min_lat:
            min_lat = lat
        if lat > max_lat:
            max_lat = lat
        batch.append(feature)
        if len(batch) >= _BATCH:
            # One encoder call per batch: half the cost of one call per feature.
            yield ("" if first else ",") + _dumps(batch)[1:-1]
            first = False
            batch.clear()
    if batch:
        yield ("" if first else ",") + _dumps(batch)[1:-1]
    tail = "]"
    if bbox is None and min_lon != math.inf:
        tail += ',"bbox":' + json.dumps([min_lon, min_lat, max_lon, max_lat])
    yield tail + "}\n"


def write_geojson(
    incidents: Iterable[Incident | dict[str, Any]],
    fp: TextIO,
    *,
    bbox: Sequence[float] | None = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """Stream a FeatureCollection into ``fp`` (see ``iter_geojson``); returns the feature count."""
    counted = _Counted(incidents)
    for chunk in iter_geojson(counted, bbox=bbox, extra=extra):
        fp.write(chunk)
    return counted.n


# -- CSV ----------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """ISO 3166-1 alpha-2 -> English short name (pycountry), or the code itself."""
    if not code:
        return ""
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=512)
def _iso_numeric(code: str | None) -> str:
    if not code:
        return ""
    import pycountry

    country = pycountry.countries.get(alpha_2=code.upper())
    return str(int(country.numeric)) if country is not None else ""


def _safe(value: str | None) -> str:
    """Neutralise spreadsheet formulas (CSV injection): article text is untrusted."""
    if not value:
        return ""
    if value[0] in "=+@\t\r" or (value[0] == "-" and not _is_number(value)):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def csv_row(inc: Incident) -> list[Any]:
    """One ACLED-like row (``CSV_COLUMNS`` order)."""
    loc, src = inc.location, inc.source
    lon, lat = to_position(loc.lat, loc.lon)
    actors = inc.actors
    source = src.publisher or src.title or ""
    return [
        inc.id,
        inc.event_date.isoformat() if inc.event_date else "",
        inc.event_date.year if inc.event_date else "",
        _TIME_PRECISION.get(inc.date_precision or "", ""),
        _DISORDER.get(inc.event_type, ""),
        inc.event_type,
        inc.sub_event_type or "",
        _safe(actors[0]) if actors else "",
        _safe(actors[1]) if len(actors) > 1 else "",
        _iso_numeric(loc.country_code),
        country_name(loc.country_code),
        _safe(loc.admin1),
        _safe(loc.name),
        lat,
        lon,
        loc.geo_precision,
        _safe(source),
        _safe(src.url),
        _safe(" ".join(inc.sentences)),
        "" if inc.fatalities is None else inc.fatalities,
        int(inc.fatalities_lower_bound),
        _safe(inc.date_note),
        "" if loc.geonameid is None else loc.geonameid,
        inc.rule,
        int(inc.reviewed),
        inc.layer,
        int(inc.updated_at.timestamp()) if inc.updated_at else "",
    ]


def iter_csv(incidents: Iterable[Incident]) -> Iterator[str]:
    """CSV text chunks: a header row, then one row per incident (RFC 4180, CRLF line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for n, inc in enumerate(incidents, 1):
        writer.writerow(csv_row(inc))
        if n % _BATCH == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_csv(incidents: Iterable[Incident], fp: TextIO) -> int:
    """Stream ACLED-like CSV into ``fp`` (open it with ``newline=""``); returns the row count."""
    counted = _Counted(incidents)
    for chunk in iter_csv(counted):
        fp.write(chunk)
    return counted.n


# -- GeoPackage / KML (GDAL via pyogrio) ---------------------------------------------------------


def _frame(incidents: Iterable[Incident]):  # noqa: ANN202 - geopandas is imported lazily
    import geopandas as gpd
    from shapely import points

    records, xs, ys = [], [], []
    for inc in incidents:
        row = dict(zip(CSV_COLUMNS, csv_row(inc), strict=True))
        # Binary formats keep types: no formula escaping, numbers as numbers.
        row.update(
            actor1=inc.actors[0] if inc.actors else None,
            actor2=inc.actors[1] if len(inc.actors) > 1 else None,
            admin1=inc.location.admin1,
            location=inc.location.name,
            source=inc.source.publisher or inc.source.title,
            source_url=inc.source.url,
            notes=" ".join(inc.sentences),
            date_note=inc.date_note,
            fatalities=inc.fatalities,
            geonameid=inc.location.geonameid,
            event_date=inc.event_date.isoformat() if inc.event_date else None,
            year=inc.event_date.year if inc.event_date else None,
            time_precision=_TIME_PRECISION.get(inc.date_precision or ""),
            timestamp=int(inc.updated_at.timestamp()) if inc.updated_at else None,
        )
        records.append(row)
        xs.append(row["longitude"])
        ys.append(row["latitude"])
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=list(CSV_COLUMNS))
    for column in ("fatalities", "geonameid", "year", "time_precision", "timestamp"):
        frame[column] = frame[column].astype("Int64")
    return gpd.GeoDataFrame(frame, geometry=points(xs, ys) if xs else [], crs="EPSG:4326")


def write_gdal(
    incidents: Iterable[Incident], path: str | Path, *, fmt: str, layer_name: str = "incidents"
) -> int:
    """Write a GeoPackage (``gpkg``) or KML (``kml``) file with GDAL; returns the row count."""
    drivers = {"gpkg": "GPKG", "kml": "KML"}
    if fmt not in drivers:
        raise InvalidInput(f"Unsupported GDAL export format {fmt!r}.")
    frame = _frame(incidents)
    path = Path(path)
    if path.exists():
        path.unlink()  # GDAL would otherwise append a layer to an existing GeoPackage
    if fmt == "kml":
        # GDAL's KML driver shows the "Name" and "Description" fields in the placemark balloon.
        frame.insert(0, "Name", frame["location"])
        frame.insert(1, "Description", frame["notes"])
        # and reserves "timestamp" for KML's own <TimeStamp>.
        frame = frame.rename(columns={"timestamp": "updated"})
    frame.to_file(path, driver=drivers[fmt], layer=layer_name, engine="pyogrio")
    return len(frame)


def export_layer(store: Any, layer: str, fmt: str, path: str | Path, **filters: Any) -> int:
    """Export a layer (optionally filtered like ``query``) to ``path``; returns the count."""
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    info = store.get_layer(layer)
    if fmt == "geojson":
        # Features straight from the stored documents when the backend offers it (2x faster).
        features = getattr(store, "iter_features", None)
        items = features(layer, **filters) if features else store.iter_query(layer, **filters)
        with open(path, "w", encoding="utf-8") as fp:
            bbox = None if filters else info.bbox
            return write_geojson(items, fp, bbox=bbox, extra={"name": layer})
    incidents = store.iter_query(layer, **filters)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fp:
            return write_csv(incidents, fp)
    return write_gdal(incidents, path, fmt=fmt, layer_name=layer)


class _Counted:
    def __init__(self, items: Iterable[Incident]) -> None:
        self._items = items
        self.n = 0

    def __iter__(self) -> Iterator[Incident]:
        for item in self._items:
            self.n += 1
            yield item

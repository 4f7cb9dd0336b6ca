"""Query-parameter parsing for downloads and OGC API items: every mistake is a 400 that says why."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request

from mapapp.errors import InvalidQuery
from mapapp.incidents.model import EVENT_TYPES
from mapapp.store.base import BBox, check_bbox

OPEN = ".."
_LAYER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HTML_FORMATS = {"html"}
JSON_FORMATS = {"json", "geojson"}


def parse_bbox(text: str | None) -> BBox | None:
    """``minlon,minlat,maxlon,maxlat`` in WGS84 (6 numbers: the heights are ignored)."""
    if text is None or text == "":
        return None
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise InvalidQuery(
            "bbox must be four comma-separated numbers: minlon,minlat,maxlon,maxlat.",
            parameter="bbox",
            value=text[:200],
        )
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise InvalidQuery(
            "bbox values must be numbers.", parameter="bbox", value=text[:200]
        ) from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    try:
        return check_bbox(numbers)
    except InvalidQuery as exc:
        raise InvalidQuery(exc.message, parameter="bbox", value=text[:200]) from None


def _parse_instant(text: str, parameter: str) -> dt.date:
    """An RFC 3339 date or date-time; incidents are dated by day, so the date part is kept."""
    value = text.strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00")).date()
    except ValueError:
        raise InvalidQuery(
            f"{parameter} must be an RFC 3339 date (2024-11-14) or date-time "
            "(2024-11-14T10:00:00Z).",
            parameter=parameter,
            value=text[:100],
        ) from None


def parse_date(text: str | None, parameter: str) -> dt.date | None:
    """A single optional date parameter (``start``/``end`` of downloads)."""
    if text is None or text.strip() in {"", OPEN}:
        return None
    return _parse_instant(text, parameter)


def parse_datetime(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """OGC ``datetime``: an instant, or ``start/end`` where either end may be ``..`` or empty."""
    if text is None or text == "":
        return None, None
    if "/" not in text:
        day = _parse_instant(text, "datetime")
        return day, day
    if text.count("/") != 1:
        raise InvalidQuery(
            "datetime interval must be start/end (use .. for an open end).",
            parameter="datetime",
            value=text[:100],
        )
    left, right = text.split("/")
    if left.strip() in {"", OPEN} and right.strip() in {"", OPEN}:
        return None, None
    start = None if left.strip() in {"", OPEN} else _parse_instant(left, "datetime")
    end = None if right.strip() in {"", OPEN} else _parse_instant(right, "datetime")
    _check_order(start, end, "datetime")
    return start, end


def _check_order(start: dt.date | None, end: dt.date | None, parameter: str) -> None:
    if start and end and start > end:
        raise InvalidQuery(
            "The start of the time range is after its end.",
            parameter=parameter,
            start=start.isoformat(),
            end=end.isoformat(),
        )


def parse_int(text: str | None, parameter: str, *, default: int, minimum: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidQuery(
            f"{parameter} must be an integer.", parameter=parameter, value=text[:50]
        ) from None
    if value < minimum:
        raise InvalidQuery(
            f"{parameter} must be at least {minimum}.", parameter=parameter, value=value
        )
    return value


def parse_limit(text: str | None, *, default: int, maximum: int) -> int:
    """``limit`` >= 1; above the maximum it is clamped (OGC API Features 17-069r4, 7.15.4)."""
    return min(parse_int(text, "limit", default=default, minimum=1), maximum)


def parse_types(values: Iterable[str]) -> list[str] | None:
    """``type`` repeated or comma-separated; each must be an ACLED event type."""
    types: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip()
            if name and name not in types:
                types.append(name)
    if not types:
        return None
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise InvalidQuery(
            f"Unknown event type: {unknown[0]!r}.", parameter="type", allowed=list(EVENT_TYPES)
        )
    return types


def check_layer_name(name: str) -> str:
    """Layer names are short identifiers (letters, digits, ``_ . -``)."""
    if not _LAYER_NAME.match(name):
        raise InvalidQuery(
            "A layer name is 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit.",
            parameter="layer",
        )
    return name


@dataclass(frozen=True, slots=True)
class Filters:
    """Filters shared by downloads and items: what the store's ``query`` takes."""

    bbox: BBox | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    types: tuple[str, ...] | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "bbox": self.bbox,
            "start": self.start,
            "end": self.end,
            "types": list(self.types) if self.types else None,
        }

    def cache_key(self) -> tuple[Any, ...]:
        return (self.bbox, self.start, self.end, self.types)


def download_filters() -> Filters:
    """``bbox``, ``start``, ``end``, ``type`` of a download request."""
    args = request.args
    start = parse_date(args.get("start"), "start")
    end = parse_date(args.get("end"), "end")
    _check_order(start, end, "start/end")
    types = parse_types(args.getlist("type"))
    return Filters(parse_bbox(args.get("bbox")), start, end, tuple(types) if types else None)


def items_filters() -> Filters:
    """``bbox``, ``datetime``, ``type`` of an OGC items request."""
    args = request.args
    start, end = parse_datetime(args.get("datetime"))
    types = parse_types(args.getlist("type"))
    return Filters(parse_bbox(args.get("bbox")), start, end, tuple(types) if types else None)


def paging() -> tuple[int, int]:
    """``limit`` (default ``DEFAULT_LIMIT``, clamped to ``MAX_LIMIT``) and ``offset``."""
    config = current_app.config
    limit = parse_limit(
        request.args.get("limit"),
        default=int(config["DEFAULT_LIMIT"]),
        maximum=int(config["MAX_LIMIT"]),
    )
    offset = parse_int(request.args.get("offset"), "offset", default=0, minimum=0)
    return limit, offset


def wants_html() -> bool:
    """OGC content negotiation: ``f=html|json`` wins, else the Accept header (JSON by default)."""
    fmt = request.args.get("f")
    if fmt:
        fmt = fmt.lower()
        if fmt in HTML_FORMATS:
            return True
        if fmt in JSON_FORMATS:
            return False
        raise InvalidQuery("f must be json or html.", parameter="f", value=fmt[:20])
    best = request.accept_mimetypes.best_match(
        ["application/geo+json", "application/json", "text/html"], default="application/json"
    )
    return best == "text/html"

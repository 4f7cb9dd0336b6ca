"""Shared test helpers: the JSON error shape check and the one factory of test incidents."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from mapapp.incidents.model import Incident, Location, Source


def by_text(mentions: Iterable[Any]) -> dict[str, list[Any]]:
    """Geoparser mentions grouped by their text, in order."""
    out: dict[str, list[Any]] = {}
    for m in mentions:
        out.setdefault(m.text, []).append(m)
    return out


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


def make_incident(
    iid: str,
    event_type: str = "Explosions/Remote violence",
    lat: float = 33.5,
    lon: float = 36.3,
    date: dt.date | None = dt.date(2024, 11, 14),
    *,
    layer: str = "syria",
    sub: str | None = None,
    place: str | None = None,
    geonameid: int | None = None,
    feature_code: str | None = None,
    admin1: str | None = None,
    country: str = "SY",
    precision: int = 1,
    undated_note: str | None = "no date in the text",
    actors: Iterable[str] = (),
    fatalities: int | None = None,
    lower_bound: bool = False,
    sentence: str | None = None,
    rule: str = "test",
    url: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    published: dt.date | None = None,
    article: str | None = None,
    raw: dict[str, Any] | None = None,
) -> Incident:
    """A valid test incident; every field the tests vary is a keyword.

    Dated incidents get day precision; undated ones get ``undated_note`` (``None`` for none).
    ``place``, ``sentence``, ``url`` and ``title`` default to texts naming ``iid``.
    """
    return Incident(
        id=iid,
        layer=layer,
        event_type=event_type,
        sub_event_type=sub,
        location=Location(
            name=place or f"Place {iid}",
            lat=lat,
            lon=lon,
            geonameid=geonameid,
            feature_code=feature_code,
            admin1=admin1,
            country_code=country,
            geo_precision=precision,
        ),
        event_date=date,
        date_precision="day" if date else None,
        date_note=None if date else undated_note,
        # Fresh copies: callers share one defaults dict, incidents must not share its lists.
        actors=list(actors),
        fatalities=fatalities,
        fatalities_lower_bound=lower_bound,
        sentences=[sentence or f"Something happened at place {iid}."],
        rule=rule,
        source=Source(
            url=url or f"https://news.example/{iid}",
            title=title or f"Report {iid}",
            publisher=publisher,
            published=published,
        ),
        article_id=article,
        raw=copy.deepcopy(raw) if raw is not None else {},
    )

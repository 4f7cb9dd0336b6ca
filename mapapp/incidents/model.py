"""Incident value objects and their GeoJSON form (ACLED codebook where it fits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from gazetteer.coords import from_position, to_position

DatePrecision = Literal["day", "week", "month"]

# ACLED event types and sub-event types (codebook 2023).
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Air/drone strike",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Suicide bomb",
        "Grenade",
        "Chemical weapon",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance", "Sexual violence"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}


@dataclass(slots=True)
class Source:
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: dt.date | None = None


@dataclass(slots=True)
class Location:
    name: str
    lat: float
    lon: float
    geonameid: int | None = None
    feature_code: str | None = None
    admin1: str | None = None
    country_code: str | None = None
    geo_precision: int = 1  # ACLED: 1 town or finer, 2 part of region, 3 region/country


@dataclass(slots=True)
class Incident:
    """Something that happened at a place on a date, with the evidence it came from."""

    id: str
    layer: str
    event_type: str
    location: Location
    sub_event_type: str | None = None
    event_date: dt.date | None = None
    date_precision: DatePrecision | None = None
    date_note: str | None = None  # why the date is empty or approximate
    actors: list[str] = field(default_factory=list)
    fatalities: int | None = None
    fatalities_lower_bound: bool = False  # "several", "dozens": a lower bound, not a count
    sentences: list[str] = field(default_factory=list)
    rule: str = ""  # which extraction rule produced it
    source: Source = field(default_factory=Source)
    article_id: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    reviewed: bool = False
    raw: dict[str, Any] = field(default_factory=dict)

    def properties(self) -> dict[str, Any]:
        """Flat, JSON-safe properties for GeoJSON/CSV (dates as ISO strings)."""
        loc = self.location
        return {
            "layer": self.layer,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "date_precision": self.date_precision,
            "date_note": self.date_note,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "actors": list(self.actors),
            "fatalities": self.fatalities,
            "fatalities_lower_bound": self.fatalities_lower_bound,
            "location": loc.name,
            "geonameid": loc.geonameid,
            "feature_code": loc.feature_code,
            "admin1": loc.admin1,
            "country_code": loc.country_code,
            "geo_precision": loc.geo_precision,
            "sentences": list(self.sentences),
            "rule": self.rule,
            "source_url": self.source.url,
            "source_title": self.source.title,
            "source_publisher": self.source.publisher,
            "source_published": self.source.published.isoformat()
            if self.source.published
            else None,
            "article_id": self.article_id,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "reviewed": self.reviewed,
        }

    def to_feature(self) -> dict[str, Any]:
        """RFC 7946 Feature: ``[lon, lat]`` via ``gazetteer.coords``, ``id`` at top level."""
        return {
            "type": "Feature",
            "id": self.id,
            "geometry": {
                "type": "Point",
                "coordinates": to_position(self.location.lat, self.location.lon),
            },
            "properties": self.properties(),
        }

    @classmethod
    def from_feature(cls, feature: dict[str, Any]) -> Incident:
        """Inverse of ``to_feature`` (raises ``InvalidCoordinates`` on a bad position)."""
        props = dict(feature.get("properties") or {})
        lat, lon = from_position((feature.get("geometry") or {}).get("coordinates"))
        return cls(
            id=str(feature["id"]),
            layer=props.get("layer") or "",
            event_type=props.get("event_type") or "",
            sub_event_type=props.get("sub_event_type"),
            event_date=_date(props.get("event_date")),
            date_precision=props.get("date_precision"),
            date_note=props.get("date_note"),
            actors=list(props.get("actors") or []),
            fatalities=props.get("fatalities"),
            fatalities_lower_bound=bool(props.get("fatalities_lower_bound")),
            location=Location(
                name=props.get("location") or "",
                lat=lat,
                lon=lon,
                geonameid=props.get("geonameid"),
                feature_code=props.get("feature_code"),
                admin1=props.get("admin1"),
                country_code=props.get("country_code"),
                geo_precision=int(props.get("geo_precision") or 1),
            ),
            sentences=list(props.get("sentences") or []),
            rule=props.get("rule") or "",
            source=Source(
                url=props.get("source_url"),
                title=props.get("source_title"),
                publisher=props.get("source_publisher"),
                published=_date(props.get("source_published")),
            ),
            article_id=props.get("article_id"),
            created_at=_datetime(props.get("created_at")),
            updated_at=_datetime(props.get("updated_at")),
            reviewed=bool(props.get("reviewed")),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None

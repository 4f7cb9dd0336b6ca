"""Gazetteer value objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gazetteer.coords import to_position

# GeoNames feature classes: A country/region, P populated place, L area (camps, districts), S spot.
COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLIX", "PCLS", "PCLF", "PCL", "TERR"})
ADMIN1_CODES = frozenset({"ADM1", "ADM1H"})


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``raw`` keeps the source record (as geopy's ``Location.raw``)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str = ""
    admin1: str = ""
    population: int = 0
    asciiname: str = ""
    parent_id: int | None = None
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def latlon(self) -> tuple[float, float]:
        return (self.lat, self.lon)

    @property
    def position(self) -> list[float]:
        """GeoJSON ``[lon, lat]``."""
        return to_position(self.lat, self.lon)

    @property
    def is_country(self) -> bool:
        return self.feature_code in COUNTRY_CODES

    @property
    def is_admin1(self) -> bool:
        return self.feature_code in ADMIN1_CODES

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form (CLI ``--json``, API): no ``raw``."""
        return {
            "geonameid": self.geonameid,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "feature_class": self.feature_class,
            "feature_code": self.feature_code,
            "country_code": self.country_code,
            "admin1": self.admin1,
            "population": self.population,
        }

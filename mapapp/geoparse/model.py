"""Geoparser value objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gazetteer.model import Place

MentionKind = Literal["place", "demonym"]

# ACLED geo-precision: 1 town or finer, 2 part of a region / near a town, 3 region or country.
PRECISION_TOWN = 1
PRECISION_PART_OF_REGION = 2
PRECISION_REGION = 3


@dataclass(slots=True)
class Candidate:
    """A gazetteer entry considered for a mention, with its score and why."""

    place: Place
    score: float
    reasons: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Mention:
    """A place mention: ``text`` is ``input[start:end]``; ``place`` is None when unresolved."""

    text: str
    start: int
    end: int
    kind: MentionKind = "place"
    place: Place | None = None
    score: float = 0.0
    precision: int | None = None
    candidates: list[Candidate] = field(default_factory=list, repr=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by ``mapapp geoparse --format json``."""
        place = None
        if self.place is not None:
            p = self.place
            place = {
                "geonameid": p.geonameid,
                "name": p.name,
                "lat": p.lat,
                "lon": p.lon,
                "feature_code": p.feature_code,
                "country_code": p.country_code,
                "admin1": p.admin1,
            }
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "place": place,
            "score": round(self.score, 4),
            "precision": self.precision,
        }

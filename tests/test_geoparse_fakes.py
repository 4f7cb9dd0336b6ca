"""A tiny in-memory gazetteer with the ``Gazetteer`` methods the geoparser uses, for unit tests
that must not depend on the full build. Coordinates are the real ones (GeoNames)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from gazetteer.errors import UnknownCountry
from gazetteer.model import Place
from gazetteer.normalize import name_keys

# (geonameid, name, lat, lon, class, code, cc, admin1, population, parent, source, variants)
ROWS = [
    (163843, "Syria", 35.0, 38.0, "A", "PCLI", "SY", "", 22198110, None, "country", []),
    (130758, "Iran", 32.0, 53.0, "A", "PCLI", "IR", "", 76923300, None, "country", []),
    (294640, "Israel", 31.5, 34.75, "A", "PCLI", "IL", "", 7353985, None, "country", []),
    (272103, "Lebanon", 33.83, 35.83, "A", "PCLI", "LB", "", 4125247, None, "country", []),
    (99237, "Iraq", 33.0, 44.0, "A", "PCLI", "IQ", "", 29671605, None, "country", []),
    (248816, "Jordan", 31.0, 36.0, "A", "PCLI", "JO", "", 6407085, None, "country", []),
    (614540, "Georgia", 42.0, 43.5, "A", "PCLI", "GE", "", 4630000, None, "country", []),
    (
        6252001,
        "United States",
        39.76,
        -98.5,
        "A",
        "PCLI",
        "US",
        "",
        310232863,
        None,
        "country",
        ["USA", "US", "United States of America"],
    ),
    (
        2635167,
        "United Kingdom",
        54.76,
        -2.7,
        "A",
        "PCLI",
        "GB",
        "",
        62348447,
        None,
        "country",
        ["UK", "Britain"],
    ),
    (3017382, "France", 46.0, 2.0, "A", "PCLI", "FR", "", 64768389, None, "country", []),
    (
        170654,
        "Damascus",
        33.5102,
        36.29128,
        "P",
        "PPLC",
        "SY",
        "13",
        1569394,
        None,
        "geonames",
        ["Dimashq", "دمشق"],
    ),
    (4352681, "Damascus", 39.28844, -77.20387, "P", "PPL", "US", "MD", 15257, None, "geonames", []),
    (
        2100000001,
        "Mazzeh",
        33.5,
        36.25,
        "P",
        "PPLX",
        "SY",
        "13",
        0,
        170654,
        "curated",
        ["Mezzeh", "al-Mazzah", "المزة"],
    ),
    (4197000, "Georgia", 32.75, -83.5, "A", "ADM1", "US", "GA", 9919945, None, "admin1", []),
    (611717, "Tbilisi", 41.69411, 44.83368, "P", "PPLC", "GE", "TB", 1049498, None, "geonames", []),
    (4180439, "Atlanta", 33.749, -84.38798, "P", "PPLA", "US", "GA", 463878, None, "geonames", []),
    (112931, "Tehran", 35.69439, 51.42151, "P", "PPLC", "IR", "26", 7153309, None, "geonames", []),
    (
        2210247,
        "Tripoli",
        32.88743,
        13.18733,
        "P",
        "PPLC",
        "LY",
        "77",
        1150989,
        None,
        "geonames",
        [],
    ),
    (266826, "Tripoli", 34.43667, 35.84972, "P", "PPLA", "LB", "09", 229398, None, "geonames", []),
    (276781, "Beirut", 33.89332, 35.50157, "P", "PPLC", "LB", "04", 1916100, None, "geonames", []),
    (
        2639577,
        "Reading",
        51.45625,
        -0.97113,
        "P",
        "PPLA2",
        "GB",
        "ENG",
        244070,
        None,
        "geonames",
        [],
    ),
    (2990440, "Nice", 43.70313, 7.26608, "P", "PPLA2", "FR", "93", 338620, None, "geonames", []),
    (3194828, "Most", 50.50301, 13.63617, "P", "PPLA2", "CZ", "78", 67905, None, "geonames", []),
    (5235296, "Johnson", 44.63561, -72.68013, "P", "PPL", "US", "VT", 1443, None, "geonames", []),
    (4456703, "Supreme", 29.85, -90.99, "P", "PPL", "US", "LA", 1052, None, "geonames", []),
]


class FakeGazetteer:
    """Implements ``candidates``, ``iter_names``, ``country``, ``get`` and ``path``."""

    def __init__(self, path: Path | None = None, rows: list[tuple] | None = None):
        self.path = path
        self.fingerprint = "fake-1"
        self.places: dict[int, Place] = {}
        self.by_norm: dict[str, list[Place]] = defaultdict(list)
        self.calls = 0
        for gid, name, lat, lon, fc, code, cc, a1, pop, parent, source, variants in rows or ROWS:
            place = Place(gid, name, lat, lon, fc, code, cc, a1, pop, name, parent, source)
            self.places[gid] = place
            for variant in [name, *variants]:
                for key in set(name_keys(variant)):
                    self.by_norm[key].append(place)

    def candidates(self, norm_name: str) -> list[Place]:
        self.calls += 1
        return list(self.by_norm.get(norm_name, []))

    def iter_names(self):
        for key, places in self.by_norm.items():
            for place in places:
                yield key, place.geonameid

    def country(self, cc: str) -> Place:
        for place in self.places.values():
            if place.country_code == cc and place.feature_code == "PCLI":
                return place
        raise UnknownCountry(f"Unknown country code {cc!r}.")

    def get(self, geonameid: int) -> Place:
        return self.places[geonameid]

"""Airports and air bases from the ``airportsdata`` package (MIT; about 28,000 rows: ICAO, IATA,
name, city, subdivision, country, elevation, lat, lon, time zone, FAA LID).

Selection (``select``), so news names of airports and bases resolve without the ~20,000 private
strips whose names ("Lowell Field", "Epps Airpark") would only add noise:

* every row with an IATA code: airports with scheduled or public service (and the bases that
  also carry one: Nevatim, Al Asad, Ramstein);
* every military field: a name with "Air Base", "Airbase", "Air Force Base", "Air Force
  Station", "Air Station", "Naval Air Station/Base", "Army Air Field/Airfield", "Military",
  "Naval", "Base Aérea", or the FAA abbreviations "AFB"/"NAS"; in the US only under a
  four-letter ICAO code (codes with digits are FAA identifiers of private strips: "Tara Airbase
  Airport");
* every "International" airport under a four-letter ICAO code (international airports IATA
  lists no code for: Mykolaiv, Ovda, Izmail).

Rows are left out when the name says the field is not usable ("under construction", "unknown
coordinates", "closed", "abandoned") or has only generic words ("Memorial Field", "Central
Airport"), when the coordinates fail ``coords.validate_latlon`` or
are (0, 0), when the country is unknown to the build, or when the point lies neither within
``PARENT_RADIUS_KM`` of a ``cities500`` town of its country nor within ``MAX_OUTSIDE_KM`` of the
country's outline (a data error; the two tests together keep Crimea's fields, which GeoNames
and airportsdata file under UA while the Natural Earth outline does not, and small islands the
1:10m outline misses). Puerto Rico, the US Virgin Islands, Svalbard and Åland, subdivisions
in airportsdata, take their own ISO codes as in GeoNames (``SUBDIVISION_COUNTRIES``). A row
within ``CURATED_RADIUS_KM`` of a curated airport or base (``AIRP``/``MILB``/``AIRB`` in
``curated_places.csv``) is skipped: the curated row, with its press spellings and cited
source, wins, and takes the row's names (below) as alternate names.

Places: ``AIRP`` (airports) or ``AIRB`` (air bases: the military names above), feature class
``S``, source ``"airportsdata"``; ``raw`` keeps the source record (ICAO, IATA...). The parent is
the nearest ``cities500`` town of the same country within ``PARENT_RADIUS_KM`` (else the
country), and the admin-1 code is the parent's, as curated rows take theirs. Ids are
``ID_BASE`` (``schema.AIRPORTS_ID_BASE``, 2,130,000,000) + the ICAO code read as a base-37 number
(``airport_id``, < 2,132,000,000, below the users' ids): stable across rebuilds and
package updates, and decodable.

Names (``airport_names``): the full name; without a parenthesis ("Be'er Sheva (Teyman) Airport"
-> "Be'er Sheva Airport"); FAA abbreviations spelled out ("Ntl" -> "National", "Afb" -> "Air Force
Base"); without the leading city ("London Heathrow Airport" -> "Heathrow Airport", "Paris-Orly
Airport" -> "Orly Airport") when something more than generic words remains; "X Airport" beside
"X International Airport"; "Air Base" <-> "Airbase"; and, for an international airport,
"<City> Airport" and "<City> International Airport" when the row's city is a ``cities500`` town
of that country nearby and the only selected airport of that city ("Doha Airport" for Hamad
International). A form without a word for an airfield (the data names a few airports like
their town: "Ganzhou", "San Carlos") is indexed as "<form> Airport", so no airport takes a
town's name. IATA and ICAO codes are not names: three capitals
collide with everything. Bare cores ("Heathrow", "Schiphol") are not names either: most cores
are people ("Ben Gurion", "Jinnah", "Rafic Hariri") or words ("Capital", "Persian Gulf").
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gazetteer.coords import haversine_km, km_outside, validate_latlon
from gazetteer.errors import InvalidCoordinates
from gazetteer.schema import AIRPORTS_ID_BASE

if TYPE_CHECKING:  # the build imports this module; the reverse import is only for types
    from gazetteer.build import _Builder

SOURCE = "airportsdata"
# Bumped when this module's output changes (selection, names, ids): part of the fingerprint, so
# databases rebuild once without a BUILD_REVISION bump for every build step.
REVISION = 2
DIST = "airportsdata"
# Synthetic ids: schema.AIRPORTS_ID_BASE (2,130,000,000) + the ICAO code in base 37, below the
# users' range, so a user's place can neither take nor be given an airport's id.
ID_BASE = AIRPORTS_ID_BASE
_ID_ALPHABET = "_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # "_" leads airportsdata's pseudo codes
ID_MAX = ID_BASE + len(_ID_ALPHABET) ** 4 - 1
CURATED_CODES = frozenset({"AIRP", "MILB", "AIRB"})
CURATED_RADIUS_KM = 3.0
PARENT_RADIUS_KM = 60.0
# A field with no town of its country within PARENT_RADIUS_KM and farther than this outside the
# country's Natural Earth 1:10m outline is a data error; nearer, it is an island or coast the
# generalised outline misses.
MAX_OUTSIDE_KM = 30.0

# Subdivisions airportsdata files under a country that ISO 3166-1 (and GeoNames, hence the
# build's towns) code as countries of their own.
SUBDIVISION_COUNTRIES = {
    ("US", "Puerto Rico"): "PR",
    ("US", "Virgin Islands"): "VI",
    ("NO", "Svalbard"): "SJ",
    ("FI", "Mariehamns-stad"): "AX",
}
_MILITARY = re.compile(
    r"\b(?:air\s*base|air\s+force\s+(?:base|station)|air\s+station|naval|army\s+air\s*field|"
    r"military|base\s+a[ée]rea|afb|nas)\b",
    re.IGNORECASE,
)
_UNUSABLE = re.compile(
    r"under construction|unknown coordinates|\bclosed\b|\babandoned\b|\bduplicate\b", re.I
)
_ICAO4 = re.compile(r"[A-Z]{4}")
# A word that says "airfield"; a name without one is indexed as "<name> Airport".
_AVIATION = re.compile(
    r"\b(?:airports?|air\s*base|airbase|air\s*field|airfield|aerodrome|air\s*strip|airstrip|"
    r"air\s*park|airpark|air\s+station|air\s+force|air\s+college|heliport|helipad|jetport|"
    r"field|base|station|landing\s+strip|runway|raf|rnas|cfb|seaplane|aeroporto|aeropuerto|"
    r"a[ée]roport|flughafen)\b",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^)]*\)")
_ABBREVIATIONS = {
    "Intl": "International",
    "Int'l": "International",
    "Ntl": "National",
    "Afb": "Air Force Base",
    "AFB": "Air Force Base",
    "Nas": "Naval Air Station",
    "Arpt": "Airport",
    "Apt": "Airport",
}
_ABBR_RE = re.compile(
    r"(?<![\w'])(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?![\w'])"
)
# Words that do not make a name on their own ("City Airport", "International Airport").
GENERIC = frozenset(
    [
        "airport",
        "airports",
        "airfield",
        "aerodrome",
        "airstrip",
        "airpark",
        "air",
        "base",
        "airbase",
        "force",
        "station",
        "naval",
        "army",
        "military",
        "international",
        "intl",
        "national",
        "domestic",
        "regional",
        "municipal",
        "county",
        "city",
        "executive",
        "memorial",
        "field",
        "new",
        "old",
        "north",
        "south",
        "east",
        "west",
        "central",
        "main",
        "de",
        "del",
        "of",
        "the",
        "and",
        "at",
    ]
)


# --------------------------------------------------------------------------- selection


def load_airports() -> list[dict[str, Any]]:
    """Every row of the installed ``airportsdata`` package (keyed by ICAO there)."""
    import airportsdata

    return list(airportsdata.load("ICAO").values())


def fingerprint_part(airports: Callable[[], Iterable[dict]] | list[dict] | None) -> str:
    """What ``Sources.fingerprint`` hashes for the airports: the package version for the real
    loader, the rows themselves for test data."""
    if airports is None:
        return "airports=none;"
    if callable(airports):
        from importlib import metadata

        try:
            version = metadata.version(DIST)
        except metadata.PackageNotFoundError:
            version = "missing"
        return f"airports={DIST}-{version}/r{REVISION};"
    digest = hashlib.sha256(json.dumps(list(airports), sort_keys=True, default=str).encode())
    return f"airports={digest.hexdigest()};"


def is_military(name: str) -> bool:
    """Whether an airportsdata name is a military field's ("Shayrat Air Base", "Dyess AFB")."""
    return bool(_MILITARY.search(name or ""))


def selected(row: dict[str, Any]) -> bool:
    """The selection rule (module docstring) for one airportsdata row."""
    name = str(row.get("name") or "").strip()
    icao = str(row.get("icao") or "").strip().upper()
    if not name or not icao or _UNUSABLE.search(name):
        return False
    if str(row.get("iata") or "").strip():
        return True
    four_letters = bool(_ICAO4.fullmatch(icao))
    if is_military(name):
        return four_letters or str(row.get("country") or "").upper() != "US"
    return four_letters and "international" in name.lower()


def country_of(row: dict[str, Any]) -> str:
    """The row's ISO 3166-1 code, with ``SUBDIVISION_COUNTRIES`` applied."""
    cc = str(row.get("country") or "").strip().upper()
    return SUBDIVISION_COUNTRIES.get((cc, str(row.get("subd") or "").strip()), cc)


def airport_id(icao: str) -> int:
    """Stable synthetic id of an ICAO code (``ID_BASE`` + the code in base 37)."""
    code = (icao or "").strip().upper()
    if not 1 <= len(code) <= 4 or any(c not in _ID_ALPHABET for c in code):
        raise ValueError(f"not an ICAO code: {icao!r}")
    value = 0
    for ch in code.rjust(4, "_"):
        value = value * len(_ID_ALPHABET) + _ID_ALPHABET.index(ch)
    return ID_BASE + value


def feature_code_of(row: dict[str, Any]) -> str:
    """``AIRB`` for an air base, ``AIRP`` for any other airport."""
    return "AIRB" if is_military(str(row.get("name") or "")) else "AIRP"


def valid_point(row: dict[str, Any]) -> tuple[float, float] | None:
    """The row's ``(lat, lon)``, or None when it is no usable coordinate."""
    try:
        lat, lon = validate_latlon(row.get("lat"), row.get("lon"))
    except InvalidCoordinates:
        return None
    if lat == 0.0 and lon == 0.0:
        return None  # the usual placeholder of a missing position
    return lat, lon


# --------------------------------------------------------------------------- names


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text.lower())


def _has_core(text: str) -> bool:
    return any(w not in GENERIC for w in _words(text))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,-/")


def airport_names(name: str, city: str = "", *, city_form: bool = False) -> list[str]:
    """The names a row is found by, the full name first (module docstring). ``city_form`` adds
    "<city> Airport" (and "<city> International Airport" when the name has International)."""
    full = _clean(name)
    out: list[str] = []

    def add(form: str) -> None:
        form = _clean(form)
        if form and not _AVIATION.search(form):
            form = f"{form} Airport"  # "Ganzhou", "San Carlos": the data's name is a town's
        if form and form not in out and _has_core(form) and len(_words(form)) >= 2:
            out.append(form)

    base = [full]
    bare = _clean(_PAREN.sub("", full))
    if bare != full:
        base.append(bare)
    expanded = [_ABBR_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)], f) for f in base]
    base += [f for f in expanded if f not in base]
    city = _clean(city or "")
    for form in list(base):
        if city and form.lower().startswith(city.lower()) and len(form) > len(city):
            rest = form[len(city) :]
            if rest[:1] in (" ", "-", "/"):
                rest = _clean(rest)
                if rest.lower().startswith("airport "):
                    rest = f"{rest[8:]} Airport"  # "Amsterdam Airport Schiphol"
                if _has_core(rest):
                    base.append(rest)
    for form in base:
        add(form)
        short = re.sub(r"\s+International\s+Airport\b", " Airport", form)
        add(short)
        for a, b in (("Air Base", "Airbase"), ("Airbase", "Air Base")):
            if re.search(rf"\b{a}\b", form):
                add(re.sub(rf"\b{a}\b", b, form))
    if (
        city_form
        and city
        and "/" not in city
        and "," not in city
        and "international" in (full.lower())
    ):
        add(f"{city} Airport")
        add(f"{city} International Airport")
    return out


# --------------------------------------------------------------------------- the build step


class _Towns:
    """Nearest-town look-ups over the build's towns, per country: towns sorted by latitude, so
    a look-up only measures the band of latitudes within ``PARENT_RADIUS_KM``."""

    def __init__(self, places: dict[int, list]) -> None:
        import numpy as np

        by_cc: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
        for gid, row in places.items():
            if row[5] == "P" and row[7]:
                by_cc[row[7]].append((row[3], row[4], gid))
        self._np = np
        self._index = {}
        for cc, rows in by_cc.items():
            rows.sort()
            self._index[cc] = (
                np.array([r[0] for r in rows]),
                np.radians(np.array([r[0] for r in rows])),
                np.radians(np.array([r[1] for r in rows])),
                np.array([r[2] for r in rows], dtype=np.int64),
            )

    def nearest(self, cc: str, lat: float, lon: float) -> tuple[int, float] | None:
        """``(town id, km)`` of the town of ``cc`` nearest to the point if one lies within
        ``PARENT_RADIUS_KM``, else None."""
        entry = self._index.get(cc)
        if entry is None:
            return None
        np = self._np
        degrees, lats, lons, ids = entry
        band = PARENT_RADIUS_KM / 111.0 + 0.01  # a degree of latitude is >= 110.5 km
        lo_i, hi_i = np.searchsorted(degrees, [lat - band, lat + band])
        if lo_i >= hi_i:
            return None
        la, lo = math.radians(lat), math.radians(lon)
        sl = slice(int(lo_i), int(hi_i))
        a = (
            np.sin((lats[sl] - la) / 2) ** 2
            + math.cos(la) * np.cos(lats[sl]) * np.sin((lons[sl] - lo) / 2) ** 2
        )
        i = int(np.argmin(a))
        km = 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, float(a[i]))))
        return (int(ids[sl][i]), km) if km <= PARENT_RADIUS_KM else None


def add_airports(builder: _Builder, shapes: dict[str, Any] | None = None) -> int:
    """The build step: selected airportsdata rows become places (``source="airportsdata"``).
    Runs after the curated supplement (whose airports win). Returns the number added."""
    from gazetteer.normalize import ascii_name

    source = builder.sources.airports
    if source is None:
        return 0
    rows = list(source() if callable(source) else source)
    shapes = shapes or {}
    curated = [
        (row[3], row[4], row[7], gid)
        for gid, row in builder.places.items()
        if row[11] == "curated" and row[6] in CURATED_CODES
    ]
    towns = _Towns(builder.places)
    picked = []
    skipped: dict[str, int] = defaultdict(int)
    outside: list[str] = []
    for row in rows:
        if not selected(row):
            continue
        point = valid_point(row)
        cc = country_of(row)
        icao = str(row.get("icao") or "").strip().upper()
        if point is None:
            skipped["bad coordinates"] += 1
            continue
        if cc not in builder.country_ids:
            skipped["unknown country"] += 1
            continue
        try:
            gid = airport_id(icao)
        except ValueError:
            skipped["bad ICAO code"] += 1
            continue
        lat, lon = point
        shape = shapes.get(cc)
        if (
            shape is not None
            and towns.nearest(cc, lat, lon) is None
            and km_outside(shape, lat, lon) > MAX_OUTSIDE_KM
        ):
            skipped[f"more than {MAX_OUTSIDE_KM:.0f} km outside the country"] += 1
            outside.append(icao)
            continue
        twin = next(
            (
                cid
                for clat, clon, ccc, cid in curated
                if ccc in ("", cc) and haversine_km(lat, lon, clat, clon) <= CURATED_RADIUS_KM
            ),
            None,
        )
        if twin is not None:
            skipped["curated"] += 1
            _add_names_to(
                builder, twin, airport_names(str(row["name"]), str(row.get("city") or ""))
            )
            continue
        picked.append((gid, lat, lon, cc, row))
    # "<City> Airport" only for a city with one selected airport, and a city that is a town.
    per_city: dict[tuple[str, str], int] = defaultdict(int)
    for _gid, _lat, _lon, cc, row in picked:
        if feature_code_of(row) == "AIRP" and row.get("city"):
            per_city[(cc, str(row["city"]).strip().lower())] += 1
    added = 0
    for gid, lat, lon, cc, row in picked:
        code = feature_code_of(row)
        city = str(row.get("city") or "").strip()
        near = towns.nearest(cc, lat, lon)
        parent = near[0] if near is not None else None
        admin1 = builder.places[parent][8] if parent is not None else ""
        city_form = (
            code == "AIRP"
            and bool(city)
            and per_city[(cc, city.lower())] == 1
            and _is_town_nearby(builder, city, cc, lat, lon)
        )
        names = airport_names(str(row["name"]), city, city_form=city_form)
        if not names:
            skipped["only generic words in the name"] += 1  # "Memorial Field", "Central Airport"
            continue
        name = _clean(str(row["name"]))
        raw = {k: row.get(k) for k in ("icao", "iata", "name", "city", "subd", "country", "lid")}
        raw["elevation_ft"] = row.get("elevation")
        raw["tz"] = row.get("tz")
        builder.add_place(
            [gid, name, ascii_name(name), round(lat, 6), round(lon, 6), "S", code, cc, admin1, 0,
             parent if parent is not None else builder.country_ids.get(cc), SOURCE, raw],
            [(names[0], "name"), (ascii_name(names[0]), "ascii"), *((n, "alt") for n in names[1:])],
        )  # fmt: skip
        added += 1
    if skipped:
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items()))
        builder.notes.append(
            f"airportsdata: {added} airports and air bases; skipped {why}"
            + (f" ({', '.join(outside)})" if outside else "")
        )
    return added


def _add_names_to(builder: _Builder, gid: int, names: list[str]) -> None:
    """The airportsdata names of a curated airport as its alternate names (the curated row keeps
    its point, code and source; "Bassel Al-Assad International Airport" finds Hmeimim)."""
    from gazetteer.normalize import name_keys

    builder.flush_names()
    have = {
        r[0]
        for r in builder.conn.execute("SELECT norm FROM place_name WHERE geonameid = ?", (gid,))
    }
    new = [n for n in names if not set(name_keys(n)) & have]
    builder.add_names(gid, [(n, "alt") for n in new])


def _is_town_nearby(builder: _Builder, city: str, cc: str, lat: float, lon: float) -> bool:
    """Whether ``city`` names a town of ``cc`` within ``PARENT_RADIUS_KM`` of the airport."""
    for gid in builder.ids_named([city]):
        row = builder.places.get(gid)
        if (
            row is not None
            and row[5] == "P"
            and row[7] == cc
            and haversine_km(lat, lon, row[3], row[4]) <= PARENT_RADIUS_KM
        ):
            return True
    return False

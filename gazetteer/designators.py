"""English designator names of first-level subdivisions: "Kharkiv Oblast", "Sumy region",
"Idlib Governorate", "Shan State".

News names a region with an English designator, but ISO 3166-2's names are often local or
adjectival ("Kharkivska oblast", "Kurskaja oblast'"). ``admin1_designator_names`` builds the
compounds from a region's ISO names, ISO type and seat town; the build adds them as names of kind
``variant`` (see ``gazetteer/build.py``'s docstring for the rule in full). A bare short name is
never produced: bare "Kharkiv" and "Sumy" stay the cities.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable

from gazetteer.arabic import ARABIC_NAME_COUNTRIES
from gazetteer.normalize import normalize

_LOCAL_DESIGNATORS = {
    # Romanised Russian, Ukrainian, Belarusian, Kazakh, Kyrgyz and Chinese designators, by the
    # English designator they add.
    "oblast": r"(?:avtonomn\w+\s+)?oblast(?:i|y)?|voblast[sć]?|oblysy",
    "krai": r"kraj|kray|krai",
    "city": r"city|municipality|shi|shaary|gorod",
}
_DESIGNATOR_RE = (
    r"(?P<oblast>{oblast})|(?P<krai>{krai})|(?P<city>{city})|avtonomn\w+\s+okrug|okrug|"
    r"respublika|sheng|zizhiqu|sar|autonomous\s+(?:region|republic|community|okrug|district)|"
    r"province|region|state|governorate|prefecture|department|district|county|division|canton|"
    r"parish|voivode?ship|rayon|emirate|republic|territory"
).format(**_LOCAL_DESIGNATORS)
# "Kharkivska oblast", "Dagestan, Respublika", "Beijing Shi", "Idlib Governorate".
_TRAILING_DESIGNATOR = re.compile(rf"^(?P<stem>.+?),?\s+(?:{_DESIGNATOR_RE})['’]?$", re.I)
# "Gorod Minsk", "Autonomous Republic of Crimea", "Free State of Bavaria".
_LEADING_DESIGNATOR = re.compile(
    r"^(?:(?P<city>gorod)|(?:avtonomn\w+\s+)?respublika|(?:(?:free|autonomous)\s+)?"
    r"(?:republic|state|province|region|governorate|emirate|(?P<city2>city))\s+of)\s+(?P<stem>.+)$",
    re.I,
)
# A Slavic adjective ("Kharkivska", "Kurskaja", "Krasnodarskij", "Zaporizka"): the form a region
# named after its seat takes before "oblast"/"kraj"; no name of its own in English news.
_ADJECTIVE = re.compile(r"(?:s|c|z|ts|ch)k(?:a|aja|aya|ij|iy|yi|yj|yy|ii)$")
# ISO 3166-2 type (lower case) -> the designators news puts after (or before) the short name.
ADMIN1_TYPE_DESIGNATORS: dict[str, tuple[str, ...]] = {
    "province": ("{} Province",),
    "state": ("{} State",),
    "land": ("{} State",),
    "regional state": ("{} State",),
    "governorate": ("{} Governorate",),
    "department": ("{} Department",),
    "prefecture": ("{} Prefecture",),
    "economic prefecture": ("{} Prefecture",),
    "oblast": ("{} Oblast",),
    "county": ("{} County",),
    "district": ("{} District",),
    "popularate": ("{} District",),
    "rayon": ("{} Rayon", "{} District"),
    "division": ("{} Division",),
    "canton": ("{} Canton",),
    "parish": ("{} Parish",),
    "voivodship": ("{} Voivodeship",),
    "emirate": ("{} Emirate", "Emirate of {}"),
    "republic": ("{} Republic", "Republic of {}"),
    "autonomous republic": ("{} Republic", "Republic of {}", "Autonomous Republic of {}"),
    "administrative territory": ("{} Krai", "{} Territory"),
    "territory": ("{} Territory",),
    "union territory": ("{} Territory",),
    "federal territory": ("{} Territory",),
    "capital territory": ("{} Territory",),
    "autonomous region": ("{} Autonomous Region",),
    "autonomous district": ("{} Autonomous Okrug",),
    "municipality": ("{} Municipality",),
}
# Designators a region's own names imply, whatever its ISO type (Ukraine's and Russia's oblasts
# have ISO types "Region" and "Administrative region").
_NAME_DESIGNATORS = {"oblast": ("{} Oblast",), "krai": ("{} Krai",), "city": ("{} City",)}
# Said of every admin-1 region, whatever its type ("the Sumy region", "Idlib province")...
GENERIC_DESIGNATORS = ("{} region", "{} province")
# ...but cities and nations: "the Kyiv region" is Kyiv Oblast around the city, not the city.
_CITY_OR_NATION_TYPE = re.compile(
    r"\b(?:city|municipality|capital|town|borough|ward|quarter|commune|council|country)\b"
)

# Short names of only these words ("Central", "North", "Western", "North East") make no
# compounds: "Central District" and "Northern Province" name parts of many countries, and news
# uses them for courts and streets ("Seoul Central District Court", "North State Street").
_POSITION_WORDS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "centre", "center", "middle", "upper", "lower", "inner", "outer", "northeast", "northwest",
    "southeast", "southwest", "capital", "coast",
})  # fmt: skip


def _latin(text: str) -> bool:
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def _strip_designator(name: str) -> tuple[str, set[str]]:
    """``name`` without a leading or trailing designator, and the designators it implies
    (``"oblast"``, ``"krai"``, ``"city"``)."""
    implied: set[str] = set()
    for pattern in (_TRAILING_DESIGNATOR, _LEADING_DESIGNATOR):
        match = pattern.match(name.strip())
        if match is None:
            continue
        implied |= {
            "city" if key == "city2" else key
            for key, value in match.groupdict().items()
            if key != "stem" and value
        }
        name = match["stem"].strip()
    return name, implied


def _romanised(name: str) -> str:
    """``name`` normalised with the romanisations of one Cyrillic letter made alike (ISO's
    "Brjanskaja", "Arhangel'skaja" and "Zaporizka" beside GeoNames' Bryansk, Arkhangelsk and
    Zaporizhzhia)."""
    return normalize(name).replace("kh", "h").replace("zh", "z").replace("j", "y")


def _seat_stem(adjective: str, seat: str) -> bool:
    """Whether a region's adjectival name is made from its seat's name ("Kharkivska" from
    Kharkiv, "Sumska" from Sumy, "Kurskaja" from Kursk): once romanised alike, the shared
    beginning is at least 3 letters, covers 70% of the seat's name, and leaves at most 5
    letters of the adjective (its ending)."""
    a, s = _romanised(adjective), _romanised(seat)
    shared = len(os.path.commonprefix([a, s]))
    return shared >= 3 and shared >= 0.7 * len(s) and len(a) - shared <= 5


def admin1_designator_names(
    names: Iterable[str],
    iso_type: str | None,
    seats: Iterable[str] = (),
    country_names: frozenset[str] = frozenset(),
    country_code: str = "",
) -> list[str]:
    """The English designator names of an admin-1 region ("Kharkiv Oblast", "Sumy region",
    "Idlib Governorate", "Shan State"): compounds of its short names, never a bare short name.

    ``names`` are the region's ISO names (name, variants, local names), ``iso_type`` its ISO
    3166-2 type, ``seats`` the names of its seat town, ``country_names`` normalised country
    names (no generic "X region" for them: that is usually a part of the country),
    ``country_code`` its country."""
    kind = (iso_type or "").strip().lower()
    shorts: dict[str, str] = {}
    adjectives: list[str] = []
    implied: set[str] = set()
    for name in names:
        if not name or not _latin(name):
            continue
        stem, said = _strip_designator(name)
        implied |= said
        if said & {"oblast", "krai"} and _ADJECTIVE.search(normalize(stem)):
            adjectives.append(stem)
            continue
        stem = stem.strip("'\"‘’“” ")
        key = normalize(stem)
        # Nicknames ("Land of Beauty", "The Evergreen State", "The District"), abbreviations
        # ("HCMC") and split-up fragments ("D.C. (eng)") are no short names.
        if (
            len(key) < 3
            or key.split()[0] == "the"
            or set(key.split()) <= _POSITION_WORDS
            or " of " in f" {key} "
            or (stem.isupper() and " " not in stem)
            or any(ch in stem for ch in "()[]")
        ):
            continue
        shorts.setdefault(key, stem)
    for seat in seats:
        if seat and _latin(seat) and any(_seat_stem(adj, seat) for adj in adjectives):
            shorts.setdefault(normalize(seat), seat)
    templates = list(ADMIN1_TYPE_DESIGNATORS.get(kind, ()))
    if kind == "province" and country_code in ARABIC_NAME_COUNTRIES:
        # An Arab country's muhafazah is a "governorate" in English news whatever ISO's type
        # ("Idlib Governorate", Syria).
        templates.append("{} Governorate")
    for said in sorted(implied):
        templates += [t for t in _NAME_DESIGNATORS[said] if t not in templates]
    generic = not _CITY_OR_NATION_TYPE.search(kind) and "city" not in implied
    out: dict[str, str] = {}
    for key, short in shorts.items():
        forms = templates + ([*GENERIC_DESIGNATORS] if generic and key not in country_names else [])
        for template in forms:
            compound = template.format(short)
            out.setdefault(normalize(compound), compound)
    return list(out.values())

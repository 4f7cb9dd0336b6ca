"""Users' own places: ``gazetteer add``, CSV import and GeoNames dump import.

Every row is validated while streaming and written inside ONE transaction: the first bad line
raises ``ImportFormatError`` (``details['line']``) and the transaction is rolled back, so a
malformed file imports nothing. Files are read line by line and written in batches, so a full
GeoNames ``allCountries.txt`` (about 12 million lines) never sits in memory.

User rows carry ``source`` 'user' (add / CSV), 'geonames-dump' (GeoNames import) or 'nominatim'
(cached fallback results of the geocoder); the build carries them over on rebuild.
"""

from __future__ import annotations

import csv
import math
import re
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from gazetteer.coords import validate_latlon
from gazetteer.errors import (
    GazetteerUnavailable,
    ImportFormatError,
    InvalidCoordinates,
    InvalidInput,
    InvalidName,
    UnknownCountry,
    UnknownPlace,
)
from gazetteer.model import Place
from gazetteer.normalize import ascii_name
from gazetteer.paths import default_db_path
from gazetteer.schema import ADMIN1_ID_BASE as BUILD_ID_MIN
from gazetteer.schema import USER_ID_BASE

SOURCE_USER = "user"
SOURCE_GEONAMES = "geonames-dump"
SOURCE_NOMINATIM = "nominatim"

# Synthetic ids for user places without a GeoNames id start at schema.USER_ID_BASE
# (2,200,000,000), above the build's own synthetic ranges, and are allocated as max + 1: an id once
# given is never reused for another place, and the build carries the rows over unchanged.
# SQLite INTEGER is signed 64-bit; GeoNames ids are far below this.
MAX_ID = 2**63 - 1

MAX_NAME_CHARS = 200  # GeoNames' own limit (varchar(200))
MAX_ALTERNATES = 2000
PROGRESS_EVERY = 10_000

CSV_REQUIRED = ("name", "lat", "lon", "country_code")
CSV_OPTIONAL = ("feature_code", "alternatenames", "parent_geonameid", "population", "geonameid")

# The 19 columns of a GeoNames dump (allCountries.txt, SY.txt, cities500.txt ...), in order.
GEONAMES_COLUMNS = (
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "cc2",
    "admin1_code",
    "admin2_code",
    "admin3_code",
    "admin4_code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification_date",
)
FEATURE_CLASSES = frozenset("AHLPRSTUV")

# GeoNames feature codes users are likely to give, by class (https://www.geonames.org/export/codes.html).
# Any other code can be given with its class as ``CLASS.CODE`` (e.g. ``S.HSPC``).
_FEATURE_CODES: dict[str, str] = {}
for _cls, _codes in {
    "A": "ADM1 ADM1H ADM2 ADM2H ADM3 ADM3H ADM4 ADM4H ADM5 ADM5H ADMD ADMDH LTER PCL PCLD PCLF "
    "PCLH PCLI PCLIX PCLS PRSH TERR ZN ZNB",
    "P": "PPL PPLA PPLA2 PPLA3 PPLA4 PPLA5 PPLC PPLCH PPLF PPLG PPLH PPLL PPLQ PPLR PPLS PPLW "
    "PPLX STLMT",
    "L": "AGRC AMUS AREA BSND BSNP BTL CLG CMN CNS COLF CONT CST CTRB DEVH FLD FLDI GASF GRAZ GVL "
    "INDS LAND LCTY MILB MNA MVA NVB OAS OILF PEAT PRK PRT QCKS RES RESA RESF RESH RESN RESP "
    "RESV RESW RGN RGNE RGNH RGNL RNGA SALT SNOW TRB",
    "S": "ADMF AIRB AIRF AIRH AIRP AIRQ ANS BANK BDG BLDG BUSTN BUSTP CMP CMPL CMPLA CMPMN CMPO "
    "CMPQ CMPRF CMTY CH CSTL CTRA CTRCM CTRM CTRR CVNT DAM EMB FCL FT GDN GOVL HSP HSPC HSPD HSTS "
    "HTL INSM ITTR MALL MFG MKT MNMT MSQE MSTY MTRO MUS OILR PAL PO PP PRN PS PSTB PSTC RECG "
    "RLG RSTN RSTP RUIN SCH SCHC SHRN SQR STDM TMPL TOWR UNIV ZOO",
    "R": "RD RDJCT RR RST ST TNL TNLRD TRL",
    "H": "BAY CNL GULF HBR LK LKS OCN RSV SEA SPNG STM STRT WAD WLL",
    "T": "CAPE DSRT DUNE HLL HLLS ISL ISLS MT MTS PASS PEN PLAT PLN RDGE VAL",
    "V": "CULT FRST GRSLD ORCH SCRB VIN",
}.items():
    for _code in _codes.split():
        _FEATURE_CODES[_code] = _cls

_CODE_RE = re.compile(r"^[A-Z0-9]{1,10}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_ALT_SPLIT_RE = re.compile(r"[|,]")
_COMMA_RE = re.compile(",")
# Errors of one row's content: reported with the file's line number.
_ROW_ERRORS = (InvalidInput, UnknownCountry, UnknownPlace)


@dataclass(slots=True)
class PlaceRecord:
    """One validated place ready to be written (``geonameid`` None = allocate a synthetic id)."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country_code: str
    source: str
    asciiname: str = ""
    alternatenames: list[str] = field(default_factory=list)
    admin1: str = ""
    population: int = 0
    parent_id: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    line: int = 0  # line of the import file, for error messages


@dataclass(slots=True)
class ImportReport:
    """What an import did."""

    path: str
    format: str
    imported: int = 0
    replaced: int = 0
    geonameids: list[int] = field(default_factory=list)  # only the first 1000, for messages/tests

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "imported": self.imported,
            "replaced": self.replaced,
        }


# --------------------------------------------------------------------------------------------
# Field validation (shared by add, CSV and GeoNames rows)


def known_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes plus those GeoNames uses beyond it (XK Kosovo, old AN/CS/YU)."""
    import pycountry

    return frozenset({c.alpha_2 for c in pycountry.countries} | {"XK", "AN", "CS", "YU"})


def clean_name(value: object, *, what: str = "name") -> str:
    """Return a stripped place name or raise ``InvalidName``."""
    if not isinstance(value, str):
        raise InvalidName(f"The {what} must be text, not {type(value).__name__}.")
    name = " ".join(value.split())
    if not name:
        raise InvalidName(f"The {what} is empty.")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidName(f"The {what} is longer than {MAX_NAME_CHARS} characters.")
    if _CONTROL_RE.search(name):
        raise InvalidName(f"The {what} contains control characters.")
    return name


def clean_country(value: object, known: frozenset[str] | None = None) -> str:
    """Return an upper-case known ISO alpha-2 code or raise ``UnknownCountry``."""
    code = str(value or "").strip().upper()
    if not code:
        raise UnknownCountry("A country code is required (ISO 3166-1 alpha-2, e.g. SY).")
    if code not in (known if known is not None else known_country_codes()):
        raise UnknownCountry(f"Unknown country code {code!r} (expected ISO alpha-2, e.g. SY).")
    return code


def feature_of(code: object) -> tuple[str, str]:
    """``'PPLX'`` -> ``('P', 'PPLX')``; ``'S.HSPC'`` -> ``('S', 'HSPC')``; else ``InvalidInput``."""
    text = str(code or "").strip().upper()
    if not text:
        return "P", "PPL"
    if "." in text:
        cls, _, fcode = text.partition(".")
        if cls in FEATURE_CLASSES and _CODE_RE.match(fcode):
            return cls, fcode
        raise InvalidInput(
            f"Bad feature code {text!r}: use CLASS.CODE with a class among "
            f"{''.join(sorted(FEATURE_CLASSES))} (e.g. S.HSPC)."
        )
    cls = _FEATURE_CODES.get(text)
    if cls is None:
        raise InvalidInput(
            f"Unknown feature code {text!r} (e.g. PPL, PPLX, CMPRF, ADM3; or CLASS.CODE "
            "such as S.HSPC for any other GeoNames code)."
        )
    return cls, text


def parse_int(value: str, what: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    text = value.strip()
    try:
        number = int(text)
    except ValueError:
        raise InvalidInput(f"The {what} must be a whole number, not {text!r}.") from None
    if not minimum <= number <= maximum:
        raise InvalidInput(f"The {what} must be between {minimum} and {maximum}, got {number}.")
    return number


def split_alternates(value: str, *, pattern: re.Pattern[str] = _ALT_SPLIT_RE) -> list[str]:
    """Split an alternate-names cell; drop blanks and over-long or control-laden entries."""
    names: list[str] = []
    seen: set[str] = set()
    for part in pattern.split(value):
        alt = " ".join(part.split())
        if alt and len(alt) <= MAX_NAME_CHARS and not _CONTROL_RE.search(alt) and alt not in seen:
            seen.add(alt)
            names.append(alt)
    return names[:MAX_ALTERNATES]


def make_user_record(
    name: object,
    lat: object,
    lon: object,
    *,
    country: object,
    feature_code: object = None,
    alternatenames: Iterable[str] = (),
    parent_id: int | None = None,
    population: int | None = None,
    geonameid: int | None = None,
    source: str = SOURCE_USER,
    known: frozenset[str] | None = None,
    raw: dict[str, Any] | None = None,
) -> PlaceRecord:
    """Validate the fields of one user place (``gazetteer add``, a CSV row, a cached result)."""
    clean = clean_name(name)
    flat, flon = validate_latlon(lat, lon)
    cc = clean_country(country, known)
    fclass, fcode = feature_of(feature_code)
    alts = [a for a in split_alternates("|".join(alternatenames)) if a != clean]
    if population is not None and not (isinstance(population, int) and 0 <= population <= MAX_ID):
        raise InvalidInput("The population must be a whole number >= 0.")
    for label, ident in (("parent", parent_id), ("geonameid", geonameid)):
        if ident is not None and not (isinstance(ident, int) and 0 < ident <= MAX_ID):
            raise InvalidInput(f"The {label} id must be a positive whole number.")
    if geonameid is not None and BUILD_ID_MIN <= geonameid < USER_ID_BASE:
        raise InvalidInput(
            f"The geonameid {geonameid} lies in the range the build gives its own places "
            f"({BUILD_ID_MIN:,} to {USER_ID_BASE - 1:,}); use a GeoNames id, one of your places' "
            f"ids (>= {USER_ID_BASE:,}) or none."
        )
    return PlaceRecord(
        geonameid=geonameid,
        name=clean,
        lat=flat,
        lon=flon,
        feature_class=fclass,
        feature_code=fcode,
        country_code=cc,
        source=source,
        asciiname=ascii_name(clean),
        alternatenames=alts,
        population=population or 0,
        parent_id=parent_id,
        raw=dict(raw) if raw is not None else {},
    )


# --------------------------------------------------------------------------------------------
# File formats


def _bad_line(line: int, problem: str, path: Path | None = None) -> ImportFormatError:
    where = f"{path.name} line {line}" if path is not None else f"line {line}"
    return ImportFormatError(f"{where}: {problem} Nothing was imported.", line=line)


@contextmanager
def open_lines(path: Path) -> Iterator[Iterator[str]]:
    """The decoded lines (newline kept) of a UTF-8 file, or of the one ``.txt``/``.csv`` member
    of a ``.zip`` (GeoNames ships zips). Lines are decoded one by one so that a bad byte is
    reported on its own line, and the file is streamed, never read whole."""
    with _open_binary(path) as raw:
        yield _decode_lines(raw, path)


@contextmanager
def _open_binary(path: Path) -> Iterator[IO[bytes]]:
    if path.suffix.lower() != ".zip":
        with path.open("rb") as raw:
            yield raw
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ImportFormatError(
            f"{path.name} is not a valid zip archive. Nothing was imported."
        ) from None
    with archive:
        members = [
            m
            for m in archive.namelist()
            if m.lower().endswith((".txt", ".csv", ".tsv")) and "readme" not in m.lower()
        ]
        if len(members) != 1:
            raise ImportFormatError(
                f"{path.name}: expected one .txt or .csv file in the zip archive, "
                f"found {len(members)}. Nothing was imported."
            )
        with archive.open(members[0]) as raw:
            yield raw


def _decode_lines(raw: IO[bytes], path: Path) -> Iterator[str]:
    for number, data in enumerate(raw, start=1):
        try:
            line = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad_line(number, "the line is not UTF-8 text.", path) from None
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield line


def _inner_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if "readme" not in n.lower()]
        except (zipfile.BadZipFile, OSError):
            return ""
        return Path(names[0]).suffix.lower() if len(names) == 1 else ""
    return suffix


def detect_format(path: Path) -> str:
    """``'csv'`` or ``'geonames'``: by extension, else by the first line's columns."""
    suffix = _inner_suffix(path)
    if suffix == ".csv":
        return "csv"
    with open_lines(path) as lines:
        first = next(lines, "")
    if first.count("\t") == len(GEONAMES_COLUMNS) - 1:
        return "geonames"
    header = [c.strip().lower() for c in first.strip().split(",")]
    if all(col in header for col in CSV_REQUIRED):
        return "csv"
    if suffix in (".txt", ".tsv"):
        return "geonames"
    raise ImportFormatError(
        f"{path.name}: cannot tell the format: expected a CSV with header "
        f"{','.join(CSV_REQUIRED)}[,...] or a GeoNames dump (19 tab-separated columns); "
        "use --format. Nothing was imported."
    )


def iter_csv(path: Path, *, known: frozenset[str] | None = None) -> Iterator[PlaceRecord]:
    """Validated records of a CSV ``name,lat,lon,country_code[,feature_code,...]``."""
    known = known if known is not None else known_country_codes()
    with open_lines(path) as lines:
        reader = csv.reader(lines)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise _bad_line(1, f"unreadable header ({exc}).", path) from None
        if header is None:
            raise _bad_line(1, "the file is empty (expected a header line).", path)
        columns = [c.strip().lower() for c in header]
        missing = [c for c in CSV_REQUIRED if c not in columns]
        if missing:
            raise _bad_line(
                1,
                f"the header lacks column(s) {', '.join(missing)} "
                f"(expected {','.join(CSV_REQUIRED)}[,{','.join(CSV_OPTIONAL)}]).",
                path,
            )
        unknown = [c for c in columns if c not in CSV_REQUIRED + CSV_OPTIONAL]
        if unknown:
            raise _bad_line(
                1,
                f"unknown column(s) {', '.join(map(repr, unknown))} "
                f"(allowed: {', '.join(CSV_REQUIRED + CSV_OPTIONAL)}).",
                path,
            )
        if len(set(columns)) != len(columns):
            raise _bad_line(1, "a column name is repeated in the header.", path)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _bad_line(start, f"unreadable row ({exc}).", path) from None
            if not any(cell.strip() for cell in row):
                continue  # blank lines are harmless
            if len(row) != len(columns):
                raise _bad_line(start, f"expected {len(columns)} fields, found {len(row)}.", path)
            cells = dict(zip(columns, row, strict=True))
            try:
                record = _csv_record(cells, known)
            except _ROW_ERRORS as exc:
                raise _bad_line(start, exc.message, path) from None
            record.line = start
            yield record


def _csv_record(cells: dict[str, str], known: frozenset[str]) -> PlaceRecord:
    def optional_int(key: str, what: str, minimum: int) -> int | None:
        text = cells.get(key, "").strip()
        return parse_int(text, what, minimum=minimum) if text else None

    return make_user_record(
        cells["name"],
        _coordinate(cells["lat"], "latitude"),
        _coordinate(cells["lon"], "longitude"),
        country=cells["country_code"],
        feature_code=cells.get("feature_code"),
        alternatenames=split_alternates(cells.get("alternatenames", "")),
        parent_id=optional_int("parent_geonameid", "parent_geonameid", 1),
        population=optional_int("population", "population", 0),
        geonameid=optional_int("geonameid", "geonameid", 1),
        known=known,
        raw={k: v for k, v in cells.items() if v.strip()},
    )


def _coordinate(text: str, what: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise InvalidCoordinates(f"The {what} must be a number, not {text.strip()!r}.") from None


def iter_geonames(path: Path, *, known: frozenset[str] | None = None) -> Iterator[PlaceRecord]:
    """Validated records of a GeoNames dump (19 tab-separated columns, no header)."""
    known = known if known is not None else known_country_codes()
    ncols = len(GEONAMES_COLUMNS)
    with open_lines(path) as lines:
        for line_no, text in enumerate(lines, start=1):
            line = text.rstrip("\r\n")
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != ncols:
                raise _bad_line(
                    line_no,
                    f"expected {ncols} tab-separated columns (GeoNames dump format), "
                    f"found {len(cols)}.",
                    path,
                )
            try:
                record = _geonames_record(cols, known)
            except _ROW_ERRORS as exc:
                raise _bad_line(line_no, exc.message, path) from None
            record.line = line_no
            yield record


def _geonames_record(cols: list[str], known: frozenset[str]) -> PlaceRecord:
    geonameid = parse_int(cols[0], "geonameid", minimum=1)
    name = clean_name(cols[1])
    lat, lon = validate_latlon(_coordinate(cols[4], "latitude"), _coordinate(cols[5], "longitude"))
    fclass = cols[6].strip().upper()
    fcode = cols[7].strip().upper()
    # GeoNames leaves the class/code empty on some records: they are kept (see below).
    if fclass and fclass not in FEATURE_CLASSES:
        raise InvalidInput(
            f"Unknown feature class {cols[6].strip()!r} "
            f"(expected one letter among {''.join(sorted(FEATURE_CLASSES))})."
        )
    if fcode and not _CODE_RE.match(fcode):
        raise InvalidInput(f"Malformed feature code {cols[7].strip()!r}.")
    if not fclass:
        # The writer would otherwise derive 'P' (populated place) from the empty code; 'L'
        # (area, locality) claims the least. ``raw`` keeps the empty original.
        fclass = "L"
    cc = cols[8].strip().upper()
    # Features in international waters have no country in GeoNames.
    if cc and cc not in known:
        raise UnknownCountry(f"Unknown country code {cols[8].strip()!r}.")
    population = parse_int(cols[14], "population") if cols[14].strip() else 0
    for index, what in ((15, "elevation"), (16, "dem")):
        if cols[index].strip():
            parse_int(cols[index], what, minimum=-20000, maximum=20000)
    if not math.isfinite(lat) or not math.isfinite(lon):  # pragma: no cover - validate_latlon
        raise InvalidCoordinates("Coordinates must be finite numbers.")
    return PlaceRecord(
        geonameid=geonameid,
        name=name,
        lat=lat,
        lon=lon,
        feature_class=fclass,
        feature_code=fcode,
        country_code=cc,
        source=SOURCE_GEONAMES,
        asciiname=" ".join(cols[2].split()) or ascii_name(name),
        alternatenames=[a for a in split_alternates(cols[3], pattern=_COMMA_RE) if a != name],
        admin1=cols[10].strip(),
        population=population,
        # The source record without its empty cells and the alternate names (kept as names):
        # stored for every one of allCountries' 12M rows, the full text would double the file.
        raw={
            k: v for k, v in zip(GEONAMES_COLUMNS, cols, strict=True) if v and k != "alternatenames"
        },
    )


def iter_records(
    path: Path, fmt: str | None = None, *, known: frozenset[str] | None = None
) -> Iterator[PlaceRecord]:
    """Validated records of an import file (format auto-detected when ``fmt`` is None)."""
    fmt = fmt or detect_format(path)
    if fmt == "csv":
        return iter_csv(path, known=known)
    if fmt == "geonames":
        return iter_geonames(path, known=known)
    raise InvalidInput(f"Unknown import format {fmt!r} (expected csv or geonames).")


# --------------------------------------------------------------------------------------------
# Writing (through ``gazetteer.build``'s helpers, so names are normalised exactly as the build does)


class _Feeder:
    """Turns validated records into ``build.insert_places`` items on the writer's connection.

    Runs inside the insert's transaction, so it sees the rows of this same import (a parent
    given a few lines earlier) and a failure rolls everything back.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        progress: Callable[[int], object] | None = None,
    ) -> None:
        from gazetteer.build import PlaceWriter, next_user_id

        self.conn = conn
        # Batched writes; flushed before a query that may need a row still in its buffer.
        self.writer = PlaceWriter(conn)
        self.progress = progress
        self.next_id = next_user_id(conn)
        # (country, admin1 code) -> admin-1 place id, to give imported GeoNames rows a parent.
        self.admin1_ids: dict[tuple[str, str], int] = {
            (cc, code): gid
            for cc, code, gid in conn.execute(
                "SELECT country_code, admin1, geonameid FROM place "
                "WHERE feature_code = 'ADM1' AND admin1 != ''"
            )
        }
        self.imported = 0
        self.replaced = 0
        self.ids: list[int] = []

    def items(
        self, records: Iterable[PlaceRecord], source_file: Path | None
    ) -> Iterator[tuple[Place, list[str]]]:
        for record in records:
            try:
                yield self._item(record)
            except _ROW_ERRORS as exc:
                if record.line:
                    raise _bad_line(record.line, exc.message, source_file) from None
                raise

    def _item(self, record: PlaceRecord) -> tuple[Place, list[str]]:
        conn = self.conn
        if record.geonameid is None:
            record.geonameid = self.next_id
            self.next_id += 1
        gid = record.geonameid
        if record.parent_id is not None:
            if record.parent_id in self.writer.pending:
                self.writer.flush()
            parent = conn.execute(
                "SELECT country_code, admin1 FROM place WHERE geonameid = ?", (record.parent_id,)
            ).fetchone()
            if parent is None:
                raise UnknownPlace(f"The parent place {record.parent_id} is not in the gazetteer.")
            if not record.admin1 and parent[0] == record.country_code:
                record.admin1 = parent[1]
        elif record.source == SOURCE_GEONAMES:
            record.parent_id = self.admin1_ids.get((record.country_code, record.admin1))
        elif not record.admin1:
            self.writer.flush()  # the nearest town may be a row of this same import
            self._locate_admin1(record)
        if (
            gid in self.writer.pending
            or conn.execute("SELECT 1 FROM place WHERE geonameid = ?", (gid,)).fetchone()
        ):
            self.replaced += 1
        self.imported += 1
        if self.progress is not None and self.imported % PROGRESS_EVERY == 0:
            self.progress(PROGRESS_EVERY)
        if len(self.ids) < 1000:
            self.ids.append(gid)
        place = Place(
            geonameid=gid,
            name=record.name,
            lat=record.lat,
            lon=record.lon,
            feature_class=record.feature_class,
            feature_code=record.feature_code,
            country_code=record.country_code,
            admin1=record.admin1,
            population=record.population,
            asciiname=record.asciiname,
            parent_id=record.parent_id,
            source=record.source,
            raw=record.raw,
        )
        return place, record.alternatenames

    def _locate_admin1(self, record: PlaceRecord) -> None:
        """A user place without a parent takes the admin-1 region of the nearest town of its
        country (as ``Gazetteer.reverse`` does). Queried on the writer's own connection: a
        reader connection could not read while this transaction holds its locks."""
        lat, lon = record.lat, record.lon
        d = 0.1
        while d <= 25.6:
            # Equirectangular distance is exact enough to pick the nearest within a small box,
            # and SQLite computes it without a Python round trip per row.
            kx = math.cos(math.radians(lat)) ** 2
            dlon = min(180.0, d / max(0.01, math.cos(math.radians(min(89.0, abs(lat) + d)))))
            row = self.conn.execute(
                "SELECT p.admin1 FROM place_rtree AS r JOIN place AS p ON p.geonameid = r.id "
                "WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ? "
                "AND p.country_code = ? AND p.admin1 != '' AND p.feature_class = 'P' "
                "ORDER BY (p.lat - ?) * (p.lat - ?) + ? * (p.lon - ?) * (p.lon - ?) LIMIT 1",
                (lat - d, lat + d, lon - dlon, lon + dlon, record.country_code)
                + (lat, lat, kx, lon, lon),
            ).fetchone()
            if row is not None:
                record.admin1 = row[0]
                record.parent_id = self.admin1_ids.get((record.country_code, row[0]))
                return
            d *= 4


def _gazetteer_country_codes(conn: sqlite3.Connection) -> set[str]:
    return {
        row[0]
        for row in conn.execute("SELECT DISTINCT country_code FROM place WHERE source = 'country'")
        if row[0]
    }


def write_records(
    path: Path | None,
    records: Iterable[PlaceRecord] | None = None,
    *,
    source_file: Path | None = None,
    fmt: str | None = None,
    progress: Callable[[int], object] | None = None,
) -> ImportReport:
    """Validate and write records (or the records of ``source_file``) in ONE transaction.

    Any error rolls everything back: a bad line imports nothing. Holds the build's write lock so
    a concurrent rebuild cannot drop the new rows.
    """
    from gazetteer.build import build_database, connect_rw, insert_places, write_lock

    db = Path(path) if path is not None else default_db_path()
    if not db.exists():
        build_database(db)  # first use; outside our lock, which the build takes itself
    report = ImportReport(path=str(source_file or ""), format=fmt or "")
    try:
        with write_lock(db):
            conn = connect_rw(db)
            try:
                known = frozenset(known_country_codes() | _gazetteer_country_codes(conn))
                if source_file is not None:
                    report.format = fmt or detect_format(source_file)
                    records = iter_records(source_file, report.format, known=known)
                feeder = _Feeder(conn, progress)
                insert_places(conn, feeder.items(records or (), source_file), writer=feeder.writer)
            finally:
                conn.close()
    except sqlite3.DatabaseError as exc:
        raise GazetteerUnavailable(
            f"Could not write to the gazetteer database ({exc.__class__.__name__}: {exc})."
        ) from None
    report.imported, report.replaced, report.geonameids = (
        feeder.imported,
        feeder.replaced,
        feeder.ids,
    )
    return report


# --------------------------------------------------------------------------------------------
# Public entry points


def _db_path(path: Path | str | None, gazetteer: Any) -> Path:
    if path is not None:
        return Path(path)
    if gazetteer is not None and getattr(gazetteer, "path", None) is not None:
        return Path(gazetteer.path)
    return default_db_path()


def _after_write(gazetteer: Any) -> None:
    """Open gazetteers memoise lookups; new places must be visible at once."""
    clear = getattr(gazetteer, "clear_cache", None)
    if callable(clear):
        clear()


def import_file(
    source: Path | str,
    *,
    fmt: str | None = None,
    path: Path | str | None = None,
    gazetteer: Any = None,
    progress: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import a CSV or GeoNames dump into the gazetteer at ``path`` (default database).

    ``gazetteer`` (optional) is an open ``Gazetteer`` whose file to write (when ``path`` is None)
    and whose cached lookups to refresh, so it sees the new places right away. ``progress(n)`` is called every
    ``PROGRESS_EVERY`` rows with the number of rows since the last call.
    """
    source = Path(source)
    if fmt is not None and fmt not in ("csv", "geonames"):
        raise InvalidInput(f"Unknown import format {fmt!r} (expected csv or geonames).")
    if not source.is_file():
        raise InvalidInput(f"No such file: {source.name}.")
    report = write_records(
        _db_path(path, gazetteer),
        source_file=source,
        fmt=fmt,
        progress=progress,
    )
    _after_write(gazetteer)
    return report


def add_place(
    name: object,
    lat: object,
    lon: object,
    *,
    country: object,
    feature_code: object = None,
    alternatenames: Iterable[str] = (),
    parent_id: int | None = None,
    population: int | None = None,
    path: Path | str | None = None,
    gazetteer: Any = None,
) -> int:
    """Add one user place (source 'user'); returns its new synthetic id (>= 2,200,000,000)."""
    record = make_user_record(
        name,
        lat,
        lon,
        country=country,
        feature_code=feature_code,
        alternatenames=alternatenames,
        parent_id=parent_id,
        population=population,
    )
    record.raw = {
        "name": record.name,
        "lat": record.lat,
        "lon": record.lon,
        "country_code": record.country_code,
        "feature_code": record.feature_code,
    }
    report = write_records(_db_path(path, gazetteer), [record])
    _after_write(gazetteer)
    return report.geonameids[0]


# Nominatim (OSM) place types -> GeoNames feature class and code.
_OSM_FEATURES = {
    "city": ("P", "PPL"),
    "town": ("P", "PPL"),
    "village": ("P", "PPL"),
    "hamlet": ("P", "PPL"),
    "municipality": ("P", "PPL"),
    "suburb": ("P", "PPLX"),
    "quarter": ("P", "PPLX"),
    "neighbourhood": ("P", "PPLX"),
    "city_block": ("P", "PPLX"),
    "borough": ("P", "PPLX"),
    "isolated_dwelling": ("P", "PPLL"),
    "locality": ("L", "LCTY"),
    "refugee_site": ("S", "CMPRF"),
    "camp_site": ("S", "CMP"),
    "administrative": ("A", "ADMD"),
    "county": ("A", "ADMD"),
    "district": ("A", "ADMD"),
    "state": ("L", "RGN"),
    "region": ("L", "RGN"),
}


def cache_nominatim_result(gazetteer: Any, name: str, location: Any) -> int | None:
    """Store a geopy Nominatim ``Location`` as a place (source 'nominatim'); return its id.

    ``name`` (what the user asked for) becomes the place name, Nominatim's own name an alternate.
    Returns None when the result has no country the gazetteer knows (nothing is cached).
    """
    raw = dict(getattr(location, "raw", None) or {})
    address = raw.get("address") or {}
    lat, lon = validate_latlon(location.latitude, location.longitude)
    country = str(address.get("country_code") or "").upper()
    if not country:
        try:
            found = gazetteer.reverse(lat, lon)
        except (LookupError, ValueError):
            found = None
        place = getattr(found, "country", None) if found is not None else None
        country = place.country_code if place is not None else ""
    if not country:
        return None
    osm_type = str(raw.get("addresstype") or raw.get("type") or "")
    fclass, fcode = _OSM_FEATURES.get(osm_type, ("L", "LCTY"))
    alternates = [str(raw["name"])] if raw.get("name") else []
    display = str(getattr(location, "address", "") or raw.get("display_name") or "")
    if display:
        alternates.append(display.split(",")[0])
    try:
        record = make_user_record(
            name,
            lat,
            lon,
            country=country,
            feature_code=f"{fclass}.{fcode}",
            alternatenames=alternates,
            population=_int_or_none(raw.get("extratags", {}) or {}, "population"),
            source=SOURCE_NOMINATIM,
            raw={"query": name, "nominatim": raw},
        )
    except (InvalidInput, UnknownCountry):
        return None
    report = write_records(_db_path(None, gazetteer), [record])
    _after_write(gazetteer)
    return report.geonameids[0]


def _int_or_none(mapping: dict[str, Any], key: str) -> int | None:
    try:
        value = int(str(mapping.get(key, "")).replace(",", "").strip())
    except ValueError:
        return None
    return value if value >= 0 else None

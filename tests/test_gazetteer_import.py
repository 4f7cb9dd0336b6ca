"""Users' own places: CSV and GeoNames dump import, ``gazetteer add``, the CLI commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazetteer.errors import ImportFormatError, InvalidInput
from gazetteer.importers import (
    SOURCE_GEONAMES,
    SOURCE_USER,
    detect_format,
    feature_of,
    iter_csv,
    iter_geonames,
)

# ---------------------------------------------------------------------------------------------
# File writers: the formats exactly as users have them.


def geonames_line(
    gid: int,
    name: str,
    lat: float | str,
    lon: float | str,
    *,
    fclass: str = "P",
    fcode: str = "PPL",
    cc: str = "SY",
    alternates: str = "",
    admin1: str = "13",
    population: int | str = 0,
) -> str:
    cols = [
        str(gid),
        name,
        name,
        alternates,
        str(lat),
        str(lon),
        fclass,
        fcode,
        cc,
        "",
        admin1,
        "",
        "",
        "",
        str(population),
        "",
        "700",
        "Asia/Damascus",
        "2024-01-01",
    ]
    assert len(cols) == 19
    return "\t".join(cols)


def write_dump(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_DUMP = [
    geonames_line(9100001, "Qudsaya Suburb", 33.5333, 36.2333, fcode="PPLX", alternates="Qudsayya Dahiya,قدسيا الضاحية"),
    geonames_line(9100002, "Ein Tarma", 33.5240, 36.3560, alternates="Ayn Tarma,عين ترما", population=28000),
    geonames_line(9100003, "Jawbar", 33.5370, 36.3290, fcode="PPLX", alternates="Jobar,جوبر"),
]


CSV_TEXT = (
    "name,lat,lon,country_code,feature_code,alternatenames,population\n"
    "Tadamon,33.4820,36.3000,SY,PPLX,Al-Tadamon|التضامن,\n"
    'Yarmouk Camp,33.4710,36.3030,SY,CMPRF,"Mukhayyam al-Yarmouk|مخيم اليرموك",160000\n'
)


# ---------------------------------------------------------------------------------------------
# Parsing and validation (no database)


def test_detects_formats_by_extension_and_columns(tmp_path: Path) -> None:
    csv_path = tmp_path / "mine.csv"
    csv_path.write_text(CSV_TEXT, encoding="utf-8")
    dump = write_dump(tmp_path / "SY.txt", GOOD_DUMP)
    assert detect_format(csv_path) == "csv"
    assert detect_format(dump) == "geonames"
    # No telling extension: the first line decides.
    assert detect_format(write_dump(tmp_path / "places.dat", GOOD_DUMP)) == "geonames"
    other = tmp_path / "places.dat2"
    other.write_text(CSV_TEXT, encoding="utf-8")
    assert detect_format(other) == "csv"
    junk = tmp_path / "junk.dat"
    junk.write_text("hello world\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="cannot tell the format"):
        detect_format(junk)


def test_geonames_rows_are_parsed_with_their_real_ids(tmp_path: Path) -> None:
    records = list(iter_geonames(write_dump(tmp_path / "SY.txt", GOOD_DUMP)))
    assert [r.geonameid for r in records] == [9100001, 9100002, 9100003]
    first = records[0]
    assert (first.name, first.lat, first.lon) == ("Qudsaya Suburb", 33.5333, 36.2333)
    assert (first.feature_class, first.feature_code, first.country_code) == ("P", "PPLX", "SY")
    assert first.alternatenames == ["Qudsayya Dahiya", "قدسيا الضاحية"]
    assert first.source == SOURCE_GEONAMES
    assert first.admin1 == "13"
    assert first.raw["timezone"] == "Asia/Damascus"
    assert records[1].population == 28000
    assert [r.line for r in records] == [1, 2, 3]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (geonames_line(9100009, "Nowhere", 95.0, 36.0), "Latitude must be in"),
        (geonames_line(9100009, "Nowhere", 33.0, 200.0), "Longitude must be in"),
        (geonames_line(9100009, "Nowhere", "north", 36.0), "latitude must be a number"),
        (geonames_line(9100009, "Nowhere", "nan", 36.0), "finite"),
        (geonames_line(9100009, "Nowhere", 33.0, 36.0, cc="QQ"), "Unknown country code 'QQ'"),
        (geonames_line(9100009, "Nowhere", 33.0, 36.0, fclass="Z"), "Unknown feature class 'Z'"),
        (geonames_line(9100009, "Nowhere", 33.0, 36.0, population="many"), "population"),
        (geonames_line(9100009, "", 33.0, 36.0), "name is empty"),
        ("9100009\tNowhere\t33.0\t36.0", "expected 19 tab-separated columns"),
        ("x9100009" + geonames_line(1, "Nowhere", 33.0, 36.0)[1:], "geonameid"),
    ],
)
def test_geonames_bad_line_is_reported_by_number(tmp_path: Path, bad_line: str, message: str) -> None:
    dump = write_dump(tmp_path / "SY.txt", [GOOD_DUMP[0], GOOD_DUMP[1], bad_line, GOOD_DUMP[2]])
    with pytest.raises(ImportFormatError) as info:
        list(iter_geonames(dump))
    assert info.value.details["line"] == 3
    assert "line 3" in info.value.message
    assert message.lower() in info.value.message.lower()


def test_csv_rows_are_parsed(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    tadamon, yarmouk = list(iter_csv(path))
    assert tadamon.geonameid is None and tadamon.source == SOURCE_USER
    assert (tadamon.feature_class, tadamon.feature_code) == ("P", "PPLX")
    assert tadamon.alternatenames == ["Al-Tadamon", "التضامن"]
    assert (yarmouk.feature_class, yarmouk.feature_code, yarmouk.population) == ("S", "CMPRF", 160000)
    assert (tadamon.line, yarmouk.line) == (2, 3)


@pytest.mark.parametrize(
    ("header", "row", "message", "line"),
    [
        ("name,lat,lon,country_code", "X,33.5,36.3,ZZ", "Unknown country code 'ZZ'", 3),
        ("name,lat,lon,country_code", "X,136.3,33.5,SY", "may be swapped", 3),
        ("name,lat,lon,country_code", "X,33.5,abc,SY", "longitude must be a number", 3),
        ("name,lat,lon,country_code", "X,33.5,36.3", "expected 4 fields, found 3", 3),
        ("name,lat,lon,country_code", ",33.5,36.3,SY", "name is empty", 3),
        ("name,lat,lon,country_code,feature_code", "X,33.5,36.3,SY,NOPE", "Unknown feature code", 3),
        ("name,lat,lon,country_code,population", "X,33.5,36.3,SY,-4", "population", 3),
        ("name,lat,lon,country", "X,33.5,36.3,SY", "lacks column(s) country_code", 1),
        ("name,lat,lon,country_code,latitude", "X,33.5,36.3,SY,1", "unknown column(s) 'latitude'", 1),
    ],
)
def test_csv_bad_input_names_the_line(tmp_path: Path, header: str, row: str, message: str, line: int) -> None:
    path = tmp_path / "mine.csv"
    good = ",".join(["Good", "33.5", "36.3", "SY"] + ["" for _ in header.split(",")[4:]])
    path.write_text(f"{header}\n{good}\n{row}\n{good}\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        list(iter_csv(path))
    assert info.value.details["line"] == line
    assert f"line {line}" in info.value.message
    assert message.lower() in info.value.message.lower()


def test_feature_codes() -> None:
    assert feature_of("pplx") == ("P", "PPLX")
    assert feature_of("CMPRF") == ("S", "CMPRF")
    assert feature_of("S.HSPC") == ("S", "HSPC")
    assert feature_of(None) == ("P", "PPL")
    with pytest.raises(InvalidInput):
        feature_of("Q.PPL")
    with pytest.raises(InvalidInput):
        feature_of("NOTACODE")


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_bytes(GOOD_DUMP[0].encode() + b"\n" + GOOD_DUMP[1].encode("utf-8").replace(b"Ein", b"\xe9in") + b"\n")
    with pytest.raises(ImportFormatError) as info:
        list(iter_geonames(dump))
    assert info.value.details["line"] == 2

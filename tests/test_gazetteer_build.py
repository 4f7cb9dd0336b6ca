"""Building the gazetteer: derived data, idempotence, atomicity, users' rows surviving rebuilds.

Most tests build the tiny synthetic world of ``gazetteer.testing`` in ``tmp_path``; the ones marked
``slow`` look at the real build through the shared ``full_gazetteer`` fixture.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from gazetteer import Gazetteer, GazetteerUnavailable, Place
from gazetteer.build import (
    admin1_id,
    build_database,
    connect_rw,
    feature_class_for,
    insert_places,
    next_user_id,
    read_fingerprint,
    write_lock,
)
from gazetteer.schema import USER_ID_BASE
from gazetteer.testing import CITIES, CONTINENTS, build_tiny, tiny_sources


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return build_tiny(tmp_path / "gaz.sqlite")


def _rows(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def test_build_reports_what_it_built(tmp_path: Path) -> None:
    sources = tiny_sources(tmp_path / "src")
    report = build_database(tmp_path / "gaz.sqlite", sources=sources)
    assert report.built
    # 10 towns + 3 countries + 3 ISO admin-1 + 2 PS governorates + 2 regions + 2 curated
    # + 2 continents
    assert report.places == len(CITIES) + 3 + 3 + 2 + 2 + 2 + len(CONTINENTS)
    assert report.countries == 3
    assert report.names > report.places
    assert report.size_bytes == (tmp_path / "gaz.sqlite").stat().st_size
    assert report.to_dict()["path"] == str(tmp_path / "gaz.sqlite")


def test_rebuild_is_skipped_when_sources_are_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "gaz.sqlite"
    sources = tiny_sources(tmp_path / "src")
    build_database(db, sources=sources)
    inode = db.stat().st_ino
    again = build_database(db, sources=sources)
    assert not again.built
    assert db.stat().st_ino == inode
    forced = build_database(db, sources=sources, force=True)
    assert forced.built
    assert db.stat().st_ino != inode  # a new file moved into place


def test_changed_sources_rebuild(tmp_path: Path) -> None:
    db = tmp_path / "gaz.sqlite"
    build_database(db, sources=tiny_sources(tmp_path / "src"))
    before = read_fingerprint(db)
    extra = [*CITIES, {**CITIES[0], "geonameid": 999001, "name": "Newtown", "alternatenames": []}]
    report = build_database(db, sources=tiny_sources(tmp_path / "src", cities=extra))
    assert report.built
    assert read_fingerprint(db) != before
    assert _rows(db, "SELECT name FROM place WHERE geonameid = 999001") == [("Newtown",)]


def test_readers_of_the_old_file_survive_a_rebuild(tiny: Path, tmp_path: Path) -> None:
    gaz = Gazetteer(tiny, auto_build=False)
    assert gaz.get(170654).name == "Damascus"
    build_database(tiny, sources=tiny_sources(tmp_path / "tiny-sources"), force=True)
    # The open connection still reads the old (complete) file.
    assert gaz.search("Aleppo")[0].geonameid == 170063
    gaz.close()
    assert not list(tmp_path.glob(".gaz.sqlite.*.tmp"))


def test_failed_build_leaves_the_old_file_and_no_temp_file(tiny: Path, tmp_path: Path) -> None:
    before = tiny.read_bytes()
    broken = tiny_sources(tmp_path / "tiny-sources")
    broken.subdivisions = {"SY": "not a table"}  # fails half-way through the build
    with pytest.raises(AttributeError):
        build_database(tiny, sources=broken, force=True)
    assert tiny.read_bytes() == before
    assert not list(tmp_path.glob(".gaz.sqlite.*.tmp"))


def test_derived_feature_codes(tiny: Path) -> None:
    codes = dict(_rows(tiny, "SELECT geonameid, feature_code FROM place"))
    assert codes[170654] == "PPLC"  # capital from the country table
    assert codes[7303419] == "PPLC"  # East Jerusalem, PS' capital in GeoNames
    assert codes[170063] == "PPLA"  # Aleppo shares a name with SY-HL (Halab)
    assert codes[163345] == "PPL"
    assert codes[170017] == "PPL"  # Al Mazzah: Damascus, the capital, is the seat of code 13
    assert codes[163843] == "PCLI"
    assert codes[2100000002] == "CMPRF"


def test_admin1_mapping_by_name_and_centroid(tiny: Path) -> None:
    mapping = {
        (cc, code): (iso, method)
        for cc, code, iso, _gid, method in _rows(tiny, "SELECT * FROM admin1_map")
    }
    assert mapping[("SY", "13")] == ("SY-DI", "name")
    assert mapping[("SY", "09")] == ("SY-HL", "name")
    assert mapping[("US", "MD")] == ("US-MD", "centroid")
    assert mapping[("PS", "GZ")] == ("PS-GAZA", "region")
    gid = admin1_id("SY-DI")
    assert _rows(
        tiny, "SELECT feature_code, admin1, parent_id FROM place WHERE geonameid = ?", gid
    ) == [("ADM1", "13", 163843)]
    # Towns hang below their admin-1 region.
    assert _rows(tiny, "SELECT parent_id FROM place WHERE geonameid = 170654") == [(gid,)]


def test_palestine_regions_are_split_from_its_shape(tiny: Path) -> None:
    regions = _rows(
        tiny,
        "SELECT p.name, p.feature_code, p.parent_id, p.admin1 FROM region_shape r "
        "JOIN place p USING (geonameid) ORDER BY p.name",
    )
    assert regions == [("Gaza Strip", "RGN", 6254930, "GZ"), ("West Bank", "RGN", 6254930, "WE")]
    # ISO governorates sit below the region containing them.
    governorates = dict(
        _rows(
            tiny,
            "SELECT name, parent_id FROM place WHERE feature_code = 'ADM2' AND country_code = 'PS'",
        )
    )
    gaza_strip, west_bank = (
        _rows(tiny, "SELECT geonameid FROM place WHERE name = ?", n)[0][0]
        for n in ("Gaza Strip", "West Bank")
    )
    assert governorates == {"Gaza": gaza_strip, "Ramallah": west_bank}


def test_curated_rows_take_their_parents_admin1(tiny: Path) -> None:
    assert _rows(
        tiny, "SELECT admin1, parent_id, source FROM place WHERE geonameid = 2100000001"
    ) == [("13", 170654, "curated")]
    kinds = dict(_rows(tiny, "SELECT norm, kind FROM place_name WHERE geonameid = 2100000001"))
    assert kinds["mazzeh"] == "name"
    assert kinds["mezzeh"] == "alt"
    assert kinds["al mazzah"] == "alt"
    assert kinds["mazzah"] == "stripped"  # al-Mazzah without its article
    assert "مزه" in kinds  # المزة without article, teh marbuta folded


def test_country_names_include_press_variants(tiny: Path) -> None:
    norms = {n for (n,) in _rows(tiny, "SELECT norm FROM place_name WHERE geonameid = 6252001")}
    assert {"united states", "usa", "us", "america"} <= norms
    kinds = dict(_rows(tiny, "SELECT norm, kind FROM place_name WHERE geonameid = 6252001"))
    assert kinds["us"] == "abbr"


def test_user_rows_are_carried_over(tiny: Path, tmp_path: Path) -> None:
    with write_lock(tiny), closing(connect_rw(tiny)) as conn:
        uid = next_user_id(conn)
        assert uid >= USER_ID_BASE
        mine = Place(uid, "Our Field Office", 33.52, 36.30, "S", "BLDG", "SY", "13", source="user")
        # A GeoNames dump row replacing a built town keeps its real feature code.
        dump = Place(163345, "As Safirah", 36.077, 37.3725, "P", "PPLA2", "SY", "09", 63708,
                     source="geonames-dump")  # fmt: skip
        assert insert_places(conn, [(mine, ["al-Maktab"]), (dump, [])]) == 2
    report = build_database(tiny, sources=tiny_sources(tmp_path / "tiny-sources"), force=True)
    assert report.carried_over == 2
    gaz = Gazetteer(tiny, auto_build=False)
    assert [p.geonameid for p in gaz.search("Our Field Office")] == [uid]
    assert [p.geonameid for p in gaz.search("Maktab")] == [uid]
    assert gaz.get(163345).feature_code == "PPLA2"
    assert gaz.nearest(33.52, 36.30)[0][0].geonameid == uid  # in the spatial index too
    gaz.close()


def test_insert_places_normalises_like_the_build(tiny: Path) -> None:
    with closing(connect_rw(tiny)) as conn:
        place = Place(
            USER_ID_BASE + 7, "Ḩārat Ḩurayk", 33.85, 35.51, "P", "PPLX", "LB", source="user"
        )
        insert_places(conn, [(place, ["Haret Hreik", "حارة حريك"])])
    gaz = Gazetteer(tiny, auto_build=False)
    for spelling in ("harat hurayk", "HARET HREIK", "حارة حريك", "Ḩārat Ḩurayk"):
        assert [p.geonameid for p in gaz.search(spelling)] == [USER_ID_BASE + 7], spelling
    gaz.close()


def test_connect_rw_builds_a_missing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def fake_build(path: Path) -> None:
        calls.append(path)
        build_database(path, sources=tiny_sources(tmp_path / "src"))

    monkeypatch.setattr("gazetteer.build.build_database", fake_build)
    with closing(connect_rw(tmp_path / "new.sqlite")) as conn:
        assert conn.execute("SELECT COUNT(*) FROM place").fetchone()[0] > 0
    assert calls == [tmp_path / "new.sqlite"]


def test_missing_or_corrupt_database(tmp_path: Path) -> None:
    with pytest.raises(GazetteerUnavailable):
        Gazetteer(tmp_path / "absent.sqlite", auto_build=False)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerUnavailable) as info:
        Gazetteer(bad, auto_build=False)
    assert "gazetteer build" in info.value.message
    assert read_fingerprint(bad) is None


def test_auto_build_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPAPP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(
        "gazetteer.build.build_database",
        lambda path: build_database(path, sources=tiny_sources(tmp_path / "src")),
    )
    gaz = Gazetteer()
    assert gaz.path == tmp_path / "home" / "gazetteer.sqlite"
    assert gaz.search("Damascus")[0].geonameid == 170654
    gaz.close()


def test_helpers() -> None:
    assert feature_class_for("PPLX") == "P"
    assert feature_class_for("ADM3") == "A"
    assert feature_class_for("RGN") == "L"
    assert feature_class_for("CMPRF") == "S"
    ids = {admin1_id(code) for code in ("SY-DI", "SY-HL", "US-MD", "GB-ENG", "FR-01", "FR-1")}
    assert len(ids) == 6
    assert all(2_000_000_000 <= i < 2_050_000_000 for i in ids)
    with pytest.raises(ValueError):
        admin1_id("not a code")


@pytest.mark.slow
def test_real_build_is_complete(full_gazetteer_path: Path) -> None:
    counts = dict(_rows(full_gazetteer_path, "SELECT source, COUNT(*) FROM place GROUP BY source"))
    assert counts["geonames"] == 234_908
    assert counts["country"] >= 245
    assert counts["admin1"] >= 3_000
    assert counts["region"] == 2
    assert _rows(full_gazetteer_path, "SELECT COUNT(*) FROM country_shape")[0][0] >= 240
    assert full_gazetteer_path.stat().st_size <= 300 * 1024 * 1024
    # Every town has a parent, and no name is stored un-normalised.
    assert (
        _rows(
            full_gazetteer_path,
            "SELECT COUNT(*) FROM place WHERE source = 'geonames' AND parent_id IS NULL",
        )[0][0]
        < 200
    )
    assert (
        _rows(
            full_gazetteer_path, "SELECT COUNT(*) FROM place_name WHERE norm != trim(lower(norm))"
        )[0][0]
        == 0
    )


def test_database_of_another_schema_version(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with closing(sqlite3.connect(tiny)) as conn, conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(GazetteerUnavailable) as info:
        Gazetteer(tiny, auto_build=False)
    assert "another version" in info.value.message
    calls = []

    def fake_build(path: Path, *, force: bool = False) -> None:
        calls.append(force)
        build_database(path, sources=tiny_sources(tmp_path / "tiny-sources"), force=force)

    monkeypatch.setattr("gazetteer.build.build_database", fake_build)
    gaz = Gazetteer(tiny)
    assert calls == [True]
    assert gaz.meta["schema_version"] != "0"
    assert gaz.search("Damascus")[0].geonameid == 170654
    gaz.close()


def test_a_killed_builds_temp_file_is_cleaned_up(tiny: Path, tmp_path: Path) -> None:
    stale = tmp_path / ".gaz.sqlite.abandoned.tmp"
    stale.write_bytes(b"half a database")
    build_database(tiny, sources=tiny_sources(tmp_path / "tiny-sources"), force=True)
    assert not stale.exists()
    assert not list(tmp_path.glob(".gaz.sqlite.*.tmp"))


def test_countries_take_the_conventional_reference_point_when_sane(tiny: Path) -> None:
    gaz = Gazetteer(tiny, auto_build=False)
    syria = gaz.country("SY")
    # The tiny sources give Syria the Factbook's 35N 38E (inside its box): taken, source kept.
    assert syria.latlon == (35.0, 38.0)
    assert syria.raw["reference_point"]["source"].startswith("countryinfo")
    # The United States' 38N 97W lies far outside its (Maryland-box) polygon: rejected, the
    # representative point stays and the build report says why.
    us = gaz.country("US")
    assert us.latlon != (38.0, -97.0)
    assert gaz.containing(us.lat, us.lon)[0].country_code == "US"
    assert us.raw["reference_point"]["rejected"]["lat"] == 38.0
    # Up to date: the notes come from the stored meta.
    report = build_database(tiny, sources=tiny_sources(tiny.parent / "tiny-sources"))
    assert not report.built
    assert any(n.startswith("US:") and "outside" in n for n in report.notes)
    # Palestine has no reference point: it keeps its own, and says so.
    assert "note" in gaz.country("PS").raw["reference_point"]
    gaz.close()


def test_continents_are_places_of_their_own(tiny: Path) -> None:
    gaz = Gazetteer(tiny, auto_build=False)
    europe = gaz.search("Europe")[0]
    assert (europe.geonameid, europe.feature_class, europe.feature_code) == (6255148, "L", "CONT")
    assert europe.country_code == "" and europe.source == "continent"
    assert gaz.search("آسيا")[0].geonameid == 6255147
    assert gaz.candidates("europa")[0].geonameid == 6255148
    # Link "names" are not names.
    assert not [n for n, gid in gaz.iter_names() if gid == 6255147 and "http" in n]
    assert gaz.hierarchy(europe) == [europe]
    assert europe not in gaz.countries()
    # A continent's point is never the nearest place of a reverse lookup.
    assert gaz.reverse(europe.lat, europe.lon).nearest.feature_code != "CONT"
    gaz.close()


def test_antimeridian_rings_are_split() -> None:
    import shapely

    from gazetteer.build import _split_antimeridian

    # An island ring crossing 180° as world-atlas stores it: read flat it wraps the globe.
    ring = [(179.0, -17.0), (-179.0, -17.0), (-179.0, -16.0), (179.0, -16.0), (179.0, -17.0)]
    parts = _split_antimeridian(shapely.Polygon(ring))
    assert len(parts) == 2
    assert sum(p.area for p in parts) == pytest.approx(2.0)
    assert all(p.bounds[2] - p.bounds[0] <= 1.0 + 1e-9 for p in parts)
    assert not any(p.contains(shapely.Point(60.0, -16.5)) for p in parts)
    # An ordinary polygon is left alone.
    box = shapely.box(10, 10, 20, 20)
    assert _split_antimeridian(box) == [box]


def test_place_writer_batches_inside_the_callers_transaction(tiny: Path) -> None:
    from gazetteer.build import PlaceWriter

    with closing(connect_rw(tiny)) as conn:
        base = next_user_id(conn)
        places = [
            Place(base + i, f"Spot {i}", 33.0 + i / 100, 36.0, "S", "BLDG", "SY", source="user")
            for i in range(7)
        ]
        writer = PlaceWriter(conn, batch_size=3)
        with pytest.raises(RuntimeError), conn:
            for place in places:
                writer.add(place, [f"Alias {place.geonameid}"])
            assert len(writer.pending) == 1  # two batches of three already written
            raise RuntimeError("the caller's transaction fails")
        # Everything rolled back, flushed batches included.
        assert _rows(tiny, "SELECT COUNT(*) FROM place WHERE geonameid >= ?", base) == [(0,)]
        assert insert_places(conn, [(p, ["Alias"]) for p in places]) == 7
    assert _rows(tiny, "SELECT COUNT(*) FROM place WHERE geonameid >= ?", base) == [(7,)]
    assert _rows(tiny, "SELECT COUNT(*) FROM place_rtree WHERE id >= ?", base) == [(7,)]
    gaz = Gazetteer(tiny, auto_build=False)
    assert {p.geonameid for p in gaz.search("Alias")} == {p.geonameid for p in places}
    gaz.close()


def test_real_reference_points_and_continents(full_gazetteer: Gazetteer) -> None:
    from gazetteer.coords import haversine_km

    for cc, lat, lon in (("CN", 35, 105), ("RU", 60, 100), ("BR", -10, -55), ("MA", 32, -5)):
        country = full_gazetteer.country(cc)
        assert haversine_km(country.lat, country.lon, lat, lon) < 50, cc
        assert full_gazetteer.containing(country.lat, country.lon)[0].country_code == cc
    # Kuwait's Factbook point (29.5N 45.75E) lies in Iraq: rejected, the point stays in Kuwait.
    kuwait = full_gazetteer.country("KW")
    assert full_gazetteer.containing(kuwait.lat, kuwait.lon)[0].country_code == "KW"
    continents = [p for p in full_gazetteer.search("Europe") if p.feature_code == "CONT"]
    assert continents and full_gazetteer.search("Europe")[0] == continents[0]
    assert continents[0].geonameid == 6255148
    for name, gid in (("أوروبا", 6255148), ("أفريقيا", 6255146), ("Afrique", 6255146)):
        assert full_gazetteer.search(name)[0].geonameid == gid, name
    assert full_gazetteer.search("Asia", feature_classes="L")[0].feature_code == "CONT"
    # A continent name does not outrank the country that has the same press name.
    assert full_gazetteer.search("America")[0].country_code == "US"


def test_a_dump_row_replacing_a_country_keeps_it_a_country(tiny: Path) -> None:
    # Importing allCountries.txt replaces built countries by GeoNames' own rows (same ids, with
    # GeoNames' reference points): they stay countries and keep the built names.
    dump = Place(163843, "Syrian Arab Republic", 35.0, 38.0, "A", "PCLI", "SY",
                 source="geonames-dump")  # fmt: skip
    with closing(connect_rw(tiny)) as conn:
        insert_places(conn, [(dump, ["Sūriyah"])])
    gaz = Gazetteer(tiny, auto_build=False)
    syria = gaz.country("SY")
    assert (syria.geonameid, syria.source, syria.latlon) == (163843, "geonames-dump", (35.0, 38.0))
    assert gaz.reverse(33.5, 36.29).country.geonameid == 163843
    assert gaz.search("Syria")[0].geonameid == 163843  # the built name survives
    assert gaz.search("Suriyah")[0].geonameid == 163843
    gaz.close()
    # A user row replacing a user row takes only its new names.
    mine = Place(USER_ID_BASE + 5, "Spot", 33.6, 36.3, "S", "BLDG", "SY", source="user")
    with closing(connect_rw(tiny)) as conn:
        insert_places(conn, [(mine, ["Old alias"])])
        insert_places(conn, [(mine, ["New alias"])])
    gaz = Gazetteer(tiny, auto_build=False)
    assert gaz.search("New alias") and not gaz.search("Old alias")
    gaz.close()


def test_second_level_subdivisions_and_bracketed_iso_names(tmp_path: Path) -> None:
    sources = tiny_sources(tmp_path / "src")
    sources.subdivision_table()["SY"]["SY-DI"]["name"] = "Dimashq [Damascus Province SY-XX]"
    sources.subdivision_table()["SY"]["SY-DIX"] = {
        "name": "Qudsaya District", "localOtherName": "قدسيا (ara)", "type": "District",
        "parentCode": "SY-DI", "latLng": [33.53, 36.24],
    }  # fmt: skip
    db = build_database(tmp_path / "gaz.sqlite", sources=sources).path
    gaz = Gazetteer(db, auto_build=False)
    province = gaz.get(admin1_id("SY-DI"))
    assert province.name == "Dimashq"  # the bracket is a variant, less its ISO code
    assert province in gaz.search("Damascus Province")
    district = gaz.search("Qudsaya District")[0]
    assert (district.feature_code, district.geonameid) == ("ADM2", admin1_id("SY-DIX"))
    assert (district.parent_id, district.admin1) == (province.geonameid, "13")
    # Its population: the towns of its admin-1 region nearest to it (it is the only ADM2 there).
    with sqlite3.connect(db) as conn:
        (towns,) = conn.execute(
            "SELECT SUM(population) FROM place WHERE country_code = 'SY' AND admin1 = '13' "
            "AND feature_class = 'P'"
        ).fetchone()
    assert towns > 0 and district.population == towns
    assert [p.feature_code for p in gaz.hierarchy(district)] == ["ADM2", "ADM1", "PCLI"]
    assert gaz.search("قدسيا")[0] == district
    gaz.close()

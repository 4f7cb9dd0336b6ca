"""``GazetteerGeocoder``: geopy contract, geopandas and RateLimiter, the cached Nominatim fallback.

Runs against the tiny real gazetteer of ``test_gazetteer_import`` (real GeoNames rows of Syria,
Lebanon and Libya built by ``gazetteer.build``). Nothing here touches the network: the Nominatim
fallback is exercised with a fake that has Nominatim's ``geocode`` signature.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from geopy.exc import ConfigurationError, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer.errors import InvalidCoordinates, InvalidName, UnknownCountry
from gazetteer.geocoder import GazetteerGeocoder, GeocoderConfigurationError
from gazetteer.importers import SOURCE_NOMINATIM
from gazetteer.schema import USER_ID_BASE
from tests.test_gazetteer_import import build_tiny_gazetteer, tiny_sources

DAMASCUS = 170654
BEIRUT = 276781
TRIPOLI_LB = 266826
TRIPOLI_LY = 2210247


@pytest.fixture(scope="module")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gazetteer(tmp_path_factory.mktemp("tiny") / "gazetteer.sqlite")


@pytest.fixture
def tiny_db(tiny_template: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny gazetteer (the fallback writes to it)."""
    path = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(tiny_template, path)
    return path


@pytest.fixture
def geocoder(tiny_db: Path):
    coder = GazetteerGeocoder(path=tiny_db)
    yield coder
    coder.close()


def test_is_a_geopy_geocoder(geocoder: GazetteerGeocoder) -> None:
    assert isinstance(geocoder, Geocoder)
    assert geocoder.fallback is None


def test_geocode_returns_a_location_with_the_raw_record(geocoder: GazetteerGeocoder) -> None:
    loc = geocoder.geocode("Damascus")
    assert isinstance(loc, Location)
    assert loc.address == "Damascus, Dimashq, Syria"
    assert (loc.latitude, loc.longitude) == pytest.approx((33.5102, 36.29128))
    assert loc.raw["geonameid"] == DAMASCUS and loc.raw["feature_code"] == "PPLC"
    assert loc.raw["country_code"] == "SY" and loc.raw["source"] == "geonames"
    assert loc.raw["record"]["geonameid"] == DAMASCUS  # the source record (cities500 row)
    # Spelling variants and Arabic script resolve through the normalised names.
    assert geocoder.geocode("Damasco").raw["geonameid"] == DAMASCUS
    assert geocoder.geocode("دمشق").raw["geonameid"] == DAMASCUS
    assert geocoder.geocode("  damascus ").raw["geonameid"] == DAMASCUS


def test_geocode_not_found_is_none(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.geocode("Nowhereville") is None
    assert geocoder.geocode("Nowhereville", exactly_one=False) is None
    assert geocoder.geocode("---") is None


def test_geocode_lists_and_limits(geocoder: GazetteerGeocoder) -> None:
    every = geocoder.geocode("Tripoli", exactly_one=False)
    assert isinstance(every, list)
    # The two towns, and Libya's Tripoli district (Ţarābulus) whose alternate name it is.
    assert {TRIPOLI_LB, TRIPOLI_LY} < {loc.raw["geonameid"] for loc in every}
    towns = geocoder.geocode("Tripoli", exactly_one=False, feature_classes=["P"])
    assert [loc.raw["geonameid"] for loc in towns] == [TRIPOLI_LY, TRIPOLI_LB]  # by population
    assert len(geocoder.geocode("Tripoli", exactly_one=False, limit=1)) == 1


def test_geocode_country_filter_bias_and_context(
    tiny_db: Path, geocoder: GazetteerGeocoder
) -> None:
    assert geocoder.geocode("Tripoli", country_codes="LB").raw["geonameid"] == TRIPOLI_LB
    assert geocoder.geocode("Tripoli", country_codes=["ly"]).raw["geonameid"] == TRIPOLI_LY
    assert geocoder.geocode("Beirut", country_codes="LY") is None
    # Address-style queries: the parts after the first comma select among the candidates.
    assert geocoder.geocode("Tripoli, Lebanon").raw["geonameid"] == TRIPOLI_LB
    assert geocoder.geocode("Tripoli, Libya").raw["geonameid"] == TRIPOLI_LY
    assert geocoder.geocode("Tripoli, LB").raw["geonameid"] == TRIPOLI_LB
    lb_only = geocoder.geocode("Tripoli, Lebanon", exactly_one=False)
    assert [loc.raw["geonameid"] for loc in lb_only] == [TRIPOLI_LB]
    with pytest.raises(UnknownCountry):
        geocoder.geocode("Tripoli", country_codes="QQ")
    biased = GazetteerGeocoder(path=tiny_db, country_bias="LB")
    try:
        assert biased.geocode("Tripoli").raw["geonameid"] == TRIPOLI_LB
        assert biased.geocode("Damascus").raw["geonameid"] == DAMASCUS  # a bias, not a filter
    finally:
        biased.close()


@pytest.mark.parametrize("query", [None, 42, "", "   ", "x" * 5000])
def test_geocode_bad_names_raise_value_errors(geocoder: GazetteerGeocoder, query: Any) -> None:
    with pytest.raises(InvalidName) as info:
        geocoder.geocode(query)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "query",
    [
        "33.5102, 36.29128",
        "33.5102,36.29128",
        (33.5102, 36.29128),
        [33.5102, 36.29128],
        Point(33.5102, 36.29128),
    ],
)
def test_reverse_accepts_geopy_point_forms(geocoder: GazetteerGeocoder, query: Any) -> None:
    loc = geocoder.reverse(query)
    assert isinstance(loc, Location)
    assert loc.raw["geonameid"] == DAMASCUS
    assert loc.address == "Damascus, Dimashq, Syria"
    assert loc.raw["distance_km"] == pytest.approx(0, abs=0.01)


def test_reverse_list_has_place_region_country(geocoder: GazetteerGeocoder) -> None:
    locs = geocoder.reverse("33.52, 36.31", exactly_one=False)
    assert [loc.raw["feature_code"] for loc in locs] == ["PPLC", "ADM1", "PCLI"]
    assert locs[2].address == "Syria"
    assert locs[0].raw["distance_km"] > 0


def test_reverse_at_sea_is_none(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.reverse((0.0, -30.0)) is None  # mid-Atlantic, thousands of km from any place


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ((95.0, 36.0), "Latitude must be in"),
        ("136.3, 33.5", "swapped"),
        ((33.0, 200.0), "Longitude must be in"),
        ((float("nan"), 36.0), "finite"),
        ("not a point", "Cannot read coordinates"),
        ((1.0,), "(latitude, longitude)"),
        (object(), "A point is"),
    ],
)
def test_reverse_bad_coordinates(geocoder: GazetteerGeocoder, query: Any, message: str) -> None:
    with pytest.raises(
        InvalidCoordinates, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as info:
        geocoder.reverse(query)
    assert isinstance(info.value, ValueError)  # geopy's convention for bad points


def test_works_with_rate_limiter(geocoder: GazetteerGeocoder) -> None:
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=0)
    reverse = RateLimiter(geocoder.reverse, min_delay_seconds=0)
    assert geocode("Beirut").raw["geonameid"] == BEIRUT
    assert geocode("Tripoli", country_codes="LB").raw["geonameid"] == TRIPOLI_LB
    assert reverse("33.89, 35.50").raw["geonameid"] == BEIRUT


def test_works_with_geopandas_geocode_and_reverse_geocode(tiny_db: Path) -> None:
    import pandas as pd
    from geopandas.tools import geocode, reverse_geocode
    from shapely.geometry import Point as ShapelyPoint

    frame = geocode(
        ["Damascus", "Beirut", "Nowhereville"], provider=GazetteerGeocoder, path=tiny_db
    )
    assert list(frame["address"][:2]) == ["Damascus, Dimashq, Syria", "Beirut, Bayrūt, Lebanon"]
    assert (frame.geometry[0].x, frame.geometry[0].y) == pytest.approx((36.29128, 33.5102))
    assert frame.geometry[2].is_empty and pd.isna(frame["address"][2])
    assert frame.crs.to_epsg() == 4326
    # geopandas passes its kwargs (e.g. a user agent) to the provider.
    frame = reverse_geocode(
        [ShapelyPoint(35.50, 33.89), ShapelyPoint(36.72, 34.72)],
        provider=GazetteerGeocoder,
        path=tiny_db,
        user_agent="mapapp-tests",
    )
    assert list(frame["address"]) == ["Beirut, Bayrūt, Lebanon", "Homs, Ḩimş, Syria"]


def test_context_manager_and_shared_gazetteer(tiny_db: Path) -> None:
    from gazetteer import Gazetteer

    gaz = Gazetteer(tiny_db, auto_build=False)
    try:
        with GazetteerGeocoder(gaz) as coder:
            assert coder.geocode("Aleppo").raw["geonameid"] == 170063
        # A gazetteer passed in belongs to the caller: still open.
        assert gaz.get(DAMASCUS).name == "Damascus"
    finally:
        gaz.close()


# ---------------------------------------------------------------------------------------------
# Opt-in Nominatim fallback


class FakeNominatim:
    """Same ``geocode`` signature as geopy's Nominatim; answers from a dict, counts calls."""

    def __init__(self, answers: dict[str, Location | None]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        limit: int | None = None,
        addressdetails: bool = False,
        language: Any = False,
        geometry: Any = None,
        extratags: bool = False,
        country_codes: Any = None,
        viewbox: Any = None,
        bounded: bool = False,
        featuretype: Any = None,
        namedetails: bool = False,
    ) -> Location | list[Location] | None:
        self.calls.append((query, {"exactly_one": exactly_one, "country_codes": country_codes}))
        answer = self.answers.get(query)
        if answer is None:
            return None
        return answer if exactly_one else [answer]


def nominatim_location(name: str, lat: float, lon: float, cc: str, kind: str) -> Location:
    raw = {
        "place_id": 123456,
        "osm_type": "relation",
        "osm_id": 98765,
        "lat": str(lat),
        "lon": str(lon),
        "class": "place",
        "type": kind,
        "addresstype": kind,
        "name": name,
        "display_name": f"{name}, Damascus, Syria",
        "address": {kind: name, "city": "Damascus", "country": "Syria", "country_code": cc.lower()},
    }
    return Location(raw["display_name"], (lat, lon), raw)


def test_fallback_needs_a_user_agent(tiny_db: Path) -> None:
    with pytest.raises(GeocoderConfigurationError, match="user agent") as info:
        GazetteerGeocoder(path=tiny_db, fallback="nominatim")
    assert isinstance(info.value, ConfigurationError) and isinstance(info.value, ValueError)
    from geopy.geocoders import options

    with pytest.raises(GeocoderConfigurationError, match="user agent"):
        GazetteerGeocoder(path=tiny_db, fallback="nominatim", user_agent=options.default_user_agent)
    with pytest.raises(GeocoderConfigurationError, match="Unknown fallback"):
        GazetteerGeocoder(path=tiny_db, fallback="google")
    # With a real agent geopy's own Nominatim is created (no request is made here), and its
    # requests are throttled to one per second.
    coder = GazetteerGeocoder(path=tiny_db, fallback="nominatim", user_agent="mapapp-tests/1.0")
    try:
        from geopy.geocoders import Nominatim

        assert isinstance(coder._nominatim, Nominatim)
        assert coder._nominatim.headers["User-Agent"] == "mapapp-tests/1.0"
        assert coder._fallback_geocode.min_delay_seconds == 1.0
    finally:
        coder.close()


def test_fallback_is_off_by_default(geocoder: GazetteerGeocoder) -> None:
    assert geocoder._nominatim is None
    assert geocoder.geocode("Mezzeh 86") is None


def test_fallback_result_is_cached_offline_and_survives_rebuild(tiny_db: Path) -> None:
    from gazetteer import Gazetteer
    from gazetteer.build import build_database

    fake = FakeNominatim(
        {"Mezzeh 86": nominatim_location("Mezzeh 86", 33.5046, 36.2539, "SY", "suburb")}
    )
    coder = GazetteerGeocoder(
        path=tiny_db,
        fallback="nominatim",
        user_agent="mapapp-tests/1.0",
        nominatim=fake,
        fallback_min_delay=0,
    )
    try:
        first = coder.geocode("Mezzeh 86")
        assert len(fake.calls) == 1
        assert first.raw["source"] == SOURCE_NOMINATIM
        assert first.raw["geonameid"] == USER_ID_BASE
        assert first.raw["feature_code"] == "PPLX" and first.raw["country_code"] == "SY"
        assert (first.latitude, first.longitude) == pytest.approx((33.5046, 36.2539))
        assert first.raw["record"]["nominatim"]["osm_id"] == 98765
        assert first.address.startswith("Mezzeh 86") and first.address.endswith("Syria")
        # Second lookup: answered from the gazetteer, no request.
        assert coder.geocode("mezzeh 86").raw["geonameid"] == USER_ID_BASE
        assert len(fake.calls) == 1
        # A name Nominatim does not know either: None, nothing cached, not asked twice.
        assert coder.geocode("Qwxz Nowhere") is None
        assert coder.geocode("Qwxz Nowhere") is None
        assert len(fake.calls) == 2
    finally:
        coder.close()
    conn = sqlite3.connect(tiny_db)
    try:
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM place WHERE source = ?", (SOURCE_NOMINATIM,)
            ).fetchone()[0]
            == 1
        )
    finally:
        conn.close()

    report = build_database(tiny_db, force=True, sources=tiny_sources())
    assert report.built and report.carried_over == 1
    offline = GazetteerGeocoder(Gazetteer(tiny_db, auto_build=False))
    try:
        loc = offline.geocode("Mezzeh 86")
        assert loc is not None and loc.raw["source"] == SOURCE_NOMINATIM
    finally:
        offline.gazetteer.close()


def test_fallback_passes_country_codes_and_skips_unplaceable_results(tiny_db: Path) -> None:
    at_sea = Location("Somewhere", (0.0, -30.0), {"lat": "0", "lon": "-30", "type": "locality"})
    fake = FakeNominatim({"Somewhere": at_sea})
    coder = GazetteerGeocoder(
        path=tiny_db,
        fallback="nominatim",
        user_agent="mapapp-tests/1.0",
        nominatim=fake,
        fallback_min_delay=0,
    )
    try:
        # No country in the answer and none contains the point: not cached, not returned.
        assert coder.geocode("Somewhere", country_codes="SY") is None
        assert fake.calls == [("Somewhere", {"exactly_one": True, "country_codes": ["sy"]})]
    finally:
        coder.close()


class FailingNominatim(FakeNominatim):
    def geocode(self, query: str, **kwargs: Any) -> Location | None:
        self.calls.append((query, kwargs))
        raise GeocoderUnavailable("Service not available")


def test_fallback_outage_gives_none_and_is_retried_later(tiny_db: Path) -> None:
    fake = FailingNominatim({})
    coder = GazetteerGeocoder(
        path=tiny_db,
        fallback="nominatim",
        user_agent="mapapp-tests/1.0",
        nominatim=fake,
        fallback_min_delay=0,
    )
    try:
        assert coder.geocode("Mezzeh 86") is None
        assert len(fake.calls) == 2  # one retry
        assert coder.geocode("Mezzeh 86") is None
        assert len(fake.calls) == 4  # an outage is not remembered as a miss
        assert coder.geocode("Damascus").raw["geonameid"] == DAMASCUS  # offline answers unaffected
        assert len(fake.calls) == 4
    finally:
        coder.close()


# ---------------------------------------------------------------------------------------------
# The real gazetteer (read only)


@pytest.mark.slow
def test_full_gazetteer_geocoding(full_gazetteer) -> None:
    from geopandas.tools import geocode

    coder = GazetteerGeocoder(full_gazetteer)
    mazzeh = coder.geocode("Mazzeh, Damascus")
    assert mazzeh.raw["feature_code"] == "PPLX" and mazzeh.raw["country_code"] == "SY"
    assert mazzeh.address.startswith("Mazzeh, Damascus") and mazzeh.address.endswith("Syria")
    assert coder.geocode("المزة").raw["geonameid"] == mazzeh.raw["geonameid"]
    assert coder.geocode("Paris, Texas").raw["country_code"] == "US"
    assert coder.geocode("Paris").raw["country_code"] == "FR"
    assert coder.geocode("Tripoli, Lebanon").raw["country_code"] == "LB"
    assert coder.reverse("31.5017, 34.4668").raw["country_code"] == "PS"
    assert coder.reverse((0.0, -30.0)) is None
    frame = geocode(["Aleppo", "Kharkiv"], provider=GazetteerGeocoder, gazetteer=full_gazetteer)
    assert [a.split(", ")[-1] for a in frame["address"]] == ["Syria", "Ukraine"]
    assert full_gazetteer.get(mazzeh.raw["geonameid"]) is not None  # not closed by the geocoder

"""Reverse lookup: containing country and region (point in polygon), nearest place, bad input."""

from __future__ import annotations

import math

import pytest

from gazetteer import Gazetteer, InvalidCoordinates, UnknownCountry
from gazetteer.coords import haversine_km, km_outside
from gazetteer.testing import CITIES, GAZA_BOX, SYRIA_BOX, build_tiny


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory):
    g = Gazetteer(build_tiny(tmp_path_factory.mktemp("tiny") / "gaz.sqlite"), auto_build=False)
    yield g
    g.close()


def test_point_in_syria(gaz: Gazetteer) -> None:
    result = gaz.reverse(33.5, 36.29)
    assert result.country.country_code == "SY"
    assert result.admin1.name == "Dimashq"
    assert result.nearest.geonameid == 170654
    assert result.distance_km == pytest.approx(haversine_km(33.5, 36.29, 33.5102, 36.29128))
    assert result.region is None
    assert result.to_dict()["nearest"]["geonameid"] == 170654


def test_point_in_gaza_is_palestine_and_gaza_strip(gaz: Gazetteer) -> None:
    result = gaz.reverse(31.50, 34.46)
    assert result.country.country_code == "PS"
    assert result.region.name == "Gaza Strip"
    assert result.admin1 == result.region
    west_bank = gaz.reverse(31.9, 35.2)
    assert (west_bank.country.country_code, west_bank.region.name) == ("PS", "West Bank")


def test_point_at_sea_has_no_country_but_a_nearest_place(gaz: Gazetteer) -> None:
    result = gaz.reverse(0.0, 0.0)
    assert result.country is None and result.admin1 is None
    expected = min(CITIES, key=lambda c: haversine_km(0, 0, c["latitude"], c["longitude"]))
    assert result.nearest.geonameid == expected["geonameid"]
    assert result.distance_km > 4000


def test_nearest_is_exact_against_brute_force(gaz: Gazetteer) -> None:
    import random

    rng = random.Random(7)
    places = [gaz.get(c["geonameid"]) for c in CITIES]
    for _ in range(200):
        lat, lon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        got, dist = gaz.nearest(lat, lon)[0]
        best = min(haversine_km(lat, lon, p.lat, p.lon) for p in places)
        # Curated rows and admin areas are in the index too: never farther than the best town.
        assert dist <= best + 1e-9
        assert dist == pytest.approx(haversine_km(lat, lon, got.lat, got.lon))


def test_nearest_across_the_antimeridian(gaz: Gazetteer) -> None:
    places = gaz.nearest(39.3, -77.2, limit=3)
    assert [p.geonameid for p, _ in places][0] == 4352728
    assert [d for _, d in places] == sorted(d for _, d in places)


def test_border_of_a_box(gaz: Gazetteer) -> None:
    x0, y0, x1, y1 = SYRIA_BOX
    assert gaz.containing(y0 + 0.01, x0 + 0.01)[0].country_code == "SY"
    assert gaz.containing(y0 - 0.05, x0 - 0.05)[0] is None
    # Just off the (generalised) coast still counts: about 1 km out.
    assert gaz.containing(y0 - 0.01, (x0 + x1) / 2)[0].country_code == "SY"
    gx0, gy0, gx1, gy1 = GAZA_BOX
    country, region = gaz.containing((gy0 + gy1) / 2, (gx0 + gx1) / 2)
    assert (country.country_code, region.name) == ("PS", "Gaza Strip")


def test_country_shape(gaz: Gazetteer) -> None:
    shape = gaz.country_shape("SY")
    assert shape.bounds == pytest.approx(SYRIA_BOX)
    assert gaz.country_shape("ps").geom_type == "MultiPolygon"
    with pytest.raises(UnknownCountry):
        gaz.country_shape("ZZ")


@pytest.mark.parametrize(
    ("lat", "lon", "fragment"),
    [
        (91, 0, "Latitude must be in [-90, 90]"),
        (-90.5, 10, "Latitude"),
        (0, 180.1, "Longitude must be in [-180, 180]"),
        (120, 33, "may be swapped"),
        (math.nan, 0, "finite"),
        (0, math.inf, "finite"),
        ("north", 0, "must be a number"),
        (None, 0, "must be a number"),
        (True, 0, "must be a number"),
    ],
)
def test_bad_coordinates(gaz: Gazetteer, lat: object, lon: object, fragment: str) -> None:
    with pytest.raises(InvalidCoordinates) as info:
        gaz.reverse(lat, lon)  # type: ignore[arg-type]
    assert fragment in info.value.message
    assert info.value.status == 400


def test_numeric_strings_are_accepted(gaz: Gazetteer) -> None:
    assert gaz.reverse("33.5", " 36.29 ").country.country_code == "SY"


# -- the real gazetteer


@pytest.mark.slow
def test_real_reverse_damascus(full_gazetteer: Gazetteer) -> None:
    result = full_gazetteer.reverse(33.5, 36.29)
    assert result.country.country_code == "SY"
    assert result.nearest.country_code == "SY"
    assert result.admin1 is not None and result.admin1.country_code == "SY"
    assert result.distance_km < 5


@pytest.mark.slow
def test_real_reverse_gaza_city(full_gazetteer: Gazetteer) -> None:
    result = full_gazetteer.reverse(31.5017, 34.4668)  # Gaza City
    assert result.country.country_code == "PS"
    assert result.region.name == "Gaza Strip"
    assert result.nearest.country_code == "PS"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lat", "lon", "cc"),
    [
        (48.8566, 2.3522, "FR"),  # Paris
        (4.9224, -52.3135, "GF"),  # Cayenne: French Guiana has its own shape
        (-20.8821, 55.4507, "RE"),  # Saint-Denis, Réunion
        (-12.78, 45.2278, "YT"),  # Mamoudzou, Mayotte (on the coast)
        (-10.4217, 105.6791, "CX"),  # Christmas Island: an unnamed Natural Earth feature
        (42.6629, 21.1655, "XK"),  # Pristina
        (32.0853, 34.7818, "IL"),  # Tel Aviv
        (32.2211, 35.2544, "PS"),  # Nablus
        (31.5313, 34.4465, "PS"),  # Al-Shati camp on the Gaza beach
        (-33.8688, 151.2093, "AU"),
        (64.1466, -21.9426, "IS"),
    ],
)
def test_real_reverse_countries(full_gazetteer: Gazetteer, lat: float, lon: float, cc: str) -> None:
    assert full_gazetteer.reverse(lat, lon).country.country_code == cc


@pytest.mark.slow
def test_real_reverse_at_sea(full_gazetteer: Gazetteer) -> None:
    result = full_gazetteer.reverse(0.0, -30.0)  # mid-Atlantic
    assert result.country is None
    assert result.distance_km > 500


def test_first_reverse_in_a_new_thread(tmp_path_factory: pytest.TempPathFactory) -> None:
    # The indexes load lazily under a lock while the thread opens its own connection.
    import threading

    g = Gazetteer(build_tiny(tmp_path_factory.mktemp("fresh") / "gaz.sqlite"), auto_build=False)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(g.reverse(33.5, 36.29).country.name))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == ["Syria"] * 3
    g.close()


@pytest.mark.slow
def test_real_islands_across_the_antimeridian(full_gazetteer: Gazetteer) -> None:
    # Fiji's and Wrangel Island's rings cross 180°: read flat they wrapped the globe.
    assert full_gazetteer.containing(-17.8, 178.0)[0].country_code == "FJ"
    assert full_gazetteer.containing(-16.7, -179.9)[0].country_code == "FJ"
    assert full_gazetteer.containing(-16.9, 60.0)[0] is None  # Indian Ocean
    assert full_gazetteer.containing(71.2, 0.0)[0] is None  # Norwegian Sea
    fiji = full_gazetteer.country("FJ")
    assert full_gazetteer.containing(fiji.lat, fiji.lon)[0].country_code == "FJ"


@pytest.mark.slow
def test_real_country_points_lie_in_or_near_their_country(full_gazetteer: Gazetteer) -> None:
    # Reference points are checked against the polygons at build time: inside, at sea within
    # 100 km of the coast, or (small countries' rounded points) within 25 km of the border.
    from gazetteer.build import MAX_REFERENCE_OUTSIDE_KM, NEAR_BORDER_KM

    checked = 0
    for country in full_gazetteer.countries():
        shape = full_gazetteer.country_shape(country.country_code)
        if shape is None:
            continue
        outside = km_outside(shape, country.lat, country.lon)
        if outside == 0.0:
            checked += 1
            continue
        assert outside <= MAX_REFERENCE_OUTSIDE_KM, country.country_code
        found = full_gazetteer.containing(country.lat, country.lon)[0]
        if found is not None and found.country_code != country.country_code:
            assert outside <= NEAR_BORDER_KM, (country.country_code, found.country_code)
    assert checked > 200


@pytest.mark.slow
def test_real_nearest_far_at_sea_is_exact(full_gazetteer: Gazetteer) -> None:
    import numpy as np

    index = full_gazetteer._point_index()
    for lat, lon in ((-9.58, -114.08), (4.5, -127.2), (-60.0, -130.0), (89.9, 0.0)):
        got = full_gazetteer.nearest(lat, lon, limit=3)
        lats, lons = index["lats"], index["lons"]
        p1, p2 = math.radians(lat), np.radians(lats)
        a = (
            np.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
        )
        brute = np.sort(2 * 6371.0088 * np.arcsin(np.sqrt(a)))[:3]
        assert [d for _, d in got] == pytest.approx(list(brute), rel=1e-6)
        assert all(p.feature_code != "CONT" for p, _ in got)

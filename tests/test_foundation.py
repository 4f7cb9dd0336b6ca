"""The shared foundations: coordinates, the error hierarchy and the settings registry."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gazetteer import coords
from gazetteer.errors import (
    GazetteerError,
    ImportFormatError,
    InvalidCoordinates,
    ServiceError,
    UnknownCountry,
    UnknownPlace,
)
from mapapp import errors, settings
from tests.helpers import assert_error_shape

README = Path(__file__).resolve().parents[1] / "README.md"


# -- coordinates -------------------------------------------------------------------------------
def test_position_is_lon_lat_rounded_to_six_decimals() -> None:
    assert coords.to_position(33.5138123456, 36.2765987654) == [36.276599, 33.513812]


def test_from_position_swaps_back_and_validates() -> None:
    assert coords.from_position([36.2766, 33.5138]) == (33.5138, 36.2766)
    with pytest.raises(InvalidCoordinates):
        coords.from_position([1.0])
    with pytest.raises(InvalidCoordinates):
        coords.from_position("36.2, 33.5")


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (91, 0),
        (-90.5, 0),
        (0, 180.01),
        (0, -181),
        (math.nan, 0),
        (0, math.inf),
        ("x", 0),
        (True, 0),
        (None, 1),
    ],
)
def test_invalid_coordinates_are_refused(lat: object, lon: object) -> None:
    with pytest.raises(InvalidCoordinates) as info:
        coords.validate_latlon(lat, lon)
    assert isinstance(info.value, ValueError)
    assert_error_shape(info.value.to_dict(), 400, "invalid_coordinates")


def test_swapped_coordinates_get_a_hint() -> None:
    with pytest.raises(InvalidCoordinates, match="swapped"):
        coords.validate_latlon(151.2, -33.9)  # Sydney given as (lon, lat)


def test_numeric_strings_are_accepted() -> None:
    assert coords.validate_latlon(" 33.5 ", "-7.25") == (33.5, -7.25)


def test_haversine_damascus_beirut() -> None:
    # Damascus (33.5138, 36.2765) to Beirut (33.8938, 35.5018): about 85 km.
    assert 80 < coords.haversine_km(33.5138, 36.2765, 33.8938, 35.5018) < 90


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cls", "status", "std"),
    [
        (UnknownPlace, 404, LookupError),
        (UnknownCountry, 400, LookupError),
        (InvalidCoordinates, 400, ValueError),
        (ImportFormatError, 400, ValueError),
        (errors.UnknownLayer, 404, LookupError),
        (errors.PayloadTooLarge, 413, ValueError),
        (errors.Unauthorized, 401, PermissionError),
        (errors.Forbidden, 403, PermissionError),
        (errors.InvalidQuery, 400, ValueError),
        (errors.MisconfiguredError, 500, RuntimeError),
    ],
)
def test_each_error_knows_its_status_and_standard_type(cls: type, status: int, std: type) -> None:
    exc = cls()
    assert isinstance(exc, ServiceError) and isinstance(exc, std)
    body = assert_error_shape(exc.to_dict(), status)
    assert body["message"] == cls.default_message


def test_gazetteer_errors_share_the_root() -> None:
    assert issubclass(UnknownPlace, GazetteerError)
    assert errors.ServiceError is ServiceError


def test_details_are_kept_and_none_dropped() -> None:
    exc = ImportFormatError("line 3: bad latitude", line=3, column=None)
    assert exc.to_dict()["details"] == {"line": 3}
    assert str(exc) == "line 3: bad latitude"


# -- settings ----------------------------------------------------------------------------------
def test_defaults_and_home(tmp_path: Path) -> None:
    values = settings.load({"MAPAPP_HOME": str(tmp_path)})
    assert values["HOME"] == str(tmp_path)
    assert values["STORE_URL"] == str(tmp_path / "incidents.sqlite")
    assert values["MAX_BODY_BYTES"] == 2_000_000
    assert values["FRAME_ANCESTORS"] == "*"


def test_environment_overrides_and_types(tmp_path: Path) -> None:
    values = settings.load({"MAPAPP_HOME": str(tmp_path), "MAPAPP_MAX_LIMIT": "50"})
    assert values["MAX_LIMIT"] == 50


def test_bad_values_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(errors.MisconfiguredError, match="MAPAPP_MAX_LIMIT"):
        settings.load({"MAPAPP_HOME": str(tmp_path), "MAPAPP_MAX_LIMIT": "lots"})


def test_every_setting_is_documented_in_the_readme() -> None:
    # The README's configuration table is the registry's own output (`mapapp settings`).
    assert settings.markdown_table() in README.read_text(encoding="utf-8")

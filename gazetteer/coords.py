"""Coordinates: validation and the one place where (lat, lon) and GeoJSON [lon, lat] meet.

geopy and folium take ``(lat, lon)``; GeoJSON (RFC 7946) writes ``[lon, lat]``. Every conversion in
the project goes through ``to_position`` / ``from_position`` so the order is decided once.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from gazetteer.errors import InvalidCoordinates

EARTH_RADIUS_KM = 6371.0088
GEOJSON_DECIMALS = 6


def validate_latlon(lat: object, lon: object) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats or raise ``InvalidCoordinates`` with a helpful message."""
    values = []
    for label, value in (("latitude", lat), ("longitude", lon)):
        if isinstance(value, bool):
            raise InvalidCoordinates(f"The {label} must be a number, not {value!r}.")
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise InvalidCoordinates(f"The {label} must be a number, not {value!r}.") from None
        if not isinstance(value, Real):
            raise InvalidCoordinates(f"The {label} must be a number.")
        value = float(value)
        if not math.isfinite(value):
            raise InvalidCoordinates(f"The {label} must be a finite number.")
        values.append(value)
    flat, flon = values
    if not -90.0 <= flat <= 90.0:
        hint = ""
        if -90.0 <= flon <= 90.0 and -180.0 <= flat <= 180.0:
            hint = " Latitude and longitude may be swapped."
        raise InvalidCoordinates(
            f"Latitude must be in [-90, 90], got {flat}.{hint}", latitude=flat, longitude=flon
        )
    if not -180.0 <= flon <= 180.0:
        raise InvalidCoordinates(
            f"Longitude must be in [-180, 180], got {flon}.", latitude=flat, longitude=flon
        )
    return flat, flon


def to_position(lat: float, lon: float) -> list[float]:
    """(lat, lon) -> GeoJSON position ``[lon, lat]``, rounded to 6 decimals (about 0.1 m)."""
    return [round(float(lon), GEOJSON_DECIMALS), round(float(lat), GEOJSON_DECIMALS)]


def from_position(position: object) -> tuple[float, float]:
    """GeoJSON position ``[lon, lat, ...]`` -> validated ``(lat, lon)``."""
    if not isinstance(position, (list, tuple)) or len(position) < 2:
        raise InvalidCoordinates("A GeoJSON position must be an array [longitude, latitude].")
    return validate_latlon(position[1], position[0])


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def km_outside(shape: Any, lat: float, lon: float) -> float:
    """How far a point lies outside a (lon, lat) shapely geometry, in km: 0 inside or on it,
    else the great-circle distance to its nearest point."""
    import shapely
    from shapely.ops import nearest_points

    if not shapely.is_prepared(shape):
        shapely.prepare(shape)  # callers test thousands of points against one country
    if shapely.intersects_xy(shape, lon, lat):
        return 0.0
    edge = nearest_points(shape, shapely.Point(lon, lat))[0]
    return haversine_km(lat, lon, edge.y, edge.x)

"""Offline world gazetteer: GeoNames towns, countries with Natural Earth boundaries, ISO admin-1
regions and a curated supplement, in one SQLite file.

>>> from gazetteer import Gazetteer
>>> gaz = Gazetteer()                      # builds the database on first use
>>> gaz.search("Damascus")[0].feature_code
'PPLC'

``GazetteerGeocoder`` (geopy) is imported lazily so ``import gazetteer`` stays light.
"""

from __future__ import annotations

from typing import Any

from gazetteer.core import Gazetteer, ReverseResult
from gazetteer.errors import (
    GazetteerError,
    GazetteerUnavailable,
    ImportFormatError,
    InvalidCoordinates,
    InvalidInput,
    InvalidName,
    NotFound,
    ServiceError,
    UnknownCountry,
    UnknownPlace,
)
from gazetteer.model import Place
from gazetteer.normalize import normalize

__all__ = [
    "Gazetteer",
    "GazetteerError",
    "GazetteerGeocoder",
    "GazetteerUnavailable",
    "ImportFormatError",
    "InvalidCoordinates",
    "InvalidInput",
    "InvalidName",
    "NotFound",
    "Place",
    "ReverseResult",
    "ServiceError",
    "UnknownCountry",
    "UnknownPlace",
    "normalize",
]


def __getattr__(name: str) -> Any:
    # geopy is only needed by the geocoder; load it on first use.
    if name == "GazetteerGeocoder":
        from gazetteer.geocoder import GazetteerGeocoder

        return GazetteerGeocoder
    raise AttributeError(f"module 'gazetteer' has no attribute {name!r}")

"""``GazetteerGeocoder``: the offline gazetteer behind geopy's ``Geocoder`` interface.

It works wherever a geopy geocoder does (``geopy.extra.rate_limiter.RateLimiter``,
``geopandas.tools.geocode(..., provider=GazetteerGeocoder)``, ``reverse_geocode``) and answers
from the local SQLite gazetteer without any network. Following geopy, ``geocode`` and ``reverse``
return a ``geopy.location.Location`` (or a list when ``exactly_one=False``) and ``None`` when
nothing is found; ``Location.raw`` is ``Place.to_dict()`` plus ``source`` and the source
``record``.

An opt-in fallback (``fallback='nominatim'``, off by default) asks geopy's ``Nominatim`` for names
the gazetteer lacks and caches each answer in the gazetteer (source ``'nominatim'``), so the next
lookup of that name is offline. The OSM Foundation's policy applies: a real user agent is
required, and at most one request per second (wrap ``geocode`` in geopy's ``RateLimiter``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from geopy.exc import ConfigurationError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import options
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer.coords import validate_latlon
from gazetteer.errors import InvalidCoordinates, InvalidInput, InvalidName, UnknownCountry
from gazetteer.importers import MAX_NAME_CHARS, cache_nominatim_result
from gazetteer.model import Place

__all__ = ["GazetteerGeocoder", "GeocoderConfigurationError"]

FALLBACKS = (None, "nominatim")
DEFAULT_LIMIT = 10
_FAILED = object()  # what the fallback's RateLimiter returns when Nominatim kept failing
NOMINATIM_MIN_DELAY_S = 1.0  # https://operations.osmfoundation.org/policies/nominatim/
# Beyond this distance from the nearest known place, and outside every country polygon (open sea),
# reverse() finds nothing rather than naming a far-away town.
DEFAULT_MAX_DISTANCE_KM = 100.0

_LATLON_RE = re.compile(
    r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*[,;\s]\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*$"
)


class GeocoderConfigurationError(InvalidInput, ConfigurationError):
    """A misconfigured ``GazetteerGeocoder`` (both a geopy ``ConfigurationError`` and ours)."""

    code = "geocoder_configuration"
    default_message = "The geocoder is misconfigured."


class GazetteerGeocoder(Geocoder):
    """Offline geopy geocoder over the gazetteer (see the module docstring).

    :param gazetteer: an open ``gazetteer.Gazetteer``; by default one is opened at ``path`` (or
        the default database, built on first use) and closed by ``close()``.
    :param country_bias: ISO code(s) whose places rank first when a name is ambiguous.
    :param fallback: ``None`` (default, fully offline) or ``'nominatim'``.
    :param user_agent: required with ``fallback='nominatim'`` (OSMF usage policy).
    :param nominatim: a ready Nominatim-compatible geocoder to use instead of creating one (a
        custom ``domain``, or a fake in tests).
    :param fallback_min_delay: seconds between two fallback requests (1 s, the OSMF policy).
    :param max_distance_km: reverse() returns None for points at sea farther than this from any
        known place.
    """

    def __init__(
        self,
        gazetteer: Any = None,
        *,
        path: str | Path | None = None,
        country_bias: str | Sequence[str] | None = None,
        fallback: str | None = None,
        user_agent: str | None = None,
        nominatim: Any = None,
        fallback_min_delay: float = NOMINATIM_MIN_DELAY_S,
        max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
        timeout: Any = DEFAULT_SENTINEL,
        proxies: Any = DEFAULT_SENTINEL,
        ssl_context: Any = DEFAULT_SENTINEL,
        scheme: str | None = None,
        adapter_factory: Any = None,
    ) -> None:
        super().__init__(
            scheme=scheme,
            timeout=timeout,
            proxies=proxies,
            user_agent=user_agent,
            ssl_context=ssl_context,
            adapter_factory=adapter_factory,
        )
        if fallback not in FALLBACKS:
            raise GeocoderConfigurationError(
                f"Unknown fallback {fallback!r}: use None (offline) or 'nominatim'."
            )
        self.fallback = fallback
        self._nominatim = None
        self._fallback_geocode: Any = None
        self._misses: set[tuple[str, tuple[str, ...]]] = set()
        if fallback == "nominatim":
            self._nominatim = nominatim or self._make_nominatim(user_agent, timeout, proxies)
            # The OSMF policy allows one request per second. Only the fallback's requests are
            # throttled, so offline answers stay instant (no need to wrap geocode() itself).
            # One retry, then None: a batch (geopandas) goes on when Nominatim is down.
            self._fallback_geocode = RateLimiter(
                self._nominatim.geocode,
                min_delay_seconds=fallback_min_delay,
                max_retries=1,
                error_wait_seconds=max(2.0, fallback_min_delay) if fallback_min_delay > 0 else 0.0,
                swallow_exceptions=True,
                return_value_on_exception=_FAILED,
            )
        self._owns_gazetteer = gazetteer is None
        if gazetteer is None:
            from gazetteer import Gazetteer

            gazetteer = Gazetteer(Path(path) if path is not None else None)
        self.gazetteer = gazetteer
        self.country_bias = self._country_list(country_bias)
        self.max_distance_km = float(max_distance_km)

    def _make_nominatim(self, user_agent: str | None, timeout: Any, proxies: Any) -> Any:
        agent = (user_agent or "").strip()
        if not agent or agent == options.default_user_agent:
            raise GeocoderConfigurationError(
                "The Nominatim fallback needs your own user agent (OSMF usage policy), e.g. "
                "GazetteerGeocoder(fallback='nominatim', user_agent='my-app/1.0 (me@example.org)')."
            )
        from geopy.geocoders import Nominatim

        return Nominatim(user_agent=agent, timeout=timeout, proxies=proxies)

    # ----------------------------------------------------------------------------------------
    # geopy interface

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        limit: int | None = None,
        country_codes: str | Sequence[str] | None = None,
        feature_classes: Iterable[str] | None = None,
    ) -> Location | list[Location] | None:
        """Locate a place name (``"Mazzeh"``, ``"Mazzeh, Damascus"``, ``"Paris, Texas"``).

        Comma-separated parts after the first name the place's parent, region or country and
        rank the places that match them first. ``country_codes`` restricts the search.
        """
        name = self._query_text(query)
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 1
        ):
            raise InvalidInput("limit must be a positive whole number.")
        wanted = 1 if exactly_one else (limit or DEFAULT_LIMIT)
        countries = self._country_list(country_codes)
        classes = list(feature_classes) if feature_classes is not None else None
        places = self._lookup(name, countries, classes, wanted)
        if not places and self._nominatim is not None:
            places = self._fallback(name, countries, classes, wanted, timeout)
        if not places:
            return None
        locations = [self._location(place) for place in places[:wanted]]
        return locations[0] if exactly_one else locations

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        language: Any = None,
    ) -> Location | list[Location] | None:
        """The nearest place to a point (``"33.5, 36.3"``, ``(33.5, 36.3)``, a geopy ``Point``).

        With ``exactly_one=False`` the list is the nearest place, then its admin-1 region and
        country. ``None`` for a point at sea far from every known place.
        """
        lat, lon = self.parse_point(query)
        result = self.gazetteer.reverse(lat, lon)
        nearest: Place | None = result.nearest
        if nearest is None or (
            result.country is None and result.distance_km > self.max_distance_km
        ):
            return None
        distance = result.distance_km
        if nearest.is_admin1 or nearest.is_country:
            # A region's centroid can lie nearer than any town; name the nearest town instead.
            for place, dist in self.gazetteer.nearest(lat, lon, limit=16):
                if not (place.is_admin1 or place.is_country):
                    nearest, distance = place, dist
                    break
        first = self._location(nearest, {"distance_km": round(distance, 3)})
        if exactly_one:
            return first
        out = [first]
        for place in (result.admin1, result.country):
            if place is not None and place.geonameid != nearest.geonameid:
                out.append(self._location(place))
        return out

    # ----------------------------------------------------------------------------------------
    # helpers

    @staticmethod
    def parse_point(query: Any) -> tuple[float, float]:
        """``(lat, lon)`` from the forms geopy accepts, validated (``InvalidCoordinates``)."""
        if isinstance(query, Point):
            return validate_latlon(query.latitude, query.longitude)
        if isinstance(query, str):
            match = _LATLON_RE.match(query)
            if match:
                return validate_latlon(match.group(1), match.group(2))
            try:  # degrees-minutes-seconds and the other string forms geopy parses
                point = Point.from_string(query)
            except (ValueError, TypeError):
                raise InvalidCoordinates(
                    f"Cannot read coordinates from {query[:80]!r}: use 'lat, lon'."
                ) from None
            return validate_latlon(point.latitude, point.longitude)
        if hasattr(query, "__array__") and not isinstance(query, Sequence):
            query = list(query)  # a numpy array
        if isinstance(query, Sequence) and not isinstance(query, (bytes, bytearray)):
            if len(query) not in (2, 3):
                raise InvalidCoordinates("A point is (latitude, longitude).")
            return validate_latlon(query[0], query[1])
        lat, lon = getattr(query, "latitude", None), getattr(query, "longitude", None)
        if lat is not None and lon is not None:
            return validate_latlon(lat, lon)
        raise InvalidCoordinates(
            "A point is a 'lat, lon' string, a (lat, lon) pair or a geopy Point."
        )

    @staticmethod
    def _query_text(query: Any) -> str:
        if isinstance(query, dict):  # geopy's structured query form
            query = ", ".join(str(v) for v in query.values() if v)
        if not isinstance(query, str):
            raise InvalidName(f"A place name must be text, not {type(query).__name__}.")
        text = " ".join(query.split())
        if not text:
            raise InvalidName("The place name is empty.")
        if len(text) > 4 * MAX_NAME_CHARS:
            raise InvalidName(f"The query is longer than {4 * MAX_NAME_CHARS} characters.")
        return text

    def _country_list(self, codes: str | Sequence[str] | None) -> list[str]:
        if codes is None:
            return []
        items = [codes] if isinstance(codes, str) else list(codes)
        out = []
        for code in items:
            cc = str(code).strip().upper()
            if not cc:
                continue
            self.gazetteer.country(cc)  # raises UnknownCountry
            out.append(cc)
        return out

    def _lookup(
        self, query: str, countries: list[str], classes: list[str] | None, wanted: int
    ) -> list[Place]:
        """Ranked places for a query: the whole text first, else its first part + context."""
        pool = max(wanted, DEFAULT_LIMIT) * 3
        places = self._search(query, countries, classes, pool)
        context: list[str] = []
        if not places and "," in query:
            head, *context = [p.strip() for p in query.split(",") if p.strip()]
            if head:
                places = self._search(head, countries, classes, pool)
        if context and places:
            places = self._rank_by_context(places, context)
        if self.country_bias and not countries:
            bias = self.country_bias
            places = sorted(places, key=lambda p: p.country_code not in bias)
        return places

    def _search(
        self, name: str, countries: list[str], classes: list[str] | None, limit: int
    ) -> list[Place]:
        try:
            if not countries:
                return list(self.gazetteer.search(name, feature_classes=classes, limit=limit))
            found: list[Place] = []
            for cc in countries:
                found.extend(
                    self.gazetteer.search(name, country=cc, feature_classes=classes, limit=limit)
                )
        except InvalidName:
            return []  # e.g. a name that is only punctuation: nothing to find, as geopy does
        return found

    def _rank_by_context(self, places: list[Place], context: list[str]) -> list[Place]:
        """Keep the places whose parent, admin-1 or country matches the most context parts."""
        matchers: list[tuple[set[str], set[tuple[str, str]], set[int]]] = []
        for part in context:
            countries: set[str] = set()
            admin1s: set[tuple[str, str]] = set()
            ids: set[int] = set()
            if len(part) == 2 and part.isalpha():
                with contextlib.suppress(UnknownCountry):
                    countries.add(self.gazetteer.country(part.upper()).country_code)
            for ctx in self._search(part, [], None, 20):
                ids.add(ctx.geonameid)
                if ctx.is_country:
                    countries.add(ctx.country_code)
                elif ctx.is_admin1:
                    admin1s.add((ctx.country_code, ctx.admin1))
            matchers.append((countries, admin1s, ids))

        def score(place: Place) -> int:
            points = 0
            for countries, admin1s, ids in matchers:
                if (
                    place.country_code in countries
                    or (place.country_code, place.admin1) in admin1s
                    or (place.parent_id is not None and place.parent_id in ids)
                ):
                    points += 1
            return points

        scored = [(score(p), i, p) for i, p in enumerate(places)]
        best = max(s for s, _, _ in scored)
        return [p for s, _, p in sorted(scored, key=lambda t: (-t[0], t[1])) if s == best]

    def address(self, place: Place) -> str:
        """``"Name, Admin-1, Country"`` (a neighbourhood also names its parent town)."""
        names: list[str] = []
        for p in self.gazetteer.hierarchy(place):
            if not names or names[-1] != p.name:
                names.append(p.name)
        return ", ".join(names)

    def _location(self, place: Place, extra: dict[str, Any] | None = None) -> Location:
        raw: dict[str, Any] = {**place.to_dict(), "source": place.source}
        if place.parent_id is not None:
            raw["parent_id"] = place.parent_id
        if extra:
            raw.update(extra)
        raw["record"] = place.raw
        return Location(self.address(place), (place.lat, place.lon), raw)

    # ----------------------------------------------------------------------------------------
    # Nominatim fallback

    def _fallback(
        self,
        query: str,
        countries: list[str],
        classes: list[str] | None,
        wanted: int,
        timeout: Any,
    ) -> list[Place]:
        kwargs: dict[str, Any] = {"exactly_one": True, "addressdetails": True}
        if countries:
            kwargs["country_codes"] = [c.lower() for c in countries]
        if timeout is not DEFAULT_SENTINEL:
            kwargs["timeout"] = timeout
        miss_key = (query.casefold(), tuple(countries))
        if miss_key in self._misses:
            return []  # asked before and Nominatim had nothing: do not ask again
        location = self._fallback_geocode(query, **kwargs)
        if location is _FAILED:
            return []  # Nominatim unreachable (already retried): not a miss, ask again later
        if isinstance(location, list):
            location = location[0] if location else None
        if location is None:
            self._misses.add(miss_key)
            return []
        head = query.split(",")[0].strip() or query
        geonameid = cache_nominatim_result(self.gazetteer, head, location)
        if geonameid is None:
            return []
        self._forget_cached_lookups()
        place = self.gazetteer.get(geonameid)
        if classes is not None and place.feature_class not in classes:
            return []
        return [place]

    def _forget_cached_lookups(self) -> None:
        """The gazetteer memoises lookups; a freshly cached place must be visible at once."""
        clear = getattr(self.gazetteer, "clear_cache", None)
        if callable(clear):
            clear()

    # ----------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the gazetteer if this geocoder opened it."""
        if self._owns_gazetteer:
            self.gazetteer.close()

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        super().__exit__(exc_type, exc_val, exc_tb)
        self.close()

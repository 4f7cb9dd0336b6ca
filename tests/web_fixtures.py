"""Shared fixtures and sample data of the web tests (imported by tests/test_web_*.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mapapp.incidents.model import Incident
from mapapp.store.base import open_store
from mapapp.web import create_app
from tests import helpers

TOKEN = "s3cret-token-for-tests"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> ${x} `y` </script>"

# (id, event_type, lat, lon, date)
SEED = [
    ("a1", "Explosions/Remote violence", 33.5020, 36.2510, dt.date(2024, 11, 14)),  # Mazzeh
    ("a2", "Battles", 36.2021, 37.1343, dt.date(2024, 11, 10)),  # Aleppo
    ("a3", "Protests", 33.8938, 35.5018, dt.date(2024, 10, 26)),  # Beirut
    ("a4", "Violence against civilians", 31.5017, 34.4668, dt.date(2024, 10, 1)),  # Gaza
    ("a5", "Explosions/Remote violence", 33.5138, 36.2765, None),  # Damascus, undated
]


def make_incident(
    iid: str, event_type: str, lat: float, lon: float, day: dt.date | None, layer: str = "syria"
) -> Incident:
    # Kept as a wrapper: test_web_api/test_web_ogc call it positionally, and every sentence and
    # title of the web tests carries this module's HOSTILE text.
    return helpers.make_incident(
        iid,
        event_type,
        lat,
        lon,
        day,
        layer=layer,
        fatalities=3,
        sentence=f"Sentence for {iid}. {HOSTILE}",
        title=f"Title {iid} {HOSTILE}",
    )


def seed_store(url: str) -> None:
    with open_store(url) as store:
        store.ensure_layer("syria", title="Syria 2024", description="Test layer")
        for row in SEED:
            store.add(make_incident(*row))
        store.ensure_layer("empty")


def make_app(tmp_path: Path, store_url: str, **config: object):
    return create_app({"TESTING": True, "HOME": str(tmp_path), "STORE_URL": store_url, **config})


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = str(tmp_path / "incidents.sqlite")
    seed_store(url)
    return url


@pytest.fixture
def app(tmp_path: Path, store_url: str):
    return make_app(tmp_path, store_url, API_TOKEN=TOKEN, MAX_BODY_BYTES=50_000)


@pytest.fixture
def client(app):
    return app.test_client()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


ARTICLE_JSON = {
    "text": (
        "DAMASCUS, Nov 14 (Reuters) - Israeli airstrikes hit two residential buildings in Mazzeh, "
        "a suburb of Damascus, on Thursday; several people were killed."
    ),
    "url": "https://news.example/damascus-strikes",
    "title": "Strikes hit Damascus suburb <script>alert(1)</script>",
    "published": "2024-11-14",
    "publisher": "Example News",
}

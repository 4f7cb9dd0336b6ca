"""Shared fixtures.

``full_gazetteer`` builds the real gazetteer once per machine into a cache directory (the build is
idempotent and rebuilds only when its sources change), so tests that need real-world place
resolution do not each pay for a build. Everything else makes its own small data in ``tmp_path``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CACHE_DIR = Path(os.environ.get("MAPAPP_TEST_CACHE", Path(__file__).parent / ".cache"))


@pytest.fixture(scope="session")
def full_gazetteer_path() -> Path:
    from gazetteer.build import build_database

    path = CACHE_DIR / "gazetteer.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    build_database(path)
    return path


@pytest.fixture(scope="session")
def full_gazetteer(full_gazetteer_path: Path):
    from gazetteer import Gazetteer

    gaz = Gazetteer(full_gazetteer_path, auto_build=False)
    yield gaz
    gaz.close()


@pytest.fixture
def mapapp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_gazetteer_path: Path) -> Path:
    """A fresh MAPAPP_HOME whose gazetteer is the shared full build (linked, not copied)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "gazetteer.sqlite").symlink_to(full_gazetteer_path)
    monkeypatch.setenv("MAPAPP_HOME", str(home))
    return home

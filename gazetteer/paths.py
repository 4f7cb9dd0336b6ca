"""Where the gazetteer keeps its state: ``$MAPAPP_HOME`` or the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

HOME_ENV = "MAPAPP_HOME"
GAZETTEER_DB_NAME = "gazetteer.sqlite"


def home_dir() -> Path:
    """The directory holding all state (gazetteer database, incident store); created on demand."""
    configured = os.environ.get(HOME_ENV, "").strip()
    path = Path(configured).expanduser() if configured else Path(user_data_dir("mapapp"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return home_dir() / GAZETTEER_DB_NAME

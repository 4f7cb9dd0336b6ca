"""One registry of settings: name, default, type and description, read from ``MAPAPP_*``.

The README's configuration table is generated from this registry (``mapapp settings``), so the
documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gazetteer.paths import home_dir
from mapapp.errors import MisconfiguredError

PREFIX = "MAPAPP_"


@dataclass(frozen=True)
class Setting:
    name: str  # without the prefix: HOME -> MAPAPP_HOME
    default: Any
    parse: Callable[[str], Any]
    description: str
    secret: bool = False

    @property
    def env(self) -> str:
        return PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "HOME",
        None,
        str,
        "Directory for all state: gazetteer database, incident store. "
        "Default: the user's data directory (platformdirs).",
    ),
    Setting(
        "ENV",
        "development",
        str,
        "`production` refuses to start without SECRET_KEY and "
        "API_TOKEN; anything else is development.",
    ),
    Setting("SECRET_KEY", None, str, "Flask secret key (required in production).", secret=True),
    Setting(
        "API_TOKEN",
        None,
        str,
        "Bearer token for writes over HTTP (POST articles). Without it, every write is refused.",
        secret=True,
    ),
    Setting(
        "STORE_URL", None, str, "Incident store location; default `$MAPAPP_HOME/incidents.sqlite`."
    ),
    Setting(
        "TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        str,
        "Base-map tile URL template, fetched by the reader's browser.",
    ),
    Setting(
        "TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        str,
        "Attribution HTML for the tiles (trusted configuration, shown as HTML).",
    ),
    Setting(
        "FRAME_ANCESTORS",
        "*",
        str,
        "Space-separated origins allowed to embed /embed/ pages "
        "(CSP frame-ancestors). `*` allows any.",
    ),
    Setting("MAX_BODY_BYTES", 2_000_000, int, "Largest request body accepted (413 above)."),
    Setting("MAX_TEXT_CHARS", 1_000_000, int, "Largest article text the geoparser accepts."),
    Setting("DEFAULT_LIMIT", 100, int, "Default page size of OGC API items."),
    Setting(
        "MAX_LIMIT", 10_000, int, "Largest page size of OGC API items and downloads per request."
    ),
    Setting("MAX_FEATURES", 200_000, int, "Most features one GeoJSON/CSV download returns."),
    Setting(
        "INLINE_MARKER_LIMIT",
        2_000,
        int,
        "Above this many incidents a map page loads "
        "features by the visible bbox instead of inline.",
    ),
    Setting("QUERY_TIMEOUT_MS", 5_000, int, "Longest a store query may run."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from the environment, applying defaults; bad values raise clearly."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None or raw == "":
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise MisconfiguredError(f"{setting.env} is invalid: {exc}") from None
    if values["HOME"] is None:
        values["HOME"] = str(home_dir())
    if values["STORE_URL"] is None:
        values["STORE_URL"] = os.path.join(values["HOME"], "incidents.sqlite")
    return values


def describe(name: str) -> Setting:
    return _BY_NAME[name]


def markdown_table() -> str:
    """The README table of settings."""
    rows = ["| variable | default | description |", "| --- | --- | --- |"]
    for s in SETTINGS:
        default = "(unset)" if s.default is None else f"`{s.default}`"
        rows.append(f"| `{s.env}` | {default} | {s.description} |")
    return "\n".join(rows)

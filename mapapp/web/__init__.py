"""The Flask application: map pages, data API and OGC API - Features.

``create_app`` follows the Flask tutorial's factory ("flaskr"): an instance folder, configuration
from the ``MAPAPP_*`` registry (``mapapp.settings.load``) with ``test_config`` overriding it, and
one blueprint per area (``pages``, ``api``, ``ogc``).
"""

from __future__ import annotations

import importlib
import logging
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

import mapapp
from mapapp import settings
from mapapp.errors import MisconfiguredError

log = logging.getLogger(__name__)

#: Blueprints registered when their module exists (``pages`` is developed separately).
BLUEPRINT_MODULES: tuple[tuple[str, str], ...] = (
    ("mapapp.web.api", "bp"),
    ("mapapp.web.ogc", "bp"),
    ("mapapp.web.pages", "bp"),
)


def default_static_dir() -> Path:
    """The repository's top-level ``static/`` (vendored Leaflet, the pages' CSS and JS)."""
    return Path(mapapp.__file__).resolve().parents[1] / "static"


def build_config(test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The registry's settings, overridden by ``test_config``, checked for production."""
    config: dict[str, Any] = dict(settings.load())
    config.update(test_config or {})
    config.setdefault("STATIC_DIR", str(default_static_dir()))
    config["MAX_CONTENT_LENGTH"] = int(config["MAX_BODY_BYTES"])
    if str(config.get("ENV", "")).lower() == "production":
        missing = [name for name in ("SECRET_KEY", "API_TOKEN") if not config.get(name)]
        if missing:
            names = ", ".join(settings.PREFIX + name for name in missing)
            raise MisconfiguredError(f"Refusing to start in production without {names}.")
    elif not config.get("SECRET_KEY"):
        # Development only: a fresh key per process, so nothing signed survives a restart.
        config["SECRET_KEY"] = secrets.token_hex(32)
    return config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; raises ``MisconfiguredError`` when it must not start."""
    config = build_config(test_config)
    app = Flask(
        __name__,
        instance_path=str(Path(config["HOME"]) / "instance"),
        instance_relative_config=True,
        static_folder=config["STATIC_DIR"],
        static_url_path="/static",
    )
    if not config.get("TESTING"):
        # Deployment overrides (flaskr style); optional, never required.
        app.config.from_pyfile("config.py", silent=True)
    app.config.update(config)
    app.json.sort_keys = False  # keep GeoJSON members in RFC 7946 order

    from mapapp.web import db, errors, security

    db.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    for module_name, attr in BLUEPRINT_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            log.debug("blueprint module %s not present", module_name)
            continue
        app.register_blueprint(getattr(module, attr))
    return app

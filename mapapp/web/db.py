"""Per-request resources: the incident store and the gazetteer, closed when the request ends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app, g

from mapapp.store.base import IncidentStore, open_store

if TYPE_CHECKING:
    from gazetteer import Gazetteer


def get_store() -> IncidentStore:
    """The request's store (opened on first use from ``STORE_URL``)."""
    if "store" not in g:
        g.store = open_store(str(current_app.config["STORE_URL"]))
    return g.store


def get_gazetteer() -> Gazetteer:
    """The request's gazetteer (``GAZETTEER_PATH`` or ``$MAPAPP_HOME/gazetteer.sqlite``)."""
    if "gazetteer" not in g:
        from pathlib import Path

        from gazetteer import Gazetteer
        from gazetteer.paths import GAZETTEER_DB_NAME

        configured = current_app.config.get("GAZETTEER_PATH")
        path = (
            Path(configured) if configured else Path(current_app.config["HOME"]) / GAZETTEER_DB_NAME
        )
        g.gazetteer = Gazetteer(
            path, auto_build=bool(current_app.config.get("GAZETTEER_AUTO_BUILD", False))
        )
    return g.gazetteer


def close_resources(exc: BaseException | None = None) -> None:
    """Teardown: close whatever this request opened."""
    for name in ("store", "gazetteer"):
        resource = g.pop(name, None)
        if resource is not None:
            resource.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_resources)

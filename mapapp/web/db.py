"""Per-request resources: the incident store and the gazetteer, released when the request ends.

Opening an SQLite store costs a handful of PRAGMAs and throws away its page cache, which is most
of the cost of a small request. So, by default (``STORE_REUSE``), each worker thread keeps its
store between requests: a request checks it out, teardown hands it back. A request that failed
(an exception or any 5xx), or that left a transaction open, closes its store instead, so a broken
connection never serves the next request. ``STORE_REUSE=False`` opens and closes one per request.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app, g

from mapapp.store.base import IncidentStore, open_store

if TYPE_CHECKING:
    from gazetteer import Gazetteer

_EXTENSION = "mapapp.store_slots"


def _slots() -> threading.local:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    slots = app.extensions.get(_EXTENSION)
    if slots is None:
        slots = app.extensions.setdefault(_EXTENSION, threading.local())
    return slots


def get_store() -> IncidentStore:
    """The request's store (opened on first use from ``STORE_URL``)."""
    if "store" not in g:
        url = str(current_app.config["STORE_URL"])
        store = None
        if current_app.config.get("STORE_REUSE", True):
            slots = _slots()
            kept = getattr(slots, "store", None)
            slots.store = None  # checked out: a nested app context opens its own
            if kept is not None and kept[0] == url:
                store = kept[1]
            elif kept is not None:
                kept[1].close()
        if store is None:
            store = open_store(url)
            if hasattr(store, "timeout_ms"):
                # A runaway query becomes a clear StoreError instead of a stuck worker.
                store.timeout_ms = int(current_app.config.get("QUERY_TIMEOUT_MS") or 0) or None
        g.store = store
    return g.store


def get_gazetteer() -> Gazetteer:
    """The request's gazetteer (``GAZETTEER_PATH`` or ``$MAPAPP_HOME/gazetteer.sqlite``)."""
    if "gazetteer" not in g:
        from gazetteer import Gazetteer
        from gazetteer.paths import GAZETTEER_DB_NAME

        config = current_app.config
        configured = config.get("GAZETTEER_PATH")
        path = Path(configured) if configured else Path(config["HOME"]) / GAZETTEER_DB_NAME
        # Never build a missing gazetteer inside a request: GazetteerUnavailable (503) instead.
        g.gazetteer = Gazetteer(path, auto_build=bool(config.get("GAZETTEER_AUTO_BUILD", False)))
    return g.gazetteer


def _in_transaction(store: IncidentStore) -> bool:
    conn = getattr(store, "_conn", None)
    return bool(getattr(conn, "in_transaction", False))


def release_resources(exc: BaseException | None = None) -> None:
    """Teardown: hand the store back to this thread (or close it), close the gazetteer."""
    store = g.pop("store", None)
    if store is not None:
        reusable = (
            exc is None
            and not g.pop("request_failed", False)
            and current_app.config.get("STORE_REUSE", True)
            and not _in_transaction(store)
        )
        slots = _slots()
        if reusable and getattr(slots, "store", None) is None:
            slots.store = (str(current_app.config["STORE_URL"]), store)
        else:
            store.close()
    gazetteer = g.pop("gazetteer", None)
    if gazetteer is not None:
        gazetteer.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(release_resources)

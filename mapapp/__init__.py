"""The incident map service: geoparser, incidents and their store, the Flask app.

``create_app`` is imported lazily so that the layers below the web (geoparse, incidents, store)
never import Flask.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def create_app(test_config: dict[str, Any] | None = None):  # noqa: ANN201 - Flask is imported lazily
    """Flask app factory (see ``mapapp.web``)."""
    from mapapp.web import create_app as _create_app

    return _create_app(test_config)

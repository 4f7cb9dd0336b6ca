"""``mapapp serve``: the development server (production runs gunicorn from the Procfile)."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--debug/--no-debug", default=False, help="Flask debug mode (reloader, debugger).")
def serve(host: str, port: int, debug: bool) -> None:
    """Run the map service with Flask's development server."""
    from mapapp.web import create_app

    app = create_app()
    app.run(host=host, port=port, debug=debug)


commands = [serve]

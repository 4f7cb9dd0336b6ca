"""The ``mapapp`` command: each layer contributes its own commands (imported lazily inside them)."""

from __future__ import annotations

import sys

import click

from gazetteer.errors import ServiceError


class _Group(click.Group):
    """Turn the project's own errors into one clear line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except ServiceError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="mapapp")
def main() -> None:
    """Incident map service: geoparse articles, keep incidents, serve maps."""


@main.command("settings")
def settings_command() -> None:
    """Print the configuration registry (MAPAPP_* variables) as a Markdown table."""
    from mapapp.settings import markdown_table

    click.echo(markdown_table())


def _register() -> None:
    # Each layer owns a module exposing ``commands``; missing ones are simply not offered yet.
    import importlib

    for module_name in ("mapapp.geoparse.cli", "mapapp.store.cli", "mapapp.web.cli"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for command in module.commands:
            main.add_command(command)


_register()

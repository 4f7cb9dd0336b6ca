"""The ``mapapp`` command: each layer contributes its own commands (imported lazily inside them)."""

from __future__ import annotations

import click

from gazetteer.cli import ServiceErrorGroup
from mapapp.geoparse import cli as geoparse_cli
from mapapp.store import cli as store_cli
from mapapp.web import cli as web_cli


@click.group(cls=ServiceErrorGroup)
@click.version_option(package_name="mapapp")
def main() -> None:
    """Incident map service: geoparse articles, keep incidents, serve maps."""


@main.command("settings")
def settings_command() -> None:
    """Print the configuration registry (MAPAPP_* variables) as a Markdown table."""
    from mapapp.settings import markdown_table

    click.echo(markdown_table())


# Each layer defines its own commands; they import their heavy dependencies inside the commands.
for _module in (geoparse_cli, store_cli, web_cli):
    for _command in _module.commands:
        main.add_command(_command)

"""The ``gazetteer`` command: build, lookup, reverse (+ ``add``/``import`` from ``cli_user``).

Errors of the project's hierarchy print ``error: <message>`` on stderr (or, with ``--json``, the
error's ``to_dict()`` on stdout) and exit with status 2; never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from gazetteer import cli_user
from gazetteer.errors import ServiceError

DB_OPTION = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Database file (default: $MAPAPP_HOME/gazetteer.sqlite).",
)


def _emit_error(exc: ServiceError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": exc.to_dict()}, ensure_ascii=False))
    else:
        click.echo(f"error: {exc.message}", err=True)
    sys.exit(2)


class ServiceErrorGroup(click.Group):
    """A command group that turns the project's own errors into one clear line and exit status
    2, never a traceback (also the ``mapapp`` command's group)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ServiceError as exc:
            # Commands with --json report their own errors; this is the fallback.
            _emit_error(exc, False)


@click.group(cls=ServiceErrorGroup)
@click.version_option(package_name="mapapp")
def main() -> None:
    """Offline world gazetteer (GeoNames, Natural Earth, CLDR, ISO 3166)."""


def _open(db: Path | None):
    from gazetteer.core import Gazetteer

    return Gazetteer(db)


@main.command("build")
@click.option("--force", is_flag=True, help="Rebuild even when the sources did not change.")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build_command(force: bool, db: Path | None, as_json: bool) -> None:
    """Build the gazetteer database (idempotent: skipped when up to date)."""
    from gazetteer.build import build_database

    report = build_database(db, force=force)
    if as_json:
        click.echo(json.dumps(report.to_dict()))
        return
    state = "built" if report.built else "up to date"
    click.echo(
        f"{report.path}: {state} in {report.seconds:.1f} s; {report.places:,} places, "
        f"{report.names:,} names, {report.countries} country shapes, "
        f"{report.carried_over} user places kept, {report.size_bytes / 1e6:.0f} MB"
    )
    for note in report.notes:
        click.echo(f"note: {note}")


@main.command("lookup")
@click.argument("name")
@click.option("--country", "-c", default=None, help="ISO 3166-1 alpha-2 country code filter.")
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of candidates.")
@DB_OPTION
def lookup_command(
    name: str, country: str | None, limit: int, as_json: bool, db: Path | None
) -> None:
    """Ranked candidates for a place NAME."""
    try:
        with _open(db) as gaz:
            places = gaz.search(name, country=country, limit=limit)
            chains = {p.geonameid: gaz.hierarchy(p)[1:] for p in places} if not as_json else {}
    except ServiceError as exc:
        _emit_error(exc, as_json)
        return
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in places], ensure_ascii=False))
        return
    if not places:
        click.echo(f"no place called {name!r}", err=True)
        return
    for p in places:
        within = ", ".join(x.name for x in chains.get(p.geonameid, []))
        click.echo(
            f"{p.geonameid}\t{p.name}\t{p.feature_code}\t{p.country_code}\t"
            f"{p.lat:.5f}, {p.lon:.5f}\tpop {p.population:,}" + (f"\t({within})" if within else "")
        )


@main.command("reverse")
@click.argument("lat")
@click.argument("lon")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@DB_OPTION
def reverse_command(lat: str, lon: str, as_json: bool, db: Path | None) -> None:
    """Country, admin-1 region and nearest place of a point (LAT LON in degrees)."""
    try:
        with _open(db) as gaz:
            result = gaz.reverse(lat, lon)
    except ServiceError as exc:
        _emit_error(exc, as_json)
        return
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    country = result.country.name if result.country else "(no country: at sea?)"
    click.echo(f"country:  {country}")
    if result.region is not None:
        click.echo(f"region:   {result.region.name}")
    if result.admin1 is not None and result.admin1 != result.region:
        click.echo(f"admin-1:  {result.admin1.name}")
    n = result.nearest
    click.echo(
        f"nearest:  {n.name} ({n.feature_code}, {n.country_code}, {n.geonameid}) "
        f"{result.distance_km:.1f} km"
    )


# ``gazetteer add`` and ``gazetteer import`` (users' own places) are defined in cli_user.
for _command in cli_user.commands:
    main.add_command(_command)

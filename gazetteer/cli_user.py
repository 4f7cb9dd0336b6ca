"""``gazetteer add`` and ``gazetteer import``: users' own places (registered by ``gazetteer.cli``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from gazetteer.errors import InvalidInput, ServiceError


@contextmanager
def _clear_errors(as_json: bool = False) -> Iterator[None]:
    """One ``error: ...`` line on stderr (with ``--json``: the error's JSON on stdout, as the
    other ``gazetteer`` commands do) and exit status 2 instead of a traceback."""
    try:
        yield
    except OSError as exc:
        name = Path(exc.filename).name if exc.filename else ""
        error: ServiceError = InvalidInput(f"{exc.strerror or exc.__class__.__name__}: {name}")
        _emit(error, as_json)
    except ServiceError as exc:
        _emit(exc, as_json)


def _emit(exc: ServiceError, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": exc.to_dict()}, ensure_ascii=False))
    else:
        click.echo(f"error: {exc.message}", err=True)
    sys.exit(2)


def _open_gazetteer(db: str | None) -> Any:
    from gazetteer import Gazetteer

    return Gazetteer(Path(db) if db else None)


def _optional_int(value: str | None, what: str, minimum: int) -> int | None:
    if value is None:
        return None
    from gazetteer.importers import parse_int

    return parse_int(value, what, minimum=minimum)


_db_option: Callable[[Any], Any] = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Gazetteer database (default: $MAPAPP_HOME/gazetteer.sqlite).",
)


# ignore_unknown_options lets negative coordinates through as arguments (``add X -12.5 30``).
@click.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("lat")
@click.argument("lon")
@click.option("--country", "country", required=True, help="ISO 3166-1 alpha-2 code, e.g. SY.")
@click.option(
    "--feature-code",
    default="PPL",
    show_default=True,
    help="GeoNames feature code (PPL, PPLX, CMPRF, ADM3...) or CLASS.CODE for any other.",
)
@click.option("--alt", "alts", multiple=True, help="Another spelling (repeatable).")
@click.option("--parent", default=None, help="GeoNames id of the containing place.")
@click.option("--population", default=None, help="Population (a whole number).")
@click.option("--json", "as_json", is_flag=True, help="Print the new place as JSON.")
@_db_option
def add_command(
    name: str,
    lat: str,
    lon: str,
    country: str,
    feature_code: str,
    alts: tuple[str, ...],
    parent: str | None,
    population: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """Add a place of your own (kept across rebuilds); prints its id."""
    from gazetteer.importers import add_place

    with _clear_errors(as_json):
        if name.startswith("-") and len(name) > 1 and not name[1].isdigit():
            raise InvalidInput(f"Unknown option {name!r}.")
        with _open_gazetteer(db) as gaz:
            gid = add_place(
                name,
                lat,
                lon,
                country=country,
                feature_code=feature_code,
                alternatenames=alts,
                parent_id=_optional_int(parent, "parent id", 1),
                population=_optional_int(population, "population", 0),
                gazetteer=gaz,
                path=db,
            )
            place = gaz.get(gid)
        if as_json:
            click.echo(json.dumps(place.to_dict(), ensure_ascii=False))
        else:
            click.echo(
                f"Added {place.name} ({place.feature_code}, {place.country_code}) at "
                f"{place.lat:.6f}, {place.lon:.6f} with id {place.geonameid}."
            )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "geonames"]),
    default=None,
    help="File format (default: detected from the extension and the first line).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@_db_option
def import_command(file: Path, fmt: str | None, as_json: bool, db: str | None) -> None:
    """Import places from a CSV (name,lat,lon,country_code[,...]) or a GeoNames dump.

    The whole file is validated and written in one transaction: on the first bad line nothing is
    imported and the line is reported.
    """
    from tqdm import tqdm

    from gazetteer.importers import import_file

    with _clear_errors(as_json):
        with (
            _open_gazetteer(db) as gaz,
            # A progress bar on a terminal only: a GeoNames dump of the world takes minutes.
            tqdm(
                unit=" rows", disable=not sys.stderr.isatty(), file=sys.stderr, leave=False
            ) as bar,
        ):
            report = import_file(file, fmt=fmt, path=db, gazetteer=gaz, progress=bar.update)
        if as_json:
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        else:
            replaced = f" ({report.replaced} replaced existing ids)" if report.replaced else ""
            click.echo(
                f"Imported {report.imported} places from {file.name} ({report.format}){replaced}."
            )


commands = [add_command, import_command]

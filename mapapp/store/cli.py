"""Store commands: ``init-db``, ``ingest``, ``layers``, ``incidents``, ``export``.

Errors from the project (``ServiceError``) become ``error: ...`` on stderr with exit status 2
(``gazetteer.cli.ServiceErrorGroup``); nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

DEFAULT_LAYER = "default"


def _open(create: bool = True):  # noqa: ANN202 - IncidentStore, imported lazily
    from mapapp.settings import load
    from mapapp.store.base import open_store
    from mapapp.store.sqlite import SQLiteStore

    url = load()["STORE_URL"]
    if not create and "://" not in url:
        return SQLiteStore(url, create=False)
    return open_store(url)


def _date(value: str | None, name: str) -> dt.date | None:
    from mapapp.errors import InvalidQuery
    from mapapp.store.articles import parse_published

    if value is None:
        return None
    date, reason = parse_published(value)
    if date is None:
        raise InvalidQuery(f"{name}: {reason}.")
    return date


def _bbox(value: str | None) -> tuple[float, ...] | None:
    from mapapp.errors import InvalidQuery
    from mapapp.store.base import check_bbox

    if value is None:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise InvalidQuery("--bbox must be min_lon,min_lat,max_lon,max_lat.")
    return check_bbox(parts)


@click.command("init-db")
def init_db_command() -> None:
    """Create the incident store (idempotent) and print where it is."""
    from mapapp.settings import load

    with _open():
        pass
    click.echo(f"incident store ready: {load()['STORE_URL']}")


@click.command("ingest")
@click.argument("source", type=click.Path(allow_dash=True, path_type=str))
@click.option("--layer", default=DEFAULT_LAYER, show_default=True, help="Layer to add to.")
@click.option("--url", default=None, help="URL of the article (single-article input).")
@click.option("--title", default=None, help="Title of the article.")
@click.option("--published", default=None, help="Publication date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
def ingest_command(
    source: str,
    layer: str,
    url: str | None,
    title: str | None,
    published: str | None,
    as_json: bool,
    progress: bool | None,
) -> None:
    """Ingest articles from FILE, DIR (recursively) or - (stdin): text, HTML, JSON, JSONL."""
    from tqdm import tqdm

    from mapapp.errors import ArticleError
    from mapapp.store.articles import read_articles
    from mapapp.store.ingest import ingest_many

    published_date = _date(published, "--published")
    path = Path(source)
    if source != "-" and not path.exists():
        raise ArticleError(f"{source}: no such file or directory.")
    if source != "-" and path.is_dir() and url:
        raise ArticleError("--url applies to a single article, not a directory.")
    total = _count_inputs(path) if source != "-" and path.is_dir() else None
    show = sys.stderr.isatty() if progress is None else progress
    with _open() as store:
        store.ensure_layer(layer)
        articles = read_articles(source, url=url, title=title, published=published_date)
        with tqdm(
            total=total, unit="article", file=sys.stderr, disable=not show, leave=False
        ) as bar:
            # gazetteer=None: the geoparser's cached default for $MAPAPP_HOME (built once).
            summary = ingest_many(store, layer, articles, on_item=lambda *_: bar.update())
        count = store.get_layer(layer).count
    for where, reason in summary.errors:
        click.echo(f"skipped {where}: {reason}", err=True)
    if as_json:
        click.echo(json.dumps({"layer": layer, **summary.to_dict()}, ensure_ascii=False))
    else:
        click.echo(
            f"layer {layer}: {summary.articles} articles ({summary.added} added, "
            f"{summary.updated} updated, {summary.unchanged} unchanged), "
            f"{summary.skipped} skipped; {summary.incidents} incidents stored; "
            f"{count} incidents in the layer"
        )
        if summary.unresolved:
            top = ", ".join(f"{name} ({n})" for name, n in summary.unresolved.most_common(20))
            more = len(summary.unresolved) - 20
            click.echo(f"unresolved places: {top}" + (f" and {more} more" if more > 0 else ""))
    if summary.articles == 0 and summary.skipped:
        sys.exit(2)  # nothing could be read at all


def _count_inputs(root: Path) -> int | None:
    """Files to read (the progress bar's total); None when a JSON/JSONL file may hold many."""
    from mapapp.store.articles import JSON_SUFFIXES, JSONL_SUFFIXES

    files = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
    if any(p.suffix.lower() in JSON_SUFFIXES | JSONL_SUFFIXES for p in files):
        return None
    return len(files)


@click.command("layers")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def layers_command(as_json: bool) -> None:
    """List layers with their incident count, date range and bbox."""
    with _open(create=False) as store:
        layers = store.list_layers()
    if as_json:
        click.echo(json.dumps([_layer_dict(layer) for layer in layers], ensure_ascii=False))
        return
    if not layers:
        click.echo("no layers yet; add some with `mapapp ingest FILE --layer NAME`")
        return
    for layer in layers:
        dates = f"{layer.min_date} .. {layer.max_date}" if layer.min_date else "no dated incidents"
        bbox = ",".join(f"{v:.4f}" for v in layer.bbox) if layer.bbox else "-"
        click.echo(f"{layer.name}\t{layer.count} incidents\t{dates}\tbbox {bbox}\t{layer.title}")


def _layer_dict(layer: Any) -> dict[str, Any]:
    return {
        "name": layer.name,
        "title": layer.title,
        "description": layer.description,
        "count": layer.count,
        "min_date": layer.min_date.isoformat() if layer.min_date else None,
        "max_date": layer.max_date.isoformat() if layer.max_date else None,
        "bbox": list(layer.bbox) if layer.bbox else None,
    }


_filters = [
    click.option("--bbox", default=None, help="min_lon,min_lat,max_lon,max_lat"),
    click.option("--start", default=None, help="First date (inclusive), YYYY-MM-DD."),
    click.option("--end", default=None, help="Last date (inclusive), YYYY-MM-DD."),
    click.option("--type", "types", multiple=True, help="ACLED event type (repeatable)."),
]


def _with_filters(f):  # noqa: ANN001, ANN202
    for option in reversed(_filters):
        f = option(f)
    return f


def _filter_kwargs(
    bbox: str | None, start: str | None, end: str | None, types: tuple[str, ...]
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if bbox is not None:
        kwargs["bbox"] = _bbox(bbox)
    if start is not None:
        kwargs["start"] = _date(start, "--start")
    if end is not None:
        kwargs["end"] = _date(end, "--end")
    if types:
        kwargs["types"] = list(types)
    return kwargs


@click.command("incidents")
@click.option("--layer", default=DEFAULT_LAYER, show_default=True)
@_with_filters
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print a GeoJSON FeatureCollection.")
def incidents_command(
    layer: str,
    bbox: str | None,
    start: str | None,
    end: str | None,
    types: tuple[str, ...],
    limit: int | None,
    as_json: bool,
) -> None:
    """List a layer's incidents, newest first."""
    from mapapp.store.export import write_geojson

    kwargs = _filter_kwargs(bbox, start, end, types)
    with _open(create=False) as store:
        store.get_layer(layer)
        incidents = store.iter_query(layer, limit=limit, **kwargs)
        if as_json:
            write_geojson(incidents, sys.stdout, extra={"name": layer})
            return
        n = 0
        for inc in incidents:
            n += 1
            date = inc.event_date.isoformat() if inc.event_date else "(no date)"
            fat = "" if inc.fatalities is None else f"\tfatalities {inc.fatalities}"
            if inc.fatalities_lower_bound and fat:
                fat += "+"
            flag = "\treviewed" if inc.reviewed else ""
            sub = f" / {inc.sub_event_type}" if inc.sub_event_type else ""
            click.echo(
                f"{inc.id}\t{date}\t{inc.event_type}{sub}\t{inc.location.name} "
                f"({inc.location.lat:.4f}, {inc.location.lon:.4f}){fat}{flag}"
            )
        click.echo(f"{n} incidents", err=True)


@click.command("export")
@click.option("--layer", default=DEFAULT_LAYER, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["geojson", "csv", "gpkg", "kml"]), required=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_with_filters
def export_command(
    layer: str,
    fmt: str,
    output: Path,
    bbox: str | None,
    start: str | None,
    end: str | None,
    types: tuple[str, ...],
) -> None:
    """Export a layer to GeoJSON (RFC 7946), ACLED-like CSV, GeoPackage or KML."""
    from mapapp.errors import InvalidInput
    from mapapp.store.export import export_layer

    kwargs = _filter_kwargs(bbox, start, end, types)
    if not output.parent.exists():
        raise InvalidInput(f"{output.parent}: no such directory.")
    tmp = output.with_name(f".{output.stem}.partial{output.suffix}")
    with _open(create=False) as store:
        try:
            n = export_layer(store, layer, fmt, tmp, **kwargs)
            tmp.replace(output)  # never leave a half-written export under the real name
        finally:
            if tmp.exists():
                tmp.unlink()
    click.echo(f"wrote {n} incidents to {output}")


commands = [init_db_command, ingest_command, layers_command, incidents_command, export_command]

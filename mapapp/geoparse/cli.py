"""``mapapp geoparse [FILE|-] [--format json|geojson]``."""

from __future__ import annotations

import json
import sys

import click


@click.command("geoparse")
@click.argument("source", default="-", type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "geojson"]),
    default="json",
    show_default=True,
    help="json: {mentions: [...]}; geojson: a FeatureCollection of the resolved mentions.",
)
@click.option("--focus", multiple=True, help="ISO country code the article is about (repeatable).")
def geoparse_command(source: str, fmt: str, focus: tuple[str, ...]) -> None:
    """Find and resolve the place mentions of an article (FILE, or - for standard input).

    HTML is stripped first; offsets refer to the stripped text.
    """
    from gazetteer.coords import to_position
    from mapapp.errors import ArticleError
    from mapapp.geoparse import geoparse

    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise ArticleError(f"Cannot read {source}: {exc.strerror or exc}.") from None
    mentions = geoparse(data, focus=[c.upper() for c in focus] or None)
    if fmt == "json":
        body = {"mentions": [m.to_dict() for m in mentions]}
    else:
        features = []
        for m in mentions:
            if m.place is None:
                continue
            props = m.to_dict()
            props.update({f"place_{k}": v for k, v in props.pop("place").items()})
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": to_position(m.place.lat, m.place.lon),
                    },
                    "properties": props,
                }
            )
        body = {"type": "FeatureCollection", "features": features}
    click.echo(json.dumps(body, ensure_ascii=False, indent=2))


commands = [geoparse_command]

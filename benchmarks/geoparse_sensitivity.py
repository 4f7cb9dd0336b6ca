"""How much the geoparser's resolution depends on its scoring weights, and how far it is from
what its gazetteer allows, on the development part of GeoWebNews only.

    .venv/bin/python benchmarks/geoparse_sensitivity.py [--factors 0.5,0.75,1.25,1.5]

Each weight of ``mapapp.geoparse.parser.Weights`` is scaled in turn by each factor, the others
kept at their defaults, and the gold spans of the geocoding gold are resolved again. The table
gives, per weight and factor, how many more (+) or fewer (-) spans are right (acc@161, areas
counting, as ``geoparse_eval.py``) than with the defaults; and the ceiling: the share of spans
for which the gazetteer offers any right answer, which no weighting can exceed. A flat table
near the ceiling says the ranking is not where accuracy is lost; a flat table far below it says
the features are. Only the development part is read: the held-out part is for measuring, never
for choosing weights. Writes JSON to ``benchmarks/out/geoparse_sensitivity.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import geoparse_eval as ge  # noqa: E402

REPO = ge.REPO


def right_answers(parser, articles: list[ge.Article]) -> list[bool]:
    """Per span of the geocoding gold: whether ``parser`` resolves it within 161 km (areas)."""
    out = []
    for article in articles:
        gold = article.gold
        mentions = parser.resolve_spans(article.text, [(s.start, s.end) for s in gold])
        for span, mention in zip(gold, mentions, strict=True):
            if span.geonames_id:
                out.append(ge._error(span, ge._answer(mention.place), area=True) <= ge.ACC_KM)
    return out


def main(argv: list[str] | None = None, gazetteer=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ge.DEFAULT_CORPUS)
    ap.add_argument("--gazetteer", type=Path, default=None, help="gazetteer SQLite file")
    ap.add_argument("--factors", default="0.5,0.75,1.25,1.5", help="comma-separated multipliers")
    ap.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "out" / "geoparse_sensitivity.json"
    )
    args = ap.parse_args(argv)
    if not (args.corpus / "GeoWebNews.xml").exists():
        sys.exit(f"error: GeoWebNews.xml not found in {args.corpus} (see --corpus)")
    factors = [float(f) for f in args.factors.split(",") if f.strip()]
    if gazetteer is None:
        from gazetteer import Gazetteer

        gazetteer = Gazetteer(args.gazetteer) if args.gazetteer else Gazetteer()
    ge._GAZETTEER = gazetteer  # the areas test reads country outlines from it
    from mapapp.geoparse.parser import Geoparser, Weights

    dev = ge.split(ge.read_corpus(args.corpus))["dev"]
    started = time.perf_counter()
    ours = ge.Ours(gazetteer)
    base = right_answers(ours.parser, dev)
    covered = [
        c
        for article in dev
        for span, c in zip(article.gold, ours.covered(article.gold), strict=True)
        if span.geonames_id
    ]
    n = len(base)
    defaults = Weights()
    rows = []
    for weight in dataclasses.fields(Weights):
        default = getattr(defaults, weight.name)
        deltas = []
        for factor in factors:
            parser = Geoparser(
                gazetteer, weights=dataclasses.replace(defaults, **{weight.name: default * factor})
            )
            deltas.append(sum(right_answers(parser, dev)) - sum(base))
        rows.append({"weight": weight.name, "default": default, "deltas": deltas})
    result = {
        "part": "dev",
        "spans": n,
        "right": sum(base),
        "acc161_area": sum(base) / n,
        "ceiling": sum(covered) / n,
        "right_where_covered": sum(b for b, c in zip(base, covered, strict=True) if c)
        / max(1, sum(covered)),
        "factors": factors,
        "weights": rows,
        "seconds": time.perf_counter() - started,
    }
    print(markdown(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"\nJSON results: {args.out}")
    return result


def markdown(result: dict) -> str:
    """The sensitivity table and the ceiling line."""
    factors = result["factors"]
    head = "| weight | default | " + " | ".join(f"×{f:g}" for f in factors) + " |"
    lines = [head, "|" + " --- |" * (2 + len(factors))]
    for row in result["weights"]:
        cells = " | ".join(f"{d:+d}" for d in row["deltas"])
        lines.append(f"| {row['weight']} | {row['default']:g} | {cells} |")
    moved = max((abs(d) for row in result["weights"] for d in row["deltas"]), default=0)
    lines.append(
        f"\ndev geocoding gold: {result['right']} of {result['spans']} right "
        f"(acc@161 areas {result['acc161_area']:.3f}); ceiling (the gazetteer offers a right "
        f"answer) {result['ceiling']:.3f}; right where covered {result['right_where_covered']:.3f}; "
        f"the largest change from scaling one weight: {moved} spans "
        f"({moved / result['spans']:.2%}); {result['seconds']:.0f} s."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

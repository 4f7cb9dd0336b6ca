"""Geoparser benchmark on GeoWebNews (Gritta et al. 2019): resolution given gold spans, end-to-end
recognition and resolution, and throughput; for our geoparser, the population baseline on the same
gazetteer, and the peer ``geotext``, in one run.

    .venv/bin/python benchmarks/geoparse_eval.py [--corpus ../shared/corpora] [--gazetteer PATH]

The corpus is split by article number: a fixed development part (3 of every 4 articles) used for
tuning, and a held-out part (every 4th article) reported separately. A gold span that is no known
name as a whole ("Damascus University") is resolved, by us and by the population baseline alike,
through the longest known name inside it; "gazetteer coverage" counts the same way. Prints a Markdown table and
writes JSON to ``benchmarks/out/geoparse_eval.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora"
MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the error of a missing answer
ACC_KM = 161.0


@dataclass
class Span:
    start: int
    end: int
    text: str
    type: str
    lat: float | None = None
    lon: float | None = None
    geonames_id: str | None = None


@dataclass
class Article:
    number: int
    text: str
    spans: list[Span] = field(default_factory=list)

    @property
    def gold(self) -> list[Span]:
        """Spans with coordinates: the resolvable place mentions."""
        return [s for s in self.spans if s.lat is not None]


def read_corpus(corpus_dir: Path) -> list[Article]:
    """GeoWebNews.xml -> articles with their annotated spans (offsets into ``text``)."""
    root = ET.parse(corpus_dir / "GeoWebNews.xml").getroot()
    articles = []
    for node in root.findall("article"):
        text = node.findtext("text") or ""
        article = Article(int(node.get("file", len(articles))), text)
        for t in node.iter("toponym"):
            start, end = int(t.findtext("start")), int(t.findtext("end"))
            lat, lon = t.findtext("latitude"), t.findtext("longitude")
            article.spans.append(
                Span(
                    start,
                    end,
                    text[start:end],
                    t.findtext("type") or "",
                    float(lat) if lat else None,
                    float(lon) if lon else None,
                    (t.findtext("geonamesID") or "").strip() or None,
                )
            )
        articles.append(article)
    return articles


def split(articles: list[Article]) -> dict[str, list[Article]]:
    return {
        "dev": [a for a in articles if a.number % 4 != 3],
        "held-out": [a for a in articles if a.number % 4 == 3],
    }


# -- measures ------------------------------------------------------------------------------------


def resolution_measures(errors: list[float]) -> dict[str, float]:
    """acc@161, mean and median error (km), AUC of the log error curve (Gritta et al.; lower is
    better). A missing answer counts as the largest possible error."""
    if not errors:
        return {"n": 0}
    ordered = sorted(errors)
    logs = [math.log(e + 1) / math.log(MAX_ERROR_KM) for e in ordered]
    if len(logs) > 1:
        dx = 1.0 / (len(logs) - 1)
        auc = sum((a + b) / 2 * dx for a, b in zip(logs, logs[1:], strict=False))
    else:
        auc = logs[0]
    return {
        "n": len(errors),
        "acc161": sum(e <= ACC_KM for e in errors) / len(errors),
        "mean_km": statistics.fmean(errors),
        "median_km": statistics.median(errors),
        "auc": auc,
    }


Answer = (
    tuple  # (lat, lon, country code of a whole-country answer | member codes of a region | None)
)
_SHAPES: dict = {}
_GAZETTEER = None


def _inside_country(cc: str, lat: float, lon: float) -> bool:
    if cc not in _SHAPES:
        from shapely.prepared import prep

        shape = _GAZETTEER.country_shape(cc) if _GAZETTEER is not None else None
        _SHAPES[cc] = prep(shape) if shape is not None else None
    shape = _SHAPES[cc]
    if shape is None:
        return False
    from shapely.geometry import Point

    return shape.contains(Point(lon, lat))


def _error(gold: Span, answer: Answer | None, *, area: bool = False) -> float:
    """Point distance in km; with ``area``, a country answer is exact when the gold point lies in
    the country's polygon (GeoWebNews gives countries GeoNames' centroid, our gazetteer a
    representative point, so point distance penalises right answers for large countries), and a
    world region made of countries when it lies in one of theirs."""
    from gazetteer.coords import haversine_km

    if answer is None:
        return MAX_ERROR_KM
    if area and answer[2]:
        members = (answer[2],) if isinstance(answer[2], str) else answer[2]
        if any(_inside_country(cc, gold.lat, gold.lon) for cc in members):
            return 0.0
    return haversine_km(gold.lat, gold.lon, answer[0], answer[1])


def _answer(place) -> Answer | None:
    if place is None:
        return None
    from gazetteer.model import COUNTRY_CODES

    if place.feature_code in COUNTRY_CODES:
        return place.lat, place.lon, place.country_code
    # A world region made of whole countries (the gazetteer's world-regions data) is their union;
    # one made of subdivisions ("IN-JK", Kashmir) is judged by its point: no outlines for those.
    members = (place.raw or {}).get("members") if not place.country_code else None
    if members and all(len(code) == 2 for code in members):
        return place.lat, place.lon, tuple(members)
    return place.lat, place.lon, None


def match_spans(
    gold: list[Span], predicted: list[tuple[int, int, tuple[float, float] | None]], *, exact: bool
) -> list[tuple[Span, tuple[int, int, tuple[float, float] | None]]]:
    """One-to-one matches of predicted spans to gold spans (exact offsets, or any overlap)."""
    used: set[int] = set()
    pairs = []
    for g in gold:
        for i, p in enumerate(predicted):
            if i in used:
                continue
            if (p[0] == g.start and p[1] == g.end) if exact else (p[0] < g.end and g.start < p[1]):
                used.add(i)
                pairs.append((g, p))
                break
    return pairs


def prf(n_match: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = n_match / n_pred if n_pred else 0.0
    r = n_match / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


# -- systems -------------------------------------------------------------------------------------


class System:
    name = ""

    def resolve(self, article: Article, spans: list[Span]) -> list[tuple[float, float] | None]:
        raise NotImplementedError

    def parse(self, text: str) -> list[tuple[int, int, tuple[float, float] | None]]:
        raise NotImplementedError


class Ours(System):
    name = "mapapp geoparse"

    def __init__(self, gazetteer):
        from mapapp.geoparse import Geoparser

        self.parser = Geoparser(gazetteer)
        # Load the automata before timing (names in other scripts load on first need: one
        # article has a Japanese word).
        self.parser.matcher.other  # noqa: B018
        self.parser.given_names  # noqa: B018  (also built once per process)

    def resolve(self, article, spans):
        mentions = self.parser.resolve_spans(article.text, [(s.start, s.end) for s in spans])
        return [_answer(m.place) for m in mentions]

    def span_name(self, span: Span) -> tuple[str, str]:
        """(alias form or surface, folded key) of the name the parser resolves a given span by:
        the whole span, else the longest known name inside it ("Damascus University")."""
        from mapapp.geoparse.lexicon import fold_name

        parser = self.parser
        occ = parser._span_occurrence(span.text, span.start, span.end) or (
            parser._inner_occurrence(span.text, span.start, span.end)
        )
        if occ is None:
            return span.text, fold_name(span.text)
        return occ.form or span.text, occ.key

    def covered(self, spans: list[Span]) -> list[bool]:
        """Whether the gazetteer offers any right answer for each span (the ceiling of any
        ranking): some candidate within 161 km, or a country containing the gold point."""

        parser = self.parser
        lex = parser.lexicon
        out = []
        for s in spans:
            form, key = self.span_name(s)
            target = lex.aliases.get(form) or lex.demonyms.get(key)
            cands = [parser.target_place(target)] if target else []
            cands += parser._candidates(key)
            out.append(
                any(c is not None and _error(s, _answer(c), area=True) <= ACC_KM for c in cands)
            )
        return out

    def parse(self, text):
        return [
            (m.start, m.end, _answer(m.place))
            for m in self.parser.parse_prepared(text)
            if m.place is not None
        ]


class PopulationBaseline(System):
    """Most populous candidate of the same gazetteer; recognition as ours (it has none of its
    own), so end-to-end figures differ only by resolution."""

    name = "population baseline"

    def __init__(self, ours: Ours):
        self.ours = ours
        self.parser = ours.parser

    def _pick(self, surface: str, key: str | None = None) -> tuple[float, float] | None:
        from mapapp.geoparse.lexicon import fold_name

        lex = self.parser.lexicon
        key = key if key is not None else fold_name(surface)
        target = lex.aliases.get(surface) or lex.demonyms.get(key)
        if target:
            return _answer(self.parser.target_place(target))
        cands = self.parser._candidates(key)
        if not cands:
            return None
        return _answer(max(cands, key=lambda p: (p.population, -p.geonameid)))

    def resolve(self, article, spans):
        # The same name per span as ours, so the comparison is of ranking alone.
        return [self._pick(*self.ours.span_name(s)) for s in spans]

    def parse(self, text):
        occs = self.parser.recognise(text)
        return [(o.start, o.end, self._pick(text[o.start : o.end])) for o in occs]


class GeoText(System):
    """The peer ``geotext`` (GeoNames cities15000 names + country names, regex matching). It has
    no coordinates or offsets: spans are found by searching its names in the text, and places
    resolved with the population baseline on our gazetteer."""

    name = "geotext (+ population)"

    def __init__(self, baseline: PopulationBaseline):
        from geotext import GeoText as _GeoText

        self._cls = _GeoText
        self.baseline = baseline

    def resolve(self, article, spans):
        return [None for _ in spans]  # geotext cannot resolve given spans

    def parse(self, text):
        import re

        found = self._cls(text)
        names = set(found.cities) | set(found.countries)
        spans = []
        for name in sorted(names, key=len, reverse=True):
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                if not any(m.start() < e and s < m.end() for s, e, _ in spans):
                    spans.append((m.start(), m.end(), self.baseline._pick(name)))
        return sorted(spans)


# -- evaluation ----------------------------------------------------------------------------------


def evaluate(system: System, articles: list[Article], *, resolution: bool = True) -> dict:
    errors: list[float] = []
    area_errors: list[float] = []
    covered: list[bool] = []
    in_geocoding_gold: list[bool] = []
    if resolution:
        for article in articles:
            gold = article.gold
            for g, answer in zip(gold, system.resolve(article, gold), strict=True):
                errors.append(_error(g, answer))
                area_errors.append(_error(g, answer, area=True))
                in_geocoding_gold.append(g.geonames_id is not None)
            if isinstance(system, Ours):
                covered.extend(system.covered(gold))
    n_pred = n_gold = 0
    matched = {"exact": 0, "overlap": 0}
    matched_errors: list[float] = []
    # Throughput on one core: CPU time of this (single-threaded) process, so that other load on a
    # shared machine does not count; wall-clock throughput is reported beside it.
    started, cpu_started = time.perf_counter(), time.process_time()
    predictions = [system.parse(a.text) for a in articles]
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    for article, pred in zip(articles, predictions, strict=True):
        gold = article.gold
        n_pred += len(pred)
        n_gold += len(gold)
        matched["exact"] += len(match_spans(gold, pred, exact=True))
        pairs = match_spans(gold, pred, exact=False)
        matched["overlap"] += len(pairs)
        matched_errors.extend(_error(g, p[2], area=True) for g, p in pairs)
    result = {
        "articles": len(articles),
        "gold_spans": n_gold,
        "predicted_spans": n_pred,
        "recognition_exact": prf(matched["exact"], n_pred, n_gold),
        "recognition_overlap": prf(matched["overlap"], n_pred, n_gold),
        "matched_resolution": resolution_measures(matched_errors),
        "articles_per_s": len(articles) / cpu if cpu else 0.0,
        "articles_per_s_wall": len(articles) / elapsed if elapsed else 0.0,
    }
    if resolution and not isinstance(system, GeoText):
        result["resolution_gold_spans"] = resolution_measures(errors)
        result["resolution_gold_spans_area"] = resolution_measures(area_errors)
        # The corpus's geocoding gold (GeoWebNews_geocoding_gold.txt): the spans with a GeoNames
        # id, which is what GeoNames-based geoparsers such as Mordecai 3 are scored on; the other
        # spans with coordinates are streets, buildings and shops placed by hand on a map.
        keep = in_geocoding_gold
        result["resolution_geocoding_gold"] = resolution_measures(
            [e for e, k in zip(errors, keep, strict=True) if k]
        )
        result["resolution_geocoding_gold_area"] = resolution_measures(
            [e for e, k in zip(area_errors, keep, strict=True) if k]
        )
        if covered:
            hits = [e <= ACC_KM for e, c in zip(area_errors, covered, strict=True) if c]
            result["gazetteer_coverage"] = sum(covered) / len(covered)
            result["acc161_area_where_covered"] = sum(hits) / len(hits) if hits else 0.0
            kept = [c for c, k in zip(covered, keep, strict=True) if k]
            result["gazetteer_coverage_geocoding_gold"] = sum(kept) / len(kept) if kept else 0.0
    return result


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown(results: dict[str, dict[str, dict]]) -> str:
    head = (
        "| system | part | acc@161 geocoding gold (points / country areas) "
        "| acc@161 all gold spans (points / country areas) | mean km | median km | AUC "
        "| P exact | R exact | F1 exact | P overlap | R overlap | F1 overlap "
        "| acc@161 matched (areas) | articles/s (CPU) |"
    )
    rows = [head, "|" + " --- |" * 15]
    for system, parts in results.items():
        for part, r in parts.items():
            res = r.get("resolution_gold_spans") or {}
            area = r.get("resolution_gold_spans_area") or {}
            geo = r.get("resolution_geocoding_gold") or {}
            geo_area = r.get("resolution_geocoding_gold_area") or {}
            ex, ov, mr = r["recognition_exact"], r["recognition_overlap"], r["matched_resolution"]
            rows.append(
                f"| {system} | {part} | {_fmt(geo.get('acc161'))} / {_fmt(geo_area.get('acc161'))} "
                f"| {_fmt(res.get('acc161'))} / {_fmt(area.get('acc161'))} "
                f"| {_fmt(geo.get('mean_km'), 0)} "
                f"| {_fmt(geo.get('median_km'), 1)} | {_fmt(geo.get('auc'))} "
                f"| {_fmt(ex['precision'])} | {_fmt(ex['recall'])} | {_fmt(ex['f1'])} "
                f"| {_fmt(ov['precision'])} | {_fmt(ov['recall'])} | {_fmt(ov['f1'])} "
                f"| {_fmt(mr.get('acc161'))} | {_fmt(r['articles_per_s'], 0)} |"
            )
    return "\n".join(rows)


def show_errors(ours: Ours, articles: list[Article], limit: int) -> None:
    """The most frequent wrong answers (beyond 161 km, country areas counting) on the geocoding
    gold, with whether the gazetteer offers any right answer at all."""
    from collections import Counter

    wrong: Counter = Counter()
    example: dict = {}
    for article in articles:
        # Resolved together with every gold span, as scored; only the geocoding gold is listed.
        gold = article.gold
        answers = ours.resolve(article, gold)
        for g, answer, covered in zip(gold, answers, ours.covered(gold), strict=True):
            error = _error(g, answer, area=True)
            if g.geonames_id and error > ACC_KM:
                key = (g.text, covered)
                wrong[key] += 1
                example[key] = (article.number, g, answer, error)
    print(f"\nwrong on the dev geocoding gold: {sum(wrong.values())}")
    for (text, covered), n in wrong.most_common(limit):
        number, g, answer, error = example[(text, covered)]
        got = "none" if answer is None else f"{answer[0]:.3f},{answer[1]:.3f}"
        print(
            f"{n:3d}  {text!r:40} covered={covered!s:5} {g.type:20} gold {g.lat:.3f},{g.lon:.3f} "
            f"(geonames {g.geonames_id}) got {got} ({error:.0f} km, article {number})"
        )


def main(argv: list[str] | None = None, gazetteer=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--gazetteer", type=Path, default=None, help="gazetteer SQLite file")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "geoparse_eval.json")
    ap.add_argument("--parts", default="dev,held-out", help="comma-separated: dev, held-out, all")
    ap.add_argument("--systems", default="ours,population,geotext")
    ap.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="print our N most frequent wrong answers on the geocoding gold of the dev part "
        "(for error analysis; never look at the held-out part's answers)",
    )
    args = ap.parse_args(argv)
    if not (args.corpus / "GeoWebNews.xml").exists():
        sys.exit(f"error: GeoWebNews.xml not found in {args.corpus} (see --corpus)")
    if gazetteer is None:
        from gazetteer import Gazetteer

        gazetteer = Gazetteer(args.gazetteer) if args.gazetteer else Gazetteer()
    global _GAZETTEER
    _GAZETTEER = gazetteer
    articles = read_corpus(args.corpus)
    parts = split(articles)
    parts["all"] = articles
    wanted_parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    wanted = {s.strip() for s in args.systems.split(",")}
    ours = Ours(gazetteer)
    systems: list[System] = []
    if "ours" in wanted:
        systems.append(ours)
    baseline = PopulationBaseline(ours)
    if "population" in wanted:
        systems.append(baseline)
    if "geotext" in wanted:
        systems.append(GeoText(baseline))
    results: dict[str, dict[str, dict]] = {}
    for system in systems:
        results[system.name] = {}
        for part in wanted_parts:
            results[system.name][part] = evaluate(system, parts[part])
    table = markdown(results)
    print(table)
    for part, r in results.get(Ours.name, {}).items():
        if "gazetteer_coverage" in r:
            print(
                f"\n{part}: the gazetteer offers a right answer for "
                f"{r['gazetteer_coverage']:.1%} of the gold spans; where it does, "
                f"{Ours.name} picks it (acc@161, areas) {r['acc161_area_where_covered']:.1%}; "
                f"of the geocoding gold it covers {r['gazetteer_coverage_geocoding_gold']:.1%}."
            )
    if args.show_errors:
        show_errors(ours, parts["dev"], args.show_errors)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"\nJSON results: {args.out}")
    return results


if __name__ == "__main__":
    main()

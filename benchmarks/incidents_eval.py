"""Incident extraction on the annotated article set: prints a Markdown table.

Rows: the development set and the held-out set with the stand-in geoparser of the tests (the
rules alone), and both again through the real geoparser (``mapapp.geoparse.geoparse`` on the
gazetteer in $MAPAPP_HOME) when it is available. Also extraction throughput (articles/s, rules
only, mentions precomputed).

    MAPAPP_HOME=/work/var/home .venv/bin/python benchmarks/incidents_eval.py [--errors]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapapp.incidents.evaluate import evaluate, markdown_table  # noqa: E402
from mapapp.incidents.extract import extract_incidents  # noqa: E402
from mapapp.store.base import Article  # noqa: E402
from tests.incidents_gold import GOLD, HELDOUT, HELDOUT2, mentions_for  # noqa: E402


def run(articles, parser):
    results = []
    for a in articles:
        article = Article(key=a.key, text=a.text, content_hash="h", published=a.published)
        results.append((a.key, extract_incidents(article, parser(a.text), layer="eval"), a.events))
    return evaluate(results)


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "GeoWebNews.xml"


def _general_news(parser) -> str:
    """Incidents found in GeoWebNews (200 general news articles, mostly not about conflict, no
    publication dates): no gold events, so this only shows how often the rules fire on ordinary
    news; every one of them is listed with ``--errors`` for reading."""
    if parser is None or not CORPUS.exists():
        return ""
    import xml.etree.ElementTree as ET
    from collections import Counter

    root = ET.parse(CORPUS).getroot()
    found = []
    n = 0
    for art in root.findall("article"):
        text = art.findtext("text") or ""
        if not text.strip():
            continue
        n += 1
        article = Article(key=art.get("file") or str(n), text=text, content_hash="h")
        found += extract_incidents(article, parser(text), layer="gwn")
    types = Counter(i.event_type for i in found)
    lines = [
        "| general news (GeoWebNews, real geoparser) | articles | incidents | per 100 articles | by type |",
        "|---|---|---|---|---|",
        f"| all | {n} | {len(found)} | {100 * len(found) / max(n, 1):.1f} | "
        + ", ".join(f"{k}: {v}" for k, v in types.most_common())
        + " |",
    ]
    if "--errors" in sys.argv:
        lines += [
            f"- [{i.article_id}] {i.sub_event_type} @ {i.location.name}: {i.sentences[0][:160]}"
            for i in found
        ]
    return "\n".join(lines)


def main() -> None:
    show_errors = "--errors" in sys.argv
    rows = {
        "dev set, stand-in geoparser": run(GOLD, mentions_for),
        "held-out set, stand-in geoparser": run(HELDOUT, mentions_for),
        "harder set, stand-in geoparser": run(HELDOUT2, mentions_for),
    }
    try:
        from gazetteer import Gazetteer
        from mapapp.geoparse import geoparse

        gaz = Gazetteer.open() if hasattr(Gazetteer, "open") else Gazetteer()

        def real(text: str):
            return geoparse(text, gazetteer=gaz)

        rows["dev set, real geoparser"] = run(GOLD, real)
        rows["held-out set, real geoparser"] = run(HELDOUT, real)
        rows["harder set, real geoparser"] = run(HELDOUT2, real)
    except Exception as exc:  # the real geoparser is optional for this benchmark
        print(f"(real geoparser unavailable: {type(exc).__name__}: {exc})\n")
    print(markdown_table(rows))
    if show_errors:
        for name, m in rows.items():
            for err in m.errors:
                print(f"- {name}: {err}")

    noise = _general_news(real if "real" in locals() else None)
    if noise:
        print()
        print(noise)

    articles = list(GOLD + HELDOUT + HELDOUT2)
    prepared = [
        (
            Article(key=a.key, text=a.text, content_hash="h", published=a.published),
            mentions_for(a.text),
        )
        for a in articles
    ]
    rounds = 20
    t0 = time.perf_counter()
    for _ in range(rounds):
        for article, mentions in prepared:
            extract_incidents(article, mentions, layer="bench")
    elapsed = time.perf_counter() - t0
    print()
    print("| extraction only (mentions given) | articles | seconds | articles/s |")
    print("|---|---|---|---|")
    n = rounds * len(prepared)
    print(f"| annotated set x{rounds} | {n} | {elapsed:.3f} | {n / elapsed:.0f} |")


if __name__ == "__main__":
    main()

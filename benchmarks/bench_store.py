"""Incident store benchmark: end-to-end ingest, bbox+date queries, GeoJSON export.

    MAPAPP_HOME=/work/var/home .venv/bin/python benchmarks/bench_store.py

- ingest: synthetic news-like articles (generated here from real place names of the gazetteer,
  with dated event sentences and background sentences) plus the sample article, through the real
  pipeline (geoparse + extract_incidents + store.ingest), one article per transaction, one core.
- query: ``SQLiteStore.query`` (count + first page of 100, decoded to ``Incident``s) with random
  map viewports and date windows over N synthetic incidents in one layer.
- export: ``export_layer(..., "geojson")`` (what ``mapapp export`` runs) of M incidents.

Prints a Markdown table; wall-clock times, with the process's CPU time beside them because the
machine may be shared (the goals are about wall-clock time on an otherwise idle core). Goals (issue 4): >= 50 articles/s, median query <= 20 ms over
1,000,000 incidents, 100,000 incidents exported to GeoJSON in <= 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapapp.incidents.model import EVENT_TYPES, Incident, Location, Source  # noqa: E402
from mapapp.store.sqlite import SQLiteStore  # noqa: E402

SAMPLE = ROOT.parent / "shared" / "examples" / "article-damascus-2024-11-14.txt"
EXTENT = (34.0, 29.0, 48.0, 38.0)  # Levant + Iraq: where synthetic incidents fall
FIRST_DAY = dt.date(2022, 1, 1)
DAYS = 3 * 365
TYPES = [(t, subs[0]) for t, subs in EVENT_TYPES.items()]


# -- synthetic incidents --------------------------------------------------------------------------


def synthetic_incidents(n: int, layer: str, seed: int = 1):
    """Incidents spread uniformly over ``EXTENT`` and three years, all event types."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    min_lon, min_lat, max_lon, max_lat = EXTENT
    for i in range(n):
        etype, sub = TYPES[i % len(TYPES)]
        lat = round(rng.uniform(min_lat, max_lat), 6)
        lon = round(rng.uniform(min_lon, max_lon), 6)
        date = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        yield Incident(
            id=f"syn-{i:07d}",
            layer=layer,
            event_type=etype,
            sub_event_type=sub,
            location=Location(f"Place {i % 5000}", lat, lon, 1_000_000 + i % 5000, "PPL"),
            event_date=date,
            date_precision="day",
            actors=["Actor A", "Actor B"],
            fatalities=rng.randrange(0, 20),
            sentences=[f"Synthetic event {i} near Place {i % 5000} on {date:%d %B %Y}."],
            rule="synthetic",
            source=Source(url=f"https://news.example/{i // 4}", published=date),
            article_id=f"https://news.example/{i // 4}",
            created_at=now,
            updated_at=now,
        )


def fill(store: SQLiteStore, layer: str, n: int) -> float:
    """Bulk-load ``n`` synthetic incidents (``add_many(bulk=True)``, 50,000 per transaction)."""
    store.ensure_layer(layer)
    t0 = time.perf_counter()
    incidents = synthetic_incidents(n, layer)
    while True:
        chunk = [inc for _, inc in zip(range(50_000), incidents, strict=False)]
        if not chunk:
            break
        store.add_many(chunk, bulk=True)
    store._conn.execute("ANALYZE")
    store.get_layer(layer)  # statistics refreshed once
    return time.perf_counter() - t0


def bench_query(store: SQLiteStore, layer: str, queries: int, size_deg: float, days: int | None):
    """Random viewports of ``size_deg`` degrees, with a window of ``days`` (None: no dates)."""
    rng = random.Random(7)
    min_lon, min_lat, max_lon, max_lat = EXTENT
    times, cpu, matched = [], [], []
    for _ in range(queries):
        lon = rng.uniform(min_lon, max_lon - size_deg)
        lat = rng.uniform(min_lat, max_lat - size_deg)
        start = end = None
        if days:
            start = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS - days))
            end = start + dt.timedelta(days=days - 1)
        t0, c0 = time.perf_counter(), time.process_time()
        r = store.query(
            layer, bbox=(lon, lat, lon + size_deg, lat + size_deg), start=start, end=end, limit=100
        )
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        matched.append(r.number_matched)
    return (
        statistics.median(times) * 1000,
        _p95(times) * 1000,
        statistics.median(cpu) * 1000,
        statistics.median(matched),
    )


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def bench_export(store: SQLiteStore, layer: str, path: Path) -> tuple[float, float]:
    from mapapp.store.export import export_layer

    t0, c0 = time.perf_counter(), time.process_time()
    n = export_layer(store, layer, "geojson", path)  # what `mapapp export` runs
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert n == store.get_layer(layer).count
    return elapsed, cpu


# -- synthetic articles -----------------------------------------------------------------------------

PLACES = [
    "Mazzeh", "Damascus", "Aleppo", "Homs", "Hama", "Idlib", "Deir ez-Zor", "Raqqa", "Daraa",
    "Latakia", "Tartus", "Palmyra", "Beirut", "Tyre", "Sidon", "Nabatieh", "Baalbek", "Tripoli",
    "Gaza City", "Khan Younis", "Rafah", "Jabalia", "Nablus", "Jenin", "Tulkarm", "Hebron",
    "Baghdad", "Mosul", "Kirkuk", "Erbil", "Basra", "Fallujah", "Ramadi", "Tikrit", "Amman",
]  # fmt: skip
ACTORS = ["Israeli forces", "Syrian government forces", "Hezbollah", "Hamas", "Russian aircraft",
          "Turkish drones", "the Islamic State group", "Kurdish-led forces", "protesters"]  # fmt: skip
EVENTS = [
    "{actor} carried out air strikes on {place} on {day}, killing {n} people, local sources said.",
    "Heavy shelling hit residential areas of {place} on {day}; at least {n} civilians were killed.",
    "Clashes erupted between {actor} and armed groups near {place} on {day}.",
    "Hundreds of people protested in {place} on {day} against rising prices.",
    "A roadside bomb exploded in {place} on {day}, wounding {n} people.",
    "{actor} arrested dozens of people in a raid on {place} on {day}.",
]
BACKGROUND = [
    "The conflict has displaced millions of people since it began.",
    "Officials in {place} did not respond to requests for comment.",
    "Analysts say the escalation could draw in regional powers.",
    "The United Nations called for restraint from all sides.",
    "Prices of bread and fuel have doubled over the past year.",
]


def synthetic_articles(n: int, seed: int = 3):
    from mapapp.store.articles import make_article

    rng = random.Random(seed)
    for i in range(n):
        published = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(330))
        paragraphs = []
        for _ in range(rng.randint(6, 12)):
            place = rng.choice(PLACES)
            if rng.random() < 0.5:
                day = (published - dt.timedelta(days=rng.randrange(3))).strftime("%A")
                text = rng.choice(EVENTS).format(
                    actor=rng.choice(ACTORS), place=place, day=day, n=rng.randint(2, 30)
                )
                paragraphs.append(text[0].upper() + text[1:])
            else:
                paragraphs.append(rng.choice(BACKGROUND).format(place=place))
        title = f"Violence flares in {rng.choice(PLACES)}"
        yield make_article(
            f"{title}\n\n" + "\n\n".join(paragraphs),
            url=f"https://news.example/{seed}/{i}",
            title=title,
            published=published,
            publisher="Example News",
        )


def bench_ingest(workdir: Path, n: int) -> tuple[float, float, int, int]:
    from gazetteer import Gazetteer
    from mapapp.store.articles import read_articles
    from mapapp.store.ingest import ingest_article

    gazetteer = Gazetteer.open() if hasattr(Gazetteer, "open") else Gazetteer()
    articles = list(synthetic_articles(n))
    articles += [a for a in read_articles(SAMPLE) if not hasattr(a, "reason")]
    with SQLiteStore(workdir / "ingest.sqlite") as store:
        store.ensure_layer("bench")
        # Warm-up (automaton build, caches) is not what is measured.
        ingest_article(store, "warmup", next(synthetic_articles(1, seed=99)), gazetteer=gazetteer)
        t0, c0 = time.perf_counter(), time.process_time()
        for article in articles:
            ingest_article(store, "bench", article, gazetteer=gazetteer)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        incidents = store.get_layer("bench").count
    return len(articles) / elapsed, len(articles) / cpu, len(articles), incidents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--export", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        workdir = Path(tmp)
        if not args.skip_ingest:
            rate, cpu_rate, n_articles, n_incidents = bench_ingest(workdir, args.articles)
            rows.append(
                (
                    f"ingest end to end ({n_articles} articles -> {n_incidents} incidents)",
                    f"{rate:.0f} articles/s ({cpu_rate:.0f} per CPU-second)",
                    ">= 50 articles/s",
                    _ok(rate >= 50),
                )
            )
        with SQLiteStore(workdir / "query.sqlite") as store:
            fill_s = fill(store, "big", args.incidents)
            rows.append(
                (
                    f"bulk load {args.incidents:,} synthetic incidents (add_many bulk)",
                    f"{fill_s:.1f} s",
                    "-",
                    "",
                )
            )
            # The third: a map viewport with no date filter (the web benchmark's items query).
            for size, days, goal in ((1.0, 30, True), (5.0, 90, False), (0.5, None, False)):
                med, p95, cpu, matched = bench_query(store, "big", args.queries, size, days)
                window = f"{days}-day window" if days else "no date filter"
                rows.append(
                    (
                        f"query {size:g}°x{size:g}° bbox + {window} over "
                        f"{args.incidents:,} (first page of 100, ~{matched:,.0f} matched)",
                        f"median {med:.1f} ms (CPU {cpu:.1f} ms), p95 {p95:.1f} ms",
                        "median <= 20 ms" if goal else "-",
                        _ok(med <= 20) if goal else "",
                    )
                )
        with SQLiteStore(workdir / "export.sqlite") as store:
            fill(store, "exp", args.export)
            seconds, cpu = bench_export(store, "exp", workdir / "out.geojson")
            size_mb = (workdir / "out.geojson").stat().st_size / 1e6
            rows.append(
                (
                    f"export {args.export:,} incidents to GeoJSON ({size_mb:.0f} MB)",
                    f"{seconds:.2f} s (CPU {cpu:.2f} s)",
                    "<= 5 s",
                    _ok(seconds <= 5),
                )
            )
    print("| benchmark | result | goal | met |")
    print("| --- | --- | --- | --- |")
    for name, result, goal, met in rows:
        print(f"| {name} | {result} | {goal} | {met} |")


def _ok(flag: bool) -> str:
    return "yes" if flag else "no"


if __name__ == "__main__":
    main()

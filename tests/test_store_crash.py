"""A killed ingest (SIGKILL, mid-batch) loses nothing committed and leaves no half-written article."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mapapp.store.sqlite import SQLiteStore

N_ARTICLES = 400

# Article i has 5 + i % 7 incidents; each article is one transaction.
SCRIPT = textwrap.dedent(
    """
    import datetime as dt, hashlib, sys
    from mapapp.incidents.model import Incident, Location, Source
    from mapapp.store.base import Article
    from mapapp.store.sqlite import SQLiteStore

    store = SQLiteStore(sys.argv[1])
    counts = {"added": 0, "unchanged": 0, "updated": 0}
    for i in range(int(sys.argv[2])):
        text = f"Article {i}: strikes hit Mazzeh. " * 50
        article = Article(key=f"https://ex.org/{i}", text=text,
                          content_hash=hashlib.sha256(text.encode()).hexdigest(),
                          url=f"https://ex.org/{i}", published=dt.date(2024, 11, 14))
        incidents = [
            Incident(id=f"{i}-{k}", layer="crash", event_type="Battles",
                     sub_event_type="Armed clash",
                     location=Location("Mazzeh", 33.5 + k / 100, 36.25 + i / 1000),
                     event_date=dt.date(2024, 1, 1) + dt.timedelta(days=i % 300),
                     sentences=[text[:200]] * 3, source=Source(url=article.url))
            for k in range(5 + i % 7)
        ]
        result = store.ingest("crash", article, incidents)
        counts[result.status] += 1
        print("done", i, flush=True)
    print("summary", counts["added"], counts["unchanged"], counts["updated"], flush=True)
    """
)


def expected_incidents(i: int) -> int:
    return 5 + i % 7


def run_ingest(db: Path, *, kill_after: int | None = None) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(db), str(N_ARTICLES)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.strip())
        if kill_after is not None and len(lines) >= kill_after:
            # The child is in the middle of its next article's transaction (or about to be).
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.stdout.close()
    proc.wait(timeout=120)
    if kill_after is not None:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 0
    return lines


@pytest.mark.slow
def test_sigkill_mid_ingest_loses_nothing_and_rerun_completes(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite"
    done = run_ingest(db, kill_after=60)
    reported = {int(line.split()[1]) for line in done if line.startswith("done")}

    with SQLiteStore(db) as store:
        assert store.integrity_check() == "ok"
        conn = store._conn
        stored = {
            int(key.rsplit("/", 1)[1]): n
            for key, n in conn.execute("SELECT key, incidents FROM articles WHERE layer='crash'")
        }
        # Everything the child reported as committed is there...
        assert reported <= set(stored)
        assert len(stored) < N_ARTICLES  # ...and it really was killed mid-batch.
        # ...and every stored article has all of its incidents, no more, no fewer.
        per_article = dict(
            conn.execute(
                "SELECT article_key, count(*) FROM incidents WHERE layer='crash'"
                " GROUP BY article_key"
            ).fetchall()
        )
        for i, n in stored.items():
            assert n == expected_incidents(i)
            assert per_article[f"https://ex.org/{i}"] == expected_incidents(i)
        assert set(per_article) == {f"https://ex.org/{i}" for i in stored}
        layer = store.get_layer("crash")
        assert layer.count == sum(stored.values())
        rtree = conn.execute("SELECT count(*) FROM incidents_rtree").fetchone()[0]
        assert rtree == layer.count

    # Re-running the same batch adds the rest and leaves the stored ones unchanged.
    lines = run_ingest(db)
    summary = lines[-1].split()
    assert summary[0] == "summary"
    added, unchanged, updated = map(int, summary[1:])
    assert (unchanged, added, updated) == (len(stored), N_ARTICLES - len(stored), 0)
    with SQLiteStore(db) as store:
        assert store.integrity_check() == "ok"
        assert store.article_count("crash") == N_ARTICLES
        assert store.get_layer("crash").count == sum(
            expected_incidents(i) for i in range(N_ARTICLES)
        )

"""End to end through the real pipeline: read -> geoparse -> extract_incidents -> store."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapapp.cli import main
from mapapp.store.articles import make_article, read_articles
from mapapp.store.ingest import ingest_article, ingest_many
from mapapp.store.sqlite import SQLiteStore

SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared" / "examples" / "article-damascus-2024-11-14.txt"
)
URL = "https://example.org/damascus-2024-11-14"


@pytest.fixture
def sample_text() -> str:
    if not SAMPLE.exists():
        pytest.skip("the shared sample article is not on this machine")
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "s.sqlite")
    yield s
    s.close()


def strike_in_mazzeh(incidents):
    return [
        i
        for i in incidents
        if i.location.name == "Mazzeh" and i.event_type == "Explosions/Remote violence"
    ]


def test_sample_article_end_to_end(store, full_gazetteer, sample_text) -> None:
    article = make_article(sample_text, url=URL, published=dt.date(2024, 11, 14))
    result = ingest_article(store, "syria", article, gazetteer=full_gazetteer)
    assert result.status == "added" and result.incidents >= 1
    stored = store.query("syria").items
    assert len(stored) == result.incidents == store.get_layer("syria").count
    [strike] = strike_in_mazzeh(stored)
    assert strike.event_date == dt.date(2024, 11, 14)
    assert strike.location.geo_precision == 1
    assert strike.sentences and strike.rule
    assert strike.article_id == URL and strike.source.url == URL
    # The stored incident is exactly what the bbox query around Damascus returns.
    near = store.query("syria", bbox=(36.1, 33.4, 36.4, 33.6), start="2024-11-14", end="2024-11-14")
    assert strike.id in {i.id for i in near.items}


def test_reingest_unchanged_and_corrections_survive_update(store, full_gazetteer, sample_text):
    a1 = make_article(sample_text, url=URL, published=dt.date(2024, 11, 14))
    ingest_article(store, "syria", a1, gazetteer=full_gazetteer)
    before = store.query("syria").items
    again = ingest_article(store, "syria", a1, gazetteer=full_gazetteer)
    assert again.status == "unchanged" and store.query("syria").items == before

    [strike] = strike_in_mazzeh(before)
    corrected = store.update(
        "syria",
        strike.id,
        {
            "location": {"name": "Kafr Sousa", "lat": 33.4983, "lon": 36.2744},
            "event_date": "2024-11-13",
        },
    )
    # The publisher edits the article: unreviewed incidents are re-extracted, the correction stays.
    a2 = make_article(
        sample_text + "\n\nThis article was updated with new details.",
        url=URL,
        published=dt.date(2024, 11, 14),
    )
    r = ingest_article(store, "syria", a2, gazetteer=full_gazetteer)
    assert r.status == "updated"
    after = store.query("syria").items
    assert store.get("syria", strike.id) == corrected
    assert not strike_in_mazzeh(after)  # not re-added next to the corrected one
    # Incident ids are stable: the unreviewed ones come back with the same ids.
    assert {i.id for i in after} == {i.id for i in before}
    assert store.article_count("syria") == 1


def test_ingest_many_reports_unreadable_inputs(store, full_gazetteer, tmp_path, sample_text):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SAMPLE, d / "damascus.txt")
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "blob.bin").write_bytes(b"\x00\x01binary")
    (d / "feed.jsonl").write_text(
        json.dumps({"text": "Protesters gathered in Beirut on Monday.", "url": "https://ex.org/b",
                    "published": "2024-11-18"}) + "\nnot json\n",
        encoding="utf-8",
    )  # fmt: skip
    summary = ingest_many(
        store, "batch", read_articles(d, max_chars=1_000_000), gazetteer=full_gazetteer
    )
    assert (summary.added, summary.skipped) == (2, 3)
    reasons = {Path(s.split(":")[0]).name: r for s, r in summary.errors}
    assert set(reasons) == {"blob.bin", "empty.txt", "feed.jsonl"}
    assert summary.incidents == store.get_layer("batch").count
    again = ingest_many(
        store, "batch", read_articles(d, max_chars=1_000_000), gazetteer=full_gazetteer
    )
    assert (again.added, again.unchanged, again.incidents) == (0, 2, 0)


def test_cli_ingest_file_dir_and_stdin(mapapp_home: Path, tmp_path: Path, sample_text: str) -> None:
    runner = CliRunner()
    r = runner.invoke(
        main,
        ["ingest", str(SAMPLE), "--layer", "syria", "--url", URL, "--published", "2024-11-14",
         "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert (summary["added"], summary["layer"]) == (1, "syria") and summary["incidents"] >= 1
    r = runner.invoke(main, ["ingest", str(SAMPLE), "--layer", "syria", "--url", URL,
                             "--published", "2024-11-14"])  # fmt: skip
    assert r.exit_code == 0 and "1 unchanged" in r.stdout

    r = runner.invoke(
        main,
        ["ingest", "-", "--layer", "stdin", "--title", "Beirut", "--published", "2024-11-18"],
        input="Israeli air strikes hit Beirut's southern suburbs on Monday, killing five people.",
    )
    assert r.exit_code == 0 and "1 added" in r.stdout

    d = tmp_path / "batch"
    d.mkdir()
    (d / "bad.txt").write_bytes(b"\xff\xfe\x00\x00")
    (d / "ok.txt").write_text("Clashes erupted in Homs on 3 March 2024.", encoding="utf-8")
    r = runner.invoke(main, ["ingest", str(d), "--layer", "batch", "--published", "2024-03-04"])
    assert r.exit_code == 0
    assert "1 added" in r.stdout and "1 skipped" in r.stdout
    assert "skipped" in r.stderr and "bad.txt" in r.stderr

    r = runner.invoke(main, ["ingest", str(d), "--url", "https://ex.org/x"])
    assert r.exit_code == 2 and "single article" in r.stderr
    r = runner.invoke(main, ["ingest", str(SAMPLE), "--published", "04/05/2024"])
    assert r.exit_code == 2 and "ambiguous" in r.stderr
    r = runner.invoke(main, ["ingest", str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "no such file" in r.stderr
    (d / "ok.txt").unlink()
    r = runner.invoke(main, ["ingest", str(d), "--layer", "batch"])
    assert r.exit_code == 2  # nothing readable at all

    r = runner.invoke(main, ["layers", "--json"])
    assert {layer["name"] for layer in json.loads(r.stdout)} == {"syria", "stdin", "batch"}

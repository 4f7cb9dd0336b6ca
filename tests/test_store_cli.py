"""CLI: init-db, layers, incidents, export; errors are one line on stderr with exit status 2."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

from mapapp.cli import main
from mapapp.store.sqlite import SQLiteStore
from tests.test_store_sqlite import make_incident


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("MAPAPP_HOME", str(home))
    monkeypatch.delenv("MAPAPP_STORE_URL", raising=False)
    return home


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def filled(home: Path) -> Path:
    assert run("init-db").exit_code == 0
    with SQLiteStore(home / "incidents.sqlite") as s:
        s.ensure_layer("syria", title="Syria strikes")
        s.add(make_incident("a", lat=33.5, lon=36.3))
        s.add(make_incident("b", lat=36.2, lon=37.1, event_type="Battles", sub="Armed clash"))
        s.add(make_incident("c", lat=34.7, lon=36.7, date=None))
    return home


def test_init_db_is_idempotent(home: Path) -> None:
    r = run("init-db")
    assert r.exit_code == 0 and str(home / "incidents.sqlite") in r.output
    assert run("init-db").exit_code == 0
    r = run("layers")
    assert r.exit_code == 0 and "no layers yet" in r.output


def test_commands_before_init_db_say_so(home: Path) -> None:
    for args in (["layers"], ["incidents", "--layer", "x"]):
        r = run(*args)
        assert r.exit_code == 2
        assert "error:" in r.stderr and "init-db" in r.stderr and "Traceback" not in r.stderr
    assert not (home / "incidents.sqlite").exists()


def test_layers(filled: Path) -> None:
    r = run("layers")
    assert r.exit_code == 0
    assert r.output.startswith("syria\t3 incidents\t2024-11-14 .. 2024-11-14")
    [layer] = json.loads(run("layers", "--json").output)
    assert layer["count"] == 3 and layer["title"] == "Syria strikes"
    assert layer["bbox"] == [36.3, 33.5, 37.1, 36.2]


def test_incidents_filters(filled: Path) -> None:
    r = run("incidents", "--layer", "syria")
    assert r.exit_code == 0
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == ["a", "b", "c"]
    assert "3 incidents" in r.stderr
    r = run("incidents", "--layer", "syria", "--bbox", "36,33,36.5,34")
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == ["a"]
    r = run("incidents", "--layer", "syria", "--type", "Battles", "--json")
    data = json.loads(r.stdout)
    assert [f["id"] for f in data["features"]] == ["b"]
    r = run("incidents", "--layer", "syria", "--start", "2024-11-14", "--end", "2024-11-14")
    assert len(r.stdout.splitlines()) == 2  # the undated one is not in a date range


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["incidents", "--layer", "nope"], "No layer named 'nope'"),
        (["incidents", "--layer", "syria", "--bbox", "1,2,3"], "--bbox"),
        (["incidents", "--layer", "syria", "--bbox", "36,34,37,33"], "min_lat"),
        (["incidents", "--layer", "syria", "--start", "14/11/2024x"], "--start"),
        (["incidents", "--layer", "syria", "--type", "Parade"], "Unknown event type"),
        (["export", "--layer", "nope", "--format", "csv", "-o", "out.csv"], "No layer"),
    ],
)
def test_errors_exit_2_with_one_line(filled: Path, args: list[str], message: str) -> None:
    r = run(*args)
    assert r.exit_code == 2
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "kml"])
def test_export_formats(filled: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"syria.{fmt}"
    r = run("export", "--layer", "syria", "--format", fmt, "-o", str(out))
    assert r.exit_code == 0 and "wrote 3 incidents" in r.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left
    if fmt == "csv":
        with open(out, encoding="utf-8", newline="") as fp:
            assert [row["event_id_cnty"] for row in csv.DictReader(fp)] == ["a", "b", "c"]
    else:
        assert len(gpd.read_file(out)) == 3


def test_export_filtered_and_bad_target(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    r = run(
        "export", "--layer", "syria", "--format", "geojson", "-o", str(out), "--type", "Battles"
    )
    assert r.exit_code == 0
    assert [f["id"] for f in json.loads(out.read_text())["features"]] == ["b"]
    r = run("export", "--layer", "syria", "--format", "csv", "-o", str(tmp_path / "no" / "x.csv"))
    assert r.exit_code == 2 and "no such directory" in r.stderr
    r = run("export", "--layer", "syria", "--format", "shp", "-o", str(out))
    assert r.exit_code == 2  # click's own usage error

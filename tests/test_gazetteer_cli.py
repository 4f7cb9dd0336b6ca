"""The ``gazetteer`` command: lookup, reverse, build; errors exit 2 with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gazetteer.cli import main
from gazetteer.testing import build_tiny
from tests.helpers import assert_error_shape


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_tiny(tmp_path_factory.mktemp("tiny") / "gaz.sqlite"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_lookup_json_shape(db: str) -> None:
    code, out, _ = run("lookup", "Damascus", "--json", "--db", db)
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["geonameid"] == 170654
    assert set(rows[0]) == {
        "geonameid", "name", "lat", "lon", "feature_class", "feature_code", "country_code",
        "admin1", "population",
    }  # fmt: skip
    assert rows[0]["feature_code"] == "PPLC"


def test_lookup_country_and_limit(db: str) -> None:
    _, out, _ = run("lookup", "Damascus", "--country", "US", "--json", "--db", db)
    assert [r["geonameid"] for r in json.loads(out)] == [4352728]
    _, out, _ = run("lookup", "Damascus", "-n", "1", "--json", "--db", db)
    assert len(json.loads(out)) == 1


def test_lookup_text_shows_the_hierarchy(db: str) -> None:
    code, out, _ = run("lookup", "Mezzeh", "--db", db)
    assert code == 0
    assert "Mazzeh" in out and "Damascus, Dimashq, Syria" in out


def test_lookup_nothing_found(db: str) -> None:
    code, out, err = run("lookup", "Atlantis", "--db", db)
    assert code == 0 and out == "" and "no place" in err
    code, out, _ = run("lookup", "Atlantis", "--json", "--db", db)
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["lookup", ""], "must not be empty"),
        (["lookup", "x" * 300], "at most 200"),
        (["lookup", "Damascus", "--country", "ZZ"], "Unknown country code 'ZZ'"),
        (["reverse", "95", "10"], "may be swapped"),
        (["reverse", "north", "10"], "must be a number"),
        (["reverse", "10", "nan"], "finite"),
    ],
)
def test_errors_are_one_line_and_exit_2(db: str, args: list[str], fragment: str) -> None:
    code, out, err = run(*args, "--db", db)
    assert code == 2
    assert err.startswith("error: ") and fragment in err
    assert "Traceback" not in out + err and err.count("\n") == 1


def test_errors_as_json(db: str) -> None:
    code, out, err = run("lookup", "Damascus", "--country", "ZZ", "--json", "--db", db)
    assert code == 2 and err == ""
    body = json.loads(out)["error"]
    assert_error_shape(body, status=400, code="unknown_country")
    code, out, _ = run("reverse", "200", "0", "--json", "--db", db)
    assert code == 2
    assert_error_shape(json.loads(out)["error"], status=400, code="invalid_coordinates")


def test_missing_database_is_built_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gazetteer.build import build_database
    from gazetteer.testing import tiny_sources

    monkeypatch.setattr(
        "gazetteer.build.build_database",
        lambda path: build_database(path, sources=tiny_sources(tmp_path / "src")),
    )
    code, out, _ = run("lookup", "Aleppo", "--json", "--db", str(tmp_path / "fresh.sqlite"))
    assert code == 0 and json.loads(out)[0]["geonameid"] == 170063


def test_reverse_text_and_json(db: str) -> None:
    code, out, _ = run("reverse", "31.5", "34.46", "--db", db)
    assert code == 0
    assert "Palestinian Territory" in out and "Gaza Strip" in out and "Gaza" in out
    code, out, _ = run("reverse", "33.5", "36.29", "--json", "--db", db)
    body = json.loads(out)
    assert body["country"]["country_code"] == "SY"
    assert body["nearest"]["geonameid"] == 170654
    assert body["admin1"]["name"] == "Dimashq"
    assert body["distance_km"] == pytest.approx(1.14, abs=0.01)
    code, out, _ = run("reverse", "0", "0", "--db", db)
    assert code == 0 and "no country" in out


def test_negative_coordinates_are_not_options(db: str) -> None:
    code, out, _ = run("reverse", "--json", "--db", db, "--", "39.29", "-77.2")
    assert code == 0 and json.loads(out)["nearest"]["geonameid"] == 4352728


def test_commands_listed() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("build", "lookup", "reverse"):
        assert command in out


@pytest.mark.slow
def test_build_is_idempotent(full_gazetteer_path: Path) -> None:
    from gazetteer.sources import default_sources

    run("build", "--db", str(full_gazetteer_path))  # in case the curated data just changed
    before = default_sources().fingerprint()
    code, out, _ = run("build", "--db", str(full_gazetteer_path), "--json")
    assert code == 0
    report = json.loads(out)
    if default_sources().fingerprint() != before:
        pytest.skip("the curated data file changed during the test")
    assert report["built"] is False and report["places"] > 238_000
    code, out, _ = run("build", "--db", str(full_gazetteer_path))
    assert code == 0 and "up to date" in out

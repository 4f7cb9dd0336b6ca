"""The name automaton split by script: names in scripts other than Latin and Arabic live in a
second automaton that is loaded only when a text has letters of those scripts."""

from __future__ import annotations

from mapapp.geoparse import Geoparser
from mapapp.geoparse import matcher as matcher_module
from mapapp.geoparse.lexicon import fold_name
from mapapp.geoparse.matcher import NameMatcher
from tests.test_geoparse_fakes import ROWS, FakeGazetteer

ROWS_WITH_OTHER_SCRIPTS = [
    (*row[:-1], [*row[-1], "Дамаск", "大马士革"]) if row[0] == 170654 else row for row in ROWS
]


def test_split_matcher_finds_names_in_every_script():
    matcher = NameMatcher.from_names(["damascus", "дамаск", "المزة", "大马士革"])
    assert matcher.other is not None
    hits = matcher.find("Strikes on Damascus and المزة")
    assert [h.key for h in hits] == ["damascus", fold_name("المزة")]
    assert [h.key for h in matcher.find("Удары по Дамаску, Дамаск")] == ["дамаск"]
    assert [h.key for h in matcher.find("大马士革 and Damascus")] == ["damascus", "大马士革"]
    # Only Latin names: no second automaton at all.
    assert NameMatcher.from_names(["damascus"]).other is None


def test_other_scripts_load_lazily_from_their_own_cache(tmp_path):
    db = tmp_path / "gazetteer.sqlite"
    db.write_bytes(b"not really a database")  # only its path and fingerprint matter here
    matcher_module._MATCHERS.clear()
    first = Geoparser(FakeGazetteer(path=db, rows=ROWS_WITH_OTHER_SCRIPTS))
    assert [m.place.geonameid for m in first.parse("Clashes in Damascus.")] == [170654]
    assert len(list(tmp_path.glob("gazetteer.sqlite.geoparse-*.pickle"))) == 1
    (other_cache,) = tmp_path.glob("gazetteer.sqlite.geoparse-*.other")
    # A new process loads the main automaton only, until a text needs the other scripts.
    matcher_module._MATCHERS.clear()
    second = Geoparser(FakeGazetteer(path=db, rows=ROWS_WITH_OTHER_SCRIPTS))
    assert [m.text for m in second.parse("Clashes in Damascus.")] == ["Damascus"]
    assert callable(second.matcher._other)  # not loaded yet
    other_cache.unlink()  # a missing cache of the other scripts is rebuilt when needed
    assert [m.place.geonameid for m in second.parse("Удары по городу Дамаск.")] == [170654]
    assert not callable(second.matcher._other)
    assert other_cache.exists()
    matcher_module._MATCHERS.clear()

"""Input handling: limits, binary and empty input, HTML stripping, folding for matching."""

from __future__ import annotations

import pytest

from mapapp.errors import ArticleError, PayloadTooLarge
from mapapp.geoparse.lexicon import fold, fold_name, load_lexicon
from mapapp.geoparse.text import looks_like_html, prepare_text, strip_html


def test_plain_text_is_returned_unchanged():
    text = "  Strikes hit Damascus.\n\nMore News "
    assert prepare_text(text, max_chars=1000) == text


@pytest.mark.parametrize("bad", ["", "   \n\t ", b"", b"\n"])
def test_empty_input_is_an_article_error(bad):
    with pytest.raises(ArticleError) as info:
        prepare_text(bad, max_chars=1000)
    assert info.value.status == 400
    assert "empty" in info.value.message


@pytest.mark.parametrize(
    "bad",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xfe\xfd not utf-8",
        "text\x00with\x01many\x02control\x03chars\x04" * 5,
        12345,
        None,
    ],
)
def test_binary_or_non_text_input_is_an_article_error(bad):
    with pytest.raises(ArticleError):
        prepare_text(bad, max_chars=1000)


def test_bytes_are_decoded_as_utf8():
    assert prepare_text("Strikes on Ḥimṣ".encode(), max_chars=1000) == "Strikes on Ḥimṣ"


def test_too_large_input_is_payload_too_large():
    with pytest.raises(PayloadTooLarge) as info:
        prepare_text("a" * 101, max_chars=100)
    assert info.value.status == 413
    assert "100" in info.value.message


def test_limit_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("MAPAPP_MAX_TEXT_CHARS", "50")
    with pytest.raises(PayloadTooLarge):
        prepare_text("word " * 20)
    assert prepare_text("word " * 5) == "word " * 5


def test_html_is_stripped_to_visible_text():
    html = (
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<p>Strikes hit <b>Damascus</b> &amp; <a href='#'>Mazzeh</a>.</p>"
        "<script>var Beirut = 1;</script><p>Second paragraph.</p></body></html>"
    )
    assert looks_like_html(html)
    text = prepare_text(html, max_chars=10_000)
    assert "Strikes hit Damascus & Mazzeh." in text
    assert "Second paragraph." in text
    assert "Beirut" not in text and "color" not in text
    # Paragraphs stay apart.
    assert "Mazzeh.Second" not in text


def test_prose_with_angle_brackets_is_not_html():
    assert not looks_like_html("If x < 3 and y > 4 then the strike on Homs <was> reported.")


def test_strip_html_of_a_fragment():
    assert strip_html("<div>Gaza <i>Strip</i></div>") == "Gaza Strip"


def test_fold_keeps_offsets_through_deletions_and_expansions():
    text = "Syria's capital, U.S. forces, Sana'a, Straße and al-Mazzeh"
    folded, offsets = fold(text)
    assert "syria s" in folded and " us " in folded and "sanaa" in folded
    assert "strasse" in folded and "al mazzeh" in folded
    assert offsets is not None
    i = folded.index("mazzeh")
    assert text[offsets(i) : offsets(i + len("mazzeh") - 1) + 1] == "Mazzeh"
    i = folded.index("sanaa")
    assert text[offsets(i) : offsets(i + 4) + 1] == "Sana'a"


def test_fold_of_ascii_text_without_deletions_keeps_positions():
    folded, offsets = fold("Strikes hit Damascus")
    assert offsets is None
    assert folded == "strikes hit damascus"


def test_fold_name_matches_the_gazetteer_normalisation():
    from gazetteer.normalize import normalize

    for name in ["Deir ez-Zor", "Ma'arrat al-Numan", "Zürich", "Sana’a"]:
        assert fold_name(normalize(name)) == fold_name(normalize(fold_name(name)))


def test_lexicon_tables():
    lex = load_lexicon()
    assert lex.demonyms["syrian"] == "SY"
    assert lex.demonyms["emirati"] == "AE"
    assert lex.demonyms["palestinian"] == "PS"
    assert "syrians" not in lex.demonyms  # plurals name people, not places
    assert lex.aliases["U.S."] == "US"
    assert "reading" in lex.stopwords and "march" in lex.never
    assert "jordan" in lex.first_names

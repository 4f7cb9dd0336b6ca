"""Sentence splitting: offsets, abbreviations, captions, paragraphs."""

from __future__ import annotations

from mapapp.incidents.sentences import sentence_at, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_point_into_the_input() -> None:
    text = "  First one. Second one!\n\nThird?  "
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["First one.", "Second one!", "Third?"]
    for s in sentences:
        assert text[s.start : s.end] == s.text
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_abbreviations_titles_and_initials_do_not_split() -> None:
    text = "Dr. J. K. Smith met U.S. officials on Nov. 14 in Washington. Gen. Ali left."
    assert texts(text) == [
        "Dr. J. K. Smith met U.S. officials on Nov. 14 in Washington.",
        "Gen. Ali left.",
    ]


def test_dotted_acronym_at_sentence_end_before_a_typical_opener() -> None:
    assert texts("Troops were sent by the U.S. The army denied it.") == [
        "Troops were sent by the U.S.",
        "The army denied it.",
    ]


def test_quotes_close_a_sentence() -> None:
    assert texts('He said "No." Then he left.') == ['He said "No."', "Then he left."]


def test_captions_and_headlines_without_final_period_are_their_own_sentences() -> None:
    text = (
        "Israel pounds Damascus targets\nThursday, 11/14/2024\n\nThe envoy arrived. He met Assad."
    )
    assert texts(text) == [
        "Israel pounds Damascus targets",
        "Thursday, 11/14/2024",
        "The envoy arrived.",
        "He met Assad.",
    ]


def test_hard_wrapped_paragraph_is_joined_with_same_length_offsets() -> None:
    text = (
        "Several people were killed on Thursday in Israeli airstrikes targeting\n"
        "two residential buildings in the suburbs of Damascus, according to SANA.\n"
        "A second sentence follows here in the same wrapped paragraph of text."
    )
    sentences = split_sentences(text)
    assert len(sentences) == 2
    assert "\n" not in sentences[0].text
    assert len(sentences[0].text) == sentences[0].end - sentences[0].start
    assert sentence_at(sentences, text.index("two residential")) is sentences[0]
    assert sentence_at(sentences, text.index("same wrapped")) is sentences[1]
    assert sentence_at(sentences, len(text) + 5) is None


def test_decimals_and_empty_text() -> None:
    assert texts("Growth was 3.5 percent. Fine.") == ["Growth was 3.5 percent.", "Fine."]
    assert split_sentences("") == []
    assert split_sentences(" \n\n ") == []


def test_overlong_run_is_cut_into_bounded_sentences() -> None:
    text = "word " * 5000
    sentences = split_sentences(text)
    assert len(sentences) > 1
    assert all(len(s.text) <= 1000 for s in sentences)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert sum(len(s.text.split()) for s in sentences) == 5000

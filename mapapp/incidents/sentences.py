"""Sentence splitting with character offsets into the original text.

Rule based on purpose: news text has headlines and captions without a final period, datelines,
dotted acronyms ("U.S.", "U.N."), titles ("Dr.", "Gen.") and initials ("J. K. Rowling") that a
naive ``split('. ')`` breaks. Offsets always refer to the input, so geoparser mentions (which also
carry offsets) can be assigned to sentences without re-searching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that are not sentence ends when followed by a capitalised word.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cpl",
        "adm",
        "brig",
        "cmdr",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "mt",
        "jr",
        "sr",
        "messrs",
        "mme",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "nos",
        "fig",
        "approx",
        "est",
        "dept",
        "univ",
        "ave",
        "blvd",
        "rd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "al",
        "pres",
        "amb",
    ]
)
# Words that make a capitalised follower after a dotted acronym ("the U.S. The ...") a new sentence.
_SENTENCE_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "in",
        "on",
        "at",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "however",
        "meanwhile",
        "there",
        "his",
        "her",
        "their",
        "its",
        "our",
        "after",
        "before",
        "when",
        "while",
        "according",
    ]
)

_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)|[.!?]+["'”’)\]]*$""")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_FOLD = re.compile(r"[\r\n\t]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.\-]*)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """``text == source[start:end]``; ``paragraph`` counts blank-line separated blocks."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


def _lines_are_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose: every line but the last is long-ish and similar in length."""
    if len(lines) < 2:
        return False
    body = [len(line.strip()) for line in lines[:-1]]
    return min(body) >= 40 and max(body) - min(body) <= 40


def _units(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) blocks: paragraphs, and single lines of unwrapped blocks."""
    units: list[tuple[int, int, int]] = []
    pos = 0
    para = 0
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)] + [(len(text), len(text))]
    for p_end, next_start in bounds:
        block = text[pos:p_end]
        if block.strip():
            lines = block.split("\n")
            if _lines_are_wrapped([ln for ln in lines if ln.strip()]):
                units.append((pos, p_end, para))
            else:
                offset = pos
                for line in lines:
                    if line.strip():
                        units.append((offset, offset + len(line), para))
                    offset += len(line) + 1
            para += 1
        pos = next_start
    return units


def _is_false_boundary(unit: str, dot_end: int, match_text: str) -> bool:
    """True when the period at ``unit[dot_end-1]`` closes an abbreviation, not a sentence."""
    if match_text != ".":
        return False  # "?!", "..." or a closing quote after the period: a real end
    before = unit[max(0, dot_end - 41) : dot_end - 1]  # bounded: no quadratic scans
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1)
    follower = unit[dot_end:].lstrip()
    next_word = re.match(r"[\"'“‘(]*([A-Za-z]+)", follower)
    nxt = next_word.group(1) if next_word else ""
    if nxt and nxt[0].islower():
        return True  # "Nov. 14", "U.S. forces", "Dr. smith" all continue
    bare = word.rstrip(".")
    if "." in word:  # dotted acronym "U.S", "U.N": a boundary only before a typical opener
        return nxt.lower() not in _SENTENCE_STARTERS
    if len(bare) == 1 and bare.isupper():
        return True  # an initial
    return bare.lower() in ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences; whitespace around each sentence is excluded from it."""
    out: list[Sentence] = []
    for u_start, u_end, para in _units(text):
        unit = text[u_start:u_end]
        last = 0
        for m in _BOUNDARY.finditer(unit):
            end = m.end()
            if _is_false_boundary(unit, m.start() + 1, m.group(0)):
                continue
            _emit(out, text, u_start + last, u_start + end, para)
            last = end
        if last < len(unit):
            _emit(out, text, u_start + last, u_end, para)
    return out


MAX_SENTENCE_CHARS = 1000


def _emit(out: list[Sentence], text: str, start: int, end: int, para: int) -> None:
    # A "sentence" longer than any real one (lists, tables, unpunctuated dumps) is cut at
    # whitespace so every later step stays linear.
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        _emit_one(out, text, start, cut, para)
        start = cut
    _emit_one(out, text, start, end, para)


def _emit_one(out: list[Sentence], text: str, start: int, end: int, para: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    e = s + len(stripped)
    # Line breaks inside a wrapped paragraph become spaces of the same length, so offsets into
    # ``Sentence.text`` stay ``offset - start``.
    out.append(Sentence(len(out), s, e, _FOLD.sub(" ", text[s:e]), para))


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence containing character ``offset`` (binary search)."""
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        s = sentences[mid]
        if offset < s.start:
            hi = mid
        elif offset >= s.end:
            lo = mid + 1
        else:
            return s
    return None

"""Read killed / injured counts from a sentence.

Vague quantities become conservative lower bounds with a flag (``lower_bound=True``): they must
never overstate the toll, so "several" is 3 and "dozens" 12 (a dozen at least), "hundreds" 100.
Qualifiers "at least", "more than", "over" also make the reported figure a lower bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Vague quantities -> conservative lower bound.
VAGUE = {
    "a few": 2, "few": 2, "a couple of": 2, "several": 3, "many": 3, "numerous": 3, "some": 2,
    "a dozen": 12, "dozens of": 12, "dozens": 12, "scores of": 40, "scores": 40,
    "hundreds of": 100, "hundreds": 100, "thousands of": 1000, "thousands": 1000,
}  # fmt: skip
LOWER_QUALIFIERS = ("at least", "more than", "over", "upwards of", "no fewer than", "in excess of")

_NUMWORD = (
    r"(?:(?:"
    + "|".join(_TENS)
    + r")(?:[- ](?:"
    + "|".join(_UNITS)
    + r"))?|"
    + "|".join(_UNITS)
    + r")"
)
_VAGUE_RE = "|".join(sorted((re.escape(k) for k in VAGUE), key=len, reverse=True))
_QUANT = (
    r"(?P<qual>at least|more than|over|upwards of|no fewer than|in excess of|nearly|almost|about|"
    r"around|some|roughly|approximately|up to|as many as)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+|" + _NUMWORD + r"|" + _VAGUE_RE + r")"
)
_NOUNS = r"(?:\s+(?!(?:were|was|have|has|had|are|is|and)\b)[\w'-]+){0,4}?"
_BE = r"\s+(?:(?:were|was|have been|had been|are|is|being|reportedly|also|later)\s+)*"


def _subject_pattern(verb: str) -> re.Pattern[str]:
    """ "at least 12 people were killed", "three civilians killed", "several ... injured"."""
    return re.compile(r"\b" + _QUANT + r"(?!\w)" + _NOUNS + _BE + verb + r"\b", re.I)


_KILLED_PATS = [
    _subject_pattern(r"(?:killed|dead|died|slain|perished|lost their lives)"),
    re.compile(
        r"\b(?:killing|killed|left)\s+"
        + _QUANT
        + r"(?!\w)(?!"
        + _NOUNS
        + r"\s+(?:injured|wounded))",
        re.I,
    ),
    re.compile(
        r"\b(?:death toll|toll)\s+(?:\w+\s+){0,3}?(?:to|at|of|reached|hit)\s+" + _QUANT, re.I
    ),
]
_INJURED_PATS = [
    _subject_pattern(r"(?:injured|wounded|hurt)"),
    _subject_pattern(r"(?:killed|dead) and (?:injured|wounded)"),
    re.compile(r"\b(?:wounding|injuring)\s+" + _QUANT, re.I),
]


def parse_number(text: str) -> tuple[int | None, bool]:
    """(value, vague) for a number expression: digits, number words, or a vague quantity."""
    t = text.lower().strip()
    if t in VAGUE:
        return VAGUE[t], True
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", t):
        return int(t.replace(",", "")), False
    parts = re.split(r"[- ]", t)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]], False
    if t in _TENS:
        return _TENS[t], False
    if t in _UNITS:
        return _UNITS[t], False
    return None, False


@dataclass(slots=True)
class Count:
    value: int
    lower_bound: bool
    text: str


def _best(sentence: str, patterns: list[re.Pattern[str]]) -> Count | None:
    found: list[Count] = []
    for pat in patterns:
        for m in pat.finditer(sentence):
            if re.search(r"\bno\s*$", sentence[: m.start("num")], re.I):
                continue  # "no one was hurt"
            value, vague = parse_number(m.group("num"))
            if value is None or value > 1_000_000:
                continue
            qual = (m.group("qual") or "").lower()
            found.append(Count(value, vague or qual in LOWER_QUALIFIERS, m.group(0)))
    if not found:
        return None
    # The largest figure is the total ("3 children among 12 killed"); exact beats vague on ties.
    return max(found, key=lambda c: (c.value, not c.lower_bound))


def read_fatalities(sentence: str) -> tuple[Count | None, Count | None]:
    """(killed, injured) counts found in ``sentence``; None where none is stated."""
    # Years and ages look like numbers: blank them so "in 2023" never becomes a toll.
    clean = re.sub(
        r"\b(?:19|20)\d\d\b|\baged? \d+|\d+-year-old", lambda m: "#" * len(m.group(0)), sentence
    )
    return _best(clean, _KILLED_PATS), _best(clean, _INJURED_PATS)

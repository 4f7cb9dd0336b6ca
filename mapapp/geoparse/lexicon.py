"""Word lists (demonyms, aliases, stoplists, cue words) and the character folding used for matching.

``fold`` maps text to the form gazetteer names take after ``gazetteer.normalize.normalize``
character by character (case, accents, Arabic diacritics, letter variants), with every
non-alphanumeric character turned into a space, and keeps an offset map back to the input. Names
are folded the same way, so a name matches text exactly when both are folded alike, and the match
lands on word boundaries because both are padded with spaces.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Characters ``normalize`` deletes inside names (Sana'a = Sanaa, U.S. = US): deleted here too.
_DELETE = frozenset(".'`\u00b4\u2018\u2019\u02bc\u02bb\u02bf\u02be\u2032\u02b9\u02bd\u00b7\u0640")
_APOS = "'\u2019\u2018\u02bc`"
# Apostrophes that are not inside a word (possessive 's, quotes, "Hamas' attack") separate words:
# they become spaces so "Syria's" still shows the word "Syria".
_SEPARATING_APOSTROPHE = re.compile(f"[{_APOS}](?=s\\b)|(?<!\\w)[{_APOS}]|[{_APOS}](?!\\w)")


@cache
def _fold_char(ch: str) -> str:
    from gazetteer.normalize import normalize

    if ch in _DELETE or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return ""
    if ch.isalnum():
        return normalize(ch, strip_article=False).replace(" ", "") or ch.casefold()
    return " "


# ASCII: lower-case letters and digits, delete periods and apostrophes, everything else a space.
_ASCII_TABLE = str.maketrans(
    {
        chr(i): (None if chr(i) in _DELETE else chr(i).lower() if chr(i).isalnum() else " ")
        for i in range(128)
    }
)


class OffsetMap:
    """Maps folded indices back to input indices after deletions/expansions."""

    __slots__ = ("_fpos", "_offsets")

    def __init__(self, fpos: list[int] | None = None, offsets: list[int] | None = None):
        self._fpos = fpos  # ASCII case: folded index at which each deleted char would have been
        self._offsets = offsets  # general case: one input index per folded character

    def __call__(self, i: int) -> int:
        if self._offsets is not None:
            return self._offsets[i]
        return i + bisect_right(self._fpos, i)  # type: ignore[arg-type]


def fold(text: str) -> tuple[str, OffsetMap | None]:
    """Fold ``text`` for matching; return it with a map folded index -> input index.

    The map is None when folding kept every character in place.
    """
    text = _SEPARATING_APOSTROPHE.sub(" ", text)
    if text.isascii():
        folded = text.translate(_ASCII_TABLE)
        if len(folded) == len(text):
            return folded, None
        deleted = [i for i, ch in enumerate(text) if ch in _DELETE]
        return folded, OffsetMap(fpos=[d - j for j, d in enumerate(deleted)])
    pieces: list[str] = []
    offsets: list[int] = []
    same_length = True
    for i, ch in enumerate(text):
        piece = _ASCII_TABLE.get(ord(ch), " ") if ch < "\x80" else _fold_char(ch)
        if piece is None:
            piece = ""
        if len(piece) != 1:
            same_length = False
        pieces.append(piece)
        offsets.extend([i] * len(piece))
    folded = "".join(pieces)
    return folded, (None if same_length else OffsetMap(offsets=offsets))


def fold_name(name: str) -> str:
    """A gazetteer name's key in the automaton: folded, spaces collapsed."""
    return " ".join(fold(name)[0].split())


def _lines(filename: str) -> list[str]:
    text = resources.files("mapapp.geoparse.data").joinpath(filename).read_text("utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and line[0] != "#"]


@dataclass(frozen=True)
class Lexicon:
    """The geoparser's word lists, folded."""

    demonyms: dict[str, str]  # folded form -> ISO country code
    aliases: dict[str, str]  # surface form (case-sensitive) -> ISO country code
    stopwords: frozenset[str]
    first_names: frozenset[str]
    locative: frozenset[str]
    titles: frozenset[str]
    organisations: frozenset[str]


def _plural(word: str) -> str | None:
    # "Syrian" -> "Syrians", "Iraqi" -> "Iraqis"; "-ese", "-ish", "-ch", "-ss" forms have none.
    if word.endswith(("ese", "ish", "ch", "ss", "sh", "i s")) or word.endswith("s"):
        return None
    return word + "s"


@cache
def load_lexicon() -> Lexicon:
    """Read and fold the data files once per process."""
    demonyms: dict[str, str] = {}
    for line in _lines("demonyms.tsv"):
        form, code = line.split("\t")
        key = fold_name(form)
        demonyms.setdefault(key, code.strip())
        plural = _plural(form)
        if plural:
            demonyms.setdefault(fold_name(plural), code.strip())
    aliases = {}
    for line in _lines("aliases.tsv"):
        form, code = line.split("\t")
        aliases[form] = code.strip()
    sections: dict[str, set[str]] = {}
    current = ""
    for line in _lines("cues.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = set()
        else:
            sections[current].add(fold_name(line))
    return Lexicon(
        demonyms=demonyms,
        aliases=aliases,
        stopwords=frozenset(fold_name(w) for w in _lines("stopwords.txt")),
        first_names=frozenset(fold_name(w) for w in _lines("firstnames.txt")),
        locative=frozenset(sections["locative"]),
        titles=frozenset(sections["titles"]),
        organisations=frozenset(sections["organisations"]),
    )

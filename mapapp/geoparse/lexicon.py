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
from dataclasses import dataclass, field
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


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if code < 128:
            value = "" if ch in _DELETE else ch.lower() if ch.isalnum() else " "
        else:
            value = _fold_char(ch)
        self[code] = value
        return value


_TABLE = _FoldTable()
for _code in range(128):
    _TABLE[_code]  # noqa: B018 - pre-fill ASCII
# Characters that may fold to other than exactly one character.
_IRREGULAR = re.compile(r"[.'`]|[^\x00-\x7f]")


class OffsetMap:
    """Maps folded indices back to input indices after deletions and expansions."""

    __slots__ = ("_breaks", "_shifts")

    def __init__(self, breaks: list[int], shifts: list[int]):
        self._breaks = breaks  # folded positions where the shift changes
        self._shifts = shifts  # folded index - input index, from that position on

    def __call__(self, i: int) -> int:
        k = bisect_right(self._breaks, i) - 1
        return i - (self._shifts[k] if k >= 0 else 0)


def fold(text: str) -> tuple[str, OffsetMap | None]:
    """Fold ``text`` for matching; return it with a map folded index -> input index.

    The map is None when folding kept every character in place.
    """
    text = _SEPARATING_APOSTROPHE.sub(" ", text)
    folded = text.translate(_TABLE)
    breaks: list[int] = []
    shifts: list[int] = []
    shift = 0
    for m in _IRREGULAR.finditer(text):
        o = m.start()
        n = len(_TABLE[ord(text[o])])
        if n == 1:
            continue
        f = o + shift
        for j in range(n):  # every folded character of an expansion maps to its source
            breaks.append(f + j)
            shifts.append(shift + j)
        shift += n - 1
        breaks.append(f + n)
        shifts.append(shift)
    if not breaks:
        return folded, None
    return folded, OffsetMap(breaks, shifts)


def fold_name(name: str) -> str:
    """A gazetteer name's key in the automaton: folded, spaces collapsed."""
    return " ".join(fold(name)[0].split())


def _lines(filename: str) -> list[str]:
    text = resources.files("mapapp.geoparse.data").joinpath(filename).read_text("utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and line[0] != "#"]


@dataclass(frozen=True)
class Lexicon:
    """The geoparser's word lists, folded."""

    demonyms: dict[str, str]  # folded form -> target (see ``aliases.tsv``: CC, CC/Name, ...)
    aliases: dict[str, str]  # surface form (case-sensitive) -> target
    stopwords: frozenset[str]
    never: frozenset[str]
    first_names: frozenset[str]
    surnames: frozenset[str]
    locative: frozenset[str]
    titles: frozenset[str]
    organisations: frozenset[str]
    speech: frozenset[str] = frozenset()
    # surface form -> "comma" or an ISO country code: when an ambiguous alias counts.
    alias_context: dict[str, str] = field(default_factory=dict)
    # Folded names of things that are no place we have but contain one ("Indian Ocean").
    blocked: frozenset[str] = frozenset()


@cache
def package_given_names() -> frozenset[str]:
    """Folded one-word given names of every locale of Faker's person provider (some 23,000, from
    Turkish "Fatih" to English "Zachary"): far more than a hand list, for telling "Zachary Brooks"
    from the town of Zachary."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            # The class's own lists only: some locales derive first_names in a property.
            value = vars(provider).get(attr)
            if isinstance(value, dict):
                value = list(value)  # weighted names
            if isinstance(value, list | tuple | set | frozenset):
                names.update(
                    fold_name(name)
                    for name in value
                    if isinstance(name, str) and name[:1].isupper() and " " not in name
                )
    names.discard("")
    return frozenset(names)


@cache
def load_lexicon() -> Lexicon:
    """Read and fold the data files once per process."""
    demonyms: dict[str, str] = {}
    for line in _lines("demonyms.tsv"):
        form, code = line.split("\t")
        key = fold_name(form)
        demonyms.setdefault(key, code.strip())
    aliases: dict[str, str] = {}
    alias_context: dict[str, str] = {}
    for line in _lines("aliases.tsv"):
        form, target, *context = line.split("\t")
        aliases[form] = target.strip()
        if context and context[0].strip():
            alias_context[form] = context[0].strip()
    sections: dict[str, set[str]] = {}
    current = ""
    for line in _lines("cues.txt"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = set()
        else:
            sections[current].add(fold_name(line))
    stops = _lines("stopwords.txt")
    return Lexicon(
        demonyms=demonyms,
        aliases=aliases,
        stopwords=frozenset(fold_name(w.lstrip("!")) for w in stops),
        never=frozenset(fold_name(w[1:]) for w in stops if w.startswith("!")),
        first_names=frozenset(fold_name(w) for w in _lines("firstnames.txt")),
        surnames=frozenset(fold_name(w) for w in _lines("surnames.txt")),
        locative=frozenset(sections["locative"]),
        titles=frozenset(sections["titles"]),
        organisations=frozenset(sections["organisations"]),
        speech=frozenset(sections.get("speech", ())),
        alias_context=alias_context,
        blocked=frozenset(fold_name(w) for w in _lines("blocked.txt")),
    )

"""Name normalisation: the one function used at build time and at query time.

``normalize`` case-folds, strips accents and Arabic/Hebrew diacritics, removes tatweel,
apostrophes and the ʿayn/hamza letters (ʿ ʾ ’ ' ` ´), drops periods (``U.S.`` = ``US``), turns
every other punctuation into a space, collapses whitespace and, by default, drops a leading Arabic
article (``al-``, ``el-``, ``ad-``, ``as-``, ``ash-``, ``ar-``... and ``ال``). So
``al-Mazzah``, ``Al Mazzah`` and ``Mazzah`` all normalise to ``mazzah``.

Because the article is also part of some names (El Salvador, El Paso), the build stores both
forms (``name_keys``) and ranks a match on the full form above one on the stripped form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not decompose into base + mark.
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ŀ": "l",
        "ŧ": "t",
        "ſ": "s",
        # Arabic orthographic variants that spellings of one place mix freely.
        "ى": "ي",  # alef maksura -> yeh
        "ة": "ه",  # teh marbuta -> heh
        "ی": "ي",  # Persian yeh
        "ک": "ك",  # Persian kaf
        "ٱ": "ا",  # alef wasla
        "ـ": None,  # tatweel
        # Apostrophes, ʿayn and hamza signs: Sana'a = Sanaa, Ma'arrat = Maarrat.
        "'": None,
        "’": None,
        "‘": None,
        "ʼ": None,
        "ʻ": None,
        "ʿ": None,
        "ʾ": None,
        "`": None,
        "´": None,
        "′": None,
        "ʹ": None,
        "ʽ": None,
        ".": None,  # U.S. = US, St. = St
        "·": None,
        "\u200c": None,  # zero-width non-joiner (Persian)
        "\u200d": None,
        "\u200e": None,
        "\u200f": None,
    }
)

# Leading Arabic article in Latin transliteration (with its sun-letter assimilations), followed by
# a hyphen or space; and the Arabic-script article attached to a word of 2+ letters.
_LATIN_ARTICLE = re.compile(
    r"^(?:al|el|il|ul|ad|ed|adh|as|es|ash|esh|ar|er|at|et|ath|az|ez|an|en|ad|ed)[\s\-]+(?=\w\w)",
    re.IGNORECASE,
)
_ARABIC_ARTICLE = re.compile(r"^(?:ال)(?=\w\w)")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _mark_table() -> dict[int, None]:
    # Combining marks of the Basic Multilingual Plane (Latin accents, Arabic harakat, Hebrew
    # points...): deleting them through one translate table is much faster than a per-char test.
    return {cp: None for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp))}


_MARKS = _mark_table()


def _fold(name: str) -> str:
    if name.isascii():
        text = name.lower()
    else:
        # Case-fold after NFKD too: compatibility forms decompose to capitals (№ -> No).
        text = unicodedata.normalize("NFKD", name.casefold()).casefold().translate(_MARKS)
        # NFC recomposes what NFKD split without marks (Hangul syllables).
        text = unicodedata.normalize("NFC", text)
    return _NON_WORD.sub(" ", text.translate(_LETTERS)).strip()


@lru_cache(maxsize=65536)
def normalize(name: str, *, strip_article: bool = True) -> str:
    """Normalise a place name for matching (see the module docstring). Pure and cached."""
    if not isinstance(name, str):
        raise TypeError("normalize() takes a str")
    text = _fold(name)
    if strip_article:
        text = strip_leading_article(text)
    return text


def strip_leading_article(text: str) -> str:
    """``al-Mazzah`` -> ``Mazzah``; ``المزة`` -> ``مزة``; other text unchanged (works on raw or
    folded text)."""
    stripped = _LATIN_ARTICLE.sub("", text, count=1)
    if stripped == text:
        stripped = _ARABIC_ARTICLE.sub("", text, count=1)
    return stripped or text


def name_keys(name: str) -> tuple[str, str]:
    """``(full, stripped)`` normalised forms of a name (equal when it has no article)."""
    full = _fold(name)
    return full, strip_leading_article(full)


def ascii_name(name: str) -> str:
    """An ASCII transliteration for Latin-script names (accents dropped), keeping case and spaces.

    Non-Latin letters are dropped, so names in other scripts give ``""``.
    """
    if name.isascii():
        return " ".join(name.split())
    text = unicodedata.normalize("NFKD", name).translate(_MARKS)
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        mapped = ch.lower().translate(_LETTERS)
        if mapped != ch.lower() and mapped.isascii():
            out.append(mapped.upper() if ch.isupper() else mapped)
        elif ch in "’‘ʼʻʿʾ":
            out.append("'")
    return re.sub(r"\s+", " ", "".join(out)).strip()

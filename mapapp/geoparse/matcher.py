"""Find every gazetteer name in a text in one pass (Aho-Corasick over folded, space-padded text).

The automaton holds each folded name padded with a space on both sides, and the text is folded and
padded the same way, so every hit starts and ends on a word boundary without a separate check. It
is built once per process from ``Gazetteer.iter_names()`` and cached next to the gazetteer file,
keyed by the gazetteer's fingerprint, because building it takes seconds.

Names are split by script: Latin and Arabic names (the news this service reads) form the main
automaton; names in other scripts (Cyrillic, CJK, Greek, Hebrew, Indic...: a fifth of the
automaton) form a second one, loaded only when a text contains a letter of those scripts. A name
of the second kind can only match text whose folded form has one of its letters, so the result is
the same as with one automaton.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick

from mapapp.geoparse.lexicon import OffsetMap, fold, fold_name

if TYPE_CHECKING:
    from gazetteer import Gazetteer

log = logging.getLogger(__name__)

CACHE_VERSION = "3"
# An apostrophe before a final "s" ("People's", "St. John's"): the spellings whose text form
# differs from their normalised form.
_POSSESSIVE = re.compile("['\u2019\u2018\u02bc`]s\\b")
MAX_NAME_CHARS = 60
# Arabic proclitics opening a word of at least three more letters: one letter (wa-, fa- "and",
# bi- "in", li- "to", ka- "as"), or wa-/fa- before bi-/li-/ka-.
_ARABIC_PROCLITICS = (
    re.compile("(?<![^ ])[\u0648\u0641\u0628\u0644\u0643](?=[\u0621-\u064a]{3})"),
    re.compile("(?<![^ ])[\u0648\u0641][\u0628\u0644\u0643](?=[\u0621-\u064a]{3})"),
)
# Letters of scripts other than Latin and Arabic (checked on folded names and folded text).
OTHER_SCRIPTS = re.compile(
    "[\u0370-\u052f\u0530-\u05ff\u0700-\u074f\u0780-\u07bf\u0900-\u0dff\u0e00-\u0fff"
    "\u1000-\u109f\u10a0-\u10ff\u1100-\u11ff\u1200-\u139f\u1400-\u18af\u1900-\u1dff"
    "\u2c00-\u2dff\u2e80-\u9fff\ua000-\ua8ff\ua900-\uabff\uac00-\ud7ff\uf900-\ufaff"
    "\ufb1d-\ufb4f\U00010000-\U0010ffff]"
)


class Hit(NamedTuple):
    """A name found in the text: ``text[start:end]`` folds to ``key``."""

    start: int
    end: int
    key: str


class NameMatcher:
    """An automaton of folded names, and where each folded key came from."""

    def __init__(
        self,
        automaton: ahocorasick.Automaton,
        norms: dict[str, tuple[str, ...]],
        other: NameMatcher | Callable[[], NameMatcher] | None = None,
    ):
        self._automaton = automaton
        # key -> the gazetteer's normalised names, only where they differ from the key itself.
        self._norms = norms
        # Names in other scripts: a matcher, or a function loading it on first need.
        self._other = other
        self._other_lock = threading.Lock()

    @property
    def other(self) -> NameMatcher | None:
        """The matcher of names in other scripts (loaded on first use), if there are any."""
        if callable(self._other):
            with self._other_lock:
                if callable(self._other):
                    self._other = self._other()
        return self._other  # type: ignore[return-value]

    def norm_names(self, key: str) -> tuple[str, ...]:
        """The gazetteer's normalised names behind a folded key."""
        norms = self._norms.get(key)
        if norms is None and self._other is not None and OTHER_SCRIPTS.search(key):
            other = self.other
            return other.norm_names(key) if other is not None else (key,)
        return norms or (key,)

    @classmethod
    def from_names(cls, names: object) -> NameMatcher:
        """Build from an iterable of normalised names (or ``(name, geonameid)`` pairs); names in
        other scripts go to a second automaton (``other``)."""
        main, other = cls._split_build(names)
        return cls(main[0], main[1], cls(*other) if other is not None else None)

    @staticmethod
    def _split_build(
        names: object,
    ) -> tuple[
        tuple[ahocorasick.Automaton, dict[str, tuple[str, ...]]],
        tuple[ahocorasick.Automaton, dict[str, tuple[str, ...]]] | None,
    ]:
        parts = {False: ahocorasick.Automaton(ahocorasick.STORE_LENGTH)}
        norms: dict[str, set[str]] = {}
        seen: set[str] = set()
        for item in names:  # type: ignore[attr-defined]
            norm = item[0] if isinstance(item, tuple) else item
            spelling = item[2] if isinstance(item, tuple) and len(item) > 2 else ""
            if spelling and _POSSESSIVE.search(spelling) and norm and len(norm) <= MAX_NAME_CHARS:
                # Text folding splits "People's" into "people s" (so that "Syria's" shows
                # "Syria"); the normalised name joined it ("peoples"): index the split form too.
                split = fold_name(spelling)
                if split != fold_name(norm):
                    norms.setdefault(split, set()).add(norm)
                    parts[False].add_word(f" {split} ")
            if not norm or norm in seen or len(norm) > MAX_NAME_CHARS:
                continue
            seen.add(norm)
            key = fold_name(norm)
            # Digits-only or one-letter keys are never place mentions in prose.
            if len(key.replace(" ", "")) < 2 or key.replace(" ", "").isdigit():
                continue
            if key != norm:
                norms.setdefault(key, set()).add(norm)
            is_other = bool(OTHER_SCRIPTS.search(key))
            if is_other not in parts:
                parts[is_other] = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
            parts[is_other].add_word(f" {key} ")
        # A key that is also a normalised name in its own right keeps that name too.
        frozen = {k: tuple(sorted(v | ({k} if k in seen else set()))) for k, v in norms.items()}
        out = []
        for is_other in (False, True):
            automaton = parts.get(is_other)
            if automaton is None:
                out.append(None)
                continue
            automaton.make_automaton()
            mine = {k: v for k, v in frozen.items() if bool(OTHER_SCRIPTS.search(k)) is is_other}
            out.append((automaton, mine))
        return out[0], out[1]  # type: ignore[return-value]

    def find(self, text: str) -> list[Hit]:
        """Every name occurrence in ``text`` (overlapping hits included), in input offsets."""
        folded, offsets = fold(text)
        hits = self._find(folded, offsets)
        if _ARABIC_PROCLITICS[0].search(folded):
            # Arabic writes "and", "in", "to" as a letter joined to the next word ("وسوريا",
            # "بدمشق", "وبيروت"): read the word without one or two such letters too. Blanking
            # them keeps every offset in place.
            seen = set(hits)
            for proclitic in _ARABIC_PROCLITICS:
                bare = proclitic.sub(lambda m: " " * len(m.group()), folded)
                for hit in self._find(bare, offsets):
                    if hit not in seen:
                        seen.add(hit)
                        hits.append(hit)
        if self._other is not None and OTHER_SCRIPTS.search(folded):
            other = self.other
            if other is not None:
                hits.extend(other._find(folded, offsets))
        return hits

    def _find(self, folded: str, offsets: OffsetMap | None) -> list[Hit]:
        padded = f" {folded} "
        if offsets is None:
            # start = padded index of the leading space = folded start; end_idx - 1 = folded end.
            return [
                Hit(end_idx - length + 1, end_idx - 1, padded[end_idx - length + 2 : end_idx])
                for end_idx, length in self._automaton.iter(padded)
            ]
        hits = []
        for end_idx, length in self._automaton.iter(padded):
            start = end_idx - length + 1
            hits.append(Hit(offsets(start), offsets(end_idx - 2) + 1, padded[start + 1 : end_idx]))
        return hits


def _names(gazetteer: Gazetteer) -> object:
    """The gazetteer's names with their spellings where it can give them."""
    try:
        return gazetteer.iter_names(with_spelling=True)
    except TypeError:  # a gazetteer without spellings (test doubles)
        return gazetteer.iter_names()


def _fingerprint(gazetteer: Gazetteer) -> str:
    meta = getattr(gazetteer, "meta", None)
    fp = meta.get("fingerprint") if isinstance(meta, dict) else None
    if not fp:
        fp = getattr(gazetteer, "fingerprint", None)
    if not fp:
        path = getattr(gazetteer, "path", None)
        if path is not None and Path(path).exists():
            st = Path(path).stat()
            fp = f"{Path(path).resolve()}:{st.st_size}:{st.st_mtime_ns}"
    return hashlib.sha256(f"{CACHE_VERSION}:{fp}".encode()).hexdigest()[:16]


# One matcher per gazetteer file and fingerprint per process: the automaton is large (hundreds of
# MB for the full gazetteer), so every Geoparser over the same file shares it.
_MATCHERS: dict[str, NameMatcher] = {}
_LOCK = threading.Lock()


def load_matcher(gazetteer: Gazetteer) -> NameMatcher:
    """The matcher for ``gazetteer``: shared in-process, else from the on-disk cache when valid,
    else built and cached."""
    path = getattr(gazetteer, "path", None)
    if path is None:
        return NameMatcher.from_names(_names(gazetteer))
    path = Path(path)
    memo_key = f"{path.resolve()}:{_fingerprint(gazetteer)}"
    with _LOCK:
        matcher = _MATCHERS.get(memo_key)
        if matcher is None:
            matcher = _load_or_build(gazetteer, path)
            # Only the current version of a file is kept.
            for key in [k for k in _MATCHERS if k.rsplit(":", 1)[0] == memo_key.rsplit(":", 1)[0]]:
                del _MATCHERS[key]
            _MATCHERS[memo_key] = matcher
        return matcher


def _load_or_build(gazetteer: Gazetteer, path: Path) -> NameMatcher:
    cache_path = path.with_name(f"{path.name}.geoparse-{_fingerprint(gazetteer)}.pickle")
    other_path = cache_path.with_suffix(".other")
    if cache_path.exists():
        try:
            with cache_path.open("rb") as fh:
                automaton, norms, has_other = pickle.load(fh)  # noqa: S301 - our own cache file
            other = None
            if has_other:
                other = lambda: _load_other(gazetteer, other_path)  # noqa: E731
            return NameMatcher(automaton, norms, other)
        except Exception as exc:  # noqa: BLE001 - a broken cache is rebuilt, not fatal
            log.warning("rebuilding unreadable geoparser cache %s: %s", cache_path, exc)
    main, other = NameMatcher._split_build(_names(gazetteer))
    if other is not None:
        _write_cache(other_path, other)
    _write_cache(cache_path, (*main, other is not None), keep=other_path)
    # The other scripts' automaton is written, not kept: it is loaded when a text needs it.
    loader = (lambda: _load_other(gazetteer, other_path)) if other is not None else None
    return NameMatcher(main[0], main[1], loader)


def _load_other(gazetteer: Gazetteer, other_path: Path) -> NameMatcher | None:
    try:
        with other_path.open("rb") as fh:
            automaton, norms = pickle.load(fh)  # noqa: S301 - our own cache file
        return NameMatcher(automaton, norms)
    except Exception as exc:  # noqa: BLE001 - a missing or broken cache is rebuilt
        log.warning("rebuilding geoparser cache %s: %s", other_path, exc)
    _main, other = NameMatcher._split_build(_names(gazetteer))
    if other is None:
        return None
    _write_cache(other_path, other)
    return NameMatcher(*other)


def _write_cache(cache_path: Path, data: tuple, *, keep: Path | None = None) -> None:
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=cache_path.parent, prefix=".geoparse-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_path)
        if keep is None:
            return
        # Older caches of the same gazetteer file are stale now.
        for old in cache_path.parent.glob(f"{cache_path.name.split('.geoparse-')[0]}.geoparse-*"):
            if old not in (cache_path, keep):
                old.unlink(missing_ok=True)
    except OSError as exc:  # read-only directory: keep the in-memory matcher only
        log.info("geoparser cache not written (%s)", exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

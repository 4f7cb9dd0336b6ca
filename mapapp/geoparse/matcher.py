"""Find every gazetteer name in a text in one pass (Aho-Corasick over folded, space-padded text).

The automaton holds each folded name padded with a space on both sides, and the text is folded and
padded the same way, so every hit starts and ends on a word boundary without a separate check. It
is built once per process from ``Gazetteer.iter_names()`` and cached next to the gazetteer file,
keyed by the gazetteer's fingerprint, because building it takes seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick

from mapapp.geoparse.lexicon import fold, fold_name

if TYPE_CHECKING:
    from gazetteer import Gazetteer

log = logging.getLogger(__name__)

CACHE_VERSION = "1"
MAX_NAME_CHARS = 60


class Hit(NamedTuple):
    """A name found in the text: ``text[start:end]`` folds to ``key``."""

    start: int
    end: int
    key: str


class NameMatcher:
    """An automaton of folded names, and where each folded key came from."""

    def __init__(self, automaton: ahocorasick.Automaton, norms: dict[str, tuple[str, ...]]):
        self._automaton = automaton
        # key -> the gazetteer's normalised names, only where they differ from the key itself.
        self._norms = norms

    def norm_names(self, key: str) -> tuple[str, ...]:
        """The gazetteer's normalised names behind a folded key."""
        return self._norms.get(key, (key,))

    @classmethod
    def from_names(cls, names: object) -> NameMatcher:
        """Build from an iterable of normalised names (or ``(name, geonameid)`` pairs)."""
        automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        norms: dict[str, set[str]] = {}
        seen: set[str] = set()
        for item in names:  # type: ignore[attr-defined]
            norm = item[0] if isinstance(item, tuple) else item
            if not norm or norm in seen or len(norm) > MAX_NAME_CHARS:
                continue
            seen.add(norm)
            key = fold_name(norm)
            # Digits-only or one-letter keys are never place mentions in prose.
            if len(key.replace(" ", "")) < 2 or key.replace(" ", "").isdigit():
                continue
            if key != norm:
                norms.setdefault(key, set()).add(norm)
            automaton.add_word(f" {key} ")
        automaton.make_automaton()
        # A key that is also a normalised name in its own right keeps that name too.
        frozen = {k: tuple(sorted(v | ({k} if k in seen else set()))) for k, v in norms.items()}
        return cls(automaton, frozen)

    def find(self, text: str) -> list[Hit]:
        """Every name occurrence in ``text`` (overlapping hits included), in input offsets."""
        folded, offsets = fold(text)
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
        return NameMatcher.from_names(gazetteer.iter_names())
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
    if cache_path.exists():
        try:
            with cache_path.open("rb") as fh:
                automaton, norms = pickle.load(fh)  # noqa: S301 - our own cache file
            return NameMatcher(automaton, norms)
        except Exception as exc:  # noqa: BLE001 - a broken cache is rebuilt, not fatal
            log.warning("rebuilding unreadable geoparser cache %s: %s", cache_path, exc)
    matcher = NameMatcher.from_names(gazetteer.iter_names())
    _write_cache(cache_path, matcher)
    return matcher


def _write_cache(cache_path: Path, matcher: NameMatcher) -> None:
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=cache_path.parent, prefix=".geoparse-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((matcher._automaton, matcher._norms), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_path)
        # Older caches of the same gazetteer file are stale now.
        for old in cache_path.parent.glob(f"{cache_path.name.split('.geoparse-')[0]}.geoparse-*"):
            if old != cache_path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # read-only directory: keep the in-memory matcher only
        log.info("geoparser cache not written (%s)", exc)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

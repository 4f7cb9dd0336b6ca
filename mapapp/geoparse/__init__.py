"""Find and resolve place mentions in news text (see ``parser`` for the method).

``geoparse(text)`` uses a module-level ``Geoparser`` per gazetteer file, so the name automaton is
loaded once per process; create a ``Geoparser`` yourself to hold one explicitly.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mapapp.geoparse.model import Candidate, Mention
from mapapp.geoparse.parser import Geoparser, Weights, precision_of
from mapapp.geoparse.text import prepare_text

if TYPE_CHECKING:
    from gazetteer import Gazetteer

__all__ = [
    "Candidate",
    "Geoparser",
    "Mention",
    "Weights",
    "default_geoparser",
    "geoparse",
    "precision_of",
    "prepare_text",
]

_LOCK = threading.Lock()
_PARSERS: dict[str, Geoparser] = {}


def default_geoparser(gazetteer: Gazetteer | None = None) -> Geoparser:
    """The cached ``Geoparser`` for ``gazetteer`` (default: the gazetteer at the default path).

    Parsers are kept per gazetteer file; the name automaton is shared per file in any case, so a
    new ``Gazetteer`` object for the same file (one per request, say) costs no reload.
    """
    if gazetteer is None:
        from gazetteer.paths import default_db_path

        key = str(default_db_path())
    else:
        path = getattr(gazetteer, "path", None)
        key = str(path) if path is not None else f"id:{id(gazetteer)}"
    with _LOCK:
        parser = _PARSERS.get(key)
        if parser is None or (gazetteer is not None and parser.gazetteer is not gazetteer):
            if gazetteer is None:
                from gazetteer import Gazetteer

                gazetteer = Gazetteer()
            parser = Geoparser(gazetteer)
            if len(_PARSERS) > 16:  # unbounded growth would pin gazetteers in memory
                _PARSERS.clear()
            _PARSERS[key] = parser
        return parser


def geoparse(
    text: str | bytes, *, focus: Sequence[str] | None = None, gazetteer: Gazetteer | None = None
) -> list[Mention]:
    """Place mentions of ``text``, ordered by ``start``; ``text[start:end]`` is the mention.

    ``focus``: ISO country codes the caller knows the article is about (they win ties).
    HTML input is stripped first; offsets then refer to ``prepare_text(text)``.
    Raises ``ArticleError`` (empty/binary input) and ``PayloadTooLarge`` (above
    ``MAPAPP_MAX_TEXT_CHARS``).
    """
    prepared = prepare_text(text)
    return default_geoparser(gazetteer).parse_prepared(prepared, focus=focus)

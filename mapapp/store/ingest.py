"""The ingestion pipeline: article -> geoparse -> incident extraction -> store (one transaction).

Each article is stored in its own transaction (``IncidentStore.ingest``), so an interrupted batch
keeps every article it finished and none half-written; running the batch again skips the stored
ones (same key and content hash) without geoparsing them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gazetteer.errors import ServiceError
from mapapp.store.base import Article, IncidentStore, IngestResult

if TYPE_CHECKING:
    from gazetteer import Gazetteer


def ingest_article(
    store: IncidentStore,
    layer: str,
    article: Article,
    *,
    gazetteer: Gazetteer | None = None,
) -> IngestResult:
    """Geoparse the article, extract its incidents and store them atomically.

    An article already stored with the same content hash is not parsed again (``unchanged``). ``unresolved`` lists the place-like mentions the gazetteer did not know.
    """
    from mapapp.geoparse import geoparse
    from mapapp.incidents.extract import extract_incidents

    stored = store.get_article(layer, article.key)
    if stored is not None and stored.content_hash == article.content_hash:
        return store.ingest(layer, article, [])
    mentions = geoparse(article.text, gazetteer=gazetteer)
    incidents = extract_incidents(article, mentions, layer=layer, gazetteer=gazetteer)
    result = store.ingest(layer, article, incidents)
    unresolved = sorted({m.text for m in mentions if m.place is None})
    result.unresolved = unresolved
    return result


@dataclass
class IngestSummary:
    """What a batch did: counts per outcome, incidents stored, unresolved places, skipped inputs."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    incidents: int = 0
    unresolved: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)

    @property
    def articles(self) -> int:
        return self.added + self.updated + self.unchanged

    def record(self, result: IngestResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        if result.status != "unchanged":
            self.incidents += result.incidents
        self.unresolved.update(result.unresolved)

    def skip(self, source: str, reason: str) -> None:
        self.skipped += 1
        self.errors.append((source, reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "incidents": self.incidents,
            "unresolved": dict(self.unresolved.most_common()),
            "errors": [{"source": s, "reason": r} for s, r in self.errors],
        }


def ingest_many(
    store: IncidentStore,
    layer: str,
    items: Iterable[Any],
    *,
    gazetteer: Gazetteer | None = None,
    on_item: Callable[[Any, IngestResult | None], None] | None = None,
) -> IngestSummary:
    """Ingest ``Article``s (and skip ``ArticleReadError``s from the readers) one by one.

    A client error for one article (too long, bad incident) is recorded and the batch goes on;
    a server-side error (store or gazetteer unavailable) stops the batch.
    """
    from mapapp.store.articles import ArticleReadError

    summary = IngestSummary()
    for item in items:
        result = None
        if isinstance(item, ArticleReadError):
            summary.skip(item.source, item.reason)
        else:
            try:
                result = ingest_article(store, layer, item, gazetteer=gazetteer)
            except ServiceError as exc:
                if exc.status >= 500:
                    raise  # the store or the gazetteer is unavailable: stop, do not skip all
                summary.skip(str(item.raw.get("source") or item.key), exc.message)
            else:
                summary.record(result)
        if on_item is not None:
            on_item(item, result)
    return summary

"""Read articles from files, directories or stdin: plain text, HTML, JSON and JSONL records.

``read_articles`` yields an ``Article`` per readable article and an ``ArticleReadError`` per
unreadable one (empty, binary, not UTF-8, malformed JSON, a record without text), so one bad
file never stops a batch. A publication date that cannot be read is left empty and the reason is
kept in ``article.raw["published_note"]``: never a guessed date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from mapapp.errors import ArticleError, PayloadTooLarge
from mapapp.store.base import Article

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}

# Record field aliases, first match wins (common news-scraper outputs).
_TEXT_KEYS = ("text", "body", "content", "article", "maintext")
_URL_KEYS = ("url", "link", "source_url")
_TITLE_KEYS = ("title", "headline")
_PUBLISHED_KEYS = ("published", "date", "published_at", "datePublished", "date_publish")
_PUBLISHER_KEYS = ("publisher", "source", "source_domain", "site_name")

_MAX_FILE_BYTES_FACTOR = 8  # a UTF-8 character is at most 4 bytes; HTML adds markup


@dataclass(frozen=True, slots=True)
class ArticleReadError:
    """An input that could not be read as an article: ``source`` names it (file, file:line)."""

    source: str
    reason: str

    def to_error(self) -> ArticleError:
        return ArticleError(f"{self.source}: {self.reason}", source=self.source)


# -- keys and hashes ----------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """NFC, unified line ends, collapsed spaces: formatting noise must not change the key."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\s+", " ", text).strip()


def article_key(text: str, url: str | None) -> str:
    """The URL when there is one, else ``sha256:`` of the normalised text."""
    if url and url.strip():
        return url.strip()
    return "sha256:" + hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def content_hash(text: str, *, title: str | None, published: dt.date | None) -> str:
    """What extraction depends on: the text, the title and the publication date."""
    h = hashlib.sha256()
    for part in (normalise_text(text), title or "", published.isoformat() if published else ""):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def make_article(
    text: str,
    *,
    url: str | None = None,
    title: str | None = None,
    published: dt.date | str | None = None,
    publisher: str | None = None,
    raw: dict[str, Any] | None = None,
) -> Article:
    """Build an ``Article`` (key, content hash, parsed date) from text and metadata.

    Raises ``ArticleError`` for empty text. An unreadable ``published`` string leaves the date
    empty and records why in ``raw["published_note"]``.
    """
    if not isinstance(text, str) or not text.strip():
        raise ArticleError("The article text is empty.")
    raw = dict(raw or {})
    date: dt.date | None
    if isinstance(published, str):
        date, note = parse_published(published)
        if note:
            raw["published_note"] = note
            raw["published_raw"] = published
    elif isinstance(published, dt.datetime):
        date = published.date()
    else:
        date = published
    url = url.strip() if isinstance(url, str) and url.strip() else None
    title = " ".join(title.split()) if isinstance(title, str) and title.strip() else None
    publisher = publisher.strip() if isinstance(publisher, str) and publisher.strip() else None
    return Article(
        key=article_key(text, url),
        text=text,
        content_hash=content_hash(text, title=title, published=date),
        url=url,
        title=title,
        publisher=publisher,
        published=date,
        raw=raw,
    )


# -- dates --------------------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_published(value: str) -> tuple[dt.date | None, str | None]:
    """A publication date from metadata: ``(date, None)`` or ``(None, reason)``.

    Accepts ISO 8601 dates and datetimes (the date as written, in its own time zone), RFC 2822
    (feeds, e-mail) and written-out dates ("14 November 2024", "Nov 14, 2024"). Numeric dates
    are accepted only when unambiguous (11/14/2024 yes, 04/05/2024 no).
    """
    text = value.strip()
    if not text:
        return None, "empty date"
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date(), None
    except ValueError:
        pass
    m = _NUMERIC_DATE.match(text)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12 and b <= 12:
            day, month = a, b
        elif b > 12 and a <= 12:
            month, day = a, b
        elif a == b:
            day = month = a
        else:
            return None, f"ambiguous numeric date {text!r} (day/month order unknown)"
        try:
            return dt.date(year, month, day), None
        except ValueError:
            return None, f"not a calendar date: {text!r}"
    try:
        parsed = email.utils.parsedate_to_datetime(text)
        if parsed is not None:
            return parsed.date(), None
    except (TypeError, ValueError, IndexError):
        pass
    return _parse_words(text)


def _parse_words(text: str) -> tuple[dt.date | None, str | None]:
    from dateutil import parser

    # Two different defaults: a component missing from the text shows up as a difference, so
    # "November 2024" (no day) is refused instead of silently becoming the 1st.
    try:
        d1 = parser.parse(text, default=dt.datetime(1900, 1, 1), fuzzy=False)
        d2 = parser.parse(text, default=dt.datetime(1904, 2, 2), fuzzy=False)
    except (ValueError, OverflowError, parser.ParserError):
        return None, f"unreadable date {text!r}"
    if d1.date() != d2.date():
        return None, f"incomplete date {text!r} (needs day, month and year)"
    return d1.date(), None


# -- readers ------------------------------------------------------------------------------------


def read_articles(
    path_or_dash: str | Path,
    *,
    url: str | None = None,
    title: str | None = None,
    published: dt.date | str | None = None,
    max_chars: int | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Article | ArticleReadError]:
    """Yield the articles of a file, a directory (recursively, sorted) or ``-`` (stdin).

    ``url``, ``title`` and ``published`` are the metadata of a single-article input (a text or
    HTML file, stdin) and override what an HTML page says; for JSON/JSONL records they fill
    only what a record lacks, except ``url`` which would give every record the same key and is
    therefore not applied to multi-record inputs or directories.
    """
    if max_chars is None:
        from mapapp.settings import load

        max_chars = load()["MAX_TEXT_CHARS"]
    overrides = {"url": url, "title": title, "published": published}
    if str(path_or_dash) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from _read_bytes("<stdin>", stream.read(), "", overrides, max_chars)
        return
    path = Path(path_or_dash)
    if path.is_dir():
        if url:
            raise ArticleError("--url applies to a single article, not a directory.")
        for file in _walk(path):
            yield from _read_file(file, {**overrides, "url": None}, max_chars)
        return
    if not path.exists():
        yield ArticleReadError(str(path), "no such file or directory")
        return
    yield from _read_file(path, overrides, max_chars)


def _walk(root: Path) -> Iterator[Path]:
    # Sorted for a reproducible order; hidden files and directories (.git, .DS_Store) skipped.
    for child in sorted(root.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file():
            yield child


def _read_file(
    path: Path, overrides: dict[str, Any], max_chars: int
) -> Iterator[Article | ArticleReadError]:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_chars * _MAX_FILE_BYTES_FACTOR:
            yield ArticleReadError(name, f"file too large ({size} bytes)")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield ArticleReadError(name, f"cannot read: {exc.strerror or exc}")
        return
    yield from _read_bytes(name, data, path.suffix.lower(), overrides, max_chars)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ArticleError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError("not UTF-8 text") from None


def _sniff(text: str) -> str:
    head = text.lstrip()[:1000].lower()
    if head.startswith(("{", "[")):
        return ".jsonl" if _looks_jsonl(text) else ".json"
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<article", "<p>", "<div")):
        return ".html"
    return ".txt"


def _looks_jsonl(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        json.loads(text)
        return False
    except ValueError:
        try:
            json.loads(lines[0])
            return True
        except ValueError:
            return False


def _read_bytes(
    name: str, data: bytes, suffix: str, overrides: dict[str, Any], max_chars: int
) -> Iterator[Article | ArticleReadError]:
    try:
        text = _decode(data)
    except ArticleError as exc:
        yield ArticleReadError(name, exc.message)
        return
    if not text.strip():
        yield ArticleReadError(name, "empty file")
        return
    kind = (
        suffix if suffix in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES else ""
    )
    kind = kind or _sniff(text)
    if kind in JSON_SUFFIXES:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            yield ArticleReadError(name, f"invalid JSON: {exc}")
            return
        records = doc if isinstance(doc, list) else [doc]
        single = not isinstance(doc, list)
        for i, record in enumerate(records, 1):
            where = name if single else f"{name}[{i}]"
            yield _from_record(where, record, overrides, max_chars, single=single)
        return
    if kind in JSONL_SUFFIXES:
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{name}:{lineno}"
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield ArticleReadError(where, f"invalid JSON: {exc}")
                continue
            yield _from_record(where, record, overrides, max_chars, single=False)
        return
    meta: dict[str, Any] = {}
    if kind in HTML_SUFFIXES:
        text, meta = html_to_text(text)
        if not text.strip():
            yield ArticleReadError(name, "no text in the HTML page")
            return
    yield _build(name, text, meta, overrides, max_chars, single=True)


def _pick(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def _from_record(
    where: str, record: Any, overrides: dict[str, Any], max_chars: int, *, single: bool
) -> Article | ArticleReadError:
    if not isinstance(record, dict):
        return ArticleReadError(where, "a record must be a JSON object")
    text = _pick(record, _TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        return ArticleReadError(where, "record has no text")
    meta = {
        "url": _pick(record, _URL_KEYS),
        "title": _pick(record, _TITLE_KEYS),
        "published": _pick(record, _PUBLISHED_KEYS),
        "publisher": _pick(record, _PUBLISHER_KEYS),
    }
    for key in ("url", "title", "publisher"):
        if meta[key] is not None and not isinstance(meta[key], str):
            meta[key] = str(meta[key])
    if meta["published"] is not None and not isinstance(meta["published"], str):
        meta["published"] = str(meta["published"])
    if not single:
        # Options only fill what a record lacks; a shared URL would merge distinct records.
        overrides = {
            "title": None if meta["title"] else overrides.get("title"),
            "published": None if meta["published"] else overrides.get("published"),
            "url": None,
        }
    extra = {k: v for k, v in record.items() if k not in _TEXT_KEYS}
    return _build(where, text, meta, overrides, max_chars, single=single, raw=extra)


def _build(
    where: str,
    text: str,
    meta: dict[str, Any],
    overrides: dict[str, Any],
    max_chars: int,
    *,
    single: bool,
    raw: dict[str, Any] | None = None,
) -> Article | ArticleReadError:
    if len(text) > max_chars:
        err = PayloadTooLarge(f"text longer than {max_chars} characters")
        return ArticleReadError(where, err.message)
    merged = dict(meta)
    for key, value in overrides.items():
        if value not in (None, ""):
            merged[key] = value
    raw = dict(raw or {})
    raw["source"] = where
    try:
        return make_article(
            text,
            url=merged.get("url"),
            title=merged.get("title"),
            published=merged.get("published"),
            publisher=merged.get("publisher"),
            raw=raw,
        )
    except ArticleError as exc:
        return ArticleReadError(where, exc.message)


# -- HTML ---------------------------------------------------------------------------------------

_BLOCKS = "h1, h2, h3, h4, p, li, blockquote, pre"
_DROP = "script, style, noscript, template, nav, header, footer, aside, form, svg, iframe"
_PUBLISHED_META = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="pubdate"]',
    'meta[name="publishdate"]',
    'meta[name="date"]',
    'meta[name="dc.date"]',
    'meta[name="DC.date.issued"]',
    'meta[property="og:published_time"]',
)


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """Visible article text (one paragraph per block) and metadata (title, url, published)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    meta: dict[str, Any] = {}
    node = tree.css_first('meta[property="og:title"]')
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        meta["title"] = title.text(strip=True)
    elif node is not None and node.attributes.get("content"):
        meta["title"] = node.attributes["content"]
    for selector in ('meta[property="og:url"]', 'link[rel="canonical"]'):
        node = tree.css_first(selector)
        if node is not None:
            value = node.attributes.get("content") or node.attributes.get("href")
            if value and value.strip().lower().startswith(("http://", "https://")):
                meta["url"] = value.strip()
                break
    for selector in (*_PUBLISHED_META, "time[datetime]"):
        node = tree.css_first(selector)
        if node is not None:
            value = node.attributes.get("content") or node.attributes.get("datetime")
            if value and value.strip():
                meta["published"] = value.strip()
                break
    node = tree.css_first('meta[property="og:site_name"]')
    if node is not None and node.attributes.get("content"):
        meta["publisher"] = node.attributes["content"]
    for junk in tree.css(_DROP):
        junk.decompose()
    root = tree.css_first("article") or tree.body or tree.root
    if root is None:
        return "", meta
    paragraphs = []
    for block in root.css(_BLOCKS):
        # Nested blocks (a <p> inside an <li>) are read once, with their parent.
        parent, nested = block.parent, False
        while parent is not None and parent.tag not in {"article", "body", "html"}:
            if parent.tag in {"p", "li", "blockquote", "pre", "h1", "h2", "h3", "h4"}:
                nested = True
                break
            parent = parent.parent
        if nested:
            continue
        words = " ".join(block.text(deep=True, separator="").split())
        if words:
            paragraphs.append(words)
    if not paragraphs:
        words = " ".join(root.text(deep=True, separator=" ").split())
        paragraphs = [words] if words else []
    return "\n\n".join(paragraphs), meta

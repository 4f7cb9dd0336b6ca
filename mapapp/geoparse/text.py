"""Input checks and HTML stripping: what the geoparser accepts, and the text its offsets refer to.

Plain text is used as given, so mention offsets index the caller's string. HTML (detected by its
tags) is reduced to its visible text first; offsets then refer to that stripped text, which
``Geoparser.prepare`` returns so callers can keep it.
"""

from __future__ import annotations

import re

from mapapp.errors import ArticleError, PayloadTooLarge

# A document that opens with markup or carries several block/inline tags is HTML; a lone "<" in
# prose ("x < y") is not.
_HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|p|div|br|span|a\s|article|section|h[1-6]|li|ul|table|script"
    r"|style|meta|title|strong|em|b|i)\b[^>]*>",
    re.IGNORECASE,
)
# Block-level tags: a newline goes before each so paragraphs do not run together once stripped.
_BLOCK_TAG = re.compile(
    r"<(/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|blockquote"
    r"|title|figcaption|figure|main|aside|nav|pre|dd|dt|hr)\b)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
# C0 controls other than tab, newline, carriage return, form feed: their presence marks binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def looks_like_html(text: str) -> bool:
    """True when ``text`` carries HTML tags (at least two, or a document opening with one)."""
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml")):
        return True
    for hits, _ in enumerate(_HTML_HINT.finditer(text, 0, min(len(text), 200_000)), start=1):
        if hits >= 2:
            return True
    return False


def strip_html(html: str) -> str:
    """The visible text of an HTML document or fragment (scripts and styles dropped)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_BLOCK_TAG.sub(r"\n<\1", html))
    tree.strip_tags(["script", "style", "noscript", "template", "svg", "iframe", "head"])
    root = tree.body or tree.root
    text = root.text(separator="") if root is not None else ""
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def prepare_text(text: object, *, max_chars: int | None = None) -> str:
    """Validate an article and return the text to geoparse.

    Raises ``ArticleError`` for non-text, binary or empty input and ``PayloadTooLarge`` above
    ``max_chars`` (default: the ``MAPAPP_MAX_TEXT_CHARS`` setting).
    """
    if max_chars is None:
        from mapapp.settings import load

        max_chars = int(load()["MAX_TEXT_CHARS"])
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if len(raw) > 4 * max_chars:
            raise PayloadTooLarge(
                f"The article is larger than the limit of {max_chars:,} characters.",
                limit=max_chars,
            )
        if b"\x00" in raw[:65536]:
            raise ArticleError("The article is binary data, not text.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ArticleError("The article is not valid UTF-8 text.") from None
    if not isinstance(text, str):
        raise ArticleError(f"The article must be text, not {type(text).__name__}.")
    if len(text) > max_chars:
        raise PayloadTooLarge(
            f"The article has {len(text):,} characters; the limit is {max_chars:,} "
            "(MAPAPP_MAX_TEXT_CHARS).",
            limit=max_chars,
            length=len(text),
        )
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise ArticleError("The article is binary data, not text.")
    if looks_like_html(text):
        text = strip_html(text)
    if not text.strip():
        raise ArticleError("The article is empty.")
    return text

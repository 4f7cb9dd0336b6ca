"""Article readers: text, HTML, JSON, JSONL, directories, stdin; bad inputs skipped by name."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from mapapp.errors import ArticleError
from mapapp.store.articles import (
    ArticleReadError,
    article_key,
    html_to_text,
    make_article,
    parse_published,
    read_articles,
)
from mapapp.store.base import Article

D = dt.date
TEXT = "Israeli airstrikes hit two residential buildings in Mazzeh on Thursday."


def read(path, **kw) -> list:
    return list(read_articles(path, max_chars=100_000, **kw))


def test_plain_text_with_options(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT + "\n", encoding="utf-8")
    [a] = read(f, url="https://ex.org/a", title="Strikes", published=D(2024, 11, 14))
    assert isinstance(a, Article)
    assert (a.key, a.url, a.title, a.published) == (
        "https://ex.org/a",
        "https://ex.org/a",
        "Strikes",
        D(2024, 11, 14),
    )
    assert a.text.strip() == TEXT
    [b] = read(f)
    assert b.key.startswith("sha256:") and b.url is None and b.published is None


def test_key_ignores_formatting_but_hash_sees_content() -> None:
    a = make_article("Strikes  hit\r\nMazzeh.")
    b = make_article("Strikes hit Mazzeh.\n")
    assert a.key == b.key and a.content_hash == b.content_hash
    c = make_article("Strikes hit Mezzeh.")
    assert c.key != a.key
    # Same URL, new text or new date: same key, new content hash (an update).
    u1 = make_article("v1", url="https://ex.org/x")
    u2 = make_article("v2", url="https://ex.org/x")
    u3 = make_article("v1", url="https://ex.org/x", published="2024-11-15")
    assert u1.key == u2.key == u3.key
    assert len({u1.content_hash, u2.content_hash, u3.content_hash}) == 3
    assert article_key("x", " https://ex.org/y ") == "https://ex.org/y"


def test_empty_text_is_an_article_error() -> None:
    with pytest.raises(ArticleError):
        make_article("   \n")


def test_html_text_and_metadata(tmp_path: Path) -> None:
    html = """<!doctype html><html><head><title> Strikes on  Mazzeh </title>
    <meta property="og:url" content="https://news.example/mazzeh">
    <meta property="article:published_time" content="2024-11-14T23:30:00+02:00">
    <meta property="og:site_name" content="Example News">
    <script>var tracking = "Aleppo";</script><style>p {color: red}</style></head>
    <body><nav>Home | Beirut | Gaza</nav>
    <article><h1>Strikes</h1><p>Israeli strikes hit <a href="/m">Mazzeh</a>, a suburb of
    Damascus.</p><ul><li><p>Nested paragraph</p></li></ul></article>
    <footer>Copyright Homs</footer></body></html>"""
    f = tmp_path / "page.html"
    f.write_text(html, encoding="utf-8")
    [a] = read(f)
    assert a.url == a.key == "https://news.example/mazzeh"
    assert a.title == "Strikes on Mazzeh"
    assert a.publisher == "Example News"
    assert a.published == D(2024, 11, 14)  # the date as published, in its own time zone
    assert "Israeli strikes hit Mazzeh, a suburb of Damascus." in a.text
    assert a.text.count("Nested paragraph") == 1
    for hidden in ("tracking", "Aleppo", "Beirut", "Homs", "color"):
        assert hidden not in a.text
    # Options override what the page says for a single article.
    [b] = read(f, title="Mine", published=D(2024, 11, 13))
    assert (b.title, b.published) == ("Mine", D(2024, 11, 13))


def test_html_without_paragraphs_falls_back_to_body_text() -> None:
    text, meta = html_to_text("<html><body><div>Clashes in <b>Homs</b> today</div></body></html>")
    assert text == "Clashes in Homs today"
    assert meta == {}


def test_html_bad_published_meta_is_left_empty_with_reason(tmp_path: Path) -> None:
    f = tmp_path / "p.htm"
    f.write_text(
        '<html><head><meta name="date" content="last Thursday"></head><body><p>x y</p></body>',
        encoding="utf-8",
    )
    [a] = read(f)
    assert a.published is None
    assert "last Thursday" in a.raw["published_note"]


def test_json_object_and_list(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps(
            {
                "text": TEXT,
                "url": "https://ex.org/1",
                "title": "T",
                "published": "2024-11-14",
                "publisher": "P",
                "lang": "en",
            }
        ),
        encoding="utf-8",
    )
    [a] = read(one)
    assert (a.url, a.title, a.published, a.publisher) == (
        "https://ex.org/1",
        "T",
        D(2024, 11, 14),
        "P",
    )
    assert a.raw["lang"] == "en"
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps([{"text": "A b", "url": "u1"}, {"title": "no text"}, 42, {"body": "C d"}]),
        encoding="utf-8",
    )
    items = read(many, published=D(2024, 1, 1))
    assert [type(i).__name__ for i in items] == [
        "Article",
        "ArticleReadError",
        "ArticleReadError",
        "Article",
    ]
    assert items[1].source.endswith("many.json[2]") and "no text" in items[1].reason
    assert items[0].published == D(2024, 1, 1)  # option fills a missing date


def test_jsonl_bad_lines_are_reported_by_line(tmp_path: Path) -> None:
    f = tmp_path / "feed.jsonl"
    f.write_text(
        '{"text": "A b", "url": "u1", "published": "2024-11-14"}\n'
        "\n"
        "not json\n"
        '{"text": "", "url": "u2"}\n'
        '{"text": "C d", "date": "Thu, 14 Nov 2024 08:00:00 GMT"}\n',
        encoding="utf-8",
    )
    items = read(f, url="https://ignored.example")
    assert isinstance(items[0], Article) and items[0].key == "u1"
    assert isinstance(items[1], ArticleReadError) and items[1].source.endswith("feed.jsonl:3")
    assert isinstance(items[2], ArticleReadError) and items[2].source.endswith("feed.jsonl:4")
    assert isinstance(items[3], Article) and items[3].published == D(2024, 11, 14)
    assert items[3].url is None  # --url is not spread over many records


def test_directory_recursive_sorted_and_bad_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("second article text", encoding="utf-8")
    (tmp_path / "a.txt").write_text("first article text", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 in Homs".encode("latin-1"))
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "c.html").write_text("<html><body><p>third</p></body></html>", encoding="utf-8")
    items = read(tmp_path)
    summary = [
        (Path(i.raw["source"]).name if isinstance(i, Article) else Path(i.source).name)
        for i in items
    ]
    assert summary == ["a.txt", "2.txt", "c.html", "empty.txt", "image.png", "latin1.txt"]
    errors = {Path(i.source).name: i.reason for i in items if isinstance(i, ArticleReadError)}
    assert errors == {
        "empty.txt": "empty file",
        "image.png": "binary file, not text",
        "latin1.txt": "not UTF-8 text",
    }
    with pytest.raises(ArticleError):
        read(tmp_path, url="https://ex.org/one")


def test_missing_file_and_too_long(tmp_path: Path) -> None:
    [err] = read(tmp_path / "nope.txt")
    assert isinstance(err, ArticleReadError) and "no such file" in err.reason
    f = tmp_path / "long.txt"
    f.write_text("word " * 70, encoding="utf-8")
    [err] = list(read_articles(f, max_chars=50))
    assert isinstance(err, ArticleReadError) and "longer than 50" in err.reason
    assert err.to_error().status == 400


def test_stdin_sniffs_format() -> None:
    items = list(
        read_articles("-", stdin=io.BytesIO(b'{"text": "From stdin", "url": "u"}'), max_chars=1000)
    )
    assert items[0].key == "u"
    html = b"<html><head><title>T</title></head><body><p>Para</p></body></html>"
    [a] = list(read_articles("-", stdin=io.BytesIO(html), max_chars=1000))
    assert (a.title, a.text) == ("T", "Para")
    jsonl = b'{"text": "one"}\n{"text": "two"}\n'
    assert len(list(read_articles("-", stdin=io.BytesIO(jsonl), max_chars=1000))) == 2
    [err] = list(read_articles("-", stdin=io.BytesIO(b""), max_chars=1000))
    assert err.source == "<stdin>" and err.reason == "empty file"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-11-14", D(2024, 11, 14)),
        ("2024-11-14T08:00:00Z", D(2024, 11, 14)),
        ("2024-11-14T23:30:00-05:00", D(2024, 11, 14)),
        ("Thu, 14 Nov 2024 08:00:00 +0000", D(2024, 11, 14)),
        ("14 November 2024", D(2024, 11, 14)),
        ("November 14, 2024", D(2024, 11, 14)),
        ("11/14/2024", D(2024, 11, 14)),
        ("14/11/2024", D(2024, 11, 14)),
        ("05/05/2024", D(2024, 5, 5)),
    ],
)
def test_parse_published_ok(text: str, expected: dt.date) -> None:
    assert parse_published(text) == (expected, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("04/05/2024", "ambiguous"),
        ("November 2024", "incomplete"),
        ("2024", "incomplete"),
        ("last Thursday", "unreadable"),
        ("31/02/2024", "not a calendar date"),
        ("", "empty"),
    ],
)
def test_parse_published_refuses_to_guess(text: str, reason: str) -> None:
    date, why = parse_published(text)
    assert date is None and reason in why

"""Find date expressions in a sentence and resolve them against a reference date.

The reference is the article's publication date, else a dateline found near the top of the text
("Thursday, 11/14/2024", "Published 14 November 2024"). Precision follows ACLED: ``day``,
``week`` or ``month``. Conventions: a week-precision date is the Monday of that week, a
month-precision date is the 1st of the month. A date that cannot be read with confidence (no
reference for "on Thursday", an ambiguous "05/06/2024", a weekday that contradicts the date, a
year-only mention) resolves to ``None`` with a ``note`` giving the reason: never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "a": 1, "an": 1,
}  # fmt: skip

_MON = r"(?P<mon>(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?)"
_WD = r"(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        "numeric",
        re.compile(_WD + r"\b(?P<a>[01]?\d|[23]\d)/(?P<b>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b"),
    ),
    ("month_day", re.compile(_WD + r"\b" + _MON + r"\s+" + _DAY + r"\b" + _YEAR)),
    ("day_month", re.compile(_WD + r"\b" + _DAY + r"\s+(?:of\s+)?" + _MON + r"\b" + _YEAR)),
    ("month_year", re.compile(r"\b" + _MON + r",?\s+(?P<year>(?:19|20)\d\d)\b")),
    (
        "relative_day",
        re.compile(
            r"\b(?P<rel>the day before yesterday|yesterday|today|tonight|"
            # "overnight Tuesday", "last night into Monday": the weekday dates it.
            r"(?:last night|overnight)(?!\s+(?:on\s+|into\s+|to\s+)?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))|"
            r"this (?:morning|afternoon|evening)|(?P<n>\d+|one|two|three|four|five|six|seven|"
            r"eight|nine|ten|a) days? (?:ago|earlier))\b",
            re.I,
        ),
    ),
    (
        "ago",
        re.compile(
            r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few) "
            r"(?P<unit>weeks?|months?|years?|decades?) ago\b",
            re.I,
        ),
    ),
    (
        "relative_week",
        re.compile(r"\b(?P<rel>(?:earlier |late |early )?(?:last|this|past) week)\b", re.I),
    ),
    (
        "relative_month",
        re.compile(
            r"\b(?P<rel>(?:earlier|later) (?:this|in the) month|(?:early |late )?(?:last|this) month)\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?P<mod>last |this |on |early |late |(?:early |late )?on )?"
            r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
            r"(?:'s)?(?: (?:morning|afternoon|evening|night))?\b"
        ),
    ),
    (
        "anaphoric",
        re.compile(
            r"\b(?P<rel>(?:on |later )?(?:the same|that) (?:day|night|morning|evening|afternoon))\b",
            re.I,
        ),
    ),
    (
        "month_only",
        re.compile(r"\b(?i:in|since|during|early|late|mid-?|and|or|of) " + _MON + r"\b"),
    ),
    (
        "year_only",
        re.compile(r"\b(?P<rel>(?:in|since|during) (?:19|20)\d\d|last year|this year)\b", re.I),
    ),
]


@dataclass(slots=True)
class DateExpr:
    """A date expression at ``start:end`` of the sentence it was found in."""

    start: int
    end: int
    text: str
    kind: str
    date: dt.date | None
    precision: str | None
    note: str | None = None

    @property
    def resolved(self) -> bool:
        return self.date is not None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, ref: dt.date | None, year_hint: int | None) -> int | None:
    """A yearless "October 26": the sentence's own year, else the latest one not after ``ref``."""
    if year_hint is not None:
        return year_hint
    if ref is None:
        return None
    cand = _safe_date(ref.year, month, day)
    # Leave a few days of slack: articles are sometimes dated a little before an event they
    # announce, but a date months after publication means last year.
    if cand is None or cand > ref + dt.timedelta(days=7):
        return ref.year - 1
    return ref.year


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _check_weekday(expr: DateExpr, wd: str | None) -> DateExpr:
    if wd and expr.date is not None and expr.date.weekday() != WEEKDAYS[wd.lower()]:
        expr.note = f"'{expr.text}': the weekday contradicts the date"
        expr.date = None
        expr.precision = None
    return expr


def _resolve(kind: str, m: re.Match[str], ref: dt.date | None, year_hint: int | None) -> DateExpr:
    text = m.group(0)
    gd = m.groupdict()
    expr = DateExpr(m.start(), m.end(), text, kind, None, None)
    no_ref = f"'{text.strip()}' is relative and there is no publication date or dateline"
    if kind == "iso":
        expr.date = _safe_date(int(gd["year"]), int(gd["m"]), int(gd["d"]))
    elif kind == "numeric":
        a, b, year = int(gd["a"]), int(gd["b"]), int(gd["year"])
        options = {d for d in (_safe_date(year, a, b), _safe_date(year, b, a)) if d is not None}
        if gd.get("wd"):
            options = {d for d in options if d.weekday() == WEEKDAYS[gd["wd"].lower()]}
        if len(options) > 1 and ref is not None:
            near = [d for d in options if d <= ref + dt.timedelta(days=1)]
            options = {max(near)} if len(near) == 1 else options
        if len(options) == 1:
            expr.date = options.pop()
        else:
            expr.note = f"'{text}' is ambiguous (month/day order) or invalid"
    elif kind in ("month_day", "day_month"):
        month = MONTHS[gd["mon"].rstrip(".").lower()]
        day = int(gd["day"])
        year = int(gd["year"]) if gd.get("year") else _infer_year(month, day, ref, year_hint)
        if year is None:
            expr.note = f"'{text}' has no year and there is no publication date or dateline"
        else:
            expr.date = _safe_date(year, month, day)
            if expr.date is None:
                expr.note = f"'{text}' is not a valid date"
    elif kind == "month_year":
        expr.date = dt.date(int(gd["year"]), MONTHS[gd["mon"].rstrip(".").lower()], 1)
        expr.precision = "month"
    elif kind == "month_only":
        month = MONTHS[gd["mon"].rstrip(".").lower()]
        year = year_hint or (_infer_year(month, 1, ref, None) if ref else None)
        if year is None:
            expr.note = f"'{text}' has no year and there is no publication date or dateline"
        else:
            expr.date = dt.date(year, month, 1)
            expr.precision = "month"
    elif kind == "relative_day":
        rel = gd["rel"].lower()
        if ref is None:
            expr.note = no_ref
        elif rel == "yesterday" or rel == "last night":
            expr.date = ref - dt.timedelta(days=1)
        elif rel == "the day before yesterday":
            expr.date = ref - dt.timedelta(days=2)
        elif gd.get("n"):
            n = gd["n"].lower()
            expr.date = ref - dt.timedelta(days=int(n) if n.isdigit() else NUMBER_WORDS[n])
        else:  # today, tonight, this morning, overnight
            expr.date = ref
    elif kind == "relative_week":
        rel = gd["rel"].lower()
        if ref is None:
            expr.note = no_ref
        else:
            back = 7 if "last" in rel or ("past" in rel and "this" not in rel) else 0
            expr.date = _monday(ref - dt.timedelta(days=back))
            expr.precision = "week"
    elif kind == "relative_month":
        rel = gd["rel"].lower()
        if ref is None:
            expr.note = no_ref
        else:
            base = ref - relativedelta(months=1) if "last" in rel else ref
            expr.date = base.replace(day=1)
            expr.precision = "month"
    elif kind == "weekday":
        mod = (gd.get("mod") or "").strip().lower()
        if ref is None:
            expr.note = no_ref
        else:
            back = (ref.weekday() - WEEKDAYS[gd["wd"].lower()]) % 7
            if mod == "last" and back == 0:
                back = 7
            expr.date = ref - dt.timedelta(days=back)
    elif kind == "ago":
        unit = gd["unit"].lower().rstrip("s")
        n_text = gd["n"].lower()
        n = int(n_text) if n_text.isdigit() else NUMBER_WORDS.get(n_text)
        if unit in ("year", "decade") or n is None:
            expr.kind = "year_only"  # "seven years ago": history, not this article's event
            expr.note = f"'{text}' gives only a year"
        elif ref is None:
            expr.note = no_ref
        elif unit == "week":
            expr.date = _monday(ref - dt.timedelta(weeks=n))
            expr.precision = "week"
        else:
            expr.date = (ref - relativedelta(months=n)).replace(day=1)
            expr.precision = "month"
    elif kind == "anaphoric":
        expr.note = f"'{text}' refers to a date given earlier"
    elif kind == "year_only":
        expr.note = f"'{text}' gives only a year"
    if expr.date is not None and expr.precision is None:
        expr.precision = "day"
    return _check_weekday(expr, gd.get("wd") if kind != "weekday" else None)


def find_dates(sentence: str, ref: dt.date | None) -> list[DateExpr]:
    """Date expressions of ``sentence`` in text order; overlapping matches keep the first kind."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            # "May" is a month only next to a year or after a clear preposition.
            if (
                kind == "month_only"
                and m.group("mon").startswith("May")
                and not m.group(0).lower().startswith(("in ", "since "))
            ):
                continue
            taken.append((m.start(), m.end()))
            found.append((kind, m))
    years = {int(m.group("year")) for _k, m in found if m.groupdict().get("year")}
    year_hint = years.pop() if len(years) == 1 else None
    # "the October 7 attack last year": the sentence's own year is last year.
    if (
        year_hint is None
        and ref is not None
        and any(m.group(0).lower() == "last year" for _k, m in found)
    ):
        year_hint = ref.year - 1
    out = [_resolve(kind, m, ref, year_hint) for kind, m in found]
    return sorted(out, key=lambda e: e.start)


_DATELINE_FILLER = re.compile(
    r"\b(published|updated|posted|last|on|at|gmt|utc|am|pm|edt|est|cet|\d\d?:\d\d)\b|[\W_]+", re.I
)


def find_reference_date(sentences: list[str], *, max_sentences: int = 8) -> dt.date | None:
    """A dateline near the top: a short line that is (nearly) only a full date with a year."""
    for text in sentences[:max_sentences]:
        if len(text) > 80:
            continue
        for expr in find_dates(text, None):
            if expr.date is None or expr.precision != "day" or expr.kind == "weekday":
                continue
            rest = text[: expr.start] + " " + text[expr.end :]
            if not _DATELINE_FILLER.sub(" ", rest).split():
                return expr.date
            if re.match(r"^\s*(published|updated|posted)\b", rest, re.I):
                return expr.date
    return None

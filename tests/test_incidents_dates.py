"""Date expressions resolved against a reference date, and the dateline."""

from __future__ import annotations

import datetime as dt

import pytest

from mapapp.incidents.dates import find_dates, find_reference_date

REF = dt.date(2024, 11, 14)  # a Thursday


def one(text: str, ref: dt.date | None = REF):
    found = find_dates(text, ref)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("on Thursday", dt.date(2024, 11, 14), "day"),
        ("on Monday", dt.date(2024, 11, 11), "day"),
        ("last Thursday", dt.date(2024, 11, 7), "day"),
        ("Thursday afternoon", dt.date(2024, 11, 14), "day"),
        ("yesterday", dt.date(2024, 11, 13), "day"),
        ("three days ago", dt.date(2024, 11, 11), "day"),
        ("last week", dt.date(2024, 11, 4), "week"),
        ("earlier this month", dt.date(2024, 11, 1), "month"),
        ("last month", dt.date(2024, 10, 1), "month"),
        ("on October 26", dt.date(2024, 10, 26), "day"),
        ("on November 14, 2024", dt.date(2024, 11, 14), "day"),
        ("14 November 2024", dt.date(2024, 11, 14), "day"),
        ("11/14/2024", dt.date(2024, 11, 14), "day"),
        ("14/11/2024", dt.date(2024, 11, 14), "day"),
        ("2024-11-14", dt.date(2024, 11, 14), "day"),
        ("in February 2020", dt.date(2020, 2, 1), "month"),
        ("on December 30", dt.date(2023, 12, 30), "day"),  # months ahead: last year
    ],
)
def test_resolves_against_publication_date(text: str, date: dt.date, precision: str) -> None:
    expr = one(text)
    assert (expr.date, expr.precision) == (date, precision)
    assert expr.note is None


def test_sentence_year_and_last_year_give_the_year() -> None:
    found = find_dates("In April and October 2024, with the October 1 assault", dt.date(2025, 3, 1))
    assert [e.date for e in found] == [
        dt.date(2024, 4, 1),
        dt.date(2024, 10, 1),
        dt.date(2024, 10, 1),
    ]
    days = [e for e in find_dates("the October 7 attack last year", REF) if e.precision == "day"]
    assert days[0].date == dt.date(2023, 10, 7)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Friday, November 14, 2024", "contradicts"),
        ("05/06/2024", "ambiguous"),
        ("February 30, 2024", "not a valid date"),
        ("in 2011", "only a year"),
    ],
)
def test_unreadable_dates_are_none_with_a_reason(text: str, reason: str) -> None:
    expr = one(text)
    assert expr.date is None
    assert reason in expr.note


def test_relative_dates_without_reference_are_none_with_a_reason() -> None:
    for text in ("on Thursday", "yesterday", "last week", "on October 26"):
        expr = one(text, None)
        assert expr.date is None
        assert "no publication date" in expr.note


def test_may_the_modal_is_not_a_month() -> None:
    assert find_dates("The strikes may resume", REF) == []
    assert one("in May 2023").date == dt.date(2023, 5, 1)


def test_dateline_near_the_top() -> None:
    assert find_reference_date(["Headline here", "Thursday, 11/14/2024", "Body."]) == REF
    assert find_reference_date(["Published: 14 November 2024 10:32 GMT"]) == REF
    # A date inside a long sentence is an event date, not a dateline.
    assert (
        find_reference_date(["Israel launched a series of strikes on Iran on October 26, 2024."])
        is None
    )
    assert find_reference_date(["on Thursday"]) is None

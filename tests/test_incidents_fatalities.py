"""Killed / injured counts, exact and vague."""

from __future__ import annotations

import pytest

from mapapp.incidents.fatalities import parse_number, read_fatalities


@pytest.mark.parametrize(
    ("sentence", "killed", "lower"),
    [
        ("Several people were killed and injured on Thursday", 3, True),
        ("At least 12 civilians were killed in shelling", 12, True),
        ("The strike killed three people, including a child.", 3, False),
        ("The death toll rose to 45 on Friday.", 45, False),
        ("Dozens of people died in the attack.", 12, True),
        ("killing at least twenty-three and wounding dozens", 23, True),
        ("More than 20 protesters were killed", 20, True),
        ("In 2023, 5 soldiers died in the ambush.", 5, False),
        ("1,200 people were killed", 1200, False),
    ],
)
def test_killed(sentence: str, killed: int, lower: bool) -> None:
    count, _ = read_fatalities(sentence)
    assert count is not None
    assert (count.value, count.lower_bound) == (killed, lower)


def test_injured_are_kept_apart_from_killed() -> None:
    killed, injured = read_fatalities("Four people were killed and 20 injured.")
    assert killed.value == 4
    assert injured.value == 20
    killed, injured = read_fatalities("More than 20 people were wounded.")
    assert killed is None
    assert (injured.value, injured.lower_bound) == (20, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "No one was hurt.",
        "A 12-year-old boy was detained.",
        "The year 2024 was deadly.",
        "Talks resumed.",
    ],
)
def test_no_count(sentence: str) -> None:
    killed, injured = read_fatalities(sentence)
    assert killed is None
    assert injured is None


def test_parse_number() -> None:
    assert parse_number("twenty-three") == (23, False)
    assert parse_number("several") == (3, True)
    assert parse_number("hundreds") == (100, True)
    assert parse_number("banana") == (None, False)

"""Closed days: the SPEC's national holidays and an organisation's own closing days."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.domain import closed_day, national_closed_days

STUDY_DAY = date(2026, 3, 11)
OWN_CLOSING_DAYS = {STUDY_DAY: "Studiedag"}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), "New Year's Day"),
        (date(2026, 4, 3), None),  # Good Friday
        (date(2026, 4, 5), None),  # Easter Sunday
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 4, 27), "King's Day"),
        (date(2025, 4, 26), "King's Day"),  # 27 April 2025 is a Sunday
        (date(2025, 4, 27), None),
        (date(2025, 5, 5), "Liberation Day"),
        (date(2030, 5, 5), "Liberation Day"),
        (date(2026, 5, 5), None),
        (date(2029, 5, 5), None),
        (date(2026, 5, 14), "Ascension Day"),
        (date(2016, 5, 5), "Ascension Day"),  # 5 May, but not a lustrum year
        (date(2005, 5, 5), "Liberation Day / Ascension Day"),
        (date(2026, 5, 24), None),  # Whit Sunday
        (date(2026, 5, 25), "Whit Monday"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Boxing Day"),
        (date(2026, 12, 31), None),
        (date(2026, 3, 10), None),
        (STUDY_DAY, "Studiedag"),
    ],
)
def test_closed_day_in_english(day: date, expected: str | None) -> None:
    assert closed_day(day, OWN_CLOSING_DAYS, language="en") == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 4, 26), "Koningsdag"),
        (date(2025, 5, 5), "Bevrijdingsdag"),
        (date(2026, 5, 25), "Tweede pinksterdag"),
        (date(2026, 12, 26), "Tweede kerstdag"),
        (date(2026, 4, 3), None),
        (STUDY_DAY, "Studiedag"),
    ],
)
def test_closed_day_defaults_to_dutch(day: date, expected: str | None) -> None:
    assert closed_day(day, OWN_CLOSING_DAYS) == expected


def test_a_national_holiday_keeps_its_name_over_an_own_closing_day() -> None:
    assert closed_day(date(2026, 12, 25), {date(2026, 12, 25): "Kerstsluiting"}) == (
        "Eerste kerstdag"
    )


def test_another_organisations_closing_days_do_not_leak_in() -> None:
    assert closed_day(STUDY_DAY, {}) is None


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2025,
            {
                date(2025, 1, 1),
                date(2025, 4, 21),
                date(2025, 4, 26),
                date(2025, 5, 5),
                date(2025, 5, 29),
                date(2025, 6, 9),
                date(2025, 12, 25),
                date(2025, 12, 26),
            },
        ),
        (
            2026,
            {
                date(2026, 1, 1),
                date(2026, 4, 6),
                date(2026, 4, 27),
                date(2026, 5, 14),
                date(2026, 5, 25),
                date(2026, 12, 25),
                date(2026, 12, 26),
            },
        ),
    ],
)
def test_a_year_has_exactly_the_spec_holidays(year: int, expected: set[date]) -> None:
    assert set(national_closed_days(year)) == expected


def test_each_year_is_computed_once() -> None:
    assert national_closed_days(2027) is national_closed_days(2027)

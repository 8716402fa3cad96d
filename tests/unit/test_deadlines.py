"""Months are counted from a day to the same day, clamped to the month's end."""

from datetime import date

import pytest

from shared.deadlines import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 2), 2, date(2027, 1, 2)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 15), 1, date(2026, 4, 15)),
        (date(2026, 1, 15), 14, date(2027, 3, 15)),
    ],
)
def test_months_are_calendar_months_clamped_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected

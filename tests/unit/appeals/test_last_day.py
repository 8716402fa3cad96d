"""The console names the last day to decide, not the first moment of the day after."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.appeals.domain.deadlines import start_of
from services.appeals.entrypoints.templating import _last_day


def test_a_deadline_at_midnight_is_shown_as_the_day_before():
    # L231-4: two months of silence after a recours received on 7 December 2026 make a
    # rejection on 7 February 2027; the decision must exist on 6 February at the latest.
    assert _last_day(start_of(date(2027, 2, 7))) == "6 février 2027"


def test_a_deadline_during_the_day_is_that_day():
    assert _last_day(datetime(2026, 12, 17, 19, 2, tzinfo=UTC)) == "17 décembre 2026"
    assert _last_day(None) == "—"

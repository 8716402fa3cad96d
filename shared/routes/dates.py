"""The dates of each route, counted from the day the person received the decision.

Two dates per route, both from the same start:
- `last_day`, the one shown to the person: the same day `months` later (`add_months`). It is
  safe: acting by then is always in time.
- `in_time_until`, the one used to call a filing late: the delay is franc and a last day
  falling on a Saturday, Sunday or public holiday moves to the next working day. A recours
  gracieux or hiérarchique must be made within the court delay to interrupt it, so it is
  counted like that delay: franc (CE, 19 septembre 2014, n° 362568; CE, 5 octobre 2018,
  n° 409579: the last day is the day after the deadline day), and prorogated to the next
  working day (the same decisions, applying article 642 of the code de procédure civile).
  Calling a filing late wrongly would take a right away; this end is the generous one.

The start is the notification date when the back office gives it (`notified_on` in
decision.v1), else the decision date: a person who received the letter later has more time,
never less, and the texts say so plainly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.deadlines import add_months
from shared.french import PARIS
from shared.routes.model import OBSERVATIONS, Recourse, Route


@dataclass(frozen=True)
class Start:
    day: date
    notified: bool  # True: the notification date; False: the decision date, said plainly

    @classmethod
    def of(cls, decided_at: datetime | date, notified_on: date | str | None) -> Start:
        if notified_on:
            day = date.fromisoformat(notified_on) if isinstance(notified_on, str) else notified_on
            return cls(day, True)
        if isinstance(decided_at, datetime):
            local = decided_at.astimezone(PARIS) if decided_at.tzinfo else decided_at
            return cls(local.date(), False)
        return cls(decided_at, False)


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * ell) // 433
    month = (h + ell - 7 * m + 90) // 25
    return date(year, month, (h + ell - 7 * m + 33 * month + 19) % 32)


def public_holidays(year: int) -> frozenset[date]:
    """The fêtes légales of the code du travail, article L3133-1 (metropolitan list)."""
    sunday = easter(year)
    return frozenset(
        {
            date(year, 1, 1),
            sunday + timedelta(days=1),
            date(year, 5, 1),
            date(year, 5, 8),
            sunday + timedelta(days=39),
            sunday + timedelta(days=50),
            date(year, 7, 14),
            date(year, 8, 15),
            date(year, 11, 1),
            date(year, 11, 11),
            date(year, 12, 25),
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def franc_end(start: date, months: int) -> date:
    """The last day a filing is in time for a délai franc of `months` from `start`."""
    return next_working_day(add_months(start, months) + timedelta(days=1))


@dataclass(frozen=True)
class DatedRoute:
    route: Route
    last_day: date | None  # shown to the person
    in_time_until: date | None  # used to flag a late filing

    def past(self, today: date) -> bool:
        return self.last_day is not None and today > self.last_day

    def in_time(self, filed_on: date) -> bool:
        return self.in_time_until is None or filed_on <= self.in_time_until


def date_route(route: Route, start: Start) -> DatedRoute:
    if route.kind == OBSERVATIONS:
        if not route.days:
            return DatedRoute(route, None, None)
        last = start.day + timedelta(days=route.days)
        # Observations are due before the measure becomes final: no franc day is added,
        # but a period ending on a day off ends on the next working day.
        return DatedRoute(route, last, next_working_day(last))
    months = route.months or 2
    return DatedRoute(route, add_months(start.day, months), franc_end(start.day, months))


@dataclass(frozen=True)
class Plan:
    """Every route of one decision, dated; the court's delay when the person may go there
    directly (never before a mandatory prior appeal, never for a preparatory measure)."""

    recourse: Recourse
    start: Start
    routes: tuple[DatedRoute, ...]
    court_last_day: date | None
    court_in_time_until: date | None

    def dated(self, kind: str) -> DatedRoute | None:
        return next((d for d in self.routes if d.route.kind == kind), None)

    @property
    def first_recours(self) -> DatedRoute | None:
        return next((d for d in self.routes if d.route.is_recours), None)

    def open_routes(self, today: date) -> tuple[DatedRoute, ...]:
        return tuple(d for d in self.routes if not d.past(today))


def plan(recourse: Recourse, start: Start) -> Plan:
    if not recourse.contestable:
        # The routes of a preparatory measure are those of the decision that follows: they
        # run from its own notification, a date nobody knows yet.
        undated = tuple(DatedRoute(r, None, None) for r in recourse.routes)
        return Plan(recourse, start, undated, None, None)
    direct = recourse.prior_appeal is None
    months = recourse.court.months
    return Plan(
        recourse,
        start,
        tuple(date_route(r, start) for r in recourse.routes),
        add_months(start.day, months) if direct else None,
        franc_end(start.day, months) if direct else None,
    )

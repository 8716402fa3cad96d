"""The deadlines of a contestation and the alarms set before them; pure, driven by a clock.

- A recours administratif left unanswered for two months is rejected (CRPA L231-4 2°): the
  implicit rejection date is the day two calendar months after receipt.
- Observations before an unfavourable measure (L121-1, L122-1) are due before the measure
  becomes final: the notification (else decision) date plus the route's days.
- A signalement of a wrong datum (against a preparatory measure) is answered within a month
  (GDPR art. 12(3)).
- The administration's own deadline (`internal_deadline_hours`, e.g. 48 h for a suspension of
  benefits) runs from receipt.

Alarms never decide anything: they remind the reviewer, then escalate to supervisors, well
before the legal deadline. Only a person closes an appeal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from services.appeals.domain.routing import Routing
from shared.deadlines import add_months
from shared.french import PARIS
from shared.routes import OBSERVATIONS, SIGNALEMENT

Clock = Callable[[], datetime]

SILENCE_MONTHS = 2  # L231-4 2° CRPA; R142-1-A I CSS makes the CRPA govern the CRA too

# Who an alarm goes to, and how loud it is (stored on the appeal as its escalation level).
ASSIGNEE = "assignee"
SUPERVISORS = "supervisors"
REMINDER, ESCALATION, ALERT, LAPSED = 0, 1, 2, 3

# Before the legal deadline: (name, days before, share of the whole span, level, audience).
# The nearer of the two is used: two months get 21, 14 and 7 days; a short span
# (observations) still gets every alarm, at half, 30 % and 15 % of its length before the end.
_LEGAL_ALARMS = (
    ("legal_reminder", 21, 0.5, REMINDER, ASSIGNEE),
    ("legal_escalation", 14, 0.3, ESCALATION, SUPERVISORS),
    ("legal_alert", 7, 0.15, ALERT, SUPERVISORS),
)


@dataclass(frozen=True)
class Deadlines:
    received_at: datetime
    legal_due_at: datetime  # when a human decision must exist at the latest
    implicit_rejection_on: date | None  # recours only (L231-4)
    measure_final_on: date | None  # observations only (L121-1)
    internal_due_at: datetime | None


@dataclass(frozen=True)
class Alarm:
    kind: str
    due_at: datetime
    level: int
    audience: str


def start_of(day: date) -> datetime:
    """Midnight, Paris time, at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=PARIS)


def last_day(due: datetime) -> date:
    """The last day to act before a due moment, in Paris: a legal deadline is the start of
    the day the silence becomes a rejection (00 h 00), so its last day is the one before.
    Said as « au plus tard le 6 février 2027 », never « le 7 février 2027 à 0 h 00 », which
    reads as one day more."""
    return (due.astimezone(PARIS) - timedelta(microseconds=1)).date()


def compute_deadlines(routing: Routing, received_at: datetime) -> Deadlines:
    """Every deadline of a contestation received at `received_at` (an aware datetime)."""
    internal = (
        received_at + timedelta(hours=routing.internal_deadline_hours)
        if routing.internal_deadline_hours
        else None
    )
    received_on = received_at.astimezone(PARIS).date()
    if routing.kind == OBSERVATIONS:
        final_on = routing.in_time_until
        if final_on is None or final_on < received_on:
            # Filed after the period (a letter posted in time, received late): examined
            # before the agent's decision in any case.
            final_on = received_on
        # The measure becomes final at the end of its last day.
        return Deadlines(
            received_at, start_of(final_on + timedelta(days=1)), None, final_on, internal
        )
    if routing.kind == SIGNALEMENT:
        # A report of a wrong datum asks for its rectification (GDPR art. 16): the answer is
        # due within one month of receipt (GDPR art. 12(3)).
        answer_by = add_months(received_on, 1)
        return Deadlines(received_at, start_of(answer_by + timedelta(days=1)), None, None, internal)
    rejection_on = add_months(received_on, SILENCE_MONTHS)
    return Deadlines(received_at, start_of(rejection_on), rejection_on, None, internal)


def plan_alarms(deadlines: Deadlines) -> list[Alarm]:
    """Reminders and escalations, in time order; each fires once, persisted by the caller."""
    received, due = deadlines.received_at, deadlines.legal_due_at
    span = max(due - received, timedelta(0))
    alarms = [
        Alarm(name, max(received, due - min(timedelta(days=days), span * share)), level, audience)
        for name, days, share, level, audience in _LEGAL_ALARMS
    ]
    alarms.append(Alarm("legal_lapsed", due, LAPSED, SUPERVISORS))
    if deadlines.internal_due_at is not None:
        internal_span = deadlines.internal_due_at - received
        alarms.append(Alarm("internal_reminder", received + internal_span / 2, REMINDER, ASSIGNEE))
        alarms.append(
            Alarm("internal_escalation", deadlines.internal_due_at, ESCALATION, SUPERVISORS)
        )
    return sorted(alarms, key=lambda a: (a.due_at, a.level))


# The console's views of what needs attention.
SOON = timedelta(days=14)
INTERNAL_SOON = timedelta(hours=12)


def is_overdue(now: datetime, legal_due_at: datetime, internal_due_at: datetime | None) -> bool:
    return now >= legal_due_at or (internal_due_at is not None and now >= internal_due_at)


def is_soon_to_lapse(
    now: datetime, legal_due_at: datetime, internal_due_at: datetime | None
) -> bool:
    if is_overdue(now, legal_due_at, internal_due_at):
        return False
    return legal_due_at - now <= SOON or (
        internal_due_at is not None and internal_due_at - now <= INTERNAL_SOON
    )

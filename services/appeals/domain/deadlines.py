"""The deadlines of a contestation and the alarms set before them; pure, driven by a clock.

- A recours administratif left unanswered for two months is rejected (CRPA L231-4): the
  implicit rejection date is the day two calendar months after receipt.
- Observations before an unfavourable measure (L121-1, L122-1) are due before the measure
  becomes final: the decision date plus the registry's `observations_days`.
- The administration's own deadline (`internal_deadline_hours`, e.g. 48 h for a suspension of
  benefits) runs from receipt.

Alarms never decide anything: they remind the reviewer, then escalate to supervisors, well
before the legal deadline. Only a person closes an appeal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from shared.deadlines import add_months
from shared.french import PARIS

Clock = Callable[[], datetime]

RECOURS = "recours"
OBSERVATIONS = "observations"
KINDS = (RECOURS, OBSERVATIONS)
SILENCE_MONTHS = 2  # L231-4

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
class AppealPolicy:
    """The registry's `appeal` block of the decision's algorithm version."""

    mandatory_prior_appeal: bool = False
    authority: str | None = None
    court: str | None = None
    legal_reference: str | None = None
    internal_deadline_hours: int | None = None
    observations_days: int | None = None

    @classmethod
    def from_registry(cls, block: dict[str, object] | None) -> AppealPolicy:
        block = block or {}
        hours, days = block.get("internal_deadline_hours"), block.get("observations_days")
        return cls(bool(block.get("mandatory_prior_appeal")),
                   _text(block.get("authority")), _text(block.get("court")),
                   _text(block.get("legal_reference")),
                   int(hours) if isinstance(hours, int) else None,
                   int(days) if isinstance(days, int) else None)


def _text(value: object) -> str | None:
    return str(value) if value else None


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


def observations_open_until(decided_at: datetime, policy: AppealPolicy) -> date | None:
    """The last day observations can be made on, or None when the registry sets no period."""
    if policy.observations_days is None:
        return None
    return decided_at.astimezone(PARIS).date() + timedelta(days=policy.observations_days)


def compute_deadlines(kind: str, received_at: datetime, policy: AppealPolicy,
                      decided_at: datetime) -> Deadlines:
    """Every deadline of an appeal received at `received_at` (an aware datetime)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    internal = (received_at + timedelta(hours=policy.internal_deadline_hours)
                if policy.internal_deadline_hours else None)
    if kind == OBSERVATIONS:
        final_on = observations_open_until(decided_at, policy)
        if final_on is None:
            raise ValueError("this algorithm sets no period for observations")
        # The measure becomes final at the end of its last day.
        return Deadlines(received_at, start_of(final_on + timedelta(days=1)), None, final_on,
                         internal)
    rejection_on = add_months(received_at.astimezone(PARIS).date(), SILENCE_MONTHS)
    return Deadlines(received_at, start_of(rejection_on), rejection_on, None, internal)


def plan_alarms(deadlines: Deadlines) -> list[Alarm]:
    """Reminders and escalations, in time order; each fires once, persisted by the caller."""
    received, due = deadlines.received_at, deadlines.legal_due_at
    span = max(due - received, timedelta(0))
    alarms = [Alarm(name, max(received, due - min(timedelta(days=days), span * share)),
                    level, audience)
              for name, days, share, level, audience in _LEGAL_ALARMS]
    alarms.append(Alarm("legal_lapsed", due, LAPSED, SUPERVISORS))
    if deadlines.internal_due_at is not None:
        internal_span = deadlines.internal_due_at - received
        alarms.append(Alarm("internal_reminder", received + internal_span / 2, REMINDER,
                            ASSIGNEE))
        alarms.append(Alarm("internal_escalation", deadlines.internal_due_at, ESCALATION,
                            SUPERVISORS))
    return sorted(alarms, key=lambda a: (a.due_at, a.level))


# The console's views of what needs attention.
SOON = timedelta(days=14)
INTERNAL_SOON = timedelta(hours=12)


def is_overdue(now: datetime, legal_due_at: datetime, internal_due_at: datetime | None) -> bool:
    return now >= legal_due_at or (internal_due_at is not None and now >= internal_due_at)


def is_soon_to_lapse(now: datetime, legal_due_at: datetime,
                     internal_due_at: datetime | None) -> bool:
    if is_overdue(now, legal_due_at, internal_due_at):
        return False
    return legal_due_at - now <= SOON or (
        internal_due_at is not None and internal_due_at - now <= INTERNAL_SOON)

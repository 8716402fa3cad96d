"""The deadline engine on a controlled clock: every deadline, reminder and escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.appeals.domain.deadlines import (
    ALERT,
    ASSIGNEE,
    ESCALATION,
    LAPSED,
    REMINDER,
    SUPERVISORS,
    compute_deadlines,
    is_overdue,
    is_soon_to_lapse,
    plan_alarms,
)
from services.appeals.domain.routing import Routing, routing_for
from shared.routes import GRACIEUX, OBSERVATIONS, PREALABLE, SIGNALEMENT, Start
from shared.routes.model import recourse_from_block

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # 10:30 in Paris
DECIDED = date(2026, 10, 28)


def routing(kind: str, internal_hours: int | None = None) -> Routing:
    """A suspension of benefits by a State service: prior appeal, observations, 48 hours."""
    routes = [
        {
            "kind": PREALABLE if kind == PREALABLE else GRACIEUX,
            "authority": "le préfet de X",
            "months": 2,
        },
        {"kind": OBSERVATIONS, "authority": "le préfet de X", "days": 15},
    ]
    recourse = recourse_from_block(
        {
            "measure": "preparatory" if kind == SIGNALEMENT else "decision",
            "author": {"name": "le préfet de X", "kind": "state"},
            "routes": routes,
            "court": {"name": "le tribunal administratif de X"},
            "preparatory": {"follows": "un contrôle", "refusal": "x", "result": "y"}
            if kind == SIGNALEMENT
            else None,
            "internal_deadline_hours": internal_hours,
        }
    )
    return routing_for(recourse, Start(DECIDED, False), kind)


SUSPENSION = routing(PREALABLE, 48)


def test_silence_for_two_months_means_rejection_on_the_same_day_two_months_later():
    deadlines = compute_deadlines(routing(GRACIEUX), RECEIVED)
    assert deadlines.implicit_rejection_on == date(2027, 1, 2)
    # The decision must exist before that day starts, Paris time.
    assert deadlines.legal_due_at == datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    assert deadlines.internal_due_at is None and deadlines.measure_final_on is None


def test_receipt_late_at_night_counts_in_paris_time():
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January 2027 in Paris
    assert compute_deadlines(routing(GRACIEUX), late).implicit_rejection_on == date(2027, 3, 1)


def test_the_internal_deadline_runs_from_receipt():
    deadlines = compute_deadlines(SUSPENSION, RECEIVED)
    assert deadlines.internal_due_at == RECEIVED + timedelta(hours=48)


def test_observations_are_due_before_the_measure_becomes_final():
    deadlines = compute_deadlines(routing(OBSERVATIONS), RECEIVED)
    assert deadlines.measure_final_on == date(2026, 11, 12)  # 28 October + 15 days
    assert deadlines.legal_due_at == datetime(2026, 11, 12, 23, 0, tzinfo=UTC)
    assert deadlines.implicit_rejection_on is None


def test_a_signalement_is_answered_within_a_month():
    deadlines = compute_deadlines(routing(SIGNALEMENT), RECEIVED)
    assert deadlines.legal_due_at == datetime(2026, 12, 2, 23, 0, tzinfo=UTC)  # GDPR 12(3)
    assert deadlines.implicit_rejection_on is None and deadlines.measure_final_on is None


def test_a_recours_gets_its_reminder_escalation_alert_and_lapse_weeks_before():
    alarms = {a.kind: a for a in plan_alarms(compute_deadlines(SUSPENSION, RECEIVED))}
    due = datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    assert alarms["legal_reminder"].due_at == due - timedelta(days=21)
    assert alarms["legal_escalation"].due_at == due - timedelta(days=14)
    assert alarms["legal_alert"].due_at == due - timedelta(days=7)
    assert alarms["legal_lapsed"].due_at == due
    assert alarms["internal_reminder"].due_at == RECEIVED + timedelta(hours=24)
    assert alarms["internal_escalation"].due_at == RECEIVED + timedelta(hours=48)
    assert [
        (a.level, a.audience)
        for a in (
            alarms["legal_reminder"],
            alarms["legal_escalation"],
            alarms["legal_alert"],
            alarms["legal_lapsed"],
        )
    ] == [
        (REMINDER, ASSIGNEE),
        (ESCALATION, SUPERVISORS),
        (ALERT, SUPERVISORS),
        (LAPSED, SUPERVISORS),
    ]


def test_a_short_span_still_gets_every_alarm_in_order_before_its_end():
    alarms = plan_alarms(compute_deadlines(routing(OBSERVATIONS, 48), RECEIVED))
    legal = [a for a in alarms if a.kind.startswith("legal")]
    assert [a.kind for a in legal] == [
        "legal_reminder",
        "legal_escalation",
        "legal_alert",
        "legal_lapsed",
    ]
    assert all(a.due_at >= RECEIVED for a in legal)
    assert legal[1].due_at < legal[-1].due_at - timedelta(days=2)  # escalation days ahead


def test_alarms_come_in_time_order_and_none_before_receipt():
    alarms = plan_alarms(compute_deadlines(SUSPENSION, RECEIVED))
    assert [a.due_at for a in alarms] == sorted(a.due_at for a in alarms)
    assert alarms[0].kind == "internal_reminder"


@pytest.mark.parametrize(
    ("now", "overdue", "soon"),
    [
        (RECEIVED + timedelta(days=10), False, False),
        (RECEIVED + timedelta(days=50), False, True),
        (datetime(2027, 1, 1, 23, 0, tzinfo=UTC), True, False),
    ],
)
def test_overdue_and_soon_to_lapse_views(now, overdue, soon):
    due = datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    assert is_overdue(now, due, None) is overdue
    assert is_soon_to_lapse(now, due, None) is soon


def test_the_internal_deadline_makes_an_appeal_overdue_first():
    due = datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    internal = RECEIVED + timedelta(hours=48)
    assert is_soon_to_lapse(internal - timedelta(hours=6), due, internal)
    assert is_overdue(internal, due, internal)

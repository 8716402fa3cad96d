"""The deadline engine on a controlled clock: every deadline, reminder and escalation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.appeals.domain.deadlines import (
    ALERT,
    ASSIGNEE,
    ESCALATION,
    LAPSED,
    OBSERVATIONS,
    RECOURS,
    REMINDER,
    SUPERVISORS,
    AppealPolicy,
    compute_deadlines,
    is_overdue,
    is_soon_to_lapse,
    plan_alarms,
)

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # 10:30 in Paris
DECIDED = datetime(2026, 10, 28, 14, 0, tzinfo=UTC)
SUSPENSION = AppealPolicy(mandatory_prior_appeal=True, internal_deadline_hours=48,
                          observations_days=15)


def test_silence_for_two_months_means_rejection_on_the_same_day_two_months_later():
    deadlines = compute_deadlines(RECOURS, RECEIVED, AppealPolicy(), DECIDED)
    assert deadlines.implicit_rejection_on == date(2027, 1, 2)
    # The decision must exist before that day starts, Paris time.
    assert deadlines.legal_due_at == datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    assert deadlines.internal_due_at is None and deadlines.measure_final_on is None


def test_receipt_late_at_night_counts_in_paris_time():
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January 2027 in Paris
    assert compute_deadlines(RECOURS, late, AppealPolicy(), DECIDED
                             ).implicit_rejection_on == date(2027, 3, 1)


def test_the_internal_deadline_runs_from_receipt():
    deadlines = compute_deadlines(RECOURS, RECEIVED, SUSPENSION, DECIDED)
    assert deadlines.internal_due_at == RECEIVED + timedelta(hours=48)


def test_observations_are_due_before_the_measure_becomes_final():
    deadlines = compute_deadlines(OBSERVATIONS, RECEIVED, SUSPENSION, DECIDED)
    assert deadlines.measure_final_on == date(2026, 11, 12)  # 28 October + 15 days
    assert deadlines.legal_due_at == datetime(2026, 11, 12, 23, 0, tzinfo=UTC)
    assert deadlines.implicit_rejection_on is None
    with pytest.raises(ValueError):
        compute_deadlines(OBSERVATIONS, RECEIVED, AppealPolicy(), DECIDED)


def test_a_recours_gets_its_reminder_escalation_alert_and_lapse_weeks_before():
    alarms = {a.kind: a for a in plan_alarms(
        compute_deadlines(RECOURS, RECEIVED, SUSPENSION, DECIDED))}
    due = datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    assert alarms["legal_reminder"].due_at == due - timedelta(days=21)
    assert alarms["legal_escalation"].due_at == due - timedelta(days=14)
    assert alarms["legal_alert"].due_at == due - timedelta(days=7)
    assert alarms["legal_lapsed"].due_at == due
    assert alarms["internal_reminder"].due_at == RECEIVED + timedelta(hours=24)
    assert alarms["internal_escalation"].due_at == RECEIVED + timedelta(hours=48)
    assert [(a.level, a.audience) for a in (alarms["legal_reminder"],
                                            alarms["legal_escalation"],
                                            alarms["legal_alert"], alarms["legal_lapsed"])] == [
        (REMINDER, ASSIGNEE), (ESCALATION, SUPERVISORS), (ALERT, SUPERVISORS),
        (LAPSED, SUPERVISORS)]


def test_a_short_span_still_gets_every_alarm_in_order_before_its_end():
    alarms = plan_alarms(compute_deadlines(OBSERVATIONS, RECEIVED, SUSPENSION, DECIDED))
    legal = [a for a in alarms if a.kind.startswith("legal")]
    assert [a.kind for a in legal] == ["legal_reminder", "legal_escalation", "legal_alert",
                                       "legal_lapsed"]
    assert all(a.due_at >= RECEIVED for a in legal)
    assert legal[1].due_at < legal[-1].due_at - timedelta(days=2)  # escalation days ahead


def test_alarms_come_in_time_order_and_none_before_receipt():
    alarms = plan_alarms(compute_deadlines(RECOURS, RECEIVED, SUSPENSION, DECIDED))
    assert [a.due_at for a in alarms] == sorted(a.due_at for a in alarms)
    assert alarms[0].kind == "internal_reminder"


@pytest.mark.parametrize(("now", "overdue", "soon"), [
    (RECEIVED + timedelta(days=10), False, False),
    (RECEIVED + timedelta(days=50), False, True),
    (datetime(2027, 1, 1, 23, 0, tzinfo=UTC), True, False),
])
def test_overdue_and_soon_to_lapse_views(now, overdue, soon):
    due = datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    assert is_overdue(now, due, None) is overdue
    assert is_soon_to_lapse(now, due, None) is soon


def test_the_internal_deadline_makes_an_appeal_overdue_first():
    due = datetime(2027, 1, 1, 23, 0, tzinfo=UTC)
    internal = RECEIVED + timedelta(hours=48)
    assert is_soon_to_lapse(internal - timedelta(hours=6), due, internal)
    assert is_overdue(internal, due, internal)


def test_the_policy_is_read_from_the_registry_block():
    policy = AppealPolicy.from_registry({"mandatory_prior_appeal": True, "court": "TA",
                                         "internal_deadline_hours": 48,
                                         "observations_days": None})
    assert policy == AppealPolicy(True, None, "TA", None, 48, None)
    assert AppealPolicy.from_registry(None) == AppealPolicy()

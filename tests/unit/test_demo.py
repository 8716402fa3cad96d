"""The embedded demo's two fresh decisions are two decisions, whatever the second they are
drawn in (decision_log deduplicates messages by event id: a shared one logs only the first)."""

from __future__ import annotations

import pytest

from services import demo

# Seconds in which the crèche and bourse generators, seeded alike, drew the same event id
# for the decisions the demo picks (found by the CI run of 7 December 2026, 22:44 UTC).
COLLIDING_SECOND = 1796683480


def test_the_demo_decisions_have_their_own_event_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.time, "time", lambda: COLLIDING_SECOND)
    creche = demo._refused_creche_decision()
    _past, bourse = demo._refused_bourse_decision(first_start=False)
    assert creche["event_id"] != bourse["event_id"]
    again = demo._refused_creche_decision()
    assert again["decision_id"] == creche["decision_id"]
    assert again["event_id"] != creche["event_id"]  # each start's decision is a new event

"""The human review: claim, assign, decide with motivation, validate (four eyes).

This module is the only one that closes an appeal, and only through `decide` or `validate`,
both called with a signed-in agent who passed the rules of `domain.rules`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.appeals.domain import rules
from services.appeals.domain.revision import (
    recompute,
    revised_decision,
    revision_id,
)
from services.appeals.domain.rules import (
    AMENDED,
    AWAITING_VALIDATION,
    DECIDED,
    IN_REVIEW,
    RECEIVED,
    Agent,
    Draft,
    Ground,
    RuleBroken,
)
from services.appeals.service_layer.letters import send_to_person
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.contracts.events import Event
from shared.messaging import topology


def _appeal(uow: AppealsUnitOfWork, agent: Agent, public_id: str) -> Any:
    appeal = uow.appeals.get(public_id, lock=True)
    if appeal is None:
        raise rules.NotVisible
    rules.check_visible(agent, appeal.administration)
    rules.check_team(agent, appeal.team)
    return appeal


def _assigned(uow: AppealsUnitOfWork, appeal: Any, assignee: str, by: str, now: datetime
              ) -> None:
    uow.publish(Event(topology.APPEAL_ASSIGNED, appeal.administration, {
        "appeal_id": appeal.public_id, "reference": appeal.reference, "assignee": assignee,
        "assigned_by": by, "team": appeal.team, "assigned_at": now.isoformat()}).to_message())


def claim(uow: AppealsUnitOfWork, agent: Agent, public_id: str, now: datetime) -> None:
    appeal = _appeal(uow, agent, public_id)
    rules.check_can_act(agent, appeal.administration)
    rules.check_open(appeal.status)
    rules.check_independence(agent, appeal.decided_by_initial)
    if not uow.appeals.take(appeal.id, agent.id, free=RECEIVED, taken=IN_REVIEW):
        raise RuleBroken("taken", "Un autre agent a déjà pris ce dossier en charge.")
    uow.appeals.record(appeal.id, now, agent.id, "claimed")
    _assigned(uow, appeal, agent.id, agent.id, now)


def assign(uow: AppealsUnitOfWork, agent: Agent, public_id: str, assignee_id: str,
           now: datetime) -> None:
    """A supervisor gives the dossier to an agent of the same administration (or takes it)."""
    appeal = _appeal(uow, agent, public_id)
    rules.check_can_assign(agent, appeal.administration, appeal.status)
    target = uow.office.agent(assignee_id)
    if target is None or target.disabled_at is not None \
            or target.administration != appeal.administration \
            or not set(target.roles) & set(rules.ACTING_ROLES) \
            or not uow.office.may_see(target, appeal.team):
        raise RuleBroken("unknown_agent", "Cet agent ne peut pas traiter ce dossier.",
                         {"assignee": "Choisissez un instructeur de votre administration."})
    rules.check_independence(agent_of_row(target), appeal.decided_by_initial)
    uow.appeals.update(appeal.id, status=IN_REVIEW, assignee=assignee_id)
    action = "reassigned" if appeal.assignee else "assigned"
    uow.appeals.record(appeal.id, now, agent.id, action, assignee=assignee_id,
                       previous=appeal.assignee)
    _assigned(uow, appeal, assignee_id, agent.id, now)


def release(uow: AppealsUnitOfWork, agent: Agent, public_id: str, now: datetime) -> None:
    """Put a dossier back in the queue: its assignee or a supervisor."""
    appeal = _appeal(uow, agent, public_id)
    rules.check_can_act(agent, appeal.administration)
    if appeal.status != IN_REVIEW or (appeal.assignee != agent.id
                                      and not agent.has_any("supervisor")):
        raise RuleBroken("not_assignee", "Vous ne pouvez pas remettre ce dossier en file.")
    uow.appeals.update(appeal.id, status=RECEIVED, assignee=None)
    uow.appeals.record(appeal.id, now, agent.id, "released", previous=appeal.assignee)


def decide(uow: AppealsUnitOfWork, agent: Agent, public_id: str, draft: Draft, now: datetime,
           public_url: str) -> str:
    """Record the reviewer's decision; final at once, or awaiting a second agent."""
    appeal = _appeal(uow, agent, public_id)
    rules.check_can_decide(agent, appeal.administration, appeal.status, appeal.assignee,
                           appeal.decided_by_initial)
    rules.check_draft(draft, [Ground.from_json(g) for g in appeal.grounds])
    opened = uow.appeals.first_opening(appeal.id, agent.id, appeal.received_at)
    stored: dict[str, Any] = {"outcome": draft.outcome, "facts": draft.facts.strip(),
              "law": draft.law.strip(), "answers": {k: v.strip() for k, v in
                                                    draft.answers.items()},
              "corrections": {}, "new_outcome_code": None, "new_outcome_label": None,
              "examined_seconds": int((now - opened).total_seconds()) if opened else 0}
    if draft.outcome == AMENDED:
        recomputed = _recompute(uow, appeal, draft.corrections)
        stored.update(corrections={c: [b, a] for c, (b, a) in recomputed.changed.items()},
                      new_outcome_code=recomputed.evaluation.outcome_code,
                      new_outcome_label=recomputed.evaluation.outcome_label)
    if uow.office.four_eyes(appeal.administration):
        uow.appeals.update(appeal.id, status=AWAITING_VALIDATION, draft=stored,
                           drafted_by=agent.id, drafted_at=now)
        uow.appeals.record(appeal.id, now, agent.id, "submitted", outcome=draft.outcome)
        return AWAITING_VALIDATION
    _finalise(uow, appeal, stored, agent.id, None, now, public_url)
    return DECIDED


def validate(uow: AppealsUnitOfWork, agent: Agent, public_id: str, now: datetime,
             public_url: str) -> None:
    appeal = _appeal(uow, agent, public_id)
    rules.check_validator(agent, appeal.administration, appeal.status, appeal.drafted_by,
                          appeal.decided_by_initial)
    _finalise(uow, appeal, dict(appeal.draft), appeal.drafted_by, agent.id, now, public_url)


def send_back(uow: AppealsUnitOfWork, agent: Agent, public_id: str, comment: str,
              now: datetime) -> None:
    """The second agent does not validate: the dossier goes back to its reviewer."""
    appeal = _appeal(uow, agent, public_id)
    rules.check_validator(agent, appeal.administration, appeal.status, appeal.drafted_by,
                          appeal.decided_by_initial)
    if len(comment.strip()) < rules.MIN_ANSWER:
        raise RuleBroken("incomplete", "Dites ce qui doit être repris.",
                         {"comment": "Dites ce qui doit être repris."})
    uow.appeals.update(appeal.id, status=IN_REVIEW)
    uow.appeals.record(appeal.id, now, agent.id, "sent_back", comment=comment.strip())


def _recompute(uow: AppealsUnitOfWork, appeal: Any, corrections: dict[str, Any]) -> Any:
    decision = uow.read.decision(appeal.reference)
    algorithm = uow.read.algorithm(appeal.administration, appeal.algorithm_id,
                                   appeal.algorithm_version)
    assert decision is not None and algorithm is not None
    return recompute(algorithm, decision.body, corrections)


def _finalise(uow: AppealsUnitOfWork, appeal: Any, stored: dict[str, Any], decided_by: str,
              validated_by: str | None, now: datetime, public_url: str) -> None:
    revised_id = None
    if stored["outcome"] == AMENDED:
        corrections = {code: pair[1] for code, pair in stored["corrections"].items()}
        recomputed = _recompute(uow, appeal, corrections)
        decision = uow.read.decision(appeal.reference)
        assert decision is not None
        revised_id = revision_id(appeal.decision_id, appeal.id)
        body = revised_decision(decision.body, decision.contact, recomputed,
                                reviewer=decided_by, appeal_id=appeal.public_id,
                                decision_id=revised_id, now=now)
        uow.publish(Event(topology.DECISION_REVISED, appeal.administration, {
            "decision": body, "appeal_id": appeal.public_id}).to_message())
    uow.appeals.update(
        appeal.id, status=DECIDED, outcome=stored["outcome"], facts=stored["facts"],
        law=stored["law"], answers=stored["answers"], corrections=stored["corrections"],
        new_outcome_code=stored["new_outcome_code"],
        new_outcome_label=stored["new_outcome_label"], revised_decision_id=revised_id,
        decided_by=decided_by, validated_by=validated_by, decided_at=now,
        examined_seconds=stored["examined_seconds"], draft=None)
    uow.appeals.cancel_alarms(appeal.id, now)
    uow.appeals.record(appeal.id, now, validated_by or decided_by, "decided",
                       outcome=stored["outcome"], decided_by=decided_by,
                       validated_by=validated_by, revised_decision_id=revised_id)
    uow.publish(Event(topology.APPEAL_DECIDED, appeal.administration, {
        "appeal_id": appeal.public_id, "reference": appeal.reference,
        "decision_id": appeal.decision_id, "outcome": stored["outcome"],
        "revised_decision_id": revised_id, "new_outcome_code": stored["new_outcome_code"],
        "decided_by": decided_by, "validated_by": validated_by,
        "decided_at": now.isoformat()}).to_message())
    decided = uow.appeals.by_pk(appeal.id)
    send_to_person(uow, decided, "decision", public_url, now)


def agent_of_row(row: Any) -> Agent:
    return Agent(row.id, row.administration, frozenset(row.roles), frozenset(row.aliases))

"""The human review: claim, assign, decide with motivation, validate (four eyes).

This module is the only one that closes an appeal, and only through `decide` or `validate`,
both called with a signed-in agent who passed the rules of `domain.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.appeals.domain import rules
from services.appeals.domain.examination import (
    Evidence,
    Recomputation,
    check_confirmation,
    check_examined,
    dossier_words,
    requires_supervisor,
)
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
    is_overturn,
)
from services.appeals.service_layer.letters import routing_of, send_to_person
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.contracts.appeals import AppealAssigned, AppealDecided
from shared.contracts.messages import DecisionRevised
from shared.decision_model import to_json_value
from shared.french import PARIS, format_value
from shared.routes import SIGNALEMENT


def appeal_for_agent(uow: AppealsUnitOfWork, agent: Agent, public_id: str) -> Any:
    """The appeal `public_id`, locked for the transaction, if this agent may act on it (its
    administration and team); rules.NotVisible otherwise, whether it exists or not."""
    appeal = uow.appeals.get(public_id, lock=True)
    if appeal is None:
        raise rules.NotVisible
    rules.check_visible(agent, appeal.administration)
    rules.check_team(agent, appeal.team)
    return appeal


def _assigned(uow: AppealsUnitOfWork, appeal: Any, assignee: str, by: str, now: datetime) -> None:
    uow.publish(
        AppealAssigned(
            administration=appeal.administration,
            appeal_id=appeal.public_id,
            reference=appeal.reference,
            assignee=assignee,
            assigned_by=by,
            team=appeal.team,
            assigned_at=now,
        ).to_message()
    )


def claim(uow: AppealsUnitOfWork, agent: Agent, public_id: str, now: datetime) -> None:
    appeal = appeal_for_agent(uow, agent, public_id)
    rules.check_can_act(agent, appeal.administration)
    rules.check_open(appeal.status)
    rules.check_independence(agent, appeal.decided_by_initial)
    if not uow.appeals.take(appeal.id, agent.id, free=RECEIVED, taken=IN_REVIEW):
        raise RuleBroken("taken", "Un autre agent a déjà pris ce dossier en charge.")
    uow.appeals.record(appeal.id, now, agent.id, "claimed")
    _assigned(uow, appeal, agent.id, agent.id, now)


def assign(
    uow: AppealsUnitOfWork, agent: Agent, public_id: str, assignee_id: str, now: datetime
) -> None:
    """A supervisor gives the dossier to an agent of the same administration (or takes it)."""
    appeal = appeal_for_agent(uow, agent, public_id)
    rules.check_can_assign(agent, appeal.administration, appeal.status)
    target = uow.office.agent(assignee_id)
    if (
        target is None
        or target.disabled_at is not None
        or target.administration != appeal.administration
        or not set(target.roles) & set(rules.ACTING_ROLES)
        or not uow.office.may_see(target, appeal.team)
    ):
        raise RuleBroken(
            "unknown_agent",
            "Cet agent ne peut pas traiter ce dossier.",
            {"assignee": "Choisissez un instructeur de votre administration."},
        )
    rules.check_independence(agent_of_row(target), appeal.decided_by_initial)
    uow.appeals.update(appeal.id, status=IN_REVIEW, assignee=assignee_id)
    action = "reassigned" if appeal.assignee else "assigned"
    uow.appeals.record(
        appeal.id, now, agent.id, action, assignee=assignee_id, previous=appeal.assignee
    )
    _assigned(uow, appeal, assignee_id, agent.id, now)


def release(uow: AppealsUnitOfWork, agent: Agent, public_id: str, now: datetime) -> None:
    """Put a dossier back in the queue: its assignee or a supervisor."""
    appeal = appeal_for_agent(uow, agent, public_id)
    rules.check_can_act(agent, appeal.administration)
    if appeal.status != IN_REVIEW or (
        appeal.assignee != agent.id and not agent.has_any("supervisor")
    ):
        raise RuleBroken("not_assignee", "Vous ne pouvez pas remettre ce dossier en file.")
    uow.appeals.update(appeal.id, status=RECEIVED, assignee=None)
    uow.appeals.record(appeal.id, now, agent.id, "released", previous=appeal.assignee)


def evidence_for(uow: AppealsUnitOfWork, appeal: Any, agent_id: str) -> Evidence:
    """What `agent_id` did with the dossier: recomputation with the person's values,
    attachments opened; and the words a fact of this dossier can be made of."""
    grounds = [Ground.from_json(g) for g in appeal.grounds]
    decision = uow.read.decision(appeal.reference)
    algorithm = (
        uow.read.algorithm(appeal.administration, appeal.algorithm_id, appeal.algorithm_version)
        or {}
    )
    claimed = {
        g.criterion: g.claimed_value for g in grounds if g.criterion and g.claimed_value is not None
    }
    recomputed = uow.appeals.latest(appeal.id, "recomputed_claimed", agent_id)
    attachments = {int(a.id): str(a.filename) for a in uow.appeals.attachments(appeal.id)}
    declared = {c["code"]: c for c in algorithm.get("criteria", ())}
    values = (
        []
        if decision is None
        else [
            format_value(c["value"], declared.get(c["code"], {}).get("unit"))
            for c in decision.body["criteria"]
        ]
    )
    return Evidence(
        claimed=claimed,
        recomputable=(algorithm.get("model") or {}).get("kind") != "opaque",
        recomputation=(
            Recomputation.from_json(recomputed.detail["result"]) if recomputed is not None else None
        ),
        attachments=attachments,
        opened=uow.appeals.opened_attachments(appeal.id, agent_id),
        dossier_words=dossier_words(
            grounds,
            [c.get("label", "") for c in declared.values()],
            [
                *values,
                appeal.decision_label,
                # The figures of the decision (score, amount) and of its rule (threshold,
                # points, rates): a reviewer cites them to explain the result.
                *_figures(decision.body if decision is not None else None),
                *_figures(algorithm.get("model")),
            ],
            attachments.values(),
            _dates_of(appeal, decision),
        ),
    )


def _figures(document: Any) -> list[str]:
    """Every number of a JSON document (not booleans)."""
    if isinstance(document, bool) or document is None:
        return []
    if isinstance(document, int | float):
        return [str(document)]
    if isinstance(document, Mapping):
        return [n for value in document.values() for n in _figures(value)]
    if isinstance(document, list | tuple):
        return [n for value in document for n in _figures(value)]
    return []


def _dates_of(appeal: Any, decision: Any) -> list[date]:
    """The dossier's dates: the decision's, its notification's, the contestation's."""
    found = [appeal.received_at.astimezone(PARIS).date()]
    found += [day for day in (appeal.filed_on, appeal.postmarked_on) if day is not None]
    if decision is not None:
        found.append(decision.decided_at.astimezone(PARIS).date())
        notified = decision.body.get("notified_on")
        if notified:
            found.append(date.fromisoformat(str(notified)[:10]))
    return found


def recompute_claimed(
    uow: AppealsUnitOfWork, agent: Agent, public_id: str, now: datetime
) -> Recomputation:
    """Run the registered model with the values the person claims, and keep the evidence."""
    appeal = appeal_for_agent(uow, agent, public_id)
    rules.check_can_act(agent, appeal.administration)
    rules.check_open(appeal.status)
    claimed = evidence_for(uow, appeal, agent.id).claimed
    if not claimed:
        raise RuleBroken(
            "nothing_claimed",
            "La personne n'indique aucune autre valeur : il n'y a rien à recalculer.",
        )
    decision = uow.read.decision(appeal.reference)
    assert decision is not None
    recomputed = _recompute(uow, appeal, dict(claimed))
    evaluation = recomputed.evaluation
    result = Recomputation(
        now,
        agent.id,
        evaluation.outcome_code,
        evaluation.outcome_label,
        to_json_value(evaluation.score) if evaluation.score is not None else None,
        to_json_value(evaluation.amount) if evaluation.amount is not None else None,
        evaluation.outcome_code != decision.outcome_code,
    )
    uow.appeals.record(
        appeal.id,
        now,
        agent.id,
        "recomputed_claimed",
        claimed=dict(claimed),
        result=result.to_json(),
    )
    return result


def decide(
    uow: AppealsUnitOfWork,
    agent: Agent,
    public_id: str,
    draft: Draft,
    now: datetime,
    public_url: str,
) -> str:
    """Record the reviewer's decision; final at once, or awaiting a second agent: any agent
    with four eyes on, a supervisor when the person's values change the result and the
    reviewer keeps it."""
    appeal = appeal_for_agent(uow, agent, public_id)
    rules.check_can_decide(
        agent, appeal.administration, appeal.status, appeal.assignee, appeal.decided_by_initial
    )
    grounds = [Ground.from_json(g) for g in appeal.grounds]
    decision = uow.read.decision(appeal.reference)
    assert decision is not None
    routing = routing_of(appeal, decision.decided_at)
    rules.check_draft(
        draft,
        grounds,
        today=now.astimezone(PARIS).date(),
        received_on=appeal.received_at.astimezone(PARIS).date(),
        collegial=routing.route is not None and routing.route.collegial,
        reexamined=routing.kind != SIGNALEMENT,
    )
    evidence = evidence_for(uow, appeal, agent.id)
    check_examined(draft, grounds, evidence)
    opened = uow.appeals.first_opening(appeal.id, agent.id, appeal.received_at)
    stored: dict[str, Any] = {
        "outcome": draft.outcome,
        "facts": draft.facts.strip(),
        "law": draft.law.strip(),
        "answers": {k: v.strip() for k, v in draft.answers.items()},
        "main_reason": draft.main_reason.strip(),
        "body": draft.body.strip() or None,
        "deliberated_on": _iso(draft.deliberated_on),
        "reexamine_by": _iso(draft.reexamine_by),
        "corrections": {},
        "new_outcome_code": None,
        "new_outcome_label": None,
        "examined_seconds": int((now - opened).total_seconds()) if opened else 0,
    }
    examination: dict[str, Any] = {
        **(appeal.examination or {}),
        "recomputation": (evidence.recomputation.to_json() if evidence.recomputation else None),
        "attachments_opened": sorted(evidence.opened & set(evidence.attachments)),
        "claimed": bool(evidence.claimed),
    }
    if draft.outcome == AMENDED:
        recomputed = _recompute(uow, appeal, draft.corrections)
        evaluation = recomputed.evaluation
        stored.update(
            corrections={c: [b, a] for c, (b, a) in recomputed.changed.items()},
            new_outcome_code=evaluation.outcome_code,
            new_outcome_label=evaluation.outcome_label,
        )
        examination.update(
            new_favourable=evaluation.outcome == "favourable",
            new_amount=(
                to_json_value(evaluation.amount) if evaluation.amount is not None else None
            ),
        )
    examination["changed"] = (
        stored["new_outcome_code"] is not None
        and stored["new_outcome_code"] != decision.outcome_code
    )
    examination["targeted"] = requires_supervisor(
        draft, evidence, decision.outcome_code, stored["new_outcome_code"]
    )
    stored["examination"] = examination
    uow.appeals.record(
        appeal.id,
        now,
        agent.id,
        "examined",
        targeted=examination["targeted"],
        recomputed=evidence.recomputation is not None,
        attachments_opened=len(examination["attachments_opened"]),
    )
    if examination["targeted"] or uow.office.four_eyes(appeal.administration):
        uow.appeals.update(
            appeal.id, status=AWAITING_VALIDATION, draft=stored, drafted_by=agent.id, drafted_at=now
        )
        uow.appeals.record(
            appeal.id,
            now,
            agent.id,
            "submitted",
            outcome=draft.outcome,
            targeted=examination["targeted"],
        )
        return AWAITING_VALIDATION
    _finalise(uow, appeal, stored, agent.id, None, now, public_url)
    return DECIDED


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _targeted(appeal: Any) -> bool:
    return bool(((appeal.draft or {}).get("examination") or {}).get("targeted"))


def validate(
    uow: AppealsUnitOfWork,
    agent: Agent,
    public_id: str,
    now: datetime,
    public_url: str,
    reasons: str = "",
) -> None:
    appeal = appeal_for_agent(uow, agent, public_id)
    targeted = _targeted(appeal)
    rules.check_validator(
        agent,
        appeal.administration,
        appeal.status,
        appeal.drafted_by,
        appeal.decided_by_initial,
        supervisor_required=targeted,
    )
    stored = dict(appeal.draft)
    if targeted:
        check_confirmation(
            reasons, stored["facts"], evidence_for(uow, appeal, agent.id).dossier_words
        )
        stored["examination"] = {**stored["examination"], "confirmed_by": agent.id}
        stored["validation_reasons"] = reasons.strip()
    _finalise(uow, appeal, stored, appeal.drafted_by, agent.id, now, public_url)


def send_back(
    uow: AppealsUnitOfWork, agent: Agent, public_id: str, comment: str, now: datetime
) -> None:
    """The second agent does not validate: the dossier goes back to its reviewer."""
    appeal = appeal_for_agent(uow, agent, public_id)
    targeted = _targeted(appeal)
    rules.check_validator(
        agent,
        appeal.administration,
        appeal.status,
        appeal.drafted_by,
        appeal.decided_by_initial,
        supervisor_required=targeted,
    )
    if len(comment.strip()) < rules.MIN_ANSWER:
        raise RuleBroken(
            "incomplete",
            "Dites ce qui doit être repris.",
            {"comment": "Dites ce qui doit être repris."},
        )
    changes: dict[str, Any] = {"status": IN_REVIEW}
    if targeted:  # the supervisor disagreed: counted in the statistics
        examination = dict(appeal.examination or {})
        examination["sent_back"] = int(examination.get("sent_back") or 0) + 1
        changes["examination"] = examination
    uow.appeals.update(appeal.id, **changes)
    uow.appeals.record(
        appeal.id, now, agent.id, "sent_back", comment=comment.strip(), targeted=targeted
    )


def _recompute(uow: AppealsUnitOfWork, appeal: Any, corrections: dict[str, Any]) -> Any:
    decision = uow.read.decision(appeal.reference)
    algorithm = uow.read.algorithm(
        appeal.administration, appeal.algorithm_id, appeal.algorithm_version
    )
    assert decision is not None and algorithm is not None
    return recompute(algorithm, decision.body, corrections)


def _finalise(
    uow: AppealsUnitOfWork,
    appeal: Any,
    stored: dict[str, Any],
    decided_by: str,
    validated_by: str | None,
    now: datetime,
    public_url: str,
) -> None:
    revised_id = None
    if stored["outcome"] == AMENDED:
        corrections = {code: pair[1] for code, pair in stored["corrections"].items()}
        recomputed = _recompute(uow, appeal, corrections)
        decision = uow.read.decision(appeal.reference)
        assert decision is not None
        revised_id = revision_id(appeal.decision_id, appeal.id)
        body = revised_decision(
            decision.body,
            decision.contact,
            recomputed,
            reviewer=decided_by,
            appeal_id=appeal.public_id,
            decision_id=revised_id,
            now=now,
        )
        uow.publish(DecisionRevised(appeal.administration, body, appeal.public_id).to_message())
    uow.appeals.update(
        appeal.id,
        status=DECIDED,
        outcome=stored["outcome"],
        facts=stored["facts"],
        law=stored["law"],
        answers=stored["answers"],
        corrections=stored["corrections"],
        new_outcome_code=stored["new_outcome_code"],
        new_outcome_label=stored["new_outcome_label"],
        revised_decision_id=revised_id,
        decided_by=decided_by,
        validated_by=validated_by,
        decided_at=now,
        examined_seconds=stored["examined_seconds"],
        draft=None,
        main_reason=stored.get("main_reason") or None,
        decided_by_body=stored.get("body"),
        deliberated_on=_day(stored.get("deliberated_on")),
        reexamine_by=_day(stored.get("reexamine_by")),
        examination=stored.get("examination"),
        validation_reasons=stored.get("validation_reasons"),
    )
    uow.appeals.cancel_alarms(appeal.id, now)
    uow.appeals.record(
        appeal.id,
        now,
        validated_by or decided_by,
        "decided",
        outcome=stored["outcome"],
        decided_by=decided_by,
        validated_by=validated_by,
        revised_decision_id=revised_id,
    )
    original = uow.read.decision(appeal.reference)
    uow.publish(
        AppealDecided(
            administration=appeal.administration,
            appeal_id=appeal.public_id,
            reference=appeal.reference,
            decision_id=appeal.decision_id,
            algorithm_id=appeal.algorithm_id,
            algorithm_version=appeal.algorithm_version,
            outcome=stored["outcome"],
            overturned=is_overturn(
                stored["outcome"],
                original.outcome_code if original else "",
                stored["new_outcome_code"],
            ),
            revised_decision_id=revised_id,
            new_outcome_code=stored["new_outcome_code"],
            decided_by=decided_by,
            validated_by=validated_by,
            decided_at=now,
        ).to_message()
    )
    decided = uow.appeals.by_pk(appeal.id)
    send_to_person(uow, decided, "decision", public_url, now)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def agent_of_row(row: Any) -> Agent:
    return Agent(row.id, row.administration, frozenset(row.roles), frozenset(row.aliases))

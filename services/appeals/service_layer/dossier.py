"""Everything a reviewer needs on one screen, and the record that they opened it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.appeals.domain import deadlines as dl
from services.appeals.domain import rules
from services.appeals.domain.examination import Evidence
from services.appeals.domain.routing import Routing
from services.appeals.domain.rules import Agent, Ground
from services.appeals.service_layer.letters import reason_hint, routing_of
from services.appeals.service_layer.read_model import readability
from services.appeals.service_layer.review import evidence_for
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.auth.principal import CONTACT_ROLES
from shared.decision_model import PROTECTED_GROUNDS
from shared.french import format_value


@dataclass(frozen=True)
class CriterionLine:
    code: str
    label: str
    value: Any
    shown: str
    source: str
    type: str
    protected_ground: str | None
    unit: str | None
    disputed: Ground | None
    corrected: tuple[Any, Any] | None


@dataclass
class Dossier:
    appeal: Any
    decision: Any
    algorithm: dict[str, Any]
    criteria: list[CriterionLine]
    grounds: list[Ground]
    explanation: dict[str, Any] | None
    attachments: list[Any]
    history: list[Any]
    alarms: list[Any]
    dispatches: list[Any]
    accesses: list[Any]
    overdue: bool
    soon: bool
    opened_at: datetime | None
    four_eyes: bool
    routing: Routing | None = None
    evidence: Evidence | None = None  # what the viewing agent did with the dossier
    claimed: list[ClaimedLine] = field(default_factory=list)
    may: dict[str, bool] = field(default_factory=dict)
    colleagues: list[Any] = field(default_factory=list)
    # The letter's opening when the decision is kept, « … » for the reviewer's main reason.
    reason_hint: str = ""

    @property
    def targeted(self) -> bool:
        """The draft waits for a supervisor: the person's values change the result."""
        draft = self.appeal.draft or {}
        return bool((draft.get("examination") or {}).get("targeted"))

    @property
    def late(self) -> bool:
        return self.appeal.in_time is False


@dataclass(frozen=True)
class ClaimedLine:
    """A criterion whose value the person disputes: the retained value beside theirs."""

    label: str
    retained: str
    claimed: str


def _allowed(check: Any, *args: Any) -> bool:
    try:
        check(*args)
    except rules.RuleBroken:
        return False
    return True


def open_dossier(
    uow: AppealsUnitOfWork, agent: Agent, public_id: str, now: datetime, *, record: bool = True
) -> Dossier:
    """The dossier, for an agent of its administration; each opening is recorded."""
    appeal = uow.appeals.get(public_id)
    if appeal is None:
        raise rules.NotVisible
    rules.check_can_read(agent, appeal.administration)
    rules.check_team(agent, appeal.team)
    if record:
        uow.appeals.accessed(appeal.id, agent.id, agent.administration, "open", now)
    decision = uow.read.decision(appeal.reference)
    algorithm = (
        uow.read.algorithm(appeal.administration, appeal.algorithm_id, appeal.algorithm_version)
        or {}
    )
    grounds = [Ground.from_json(g) for g in appeal.grounds]
    explanation_row = uow.read.explanation(appeal.reference)
    explanation = None
    if explanation_row is not None or decision is not None:
        data = explanation_row.data if explanation_row is not None else {}
        explanation = {
            "url": data.get("public_url") or (decision.public_url if decision else None),
            "version": explanation_row.version if explanation_row else None,
            "generated": explanation_row is not None,
            "readability": readability(data),
        }
    dossier = Dossier(
        appeal=appeal,
        decision=decision,
        algorithm=algorithm,
        criteria=criterion_lines(algorithm, decision, grounds, appeal.corrections or {}),
        grounds=grounds,
        explanation=explanation,
        attachments=uow.appeals.attachments(appeal.id),
        history=uow.appeals.history(appeal.id),
        alarms=uow.appeals.alarms(appeal.id),
        dispatches=uow.office.dispatches_of(appeal.id),
        accesses=uow.appeals.accesses(appeal.id),
        overdue=(
            appeal.status != rules.DECIDED
            and dl.is_overdue(now, appeal.legal_due_at, appeal.internal_due_at)
        ),
        soon=(
            appeal.status != rules.DECIDED
            and dl.is_soon_to_lapse(now, appeal.legal_due_at, appeal.internal_due_at)
        ),
        opened_at=uow.appeals.first_opening(appeal.id, agent.id, appeal.received_at),
        four_eyes=uow.office.four_eyes(appeal.administration),
        routing=routing_of(appeal, decision.decided_at) if decision is not None else None,
        evidence=evidence_for(uow, appeal, agent.id) if decision is not None else None,
        reason_hint=reason_hint(uow, appeal) if decision is not None else "",
    )
    dossier.claimed = [
        ClaimedLine(
            line.label, line.shown, format_value(line.disputed.claimed_value, line.unit, line.type)
        )
        for line in dossier.criteria
        if line.disputed and line.disputed.claimed_value is not None
    ]
    adm, status, initial = appeal.administration, appeal.status, appeal.decided_by_initial
    dossier.may = {
        "claim": status == rules.RECEIVED
        and _allowed(rules.check_can_act, agent, adm)
        and not agent.is_author_of(initial),
        "decide": _allowed(rules.check_can_decide, agent, adm, status, appeal.assignee, initial),
        "release": status == rules.IN_REVIEW
        and _allowed(rules.check_can_act, agent, adm)
        and (appeal.assignee == agent.id or agent.has_any("supervisor")),
        "assign": _allowed(rules.check_can_assign, agent, adm, status),
        "validate": _allowed(
            _check_validator, agent, adm, status, appeal.drafted_by, initial, dossier.targeted
        ),
        "recompute": bool(dossier.evidence and dossier.evidence.needs_recomputation)
        and rules.is_open(status)
        and _allowed(rules.check_can_act, agent, adm),
        "author": agent.is_author_of(initial),
        "contact": agent.has_any(*CONTACT_ROLES),
        # The notification date is unknown (or was given by the person): an agent records
        # the day the person says they received the decision (service_layer/timeliness.py).
        "received": rules.is_open(status)
        and _allowed(rules.check_can_act, agent, adm)
        and dossier.routing is not None
        and dossier.routing.in_time_until is not None
        and (not dossier.routing.start.notified or appeal.decision_received_on is not None),
    }
    if dossier.may["assign"]:
        dossier.colleagues = [
            a
            for a in uow.office.agents(adm)
            if a.disabled_at is None
            and set(a.roles) & set(rules.ACTING_ROLES)
            and a.id != initial
            and initial not in a.aliases
            and uow.office.may_see(a, appeal.team)
        ]
    return dossier


def _check_validator(
    agent: Agent,
    administration: str,
    status: str,
    drafted_by: str | None,
    decided_by: str | None,
    targeted: bool,
) -> None:
    rules.check_validator(
        agent, administration, status, drafted_by, decided_by, supervisor_required=targeted
    )


def criterion_lines(
    algorithm: dict[str, Any], decision: Any, grounds: list[Ground], corrections: dict[str, Any]
) -> list[CriterionLine]:
    if decision is None:
        return []
    declared = {c["code"]: c for c in algorithm.get("criteria", ())}
    disputed = {g.criterion: g for g in grounds if g.criterion}
    lines = []
    for item in decision.body["criteria"]:
        code = item["code"]
        spec = declared.get(code, {})
        lines.append(
            CriterionLine(
                code=code,
                label=spec.get("label", code),
                value=item["value"],
                shown=format_value(item["value"], spec.get("unit"), spec.get("type")),
                source=item.get("source") or spec.get("source") or "",
                type=spec.get("type", "string"),
                unit=spec.get("unit"),
                protected_ground=PROTECTED_GROUNDS.get(spec.get("protected_ground") or "")
                if spec.get("protected_ground")
                else None,
                disputed=disputed.get(code),
                corrected=tuple(corrections[code]) if code in corrections else None,
            )
        )  # type: ignore[arg-type]
    return lines

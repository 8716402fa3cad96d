"""Filing a contestation: recorded, acknowledged at once, routed, its alarms set."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from services.appeals.domain.deadlines import compute_deadlines, plan_alarms
from services.appeals.domain.filing import ORAL_CHANNELS, Filing, check_filing
from services.appeals.domain.revision import load_model
from services.appeals.domain.routing import filing_kinds, routing_for
from services.appeals.domain.rules import OPEN_STATUSES, RECEIVED
from services.appeals.service_layer.letters import send_to_person
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.auth.tokens import ALPHABET
from shared.contracts.appeals import AppealAcknowledged, AppealFiled
from shared.french import PARIS
from shared.routes import Recourse, Start, load_recourse


class CannotFile(Exception):
    """The contestation cannot be recorded; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str, existing: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.existing = status, code, message, existing


@dataclass(frozen=True)
class Filer:
    """Who files: the person (`usager`) or an agent on their behalf."""

    id: str
    administration: str | None = None

    @property
    def is_agent(self) -> bool:
        return self.administration is not None


def new_public_id() -> str:
    """`R-XXXXX-XXXXX`: short enough to read on the phone, random enough not to be guessed."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"R-{chars[:5]}-{chars[5:]}"


def start_of(decision: Any) -> Start:
    """From the notification date the back office gave, else the decision date."""
    return Start.of(decision.decided_at, decision.body.get("notified_on"))


def kinds_for(decision: Any, recourse: Recourse, on: date) -> list[str]:
    """What can be filed against this decision on `on` (the date that counts)."""
    return filing_kinds(recourse, start_of(decision), decision.favourable, on)


def decision_to_contest(
    uow: AppealsUnitOfWork, reference: str, filer: Filer
) -> tuple[Any, dict[str, Any]]:
    """The decision and its algorithm version, or CannotFile saying why not."""
    decision = uow.read.decision(reference)
    if decision is None or (filer.is_agent and decision.administration != filer.administration):
        raise CannotFile(
            404,
            "unknown_decision",
            "Cette décision n'est pas encore connue du "
            "service des recours. Réessayez dans quelques minutes.",
        )
    algorithm = uow.read.algorithm(
        decision.administration, decision.algorithm_id, decision.algorithm_version
    )
    if algorithm is None:
        raise CannotFile(
            503,
            "not_ready",
            "Le service des recours reçoit encore les "
            "informations de cette décision. Réessayez dans quelques minutes.",
        )
    if decision.superseded_by:
        raise CannotFile(
            409,
            "superseded",
            "Cette décision a été remplacée par une nouvelle "
            "décision : c'est celle-ci que vous pouvez contester.",
        )
    for appeal in uow.appeals.of_reference(reference):
        if appeal.status in OPEN_STATUSES:
            raise CannotFile(
                409,
                "already_open",
                "Un recours sur cette décision est déjà en cours d'examen.",
                existing=appeal.public_id,
            )
    return decision, algorithm


def file_appeal(
    uow: AppealsUnitOfWork, filing: Filing, filer: Filer, now: datetime, public_url: str
) -> str:
    """Record, acknowledge and route a contestation; return its public id."""
    decision, algorithm = decision_to_contest(uow, filing.reference, filer)
    recourse = load_recourse(algorithm)
    criteria, _model = load_model(algorithm)
    if not filer.is_agent:  # only an agent records a counter, phone or postal filing
        filing = replace(filing, channel="online", postmarked_on=None)
    received_on = now.astimezone(PARIS).date()
    # The date that counts for the delay: the postmark for a letter (CRPA L112-1; CE,
    # 30 juin 2025, n° 494573, for a recours gracieux or hiérarchique), else receipt.
    filed_on = filing.postmarked_on or received_on
    checked = check_filing(filing, criteria, kinds_for(decision, recourse, filed_on), received_on)
    routing = routing_for(recourse, start_of(decision), checked.kind)
    in_time = routing.in_time(filed_on)
    deadlines = compute_deadlines(routing, now)
    public_id = new_public_id()
    administration = decision.administration
    team = uow.office.team_for(administration, decision.algorithm_id)
    channel = filing.channel
    pk = uow.appeals.add(
        public_id=public_id,
        administration=administration,
        reference=decision.reference,
        decision_id=decision.decision_id,
        algorithm_id=decision.algorithm_id,
        algorithm_version=decision.algorithm_version,
        kind=checked.kind,
        channel=channel,
        filed_by=filer.id,
        filed_on=filed_on,
        postmarked_on=filing.postmarked_on,
        in_time=in_time,
        written=channel not in ORAL_CHANNELS,
        status=RECEIVED,
        team=team,
        assignee=None,
        received_at=now,
        legal_due_at=deadlines.legal_due_at,
        implicit_rejection_on=deadlines.implicit_rejection_on,
        measure_final_on=deadlines.measure_final_on,
        internal_due_at=deadlines.internal_due_at,
        escalation_level=-1,
        answer_by=filing.answer_by,
        contact=checked.contact,
        grounds=[g.to_json() for g in checked.grounds],
        policy=routing.to_json(),
        service=dict(algorithm["responsible_service"]),
        decision_label=str(decision.body["outcome"].get("label", decision.outcome_code)),
        decided_by_initial=decision.decided_by,
    )
    for file in checked.files:
        uow.appeals.attach(
            appeal_id=pk,
            filename=file.filename,
            content_type=file.content_type,
            size=len(file.data),
            sha256=hashlib.sha256(file.data).hexdigest(),
            data=file.data,
            uploaded_at=now,
        )
    for alarm in plan_alarms(deadlines):
        uow.appeals.add_alarm(
            appeal_id=pk,
            kind=alarm.kind,
            due_at=alarm.due_at,
            level=alarm.level,
            audience=alarm.audience,
        )
    uow.appeals.record(
        pk,
        now,
        filer.id,
        "filed",
        channel=channel,
        kind=checked.kind,
        grounds=len(checked.grounds),
        attachments=len(checked.files),
        filed_on=filed_on.isoformat(),
        in_time=in_time,
        postmarked_on=(filing.postmarked_on.isoformat() if filing.postmarked_on else None),
    )
    _announce(
        uow,
        administration,
        public_id,
        decision,
        checked.kind,
        channel,
        checked.grounds,
        deadlines,
        now,
        in_time,
    )
    appeal = uow.appeals.by_pk(pk)
    send_to_person(uow, appeal, "acknowledgement", public_url, now)
    uow.appeals.record(
        pk,
        now,
        "appeals",
        "acknowledged",
        email=bool(checked.contact.get("email")),
        post=filing.answer_by == "post",
    )
    return public_id


def _announce(
    uow: AppealsUnitOfWork,
    administration: str,
    public_id: str,
    decision: Any,
    kind: str,
    channel: str,
    grounds: list[Any],
    deadlines: Any,
    now: datetime,
    in_time: bool | None,
) -> None:
    about = {
        "administration": administration,
        "appeal_id": public_id,
        "reference": decision.reference,
        "decision_id": decision.decision_id,
        "algorithm_id": decision.algorithm_id,
        "algorithm_version": decision.algorithm_version,
    }
    uow.publish(
        AppealFiled(
            **about,
            kind=kind,
            channel=channel,
            received_at=now,
            in_time=in_time,
            disputed_criteria=tuple(g.criterion for g in grounds if g.criterion),
            grounds=len(grounds),
        ).to_message()
    )
    uow.publish(
        AppealAcknowledged(
            **about,
            received_at=now,
            legal_due_at=deadlines.legal_due_at,
            implicit_rejection_on=deadlines.implicit_rejection_on,
            measure_final_on=deadlines.measure_final_on,
            internal_due_at=deadlines.internal_due_at,
        ).to_message()
    )

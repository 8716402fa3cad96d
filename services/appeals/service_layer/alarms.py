"""The scheduler's job: fire the alarms that are due. It reminds and escalates; it never
decides, so an appeal past every deadline stays open until a person decides it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from services.appeals.domain.deadlines import ASSIGNEE, LAPSED, REMINDER, last_day
from services.appeals.domain.rules import DECIDED
from services.appeals.service_layer.letters import notify_agent
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.french import format_date, format_datetime

log = logging.getLogger(__name__)

WHAT = {
    "legal_reminder": "Rappel : le délai légal de réponse approche",
    "legal_escalation": "Escalade : recours non décidé, délai légal dans deux semaines ou moins",
    "legal_alert": "Alerte : recours non décidé, délai légal dans une semaine ou moins",
    "legal_lapsed": "Délai légal dépassé : décidez ce recours sans attendre",
    "internal_reminder": "Rappel : le délai interne de traitement approche",
    "internal_escalation": "Escalade : délai interne de traitement dépassé",
}


def recipients(uow: AppealsUnitOfWork, appeal: Any, audience: str) -> list[Any]:
    """The assignee for a reminder, else the supervisors (the admins when there are none)."""
    if audience == ASSIGNEE and appeal.assignee:
        agent = uow.office.agent(appeal.assignee)
        if agent is not None and agent.disabled_at is None:
            return [agent]
    active = [a for a in uow.office.agents(appeal.administration) if a.disabled_at is None]
    supervisors = [
        a
        for a in active
        if "supervisor" in a.roles and (not appeal.team or not a.teams or appeal.team in a.teams)
    ]
    return supervisors or [a for a in active if "admin" in a.roles]


def fire_due_alarms(uow: AppealsUnitOfWork, now: datetime, public_url: str) -> int:
    """Fire every due alarm once (claimed row by row, safe with several schedulers)."""
    fired = 0
    for alarm in uow.appeals.due_alarms(now):
        if not uow.appeals.claim_alarm(alarm.id, now):
            continue
        appeal = uow.appeals.by_pk(alarm.appeal_id)
        if appeal is None or appeal.status == DECIDED:
            continue
        fired += 1
        level = max(appeal.escalation_level, alarm.level)
        uow.appeals.update(appeal.id, escalation_level=level)
        people = recipients(uow, appeal, alarm.audience)
        uow.appeals.record(
            appeal.id,
            now,
            "scheduler",
            "alarm",
            kind=alarm.kind,
            level=alarm.level,
            notified=[p.id for p in people],
        )
        subject = f"{WHAT.get(alarm.kind, alarm.kind)} — dossier {appeal.public_id}"
        text = _alarm_text(appeal, alarm, public_url)
        for person in people:
            if person.email:
                notify_agent(uow, appeal, person.email, subject, text, now)
        log.info(
            "alarm fired",
            extra={"appeal": appeal.public_id, "kind": alarm.kind, "level": alarm.level},
        )
    return fired


def _alarm_text(appeal: Any, alarm: Any, public_url: str) -> str:
    lines = [
        WHAT.get(alarm.kind, alarm.kind) + ".",
        "",
        f"Dossier : {appeal.public_id} (décision {appeal.reference})",
        f"Reçu le : {format_datetime(appeal.received_at)}",
        f"Décider au plus tard le : {format_date(last_day(appeal.legal_due_at))}",
    ]
    if appeal.implicit_rejection_on:
        lines.append(
            "Sans décision, le recours sera implicitement rejeté le "
            f"{format_date(appeal.implicit_rejection_on)} : la personne n'aura "
            "reçu aucune réponse motivée."
        )
    if appeal.internal_due_at:
        lines.append(f"Délai interne : {format_datetime(appeal.internal_due_at)}")
    lines.append(f"Instructeur : {appeal.assignee or 'personne'}")
    if alarm.level == LAPSED:
        lines.append("Le recours reste ouvert : seul un agent peut le décider.")
    elif alarm.level > REMINDER:
        lines.append("Attribuez ce dossier ou assurez-vous qu'il sera décidé à temps.")
    lines += ["", f"Ouvrir le dossier : {public_url}/console/appeals/{appeal.public_id}"]
    return "\n".join(lines)

"""Reports of errors in the public register: received from decision_log, answered by the
algorithm's owners in the console; the status and the public answer go back to the register."""

from __future__ import annotations

from datetime import datetime

from services.appeals.domain.rules import Agent, RuleBroken
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.contracts.register import (
    ANSWER_MAX,
    ANSWER_MIN,
    ANSWERED,
    STATUSES,
    RegisterReportFiled,
    RegisterReportUpdated,
)

# Who answers for the register's entries of their administration.
OWNER_ROLES = ("algorithm_owner", "supervisor", "admin")


def on_report_filed(report: RegisterReportFiled, uow: AppealsUnitOfWork, now: datetime) -> None:
    uow.reports.add(
        public_id=report.report_id,
        administration=report.administration,
        algorithm_id=report.algorithm_id,
        algorithm_version=report.algorithm_version,
        topic=report.topic,
        message=report.message,
        status="received",
        answer=None,
        answered_by=None,
        filed_at=report.filed_at,
        updated_at=now,
    )


def answer_report(
    uow: AppealsUnitOfWork, agent: Agent, public_id: str, status: str, answer: str, now: datetime
) -> None:
    """Change a report's status; a closing status needs an answer the public will read."""
    if not agent.has_any(*OWNER_ROLES):
        raise RuleBroken("forbidden", "Votre rôle ne permet pas de répondre aux signalements.")
    report = uow.reports.get(agent.administration, public_id)
    if report is None:
        raise RuleBroken("not_found", "Ce signalement n'existe pas.")
    if status not in STATUSES or status == "received":
        raise RuleBroken("invalid", "Choisissez un état.", {"status": "Choisissez un état."})
    answer = answer.strip()
    if status in ANSWERED and not ANSWER_MIN <= len(answer) <= ANSWER_MAX:
        message = (
            f"Écrivez la réponse publiée sur le registre ({ANSWER_MIN} à {ANSWER_MAX} caractères)."
        )
        raise RuleBroken("incomplete", message, {"answer": message})
    public_answer = answer or None
    uow.reports.update(
        public_id, status=status, answer=public_answer, answered_by=agent.id, updated_at=now
    )
    uow.publish(
        RegisterReportUpdated(
            administration=agent.administration,
            report_id=public_id,
            status=status,
            answer=public_answer,
            updated_at=now,
        ).to_message()
    )

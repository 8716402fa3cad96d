"""Letters about an appeal, built from its record, and queued for sending after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.appeals.adapters.pdf import letter_pdf
from services.appeals.domain import letters
from services.appeals.domain.deadlines import AppealPolicy, Deadlines
from services.appeals.domain.rules import Ground
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork

PDF = "application/pdf"
FILE_NAMES = {"acknowledgement": "accuse-de-reception", "decision": "decision-sur-recours"}


def deadlines_of(appeal: Any) -> Deadlines:
    return Deadlines(appeal.received_at, appeal.legal_due_at, appeal.implicit_rejection_on,
                     appeal.measure_final_on, appeal.internal_due_at)


def page_url(public_url: str, appeal: Any) -> str:
    return f"{public_url}/d/{appeal.reference}/recours/{appeal.public_id}"


def criterion_labels(uow: AppealsUnitOfWork, appeal: Any) -> dict[str, str]:
    algorithm = uow.read.algorithm(appeal.administration, appeal.algorithm_id,
                                   appeal.algorithm_version) or {}
    return {c["code"]: c.get("label", c["code"]) for c in algorithm.get("criteria", ())}


def case_of(uow: AppealsUnitOfWork, appeal: Any, public_url: str) -> letters.Case:
    decision = uow.read.decision(appeal.reference)
    assert decision is not None, "an appeal is only filed against a known decision"
    return letters.Case(
        appeal_id=appeal.public_id, kind=appeal.kind, reference=appeal.reference,
        decision_label=appeal.decision_label, decided_at=decision.decided_at,
        service=appeal.service, policy=AppealPolicy(**appeal.policy),
        deadlines=deadlines_of(appeal),
        grounds=[Ground.from_json(g) for g in appeal.grounds],
        attachment_names=[a.filename for a in uow.appeals.attachments(appeal.id)],
        page_url=page_url(public_url, appeal), criterion_labels=criterion_labels(uow, appeal))


def outcome_of(appeal: Any) -> letters.Outcome:
    return letters.Outcome(
        result=appeal.outcome, facts=appeal.facts or "", law=appeal.law or "",
        answers=appeal.answers or {}, decided_at=appeal.decided_at,
        new_label=appeal.new_outcome_label, new_reference=appeal.revised_reference,
        corrections={code: (pair[0], pair[1]) for code, pair in (appeal.corrections or {}).items()})


def letter_for(uow: AppealsUnitOfWork, appeal: Any, which: str, public_url: str
               ) -> letters.Letter:
    case = case_of(uow, appeal, public_url)
    if which == "acknowledgement":
        return letters.acknowledgement(case)
    if which == "decision" and appeal.outcome:
        return letters.decision_letter(case, outcome_of(appeal))
    raise LookupError(which)


def send_to_person(uow: AppealsUnitOfWork, appeal: Any, which: str, public_url: str,
                   now: datetime) -> None:
    """Queue the letter: by e-mail when there is an address, on paper when asked for."""
    letter = letter_for(uow, appeal, which, public_url)
    pdf = letter_pdf(letter)
    name = f"{FILE_NAMES[which]}-{appeal.public_id}.pdf"
    common = {"appeal_id": appeal.id, "administration": appeal.administration,
              "letter": which, "subject": f"{letter.title} — dossier {appeal.public_id}",
              "body": letter.text(), "attachment_name": name, "attachment": pdf,
              "attempts": 0, "next_attempt_at": now, "created_at": now}
    contact = appeal.contact or {}
    if contact.get("email"):
        uow.office.dispatch(channel="email", recipient=contact["email"], status="pending",
                            **common)
    if appeal.answer_by == "post" and contact.get("postal_address"):
        uow.office.dispatch(channel="post", recipient=contact["postal_address"],
                            status="to_print", **common)


def notify_agent(uow: AppealsUnitOfWork, appeal: Any, agent_email: str, subject: str,
                 text: str, now: datetime) -> None:
    uow.office.dispatch(appeal_id=appeal.id, administration=appeal.administration,
                        letter="alarm", channel="email", recipient=agent_email,
                        subject=subject, body=text, attachment_name=None, attachment=None,
                        status="pending", attempts=0, next_attempt_at=now, created_at=now)

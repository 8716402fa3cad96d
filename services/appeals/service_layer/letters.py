"""Letters about an appeal, built from its record, and queued for sending after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.appeals.adapters.pdf import letter_pdf
from services.appeals.domain import letters
from services.appeals.domain.deadlines import Deadlines
from services.appeals.domain.routing import Routing
from services.appeals.domain.rules import MAINTAINED, Ground
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.french import PARIS

PDF = "application/pdf"
FILE_NAMES = {"acknowledgement": "accuse-de-reception", "decision": "decision-sur-recours"}


def deadlines_of(appeal: Any) -> Deadlines:
    return Deadlines(
        appeal.received_at,
        appeal.legal_due_at,
        appeal.implicit_rejection_on,
        appeal.measure_final_on,
        appeal.internal_due_at,
    )


def routing_of(appeal: Any, decided_at: datetime) -> Routing:
    return Routing.from_json(
        appeal.policy,
        kind=appeal.kind,
        service=appeal.service,
        decided_on=decided_at.astimezone(PARIS).date(),
    )


def page_url(public_url: str, appeal: Any) -> str:
    return f"{public_url}/d/{appeal.reference}/recours/{appeal.public_id}"


def criteria_of(uow: AppealsUnitOfWork, appeal: Any) -> list[dict[str, Any]]:
    algorithm = (
        uow.read.algorithm(appeal.administration, appeal.algorithm_id, appeal.algorithm_version)
        or {}
    )
    return list(algorithm.get("criteria", ()))


def case_of(uow: AppealsUnitOfWork, appeal: Any, public_url: str) -> letters.Case:
    decision = uow.read.decision(appeal.reference)
    assert decision is not None, "an appeal is only filed against a known decision"
    contact = appeal.contact or {}
    criteria = criteria_of(uow, appeal)
    return letters.Case(
        appeal_id=appeal.public_id,
        reference=appeal.reference,
        decision_label=appeal.decision_label,
        decided_at=decision.decided_at,
        service=appeal.service,
        routing=routing_of(appeal, decision.decided_at),
        deadlines=deadlines_of(appeal),
        grounds=[Ground.from_json(g) for g in appeal.grounds],
        attachment_names=[a.filename for a in uow.appeals.attachments(appeal.id)],
        page_url=page_url(public_url, appeal),
        criterion_labels={c["code"]: c.get("label", c["code"]) for c in criteria},
        criterion_units={c["code"]: c["unit"] for c in criteria if c.get("unit")},
        channel=appeal.channel,
        filed_on=appeal.filed_on,
        postmarked_on=appeal.postmarked_on,
        in_time=appeal.in_time,
        written=appeal.written is not False,
        postal_address=contact.get("postal_address"),
        email=contact.get("email"),
    )


def signer_of(uow: AppealsUnitOfWork, agent_id: str | None) -> letters.Signer | None:
    """The agent as their letters name them; their display name when the profile is not
    filled in yet (an operator completes it: `explicite agents update`)."""
    row = uow.office.agent(agent_id) if agent_id else None
    if row is None:
        return None
    if row.first_name and row.last_name:
        first, last = row.first_name, row.last_name
    else:
        first, _, last = str(row.name).partition(" ")
    return letters.Signer(first, last, row.quality or "agent du service", row.delegation)


def outcome_of(uow: AppealsUnitOfWork, appeal: Any) -> letters.Outcome:
    decision = uow.read.decision(appeal.reference)
    original = decision.outcome_code if decision is not None else None
    examination = appeal.examination or {}
    return letters.Outcome(
        result=appeal.outcome,
        facts=appeal.facts or "",
        law=appeal.law or "",
        answers=appeal.answers or {},
        decided_at=appeal.decided_at,
        main_reason=appeal.main_reason or "",
        original_favourable=bool(decision.favourable) if decision is not None else False,
        changed=examination.get(
            "changed", appeal.new_outcome_code is not None and appeal.new_outcome_code != original
        ),
        new_label=appeal.new_outcome_label,
        new_favourable=examination.get("new_favourable"),
        new_amount=examination.get("new_amount"),
        new_reference=appeal.revised_reference,
        corrections={code: (pair[0], pair[1]) for code, pair in (appeal.corrections or {}).items()},
        signer=signer_of(uow, appeal.decided_by),
        validator=(
            signer_of(uow, appeal.validated_by)
            if appeal.validated_by and appeal.validated_by != appeal.decided_by
            else None
        ),
        body=appeal.decided_by_body,
        deliberated_on=appeal.deliberated_on,
        reexamine_by=appeal.reexamine_by,
    )


def reason_hint(uow: AppealsUnitOfWork, appeal: Any) -> str:
    """The opening of this appeal's letter when the decision is kept, with « … » where the
    reviewer's main reason goes: the form shows the sentence the person will read, not a
    refusal's for a selection or a favourable decision."""
    decision = uow.read.decision(appeal.reference)
    kept = letters.Outcome(
        result=MAINTAINED,
        facts="",
        law="",
        answers={},
        decided_at=appeal.received_at,
        main_reason="…",
        original_favourable=bool(decision and decision.favourable),
    )
    return letters.outcome_sentence(case_of(uow, appeal, ""), kept).removesuffix(".")


def letter_for(uow: AppealsUnitOfWork, appeal: Any, which: str, public_url: str) -> letters.Letter:
    case = case_of(uow, appeal, public_url)
    if which == "acknowledgement":
        return letters.acknowledgement(case)
    if which == "decision" and appeal.outcome:
        return letters.decision_letter(case, outcome_of(uow, appeal))
    raise LookupError(which)


def send_to_person(
    uow: AppealsUnitOfWork, appeal: Any, which: str, public_url: str, now: datetime
) -> None:
    """Queue the letter: by e-mail when there is an address, on paper when asked for.
    Replies go to the service, never to a no-reply box."""
    letter = letter_for(uow, appeal, which, public_url)
    pdf = letter_pdf(letter)
    name = f"{FILE_NAMES[which]}-{appeal.public_id}.pdf"
    common = {
        "appeal_id": appeal.id,
        "administration": appeal.administration,
        "letter": which,
        "subject": f"{letter.title} — dossier {appeal.public_id}",
        "body": letter.text(),
        "attachment_name": name,
        "attachment": pdf,
        "reply_to": (appeal.service or {}).get("email"),
        "sender_name": (appeal.service or {}).get("name") or None,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    contact = appeal.contact or {}
    if contact.get("email"):
        uow.office.dispatch(channel="email", recipient=contact["email"], status="pending", **common)
    if appeal.answer_by == "post" and contact.get("postal_address"):
        uow.office.dispatch(
            channel="post", recipient=contact["postal_address"], status="to_print", **common
        )


def notify_agent(
    uow: AppealsUnitOfWork, appeal: Any, agent_email: str, subject: str, text: str, now: datetime
) -> None:
    uow.office.dispatch(
        appeal_id=appeal.id,
        administration=appeal.administration,
        letter="alarm",
        channel="email",
        recipient=agent_email,
        subject=subject,
        body=text,
        attachment_name=None,
        attachment=None,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )

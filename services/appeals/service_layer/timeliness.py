"""The date the person says they received the decision, recorded by an agent.

The delay of a recours runs from the day the decision was notified to the person (R421-1 CJA:
« dans les deux mois à partir de la notification ou de la publication de la décision
attaquée »; L411-2 CRPA: a recours administratif made within that delay keeps it). When the
back office gave no notification date, the delay was counted from the decision date, and the
acknowledgement invited the person to say when they received it (review finding 3). An agent
records that date here: whether the contestation was in time, and the deadlines shown, are
recomputed, and a corrected acknowledgement is sent when the answer changes.

The person's word is taken (the proof of notification is the administration's to bring); the
date cannot be before the decision, nor after the filing or today.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.appeals.domain import rules
from services.appeals.domain.deadlines import compute_deadlines
from services.appeals.domain.routing import routing_for
from services.appeals.domain.rules import Agent, RuleBroken
from services.appeals.service_layer.letters import routing_of, send_to_person
from services.appeals.service_layer.review import appeal_for_agent
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.french import PARIS, format_date
from shared.routes import Start, load_recourse

FIELD = "decision_received_on"


def parse_day(raw: str) -> date:
    """A date from the form (`AAAA-MM-JJ`, as a date input sends it), or RuleBroken."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise RuleBroken(
            "incomplete",
            "La date de réception n'est pas valide.",
            {FIELD: "Indiquez la date sous la forme jour, mois, année."},
        ) from None


def record_decision_received(
    uow: AppealsUnitOfWork,
    agent: Agent,
    public_id: str,
    received: date | str,
    now: datetime,
    public_url: str,
) -> bool | None:
    """Record the day the person received the decision (`received`: a date, or the form's
    text, read once the agent may act); return whether the contestation is now in time
    (None: no delay applies)."""
    appeal: Any = appeal_for_agent(uow, agent, public_id)
    rules.check_can_act(agent, appeal.administration)
    rules.check_open(appeal.status)
    received_on = parse_day(received) if isinstance(received, str) else received
    decision = uow.read.decision(appeal.reference)
    algorithm = uow.read.algorithm(
        appeal.administration, appeal.algorithm_id, appeal.algorithm_version
    )
    if decision is None or algorithm is None:
        raise RuleBroken("not_ready", "La décision contestée n'est pas encore connue ici.")
    if decision.body.get("notified_on"):
        raise RuleBroken(
            "notified",
            "La date de notification est déjà connue.",
            {
                FIELD: "L'administration a indiqué que la décision a été remise le "
                f"{format_date(date.fromisoformat(str(decision.body['notified_on'])[:10]))}."
                " C'est cette date qui compte."
            },
        )
    routing = routing_of(appeal, decision.decided_at)
    if routing.in_time_until is None:
        raise RuleBroken(
            "no_delay",
            "Aucun délai ne s'applique à cette démarche.",
            {FIELD: "Un signalement n'a pas de délai : la date de réception ne change rien."},
        )
    decided_on = decision.decided_at.astimezone(PARIS).date()
    today = now.astimezone(PARIS).date()
    filed_on = appeal.filed_on or appeal.received_at.astimezone(PARIS).date()
    problem = None
    if received_on < decided_on:
        problem = (
            f"La décision date du {format_date(decided_on)} : elle n'a pas pu être reçue avant."
        )
    elif received_on > min(filed_on, today):
        problem = (
            f"La personne a contesté le {format_date(filed_on)} : elle avait donc reçu la "
            "décision à cette date au plus tard."
        )
    if problem:
        raise RuleBroken("incomplete", "La date de réception n'est pas possible.", {FIELD: problem})
    updated = routing_for(load_recourse(algorithm), Start(received_on, True), appeal.kind)
    in_time = updated.in_time(filed_on)
    # The recours' own deadlines run from its receipt (L231-4); observations end when the
    # measure becomes final, counted from the notification: later now, never earlier, so the
    # alarms already planned still ring in time.
    deadlines = compute_deadlines(updated, appeal.received_at)
    uow.appeals.update(
        appeal.id,
        policy=updated.to_json(),
        in_time=in_time,
        decision_received_on=received_on,
        legal_due_at=deadlines.legal_due_at,
        implicit_rejection_on=deadlines.implicit_rejection_on,
        measure_final_on=deadlines.measure_final_on,
    )
    uow.appeals.record(
        appeal.id,
        now,
        agent.id,
        "decision_received_on",
        received_on=received_on.isoformat(),
        previous_start=routing.start.day.isoformat(),
        in_time=in_time,
        previous_in_time=appeal.in_time,
        last_day=updated.last_day.isoformat() if updated.last_day else None,
    )
    if in_time != appeal.in_time:
        # The acknowledgement the person keeps said the opposite: they get it corrected.
        send_to_person(uow, uow.appeals.by_pk(appeal.id), "acknowledgement", public_url, now)
    return in_time

"""Timeliness on a controlled clock: a filing one day before and one day after the delay, by
web and by post with a postmark; the late one is received, acknowledged truthfully, flagged
in the console and counted."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.integration.appeals.conftest import (
    as_usager,
    contest,
    sample_decision,
    sign_in,
    token_of,
)

# Notified on Friday 13 November 2026: two months end on Wednesday 13 January 2027, the
# last day shown; the delay is franc, so a filing of Thursday 14 January is still in time.
NOTIFIED_ON = "2026-11-13"
LATE_MESSAGE = (
    "Ce recours a été fait après la fin du délai. Il sera examiné, mais il "
    "n'arrête pas le délai pour aller devant le juge : ce délai est terminé."
)
IN_TIME_MESSAGE = "Ce recours arrête le délai pour aller devant le juge."


def text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def log(world: Any, reference: str, notified_on: str | None = NOTIFIED_ON) -> None:
    decision = sample_decision("creche-attribution", decided_by="ville-exemple-agent-1")
    decision.update(decision_id=f"CRECHE-{reference}", decided_at="2026-11-12T10:00:00+01:00")
    if notified_on:
        decision["notified_on"] = notified_on
    world.log_decision(decision, reference)


def file_online(world: Any, reference: str, on: datetime) -> str:
    world.clock.now = on
    client = world.app.test_client()
    as_usager(client, reference)
    response = contest(client, reference, account="Mon fils entre à l'école le 4 janvier.")
    assert response.status_code == 303
    return text(client.get(response.headers["Location"]))


def file_by_post(world: Any, reference: str, postmark: str) -> str:
    world.clock.now = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)  # received days later
    agent = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    response = agent.post(
        "/console/deposer",
        data={
            "csrf_token": token_of(agent),
            "reference": reference,
            "step": "file",
            "channel": "letter",
            "postmarked_on": postmark,
            "answer_by": "post",
            "postal_address": "Léa Dubois, 3 rue des Lilas, 99100 Ville-Exemple",
            "account": "Lettre de Mme Dubois : son fils entre à l'école le 4 janvier.",
        },
    )
    assert response.status_code == 303, text(response)[-800:]
    client = world.app.test_client()
    as_usager(client, reference)
    public_id = response.headers["Location"].split("/")[-1].split("?")[0]
    return text(client.get(f"/d/{reference}/recours/{public_id}"))


@pytest.mark.parametrize(("day", "late"), [(14, False), (15, True)])
def test_online_one_day_before_and_after_the_end_of_the_delay(world, day, late):
    log(world, "D-0TME0-00001")
    page = file_online(world, "D-0TME0-00001", datetime(2027, 1, day, 10, 0, tzinfo=UTC))
    assert (LATE_MESSAGE in page) is late and (IN_TIME_MESSAGE in page) is not late
    assert (
        "Délai pour faire ce recours "
        + ("dépassé" if late else "respecté")
        + " (il finissait le 13 janvier 2027)"
        in page
    )
    with world.uow() as uow:
        appeal = uow.appeals.of_reference("D-0TME0-00001")[0]
    assert appeal.in_time is not late and str(appeal.filed_on) == f"2027-01-{day}"


@pytest.mark.parametrize(("postmark", "late"), [("14/01/2027", False), ("2027-01-15", True)])
def test_by_post_the_postmark_decides_not_the_day_of_receipt(world, postmark, late):
    log(world, "D-0TME0-00002")
    page = file_by_post(world, "D-0TME0-00002", postmark)
    assert (LATE_MESSAGE in page) is late and (IN_TIME_MESSAGE in page) is not late
    assert "Date du cachet de la poste" in page and "c'est cette date qui compte" in page
    assert "Date de réception 20 janvier 2027" in page


def test_a_late_filing_is_flagged_in_the_queue_the_dossier_and_the_statistics(world):
    log(world, "D-0TME0-00003")
    file_online(world, "D-0TME0-00003", datetime(2027, 1, 15, 10, 0, tzinfo=UTC))
    agent = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    queue = text(agent.get("/console/"))
    assert "Hors délai" in queue
    with world.uow() as uow:
        public_id = uow.appeals.of_reference("D-0TME0-00003")[0].public_id
    dossier = text(agent.get(f"/console/appeals/{public_id}"))
    assert "Délai pour cette démarche jusqu'au 13 janvier 2027 Hors délai" in dossier
    supervisor = sign_in(world.app.test_client(), "superviseur-ville-exemple")
    stats = text(supervisor.get("/console/statistiques"))
    assert re.search(r"Recours gracieux : 1 1 Hors délai", stats), stats[-3000:]


def test_without_a_notification_date_the_delay_runs_from_the_decision_and_says_so(world):
    log(world, "D-0TME0-00004", notified_on=None)
    world.clock.now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    client = world.app.test_client()
    as_usager(client, "D-0TME0-00004")
    form = text(client.get("/d/D-0TME0-00004/contester"))
    assert (
        "Vous faites un recours gracieux adressé au maire de Ville-Exemple, au plus tard le "
        "12 janvier 2027."
    ) in form
    assert (
        "Les délais comptent à partir du 12 novembre 2026, date de la décision. Si vous "
        "l'avez reçue plus tard, vos délais finissent plus tard."
    ) in form


def test_a_postmark_after_receipt_or_on_an_online_filing_is_refused(world):
    log(world, "D-0TME0-00005")
    world.clock.now = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    agent = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    response = agent.post(
        "/console/deposer",
        data={
            "csrf_token": token_of(agent),
            "reference": "D-0TME0-00005",
            "step": "file",
            "channel": "letter",
            "postmarked_on": "2027-01-11",
            "answer_by": "email",
            "email": "lea@example.org",
            "account": "Lettre reçue le 10 janvier.",
        },
    )
    assert response.status_code == 400
    assert "ne peut pas être postérieur à la date de réception" in text(response)


def test_the_day_the_person_received_the_decision_recomputes_the_delay(world):
    """Review finding 3: the acknowledgement asked the person when they received the
    decision; an agent records it, and whether the recours was in time is counted again."""
    from services.appeals.entrypoints.consumer import send_emails

    log(world, "D-0TME0-00005", notified_on=None)  # decided 12 November 2026
    page = file_online(world, "D-0TME0-00005", datetime(2027, 1, 15, 10, 0, tzinfo=UTC))
    assert LATE_MESSAGE in page and "dites-nous à quelle date" in page
    with world.uow() as uow:
        public_id = uow.appeals.of_reference("D-0TME0-00005")[0].public_id
    send_emails(world.service)
    acknowledgements = len(world.mailer.to("personne@example.org"))
    reviewer = sign_in(world.app.test_client(), "instructrice-ville-exemple")
    path = f"/console/appeals/{public_id}/received"
    dossier = text(reviewer.get(f"/console/appeals/{public_id}"))
    assert "La personne a reçu la décision plus tard ?" in dossier
    # CSRF-protected; a date the decision cannot have been received on is refused.
    assert reviewer.post(path, data={"decision_received_on": "2026-11-20"}).status_code == 403
    token = token_of(reviewer)
    for day, reason in (
        ("2026-11-01", "La décision date du 12 novembre 2026 : elle n'a pas pu être reçue avant."),
        ("2027-01-16", "La personne a contesté le 15 janvier 2027"),
        ("le 20", "Indiquez la date sous la forme jour, mois, année."),
    ):
        refused = reviewer.post(path, data={"csrf_token": token, "decision_received_on": day})
        assert refused.status_code == 400 and reason in text(refused), day
    recorded = reviewer.post(path, data={"csrf_token": token, "decision_received_on": "2026-11-20"})
    assert recorded.status_code == 303, text(recorded)[-800:]
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        history = [h for h in uow.appeals.history(appeal.id) if h.action == "decision_received_on"]
    assert appeal.in_time is True and str(appeal.decision_received_on) == "2026-11-20"
    assert history[0].actor == "instructrice-ville-exemple"
    assert (history[0].detail["previous_in_time"], history[0].detail["in_time"]) == (False, True)
    dossier = text(reviewer.get(f"/console/appeals/{public_id}"))
    assert "Décision reçue le 20 novembre 2026 (date donnée par la personne)" in dossier
    assert "Délai pour cette démarche jusqu'au 20 janvier 2027 Dans le délai" in dossier
    assert "Date de réception de la décision enregistrée" in dossier
    # The person's acknowledgement now says the truth, and a corrected one is sent.
    client = world.app.test_client()
    as_usager(client, "D-0TME0-00005")
    page = text(client.get(f"/d/D-0TME0-00005/recours/{public_id}"))
    assert IN_TIME_MESSAGE in page and LATE_MESSAGE not in page
    assert "il finissait le 20 janvier 2027" in page
    send_emails(world.service)
    assert len(world.mailer.to("personne@example.org")) == acknowledgements + 1


def test_a_known_notification_date_is_not_replaced_by_a_statement(world):
    log(world, "D-0TME0-00006")  # notified on 13 November 2026 by the back office
    file_online(world, "D-0TME0-00006", datetime(2027, 1, 15, 10, 0, tzinfo=UTC))
    with world.uow() as uow:
        public_id = uow.appeals.of_reference("D-0TME0-00006")[0].public_id
    reviewer = sign_in(world.app.test_client(), "instructrice-ville-exemple")
    assert "La personne a reçu la décision plus tard ?" not in text(
        reviewer.get(f"/console/appeals/{public_id}")
    )
    refused = reviewer.post(
        f"/console/appeals/{public_id}/received",
        data={"csrf_token": token_of(reviewer), "decision_received_on": "2026-11-20"},
    )
    assert refused.status_code == 400
    assert "la décision a été remise le 13 novembre 2026" in text(refused)

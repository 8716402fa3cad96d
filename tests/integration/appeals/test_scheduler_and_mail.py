"""The scheduler with a controlled clock: reminders, escalations, never a closure; e-mails sent
after commit, retried, and kept visible when they fail."""

from __future__ import annotations

from datetime import timedelta

from services.appeals.bootstrap import AppealsConfig, bootstrap
from services.appeals.entrypoints.consumer import run_scheduler, send_emails
from tests.integration.appeals.conftest import as_usager, contest, file_creche


def alarm_mails(world, login: str) -> list[str]:
    return [
        m.subject
        for m in world.mailer.to(f"{login}@example.org")
        if "dossier R-" in m.subject and "Accusé" not in m.subject
    ]


def test_every_alarm_fires_once_at_its_time_and_the_appeal_stays_open(world):
    public_id = file_creche(world)  # received 2 November 2026 at 9:30 UTC, SLA 240 h
    with world.uow() as uow:
        uow.appeals.take(
            uow.appeals.get(public_id).id,
            "instructeur-ville-exemple",
            free="received",
            taken="in_review",
        )
        uow.commit()
    supervisor, reviewer = "superviseur.ville-exemple", "instructeur.ville-exemple"
    steps = [  # (when, escalation level, who gets an e-mail)
        (timedelta(hours=119), -1, None),
        (timedelta(hours=120), 0, reviewer),  # internal reminder: half the 240 h
        (timedelta(hours=240), 1, supervisor),  # internal deadline passed: escalation
        (timedelta(days=61) - timedelta(days=21), 1, reviewer),  # legal reminder
        (timedelta(days=61) - timedelta(days=14), 1, supervisor),  # legal escalation
        (timedelta(days=61) - timedelta(days=7), 2, supervisor),  # alert
        (timedelta(days=61), 3, supervisor),  # 2 January 2027: silence means rejection
    ]
    start = world.clock()
    expected = {reviewer: 0, supervisor: 0}
    for delta, level, who in steps:
        world.clock.now = (
            start + delta - timedelta(hours=9, minutes=30)
            if delta == timedelta(days=61)
            else start + delta
        )
        run_scheduler(world.service)
        send_emails(world.service)
        if who:
            expected[who] += 1
        for person, count in expected.items():
            assert len(alarm_mails(world, person)) == count, (delta, person)
        with world.uow() as uow:
            appeal = uow.appeals.get(public_id)
        assert appeal.escalation_level == level, delta
        assert appeal.status == "in_review"
    world.clock.advance(days=365)
    assert run_scheduler(world.service) == 0
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        history = [
            h.detail.get("kind") for h in uow.appeals.history(appeal.id) if h.action == "alarm"
        ]
    assert appeal.status == "in_review" and appeal.outcome is None
    assert history == [
        "internal_reminder",
        "internal_escalation",
        "legal_reminder",
        "legal_escalation",
        "legal_alert",
        "legal_lapsed",
    ]


def test_an_unassigned_appeal_reminds_the_supervisors(world):
    file_creche(world)
    world.clock.advance(hours=120)
    run_scheduler(world.service)
    send_emails(world.service)
    assert len(alarm_mails(world, "superviseur.ville-exemple")) == 1
    assert not alarm_mails(world, "instructeur.ville-exemple")


def test_alarms_survive_a_restart(world):
    public_id = file_creche(world)
    world.clock.advance(days=50)
    restarted = bootstrap(
        world.service.settings, clock=world.clock, mailer=world.mailer, config=AppealsConfig()
    )
    assert run_scheduler(restarted) == 4  # both internal ones, the legal reminder, escalation
    with restarted.uow() as uow:
        assert uow.appeals.get(public_id).escalation_level == 1
    restarted.engine.dispose()


def test_a_decided_appeal_raises_no_more_alarms(world):
    from tests.integration.appeals.conftest import decision_form, examine, sign_in, token_of

    public_id = file_creche(world)
    client = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    token = token_of(client)
    client.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token})
    examine(client, public_id)
    decided = client.post(
        f"/console/appeals/{public_id}/decide", data=decision_form(token, "maintained")
    )
    assert decided.status_code == 303
    world.clock.advance(days=90)
    assert run_scheduler(world.service) == 0


def test_letters_are_sent_after_commit_with_their_pdf(world):
    client = world.app.test_client()
    as_usager(client, "D-TRANS-00001")
    contest(client, "D-TRANS-00001", account="Je conteste.")
    assert world.mailer.sent == []
    assert send_emails(world.service) == 1
    mail = world.mailer.sent[0]
    assert mail.to == "personne@example.org" and "Accusé de réception" in mail.subject
    # Replies reach the service, not a no-reply box.
    assert mail.reply_to == "transports-scolaires@region-exemple.fr"
    assert "Transports scolaires" in mail.text or "transports scolaires" in mail.text
    assert mail.attachments[0].data.startswith(b"%PDF")
    assert send_emails(world.service) == 0


def test_a_letter_is_sent_in_the_name_of_the_service_that_wrote_it(world):
    """Review finding 13: the From named « Explicite », unknown to the person; it names the
    service, through the platform's address (replies go to the service's Reply-To)."""
    client = world.app.test_client()
    as_usager(client, "D-TRANS-00001")
    contest(client, "D-TRANS-00001", account="Je conteste.")
    send_emails(world.service)
    letter = world.mailer.sent[0]
    header = letter.to_message()["From"]
    assert header.addresses[0].display_name == (
        "Service des transports scolaires de Région-Exemple via Explicite"
    )
    assert header.addresses[0].addr_spec == "ne-pas-repondre@explicite.invalid"
    # An alarm to an agent is no letter of a service: the platform's name alone.
    file_creche(world)
    world.clock.advance(hours=120)
    run_scheduler(world.service)
    send_emails(world.service)
    alarm = next(m for m in world.mailer.sent if "Accusé" not in m.subject)
    assert alarm.to_message()["From"].addresses[0].display_name == "Explicite"


def test_a_failed_send_is_retried_then_shown_as_failed(world):
    file_creche(world)
    world.mailer.failing = True
    for _ in range(8):
        send_emails(world.service)
        world.clock.advance(hours=7)
    with world.uow() as uow:
        row = uow.office.dispatches("ville-exemple")[0]
    assert (row.status, row.attempts) == ("failed", 8) and "refused" in row.last_error
    from tests.integration.appeals.conftest import sign_in, token_of

    agent = sign_in(world.app.test_client(), "superviseur-ville-exemple")
    assert "Réessayer" in agent.get("/console/courrier").get_data(as_text=True)
    agent.post(f"/console/courrier/{row.id}/retry", data={"csrf_token": token_of(agent)})
    world.mailer.failing = False
    assert send_emails(world.service) == 1

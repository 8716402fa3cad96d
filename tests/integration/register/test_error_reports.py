"""« Signaler une erreur »: no account, CSRF, bounded input and rate-limited; the report
reaches the owners in appeals' console as an event, and their answer comes back as one."""

from __future__ import annotations

from datetime import UTC, datetime

from werkzeug.test import Client

from services.appeals.service_layer.agents import create_agent
from services.embedded import Embedded, wait_for
from tests.integration.register.conftest import csrf_of

ENTRY = "/register/caisse-exemple/ciblage-controles/2026.2"
MESSAGE = "Le poids indiqué pour les déclarations tardives ne correspond pas à la délibération."


def _report(client: Client, **fields: str) -> object:
    token = csrf_of(client, ENTRY)
    return client.post(
        f"{ENTRY}/signaler",
        data={"csrf_token": token, "topic": "calcul", "message": MESSAGE, **fields},
    )


def _owner(system: Embedded, login: str = "proprietaire-test") -> Client:
    appeals = system.containers["appeals"]
    with appeals.uow() as uow:
        create_agent(
            uow,
            login,
            "caisse-exemple",
            "Responsable",
            ["algorithm_owner"],
            "correct-horse-battery-staple",
            datetime.now(UTC),
        )
        uow.commit()
    console = Client(system.wsgi)
    token = csrf_of(console, "/console/login")
    response = console.post(
        "/console/login",
        data={"csrf_token": token, "login": login, "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 303
    return console


def test_a_report_reaches_the_owners_and_their_answer_is_public(system: Embedded, client: Client):
    response = _report(client)
    assert response.status_code == 303
    report_id = response.headers["Location"].split("signalement=")[1].split("#")[0]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert report_id in page and "Reçu, pas encore examiné" in page
    assert MESSAGE not in page.split("Signalements reçus")[1], "the message is not published"

    appeals = system.containers["appeals"]

    def received() -> bool:
        with appeals.uow() as uow:
            return uow.reports.get("caisse-exemple", report_id) is not None

    assert wait_for(received, timeout=30)
    console = _owner(system)
    listing = console.get("/console/signalements").get_data(as_text=True)
    assert report_id in listing
    detail = console.get(f"/console/signalements/{report_id}").get_data(as_text=True)
    assert MESSAGE in detail
    token = csrf_of(console, f"/console/signalements/{report_id}")
    refused = console.post(
        f"/console/signalements/{report_id}",
        data={"csrf_token": token, "status": "corrected", "answer": ""},
    )
    assert refused.status_code == 400, "a closing status needs a public answer"
    answer = "Le poids était mal recopié : la version 2026.3 corrige la page."
    done = console.post(
        f"/console/signalements/{report_id}",
        data={"csrf_token": token, "status": "corrected", "answer": answer},
    )
    assert done.status_code == 303

    def answered() -> bool:
        return answer in client.get(ENTRY).get_data(as_text=True)

    assert wait_for(answered, timeout=30)
    assert "Erreur reconnue : l&#39;entrée a été corrigée" in client.get(ENTRY).get_data(
        as_text=True
    )


def test_the_form_is_bounded_protected_and_rate_limited(client: Client):
    assert (
        client.post(f"{ENTRY}/signaler", data={"topic": "calcul", "message": MESSAGE}).status_code
        == 403
    ), "no CSRF token"
    short = _report(client, message="Faux.")
    assert short.status_code == 400
    assert "20 à 2 000 caractères" in short.get_data(as_text=True)
    assert _report(client, message="x" * 2001).status_code == 400
    assert _report(client, topic="nimporte").status_code == 400
    assert _report(client, message=MESSAGE + "\u0000").status_code == 400
    assert (
        client.post(
            "/register/caisse-exemple/inconnu/1/signaler",
            data={"csrf_token": csrf_of(client, ENTRY), "topic": "calcul", "message": MESSAGE},
        ).status_code
        == 404
    )
    statuses = [_report(client).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]


def test_only_the_administrations_owners_see_its_reports(system: Embedded, client: Client):
    assert _report(client).status_code == 303
    appeals = system.containers["appeals"]
    with appeals.uow() as uow:
        create_agent(
            uow,
            "autre-proprietaire",
            "ville-exemple",
            "Autre",
            ["algorithm_owner"],
            "correct-horse-battery-staple",
            datetime.now(UTC),
        )
        create_agent(
            uow,
            "instructeur-caisse",
            "caisse-exemple",
            "Instructeur",
            ["reviewer"],
            "correct-horse-battery-staple",
            datetime.now(UTC),
        )
        uow.commit()

    def received() -> bool:
        with appeals.uow() as uow:
            return bool(uow.reports.of_administration("caisse-exemple"))

    assert wait_for(received, timeout=30)
    with appeals.uow() as uow:
        report_id = uow.reports.of_administration("caisse-exemple")[0].public_id
    stranger = Client(system.wsgi)
    token = csrf_of(stranger, "/console/login")
    stranger.post(
        "/console/login",
        data={
            "csrf_token": token,
            "login": "autre-proprietaire",
            "password": "correct-horse-battery-staple",
        },
    )
    assert report_id not in stranger.get("/console/signalements").get_data(as_text=True)
    assert stranger.get(f"/console/signalements/{report_id}").status_code == 404
    reviewer = Client(system.wsgi)
    token = csrf_of(reviewer, "/console/login")
    reviewer.post(
        "/console/login",
        data={
            "csrf_token": token,
            "login": "instructeur-caisse",
            "password": "correct-horse-battery-staple",
        },
    )
    assert reviewer.get("/console/signalements").status_code == 403

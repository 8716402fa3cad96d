"""A contestation end to end on RabbitMQ and PostgreSQL: decision → explanation → contestation
→ acknowledgement → queue → amended by a reviewer → new decision logged and explained → the
person reads the outcome and its motivation."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from werkzeug.test import Client

from services.appeals.service_layer.agents import create_agent
from shared.samples import generate_decisions

pytestmark = pytest.mark.infra
PASSWORD = "e2e-reviewer-password"
FACTS = (
    "L'attestation de la CAF jointe au recours établit un quotient familial de 600 €, "
    "une demande déposée il y a 30 mois et une famille monoparentale."
)
LAW = "Délibération n° 2025-117 du conseil municipal de Ville-Exemple, barème d'attribution."


def refused_creche_decision() -> dict[str, Any]:
    for seed in range(100, 200):
        for decision in generate_decisions(30, seed=seed):
            if (
                decision["algorithm"]["id"] == "creche-attribution"
                and not decision["outcome"]["favourable"]
            ):
                decision["decision_id"] = f"CRECHE-E2E-{uuid.uuid4().hex[:10]}"
                decision["decided_by"] = "ville-exemple-agent-2"
                return decision
    raise AssertionError("no refused decision in the samples")


def until(predicate: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token"
    return found.group(1)


def sign_in_usager(running_system: Any, browser: Client, reference: str, code: str) -> None:
    """With the explainer: its form on `/`. Without it: the session it would have set."""
    if "explainer" in running_system.system.apps:
        home = browser.get("/").get_data(as_text=True)
        names = re.findall(r'<input[^>]+name="([^"]+)"', home)
        ref_field = next(n for n in names if "ref" in n.lower())
        code_field = next(n for n in names if "code" in n.lower() and n != "csrf_token")
        response = browser.post(
            "/", data={"csrf_token": csrf(home), ref_field: reference, code_field: code}
        )
        assert response.status_code in (200, 302, 303), response.status_code
        return
    app = running_system.system.apps["appeals"]
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"usager": {"refs": [reference], "at": time.time()}}
    )
    browser.set_cookie("explicite_session", value)


def test_a_contested_decision_is_amended_by_a_person_and_explained_again(running_system):
    back_office = running_system.back_offices["ville-exemple"]
    appeals = running_system.container("appeals")
    explained = "explainer" in running_system.system.apps
    decision = refused_creche_decision()
    back_office.publish([decision])
    logged = back_office.wait_event(
        "decision.logged", lambda d: d["decision"]["decision_id"] == decision["decision_id"]
    )
    reference, code = logged["reference"], logged["access_code"]
    if explained:
        back_office.wait_event("explanation.generated", lambda d: d["reference"] == reference)

    person = running_system.browser()
    sign_in_usager(running_system, person, reference, code)
    if explained:
        assert person.get(f"/d/{reference}").status_code == 200

    def known() -> bool:
        with appeals.uow() as uow:
            return uow.read.decision(reference) is not None

    until(known)
    form = person.get(f"/d/{reference}/contester")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    filed = person.post(
        f"/d/{reference}/contester",
        data={
            "csrf_token": csrf(page),
            "kind": "gracieux",
            "dispute-quotient_familial": "1",
            "claimed-quotient_familial": "600",
            "reason-quotient_familial": "La CAF a recalculé mon quotient après ma séparation.",
            "dispute-parent_isole": "1",
            "claimed-parent_isole": "oui",
            "reason-parent_isole": "J'élève seule mon fils depuis mars.",
            "account": "Je reprends un emploi le mois prochain et n'ai aucun mode de garde.",
            "answer_by": "email",
            "email": "e2e.personne@example.org",
        },
    )
    assert filed.status_code == 303, filed.get_data(as_text=True)[-1000:]
    appeal_page = filed.headers["Location"].split("?")[0]
    public_id = appeal_page.rsplit("/", 1)[-1]
    acknowledgement = person.get(appeal_page).get_data(as_text=True)
    assert "Accusé de réception de votre recours" in acknowledgement
    assert "L231-4" in acknowledgement and "petite-enfance@ville-exemple.fr" in acknowledgement
    assert "au maire de Ville-Exemple" in acknowledgement

    login = f"e2e-instructeur-{uuid.uuid4().hex[:6]}"
    with appeals.uow() as uow:
        create_agent(
            uow,
            login,
            "ville-exemple",
            "Instructrice E2E",
            ["reviewer"],
            PASSWORD,
            datetime.now(UTC),
        )
        uow.commit()
    reviewer = running_system.browser()
    login_page = reviewer.get("/console/login").get_data(as_text=True)
    signed = reviewer.post(
        "/console/login",
        data={"csrf_token": csrf(login_page), "login": login, "password": PASSWORD},
    )
    assert signed.status_code == 303
    queue = reviewer.get("/console/?vue=a-attribuer").get_data(as_text=True)
    assert public_id in queue
    dossier = reviewer.get(f"/console/appeals/{public_id}").get_data(as_text=True)
    assert "J'élève seule mon fils" in dossier.replace("&#39;", "'")
    token = csrf(dossier)
    assert (
        reviewer.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token}).status_code
        == 303
    )
    # The person claims values: the reviewer recomputes with them before deciding.
    assert (
        reviewer.post(
            f"/console/appeals/{public_id}/recompute", data={"csrf_token": token}
        ).status_code
        == 303
    )
    decided = reviewer.post(
        f"/console/appeals/{public_id}/decide",
        data={
            "csrf_token": token,
            "action": "decide",
            "outcome": "amended",
            "correct-quotient_familial": "600",
            "correct-parent_isole": "oui",
            "correct-anciennete_demande_mois": "30",
            "facts": FACTS,
            "law": LAW,
            "main_reason": "vous élevez seule votre fils et votre quotient est de 600 €",
            "answer-g1": "Le quotient est corrigé à 600 € d'après l'attestation de la CAF.",
            "answer-g2": "Votre situation de parent isolé depuis mars est prise en compte.",
            "answer-g3": "La place est attribuée : vous pourrez reprendre votre emploi.",
        },
    )
    assert decided.status_code == 303, decided.get_data(as_text=True)[-1500:]

    revised = back_office.wait_event(
        "decision.logged", lambda d: d["decision"].get("supersedes") == decision["decision_id"]
    )
    assert revised["decision"]["outcome"]["code"] == "attribution"
    assert revised["decision"]["decided_by"] == login
    assert revised["replay"]["status"] == "consistent"
    outcome = back_office.wait_event("appeal.decided", lambda d: d["appeal_id"] == public_id)
    assert outcome["outcome"] == "amended"
    if explained:
        back_office.wait_event(
            "explanation.generated", lambda d: d["reference"] == revised["reference"]
        )

    def linked() -> bool:
        with appeals.uow() as uow:
            return uow.appeals.get(public_id).revised_reference == revised["reference"]

    until(linked)
    final = person.get(appeal_page).get_data(as_text=True).replace("&#39;", "'")
    assert "décision modifiée" in final and FACTS in final and LAW in final
    assert "Votre demande est acceptée : place en crèche proposée." in final
    assert "Votre situation de parent isolé depuis mars est prise en compte." in final
    assert f"/d/{revised['reference']}" in final and "place en crèche proposée" in final
    assert "Si vous n'êtes pas d'accord" in final
    assert "Accusé de réception de votre recours" not in final
    if explained:
        assert person.get(f"/d/{revised['reference']}").status_code == 200

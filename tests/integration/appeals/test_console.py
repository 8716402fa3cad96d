"""The review console: sign in, queue, dossier, claim, decide with motivation, four eyes."""

from __future__ import annotations

import json

from sqlalchemy import select

from services.appeals.adapters import tables as t
from tests.integration.appeals.conftest import (
    decision_form,
    examine,
    file_creche,
    sign_in,
    token_of,
)


def outbox(world) -> list[dict]:
    with world.uow() as uow:
        rows = uow.session.execute(
            select(t.messaging.outbox).order_by(t.messaging.outbox.c.id)
        ).all()
    return [{"type": r.type, **json.loads(r.body)} for r in rows]


def test_agents_sign_in_with_their_password_only(world):
    client = world.app.test_client()
    assert client.get("/console/").headers["Location"].startswith("/console/login")
    from tests.integration.appeals.conftest import csrf

    token = csrf(client)
    wrong = client.post(
        "/console/login",
        data={"csrf_token": token, "login": "instructeur-ville-exemple", "password": "x"},
    )
    assert wrong.status_code == 401 and "incorrect" in wrong.get_data(as_text=True)
    assert (
        client.post(
            "/console/login", data={"login": "instructeur-ville-exemple", "password": "x"}
        ).status_code
        == 403
    )
    sign_in(client, "instructeur-ville-exemple")
    assert client.get("/console/").status_code == 200


def _try(client, token: str, login: str, password: str, address: str) -> int:
    return client.post(
        "/console/login",
        data={"csrf_token": token, "login": login, "password": password},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_failed_logins_from_one_place_wait_ever_longer(world):
    from tests.integration.appeals.conftest import csrf

    client = world.app.test_client()
    token = csrf(client)
    login, guesser = "superviseur-ville-exemple", "198.51.100.9"
    codes = [_try(client, token, login, f"guess-{n}", guesser) for n in range(6)]
    assert codes == [401] * 5 + [429]
    for wait in (1, 2, 4):
        world.clock.advance(seconds=wait - 0.5)
        assert _try(client, token, login, "guess", guesser) == 429
        world.clock.advance(seconds=0.5)
        assert _try(client, token, login, "guess", guesser) == 401


def test_an_outsider_cannot_lock_an_agent_out(world):
    """Guessing from elsewhere slows the guesser only; successful sign-ins count for nothing."""
    from tests.integration.appeals.conftest import PASSWORD, csrf

    client = world.app.test_client()
    token = csrf(client)
    login = "superviseur-ville-exemple"
    assert [_try(client, token, login, f"guess-{n}", "198.51.100.9") for n in range(12)].count(
        401
    ) == 5
    for _ in range(12):  # more than any count of sign-ins could allow
        agent = world.app.test_client()
        assert _try(agent, csrf(agent), login, PASSWORD, "192.0.2.10") == 303


def test_one_address_cannot_try_many_logins(world):
    from tests.integration.appeals.conftest import csrf

    client = world.app.test_client()
    token = csrf(client)
    codes = [_try(client, token, f"agent-{n}", "guess", "198.51.100.77") for n in range(31)]
    assert codes == [401] * 30 + [429]


def test_a_disabled_account_is_signed_out_at_its_next_request(world):
    client = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    with world.uow() as uow:
        uow.office.update_agent("instructeur-ville-exemple", disabled_at=world.clock())
        uow.commit()
    assert client.get("/console/").status_code == 303


def test_the_dossier_shows_everything_and_records_each_opening(world):
    public_id = file_creche(world)
    client = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    queue = client.get("/console/").get_data(as_text=True)
    assert public_id in queue and "À prendre en charge" in queue
    page = client.get(f"/console/appeals/{public_id}").get_data(as_text=True)
    for expected in (
        "Quotient familial de la famille",
        "Notification de la MDPH",
        "Conforme au modèle publié",
        "Explication donnée à la personne",
        "Mon quotient a baissé depuis ma séparation.",
        "Je travaille à temps plein",
        "Rejet implicite",
        "2 janvier 2027",
        "Critère sensible",
        "Recours déposé",
    ):
        assert expected in page, expected
    with world.uow() as uow:
        accesses = uow.session.execute(select(t.accesses.c.agent_id, t.accesses.c.what)).all()
    assert [tuple(a) for a in accesses] == [("instructeur-ville-exemple", "open")]


def test_a_reviewer_claims_corrects_the_data_and_the_model_recomputes(world):
    public_id = file_creche(world)
    client = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    client.get(f"/console/appeals/{public_id}")
    token = token_of(client)
    assert (
        client.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token}).status_code
        == 303
    )
    original = world.references["D-CRECH-00001"]
    preview = client.post(
        f"/console/appeals/{public_id}/decide",
        data={
            "csrf_token": token,
            "action": "preview",
            "outcome": "amended",
            "correct-quotient_familial": "600",
            "correct-anciennete_demande_mois": "30",
            "correct-parent_isole": "oui",
        },
    )
    assert "Résultat recalculé par le modèle" in preview.get_data(as_text=True)
    examine(client, public_id)
    world.clock.advance(minutes=12)
    response = client.post(
        f"/console/appeals/{public_id}/decide",
        data=decision_form(
            token,
            "amended",
            **{
                "correct-quotient_familial": "600",
                "correct-anciennete_demande_mois": "30",
                "correct-parent_isole": "oui",
            },
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    events = outbox(world)
    assert [e["type"] for e in events] == [
        "appeal.filed",
        "appeal.acknowledged",
        "appeal.assigned",
        "decision.revised",
        "appeal.decided",
    ]
    revised = events[3]["data"]["decision"]
    assert revised["supersedes"] == original["decision_id"]
    assert revised["decided_by"] == "instructeur-ville-exemple"
    assert revised["automation"] == "partial" and revised["subject"]["contact"]
    values = {c["code"]: c["value"] for c in revised["criteria"]}
    assert values["quotient_familial"] == 600 and values["anciennete_demande_mois"] == 30
    assert values["parent_isole"] is True  # 30 + 10 + 20 points at least: the cut-off is 60
    decided = events[4]["data"]
    assert decided["outcome"] == "amended" and decided["new_outcome_code"] == "attribution"
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
    assert appeal.status == "decided" and appeal.examined_seconds == 12 * 60
    letters = [m for m in world.mailer.sent]
    assert not letters  # sent by the worker after commit, not in the request


def test_every_ground_needs_an_answer_and_facts_and_law_are_required(world):
    public_id = file_creche(world)
    client = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    token = token_of(client)
    client.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token})
    examine(client, public_id)
    form = decision_form(token, "maintained", grounds=1)
    form["facts"] = "Vu."
    response = client.post(f"/console/appeals/{public_id}/decide", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Répondez à ce motif" in page and "considérations de fait" in page
    with world.uow() as uow:
        assert uow.appeals.get(public_id).status == "in_review"


def test_the_original_decider_may_not_review(world):
    public_id = file_creche(world)
    with world.uow() as uow:
        uow.office.update_agent("instructrice-ville-exemple", aliases=["ville-exemple-agent-1"])
        uow.commit()
    client = sign_in(world.app.test_client(), "instructrice-ville-exemple")
    page = client.get(f"/console/appeals/{public_id}").get_data(as_text=True)
    assert "Vous avez pris la décision contestée" in page and "Prendre en charge" not in page
    response = client.post(
        f"/console/appeals/{public_id}/claim", data={"csrf_token": token_of(client)}
    )
    assert response.status_code == 409
    supervisor = sign_in(world.app.test_client(), "superviseur-ville-exemple")
    assign = supervisor.post(
        f"/console/appeals/{public_id}/assign",
        data={"csrf_token": token_of(supervisor), "assignee": "instructrice-ville-exemple"},
    )
    assert assign.status_code == 409


def test_four_eyes_needs_a_second_agent_before_anything_is_final(world):
    with world.uow() as uow:
        uow.office.set_four_eyes("ville-exemple", True, world.clock())
        uow.commit()
    public_id = file_creche(world)
    first = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    token = token_of(first)
    first.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token})
    examine(first, public_id)
    response = first.post(
        f"/console/appeals/{public_id}/decide", data=decision_form(token, "maintained")
    )
    assert response.headers["Location"].endswith("fait=submitted")
    assert "appeal.decided" not in [e["type"] for e in outbox(world)]
    assert (
        first.post(f"/console/appeals/{public_id}/validate", data={"csrf_token": token}).status_code
        == 409
    )
    second = sign_in(world.app.test_client(), "instructrice-ville-exemple")
    token2 = token_of(second)
    back = second.post(
        f"/console/appeals/{public_id}/send-back",
        data={"csrf_token": token2, "comment": "Précisez les textes appliqués."},
    )
    assert back.status_code == 303
    first.post(f"/console/appeals/{public_id}/decide", data=decision_form(token, "maintained"))
    assert (
        second.post(
            f"/console/appeals/{public_id}/validate", data={"csrf_token": token2}
        ).status_code
        == 303
    )
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
    assert (appeal.status, appeal.decided_by, appeal.validated_by) == (
        "decided",
        "instructeur-ville-exemple",
        "instructrice-ville-exemple",
    )


def test_a_supervisor_assigns_and_reassigns(world):
    public_id = file_creche(world)
    supervisor = sign_in(world.app.test_client(), "superviseur-ville-exemple")
    token = token_of(supervisor)
    for assignee in ("instructeur-ville-exemple", "instructrice-ville-exemple"):
        assert (
            supervisor.post(
                f"/console/appeals/{public_id}/assign",
                data={"csrf_token": token, "assignee": assignee},
            ).status_code
            == 303
        )
    reviewer = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    assert (
        reviewer.post(
            f"/console/appeals/{public_id}/assign",
            data={"csrf_token": token_of(reviewer), "assignee": "instructeur-ville-exemple"},
        ).status_code
        == 403
    )  # only supervisors assign
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        actions = [h.action for h in uow.appeals.history(appeal.id)]
    assert appeal.assignee == "instructrice-ville-exemple"
    assert actions[-2:] == ["assigned", "reassigned"]


def test_an_agent_files_on_behalf_of_a_person_who_came_to_the_counter(world):
    client = sign_in(world.app.test_client(), "instructeur-region-exemple")
    form = client.get("/console/deposer?reference=D-TRANS-00001")
    assert form.status_code == 200 and "Au guichet" in form.get_data(as_text=True)
    # What the person must be told where their contact details are collected (RGPD art. 13).
    assert "À dire à la personne : Vos coordonnées et vos pièces" in form.get_data(as_text=True)
    response = client.post(
        "/console/deposer",
        data={
            "csrf_token": token_of(client),
            "reference": "D-TRANS-00001",
            "step": "file",
            "channel": "phone",
            "kind": "recours",
            "answer_by": "post",
            "postal_address": "3 rue du Moulin, 99200 Chef-Lieu-Exemple",
            "account": "Madame X explique au téléphone que son fils change d'établissement.",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    public_id = response.headers["Location"].split("/")[-1].split("?")[0]
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        dispatches = uow.office.dispatches_of(appeal.id)
    assert (appeal.channel, appeal.filed_by) == ("phone", "instructeur-region-exemple")
    assert [(d.channel, d.status) for d in dispatches] == [("post", "to_print")]
    room = client.get("/console/courrier").get_data(as_text=True)
    assert "À imprimer et poster" in room


def test_statistics_for_supervisors_and_algorithm_owners(world):
    public_id = file_creche(world)
    reviewer = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    token = token_of(reviewer)
    reviewer.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token})
    examine(reviewer, public_id)
    reviewer.post(f"/console/appeals/{public_id}/decide", data=decision_form(token, "annulled"))
    assert reviewer.get("/console/statistiques").status_code == 403
    for login in ("superviseur-ville-exemple", "responsable-ville-exemple"):
        page = (
            sign_in(world.app.test_client(), login)
            .get("/console/statistiques")
            .get_data(as_text=True)
        )
        assert "100 %" in page and "À examiner" in page
        # The criterion by its label, not its code (review finding 20).
        assert "Quotient familial de la famille" in page and "quotient_familial" not in page

"""Need-to-know teams: where the administration says so, a team's dossiers exist only for its
members, on every route (issue 11: teams only filtered the queue, and a reviewer of another
team opened, claimed and four-eyes-validated a dossier by its address)."""

from __future__ import annotations

import pytest

from tests.integration.appeals.conftest import (
    PASSWORD_HASH,
    World,
    decision_form,
    examine,
    file_creche,
    sign_in,
    token_of,
)

TEAM = "petite-enfance"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_agent(world: World, login: str, role: str, teams: list[str]) -> None:
    with world.uow() as uow:
        uow.office.add_agent(
            id=login,
            administration="ville-exemple",
            name=login,
            roles=[role],
            teams=teams,
            aliases=[],
            password_hash=PASSWORD_HASH,
            created_at=world.clock(),
        )
        uow.commit()


@pytest.fixture
def closed(world: World) -> tuple[str, int, int]:
    """A crèche contestation routed to a need-to-know team, with a document and a letter;
    two reviewers and a supervisor of the team."""
    with world.uow() as uow:
        uow.office.set_route("ville-exemple", "creche-attribution", TEAM)
        uow.office.set_need_to_know("ville-exemple", TEAM, True, world.clock())
        uow.office.set_four_eyes("ville-exemple", True, world.clock())
        uow.commit()
    add_agent(world, "membre-1", "reviewer", [TEAM])
    add_agent(world, "membre-2", "reviewer", [TEAM])
    add_agent(world, "chef-membre", "supervisor", [TEAM])
    public_id = file_creche(world)
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        uow.appeals.attach(
            appeal_id=appeal.id,
            filename="avis.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256="0" * 64,
            data=PDF,
            uploaded_at=world.clock(),
        )
        attachment = uow.appeals.attachments(appeal.id)[0].id
        dispatch = uow.office.dispatches_of(appeal.id)[0].id
        uow.commit()
    assert appeal.team == TEAM
    return public_id, attachment, dispatch


def routes(public_id: str, attachment: int, dispatch: int) -> list[tuple[str, str]]:
    return [
        ("GET", f"/console/appeals/{public_id}"),
        ("GET", f"/console/appeals/{public_id}/accuse-de-reception.pdf"),
        ("GET", f"/console/appeals/{public_id}/attachments/{attachment}"),
        ("POST", f"/console/appeals/{public_id}/claim"),
        ("POST", f"/console/appeals/{public_id}/release"),
        ("POST", f"/console/appeals/{public_id}/assign"),
        ("POST", f"/console/appeals/{public_id}/decide"),
        ("POST", f"/console/appeals/{public_id}/validate"),
        ("POST", f"/console/appeals/{public_id}/send-back"),
        ("GET", f"/api/v1/appeals/{public_id}"),
        ("GET", f"/console/courrier/{dispatch}"),
        ("GET", f"/console/courrier/{dispatch}.pdf"),
        ("POST", f"/console/courrier/{dispatch}/retry"),
    ]


@pytest.mark.parametrize("outsider", ["instructeur-ville-exemple", "superviseur-ville-exemple"])
def test_an_outsider_of_a_need_to_know_team_finds_nothing(world: World, closed, outsider: str):
    client = sign_in(world.app.test_client(), outsider)
    token = token_of(client)
    public_id = closed[0]
    for method, path in routes(*closed):
        data = {"csrf_token": token, "assignee": "membre-1"}
        response = client.open(path, method=method, data=data if method == "POST" else None)
        assert response.status_code == 404, (method, path, response.status_code)
    for listing in (
        "/console/",
        "/console/?vue=a-attribuer",
        "/api/v1/appeals",
        "/console/courrier",
    ):
        assert public_id not in client.get(listing).get_data(as_text=True), listing
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        assert (appeal.status, appeal.assignee) == ("received", None)
        assert not uow.appeals.accesses(appeal.id)


def test_members_work_the_dossier_and_only_members_may_be_given_it(world: World, closed):
    public_id, attachment, _dispatch = closed
    chief = sign_in(world.app.test_client(), "chef-membre")
    token = token_of(chief)
    assert public_id in chief.get("/console/").get_data(as_text=True)
    assert chief.get(f"/console/appeals/{public_id}/attachments/{attachment}").data == PDF
    refused = chief.post(
        f"/console/appeals/{public_id}/assign",
        data={"csrf_token": token, "assignee": "instructeur-ville-exemple"},
    )
    assert refused.status_code == 400
    assert (
        chief.post(
            f"/console/appeals/{public_id}/assign",
            data={"csrf_token": token, "assignee": "membre-1"},
        ).status_code
        == 303
    )
    first = sign_in(world.app.test_client(), "membre-1")
    examine(first, public_id)
    answer = first.post(
        f"/console/appeals/{public_id}/decide", data=decision_form(token_of(first), "maintained")
    )
    assert answer.headers["Location"].endswith("fait=submitted")
    outsider = sign_in(world.app.test_client(), "instructrice-ville-exemple")
    assert (
        outsider.post(
            f"/console/appeals/{public_id}/validate", data={"csrf_token": token_of(outsider)}
        ).status_code
        == 404
    )
    second = sign_in(world.app.test_client(), "membre-2")
    assert (
        second.post(
            f"/console/appeals/{public_id}/validate", data={"csrf_token": token_of(second)}
        ).status_code
        == 303
    )


def test_a_team_that_is_not_need_to_know_only_sorts_the_queue(world: World):
    with world.uow() as uow:
        uow.office.set_route("ville-exemple", "creche-attribution", TEAM)
        uow.office.set_need_to_know("ville-exemple", TEAM, False, world.clock())
        uow.commit()
    public_id = file_creche(world)
    outsider = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    assert outsider.get(f"/console/appeals/{public_id}").status_code == 200

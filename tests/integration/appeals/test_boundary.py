"""An agent of one administration never sees nor acts on another's appeals, by any route."""

from __future__ import annotations

import io

import pytest

from tests.integration.appeals.conftest import as_usager, file_creche, sign_in, token_of

PDF = b"%PDF-1.4\n%%EOF"


@pytest.fixture
def ville_appeal(world):
    """An appeal of ville-exemple with an attachment, and an e-mail in its mail room."""
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    from tests.integration.appeals.conftest import csrf

    token = csrf(client, "/d/D-CRECH-00001/contester")
    response = client.post(
        "/d/D-CRECH-00001/contester",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "kind": "recours",
            "answer_by": "email",
            "email": "a@example.org",
            "account": "Mon point de vue.",
            "attachments": [(io.BytesIO(PDF), "piece.pdf")],
        },
    )
    public_id = response.headers["Location"].split("/")[-1].split("?")[0]
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        attachment = uow.appeals.attachments(appeal.id)[0]
        dispatch = uow.office.dispatches_of(appeal.id)[0]
    return public_id, attachment.id, dispatch.id


READS = [
    "/console/appeals/{id}",
    "/console/appeals/{id}/attachments/{att}",
    "/console/appeals/{id}/accuse-de-reception.pdf",
    "/api/v1/appeals/{id}",
    "/console/courrier/{mail}",
    "/console/courrier/{mail}.pdf",
]
ACTIONS = ["claim", "release", "validate", "send-back", "assign", "decide"]


@pytest.mark.parametrize(
    "login", ["superviseur-caisse-exemple", "instructeur-caisse-exemple", "auditeur-caisse-exemple"]
)
def test_nothing_of_another_administration_is_visible(world, ville_appeal, login):
    public_id, attachment_id, dispatch_id = ville_appeal
    client = sign_in(world.app.test_client(), login)
    for path in READS:
        url = path.format(id=public_id, att=attachment_id, mail=dispatch_id)
        assert client.get(url).status_code in (403, 404), url
    token = token_of(client)
    for action in ACTIONS:
        response = client.post(
            f"/console/appeals/{public_id}/{action}",
            data={
                "csrf_token": token,
                "assignee": login,
                "outcome": "maintained",
                "comment": "x" * 20,
                "facts": "x" * 40,
                "law": "x" * 40,
            },
        )
        assert response.status_code == 404, action
    for action in ("retry", "posted"):
        assert client.post(
            f"/console/courrier/{dispatch_id}/{action}", data={"csrf_token": token}
        ).status_code in (403, 404, 409)
    queue = client.get("/console/?vue=file").get_data(as_text=True)
    assert public_id not in queue
    assert public_id not in client.get("/console/courrier").get_data(as_text=True)
    listing = client.get("/api/v1/appeals")
    assert listing.status_code in (200, 403)
    if listing.status_code == 200:
        assert all(a["id"] != public_id for a in listing.json)
    lookup = client.get("/console/deposer?reference=D-CRECH-00001")
    assert lookup.status_code in (403, 404)
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        accesses = uow.appeals.accesses(appeal.id)
    assert appeal.status == "received" and appeal.assignee is None
    assert all(a.agent_id != login for a in accesses)


def test_the_same_routes_work_for_the_administrations_own_agents(world, ville_appeal):
    public_id, attachment_id, dispatch_id = ville_appeal
    client = sign_in(world.app.test_client(), "superviseur-ville-exemple")
    for path in READS:
        url = path.format(id=public_id, att=attachment_id, mail=dispatch_id)
        assert client.get(url).status_code == 200, url
    assert any(a["id"] == public_id for a in client.get("/api/v1/appeals").json)


def test_roles_without_review_rights_cannot_act(world):
    public_id = file_creche(world)
    for login in ("auditeur-ville-exemple", "responsable-ville-exemple"):
        client = sign_in(world.app.test_client(), login)
        response = client.post(
            f"/console/appeals/{public_id}/claim", data={"csrf_token": token_of(client)}
        )
        assert response.status_code in (403, 409), login
    with world.uow() as uow:
        assert uow.appeals.get(public_id).status == "received"

"""The person's pages: contest with CSRF, get the acknowledgement at once, follow the appeal."""

from __future__ import annotations

import base64
import io

from sqlalchemy import select

from services.appeals.adapters import tables as t
from tests.integration.appeals.conftest import as_usager, contest, csrf, file_creche

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_without_the_access_code_the_person_is_sent_to_open_their_decision(world):
    client = world.app.test_client()
    response = client.get("/d/D-CRECH-00001/contester")
    assert response.status_code == 401
    assert "référence et le code d'accès" in response.get_data(as_text=True)
    as_usager(client, "D-CTRLE-00001")
    assert client.get("/d/D-CRECH-00001/contester").status_code == 401


def test_the_form_lists_each_criterion_with_its_value_and_source(world):
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    page = client.get("/d/D-CRECH-00001/contester").get_data(as_text=True)
    assert "Quotient familial de la famille" in page and "CAF" in page
    assert 'name="csrf_token"' in page and "style=" not in page and "<script" not in page


def test_the_form_says_what_the_contact_details_are_for_and_how_long_they_are_kept(world):
    """RGPD art. 13 at the time of collection: purpose, who sees them, how long (the purge's
    own setting, 730 days by default), and where the rest is (the decision's page)."""
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    page = client.get("/d/D-CRECH-00001/contester").get_data(as_text=True)
    assert (
        "Vos coordonnées et vos pièces servent seulement à examiner votre demande et à vous "
        "répondre." in page
    )
    assert "Explicite les efface 2 ans après votre demande" in page
    # Who sees them, with the organisation's name as registered, never « agents de Commune de… ».
    assert (
        "Seuls les agents qui traitent les contestations (Commune de Ville-Exemple) et ceux "
        "qui contrôlent ces accès les voient." in page
    )
    assert '<a href="/d/D-CRECH-00001#data_protection">Vos données personnelles</a>' in page


def test_the_postal_address_asks_for_the_name_a_letter_needs(world):
    """A letter by post carries the address the person gives as its addressee block: without
    the name it may never reach them (the back office sends no name; review finding 16)."""
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    page = client.get("/d/D-CRECH-00001/contester").get_data(as_text=True)
    assert '<label for="postal_address">Nom et adresse postale' in page
    assert "Comme sur une enveloppe : le nom, puis l'adresse." in page


def test_a_post_without_the_csrf_token_is_refused(world):
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    response = client.post("/d/D-CRECH-00001/contester", data={"account": "x" * 40})
    assert response.status_code == 403


def test_filing_acknowledges_at_once_with_every_r112_5_item(world):
    client = world.app.test_client()
    public_id = file_creche(world, client)
    page = client.get(f"/d/D-CRECH-00001/recours/{public_id}?depose=1").get_data(as_text=True)
    assert "Accusé de réception de votre recours" in page
    assert "2 novembre 2026" in page  # date of receipt
    assert "Sans réponse le 2 janvier 2027, votre recours sera considéré comme rejeté" in page
    assert "L231-4" in page  # silence means rejection
    for item in (
        "Service petite enfance de Ville-Exemple",
        "1 place de la Mairie",
        "petite-enfance@ville-exemple.fr",
        "01 23 45 67 89",
    ):
        assert item in page
    assert "L411-2" in page and "tribunal administratif dont relève Ville-Exemple" in page
    assert "Vous avez fait un recours gracieux adressé au maire de Ville-Exemple." in page
    pdf = client.get(f"/d/D-CRECH-00001/recours/{public_id}/accuse-de-reception.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with world.uow() as uow:
        sent = uow.session.execute(
            select(t.dispatches.c.letter, t.dispatches.c.channel, t.dispatches.c.recipient)
        ).all()
        events = [r.type for r in uow.session.execute(select(t.messaging.outbox.c.type))]
    assert [tuple(r) for r in sent] == [("acknowledgement", "email", "personne@example.org")]
    assert events == ["appeal.filed", "appeal.acknowledged"]


def test_a_selection_for_a_check_is_not_contestable_but_a_wrong_datum_can_be_reported(world):
    client = world.app.test_client()
    as_usager(client, "D-CTRLE-00001")
    form = client.get("/d/D-CTRLE-00001/contester").get_data(as_text=True)
    assert (
        "Vous signalez une information fausse au service du contrôle de Caisse-Exemple. Ce "
        "n&#39;est pas un recours"
    ) in form
    assert "Vous ne pouvez pas refuser ce contrôle." in form
    response = contest(client, "D-CTRLE-00001", account="Mes ressources sont bien déclarées.")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Accusé de réception de votre signalement" in page
    assert "commission de recours amiable" not in page.split("Vos droits")[0]
    assert "pôle social du tribunal judiciaire" in page and "L412-1" not in page
    assert "observations" not in page.lower().split("ce que vous nous avez écrit")[0]


def test_what_is_missing_or_wrong_is_said_beside_each_field(world):
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    response = contest(
        client,
        "D-CRECH-00001",
        **{
            "dispute-quotient_familial": "1",
            "claimed-quotient_familial": "beaucoup",
            "answer_by": "post",
            "email": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Expliquez pourquoi vous contestez ce critère." in page
    assert "Saisissez un nombre" in page and "adresse postale" in page
    assert 'aria-invalid="true"' in page


def test_attachments_are_checked_by_their_content_not_their_name(world):
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    token = csrf(client, "/d/D-CRECH-00001/contester")
    fake = {
        "csrf_token": token,
        "kind": "recours",
        "answer_by": "email",
        "email": "a@example.org",
        "account": "Voici mes pièces.",
        "attachments": [(io.BytesIO(b"MZ\x90\x00"), "attestation.pdf")],
    }
    response = client.post(
        "/d/D-CRECH-00001/contester", data=fake, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "ni un PDF, ni une image" in response.get_data(as_text=True)
    good = {**fake, "attachments": [(io.BytesIO(PDF), "../../attestation.pdf")]}
    response = client.post(
        "/d/D-CRECH-00001/contester", data=good, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    with world.uow() as uow:
        stored = uow.session.execute(select(t.attachments)).one()
    assert stored.filename == "attestation.pdf" and stored.content_type == "application/pdf"
    assert stored.data == PDF


def test_a_second_appeal_while_one_is_open_points_to_it(world):
    client = world.app.test_client()
    public_id = file_creche(world, client)
    response = client.get("/d/D-CRECH-00001/contester")
    assert response.status_code == 409 and public_id in response.get_data(as_text=True)


def test_filing_is_rate_limited_per_decision(world):
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    statuses = [contest(client, "D-CRECH-00001", account="").status_code for _ in range(6)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429


def test_the_api_files_and_reads_for_the_session_holder_only(world):
    client = world.app.test_client()
    body = {
        "reference": "D-TRANS-00001",
        "answer_by": "email",
        "email": "a@example.org",
        "disputed": [
            {"criterion": "distance_km", "reason": "J'habite à 4 km.", "claimed_value": 4}
        ],
        "attachments": [{"filename": "plan.pdf", "content_base64": base64.b64encode(PDF).decode()}],
    }
    assert client.post("/api/v1/appeals", json=body).status_code == 401
    as_usager(client, "D-TRANS-00001")
    token = csrf(client, "/d/D-TRANS-00001/contester")
    created = client.post("/api/v1/appeals", json=body, headers={"X-CSRF-Token": token})
    assert created.status_code == 201, created.json
    answer = created.json
    assert answer["status"] == "received" and answer["assignee"] is None
    assert answer["grounds"][0]["claimed_value"] == 4
    assert answer["deadlines"]["implicit_rejection_on"] == "2027-01-02"
    assert client.get(f"/api/v1/appeals/{answer['id']}").json["id"] == answer["id"]
    stranger = world.app.test_client()
    as_usager(stranger, "D-CRECH-00001")
    assert stranger.get(f"/api/v1/appeals/{answer['id']}").status_code == 404
    bad = client.post(
        "/api/v1/appeals", json={**body, "answer_by": "pigeon"}, headers={"X-CSRF-Token": token}
    )
    assert bad.status_code == 400 and "answer_by" in bad.json["error"]["fields"]

"""The rubber stamp of the crèche refusal, tried in the console: refused at each step until the
reviewer recomputes with the person's values, opens the attachment and answers each ground;
then, as those values change the result and the reviewer keeps it, a supervisor confirms."""

from __future__ import annotations

import html
import io
import re
from typing import Any

from tests.integration.appeals.conftest import (
    ANSWERS,
    FACTS,
    LAW,
    as_usager,
    csrf,
    sign_in,
    token_of,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
STAMP = "Ce point ne change rien."


def text(response: Any) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def file_the_single_parent(world: Any) -> str:
    """« Parent qui élève seul son enfant : oui » and a quotient of 600 €: 65 points."""
    client = world.app.test_client()
    as_usager(client, "D-CRECH-00001")
    response = client.post(
        "/d/D-CRECH-00001/contester",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf(client, "/d/D-CRECH-00001/contester"),
            "kind": "gracieux",
            "answer_by": "email",
            "email": "lea@example.org",
            "dispute-parent_isole": "1",
            "claimed-parent_isole": "oui",
            "reason-parent_isole": "Je vis seule avec mon fils depuis mars.",
            "dispute-quotient_familial": "1",
            "claimed-quotient_familial": "600",
            "reason-quotient_familial": "Mon quotient a baissé depuis ma séparation.",
            "other": "La commission ne connaît pas ma situation.",
            "account": "Je travaille à temps plein.",
            "attachments": [(io.BytesIO(PDF), "attestation-caf.pdf")],
        },
    )
    assert response.status_code == 303, text(response)[-1000:]
    return response.headers["Location"].split("/")[-1].split("?")[0]


def decide(client: Any, public_id: str, answers: list[str], facts: str = FACTS) -> Any:
    form = {
        "csrf_token": token_of(client),
        "action": "decide",
        "outcome": "maintained",
        "facts": facts,
        "law": LAW,
        "main_reason": "la déclaration du 1er mars à la CAF dit que vous vivez en couple",
    }
    form.update({f"answer-g{n}": answer for n, answer in enumerate(answers, 1)})
    return client.post(f"/console/appeals/{public_id}/decide", data=form)


def test_the_rubber_stamp_is_stopped_until_the_dossier_is_examined(world):
    public_id = file_the_single_parent(world)
    reviewer = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    reviewer.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token_of(reviewer)})

    stamped = decide(
        reviewer,
        public_id,
        [STAMP] * 4,
        facts="Le dossier a été vérifié, les données sont exactes.",
    )
    assert stamped.status_code == 400
    page = text(stamped)
    for message in (
        "cliquez sur « Recalculer avec les valeurs de la personne »",
        "Pas encore ouverte : « attestation-caf.pdf »",
        "Les faits doivent citer le dossier.",
        "Point 1 : cette réponse ne dit rien du dossier.",
        "cette réponse est la même qu'au point 1.",
    ):
        assert message in page, message

    recomputed = reviewer.post(
        f"/console/appeals/{public_id}/recompute", data={"csrf_token": token_of(reviewer)}
    )
    assert recomputed.status_code == 303
    dossier = text(reviewer.get(f"/console/appeals/{public_id}"))
    assert "Place en crèche non proposée" in dossier and "Place en crèche proposée" in dossier
    assert "Le résultat change" in dossier
    attachment = re.search(
        r'href="(/console/appeals/[^"]+/attachments/\d+)"',
        reviewer.get(f"/console/appeals/{public_id}").get_data(as_text=True),
    )
    assert attachment and reviewer.get(attachment.group(1)).status_code == 200

    same = decide(reviewer, public_id, [ANSWERS[0]] * 4)
    assert same.status_code == 400 and "cette réponse est la même qu'au point 1." in text(same)
    kept = decide(reviewer, public_id, list(ANSWERS))
    assert kept.headers["Location"].endswith("fait=targeted"), text(kept)[-2000:]
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
        actions = [h.action for h in uow.appeals.history(appeal.id)]
    assert appeal.status == "awaiting_validation"  # four eyes are off: this one is targeted
    assert {"recomputed_claimed", "attachment_opened", "examined", "submitted"} <= set(actions)

    colleague = sign_in(world.app.test_client(), "instructrice-ville-exemple")
    refused = colleague.post(
        f"/console/appeals/{public_id}/validate", data={"csrf_token": token_of(colleague)}
    )
    assert refused.status_code == 409 and "Seul un superviseur" in text(refused)
    supervisor = sign_in(world.app.test_client(), "superviseur-ville-exemple")
    bare = supervisor.post(
        f"/console/appeals/{public_id}/validate",
        data={"csrf_token": token_of(supervisor), "reasons": "D'accord."},
    )
    assert bare.status_code == 400 and "Donnez vos propres raisons" in text(bare)
    confirmed = supervisor.post(
        f"/console/appeals/{public_id}/validate",
        data={
            "csrf_token": token_of(supervisor),
            "reasons": "J'ai relu l'attestation-caf.pdf : elle date de janvier, avant la "
            "séparation de mars ; la déclaration du 1er mars dit « en couple ».",
        },
    )
    assert confirmed.status_code == 303
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
    assert (appeal.status, appeal.decided_by, appeal.validated_by) == (
        "decided",
        "instructeur-ville-exemple",
        "superviseur-ville-exemple",
    )
    assert appeal.examination["targeted"] and appeal.examination["confirmed_by"]
    stats = text(supervisor.get("/console/statistiques"))
    assert re.search(r"Recours gracieux : 1 0 0 1 1 1 1 0 100 %", stats), stats[-2500:]


def test_a_supervisor_who_disagrees_sends_it_back_and_it_counts(world):
    public_id = file_the_single_parent(world)
    reviewer = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    reviewer.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token_of(reviewer)})
    reviewer.post(
        f"/console/appeals/{public_id}/recompute", data={"csrf_token": token_of(reviewer)}
    )
    page = reviewer.get(f"/console/appeals/{public_id}").get_data(as_text=True)
    reviewer.get(re.search(r'href="(/console/appeals/[^"]+/attachments/\d+)"', page).group(1))
    assert decide(reviewer, public_id, list(ANSWERS)).status_code == 303
    supervisor = sign_in(world.app.test_client(), "superviseur-ville-exemple")
    back = supervisor.post(
        f"/console/appeals/{public_id}/send-back",
        data={
            "csrf_token": token_of(supervisor),
            "comment": "L'attestation montre un parent isolé : la place doit être proposée.",
        },
    )
    assert back.status_code == 303
    with world.uow() as uow:
        appeal = uow.appeals.get(public_id)
    assert appeal.status == "in_review" and appeal.examination["sent_back"] == 1

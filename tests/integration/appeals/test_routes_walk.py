"""Every route of the samples (and of test-only algorithms for the routes they lack), walked
through the explanation, the contest form, the acknowledgement and the decision letter: each
names the same authority, texts and dates."""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from services.explainer.domain.case import Algorithm
from services.explainer.domain.case import Case as ExplainedCase
from services.explainer.domain.recourse import next_step, recourse_blocks
from shared.routes import load_recourse
from shared.routes.wording import court_texts, texts_of, to
from shared.samples import SAMPLE_ALGORITHMS
from tests.integration.appeals.conftest import (
    ROUTE_TEST_ALGORITHMS,
    as_usager,
    contest,
    decision_form,
    examine,
    sample_decision,
    sign_in,
    token_of,
)

DECIDED_AT = "2026-10-28T14:00:00+01:00"
NOTIFIED_ON = "2026-10-30"  # the delays run from here: two months end on 30 December
ALGORITHMS = {d["id"]: d for d in [*SAMPLE_ALGORITHMS, *ROUTE_TEST_ALGORITHMS]}


@dataclass(frozen=True)
class Walk:
    algorithm_id: str
    kind: str
    authority: str  # as the sentences say it, « au maire de … »
    last_day: str | None  # the route's last day, as every document writes it
    court: str
    filer: str = "usager"


WALKS = [
    Walk(
        "creche-attribution",
        "gracieux",
        "au maire de Ville-Exemple",
        "30 décembre 2026",
        "le tribunal administratif dont relève Ville-Exemple",
    ),
    Walk(
        "aide-transport-scolaire",
        "gracieux",
        "au président du conseil régional de Région-Exemple",
        "30 décembre 2026",
        "le tribunal administratif dont relève Chef-Lieu-Exemple, où siège la région",
    ),
    Walk(
        "ciblage-controles",
        "signalement",
        "au service du contrôle de Caisse-Exemple",
        None,
        "le pôle social du tribunal judiciaire dont relève votre domicile",
    ),
    Walk(
        "aide-etat-test",
        "gracieux",
        "au directeur départemental de Test-Exemple",
        "30 décembre 2026",
        "le tribunal administratif de Test-Ville",
    ),
    Walk(
        "aide-etat-test",
        "hierarchique",
        "au préfet de Test-Exemple",
        "30 décembre 2026",
        "le tribunal administratif de Test-Ville",
        filer="agent",
    ),
    Walk(
        "aide-etat-test",
        "observations",
        "au directeur départemental de Test-Exemple",
        "14 novembre 2026",
        "le tribunal administratif de Test-Ville",
    ),
    Walk(
        "prestation-test",
        "prealable",
        "à la commission de recours amiable de Caisse-Exemple",
        "30 décembre 2026",
        "le pôle social du tribunal judiciaire dont relève votre domicile",
        filer="agent",
    ),
]


def decision_for(algorithm_id: str) -> dict[str, Any]:
    document = ALGORITHMS[algorithm_id]
    base = sample_decision(
        algorithm_id
        if algorithm_id in {d["id"] for d in SAMPLE_ALGORITHMS}
        else "aide-transport-scolaire"
    )
    decision = copy.deepcopy(base)
    decision.update(
        algorithm={"id": document["id"], "version": document["version"]},
        administration=document["administration"],
        decided_at=DECIDED_AT,
        decision_id=f"{algorithm_id}-walk",
        notified_on=NOTIFIED_ON,
    )
    return decision


# (facts, answer to the one ground) for the walks whose grounds are not the distance.
MOTIVATIONS = {
    "creche-attribution": (
        "L'attestation de la CAF jointe au recours montre un quotient familial de 600 €.",
        "Le quotient de 600 € n'est pas justifié : la séparation n'est pas déclarée à la CAF.",
    ),
    "ciblage-controles": (
        "Les ressources déclarées le 3 septembre sont celles que le score a prises en compte.",
        "Vos ressources déclarées le 3 septembre ne changent pas le choix du dossier.",
    ),
}


def page_text(response: Any) -> str:
    """The page as its words, tags removed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def file(world: Any, walk: Walk, reference: str) -> tuple[str, str]:
    """File through the person's form (or the console's, for an agent); return the form's
    text and the appeal's id."""
    grounds = {
        "dispute-distance_km": "1",
        "claimed-distance_km": "5",
        "reason-distance_km": "Le trajet réel fait 5 km, plan joint.",
    }
    if walk.algorithm_id == "creche-attribution":
        grounds = {
            "dispute-quotient_familial": "1",
            "claimed-quotient_familial": "600",
            "reason-quotient_familial": "Mon quotient a baissé depuis ma séparation.",
        }
    if walk.algorithm_id == "ciblage-controles":
        grounds = {"account": "Mes ressources ont été déclarées le 3 septembre."}
    if walk.filer == "usager":
        client = world.app.test_client()
        as_usager(client, reference)
        form = page_text(client.get(f"/d/{reference}/contester"))
        response = contest(client, reference, kind=walk.kind, **grounds)
    else:
        client = sign_in(world.app.test_client(), f"instructeur-{world.administration}")
        form = page_text(client.get(f"/console/deposer?reference={reference}"))
        response = client.post(
            "/console/deposer",
            data={
                "csrf_token": token_of(client),
                "reference": reference,
                "step": "file",
                "channel": "letter",
                "postmarked_on": "2026-10-31",
                "kind": walk.kind,
                "answer_by": "post",
                "postal_address": "Léa Dubois, 3 rue des Lilas, 99100 X",
                **grounds,
            },
        )
    assert response.status_code == 303, page_text(response)[-1500:]
    return form, response.headers["Location"].split("/")[-1].split("?")[0]


@pytest.mark.parametrize("walk", WALKS, ids=lambda w: f"{w.algorithm_id}-{w.kind}")
def test_every_route_names_the_same_authority_texts_and_dates_everywhere(world, walk):
    document = ALGORITHMS[walk.algorithm_id]
    world.administration = document["administration"]
    reference = "D-WAVE0-00001"
    decision = decision_for(walk.algorithm_id)
    world.log_decision(decision, reference)
    recourse = load_recourse(document)
    route = recourse.route(walk.kind)
    texts = court_texts(recourse.court) + (texts_of(route) if route else [])

    # The explanation the person read.
    explained = ExplainedCase(
        Algorithm.from_document(document, 1),
        {**decision, "subject": {"ref": "x"}},
        reference,
        "http://explicite.test",
        {"status": "consistent"},
    )
    explanation = " ".join(
        line for block in recourse_blocks(explained, date(2026, 11, 2)) for line in block.lines()
    )
    assert walk.court in explanation
    step = next_step(explained, date(2026, 11, 2))
    if walk.kind in ("gracieux", "prealable"):
        assert walk.authority in step.text
        assert step.deadline == date(2026, 12, 30)
    if walk.last_day:
        assert f"au plus tard le {walk.last_day}" in explanation

    # The form: what is filed, to whom, by when.
    form, public_id = file(world, walk, reference)
    if walk.kind == "signalement":
        assert (
            f"Vous signalez une information fausse {walk.authority}. Ce n'est pas un "
            f"recours" in form
        )
        # Not contestable: the form never calls itself a contestation (review finding 5).
        for word in (
            "Contester la décision",
            "contestez",
            "raison de contester",
            "Envoyer ma contestation",
        ):
            assert word not in form, word
        assert "Signaler une information fausse" in form and "Envoyer mon signalement" in form
    else:
        assert (
            f"adressé{'es' if walk.kind == 'observations' else ''} {walk.authority}, au "
            f"plus tard le {walk.last_day}." in form
        )

    # The acknowledgement.
    client = world.app.test_client()
    as_usager(client, reference)
    ack = page_text(client.get(f"/d/{reference}/recours/{public_id}"))
    if walk.kind == "signalement":
        assert "Vous nous signalez une information fausse." in ack
        assert "Décision concernée" in ack and "Décision contestée" not in ack
    else:
        verb = "présenté" if walk.kind == "observations" else "fait"
        assert f"Vous avez {verb} " in ack and f" {walk.authority}." in ack
    assert walk.court in ack
    for text in texts:
        assert text in ack.replace("Articles", "articles"), text
    if walk.filer == "agent":
        assert "Date du cachet de la poste 31 octobre 2026 : c'est cette date qui compte" in ack

    # The decision letter, after a real examination.
    reviewer = sign_in(world.app.test_client(), f"instructrice-{world.administration}")
    token = token_of(reviewer)
    assert (
        reviewer.post(f"/console/appeals/{public_id}/claim", data={"csrf_token": token}).status_code
        == 303
    )
    examine(reviewer, public_id)
    # The decision form shows the letter's real opening for this appeal (review finding 7).
    dossier = page_text(reviewer.get(f"/console/appeals/{public_id}"))
    if walk.kind == "signalement":
        assert "« Le choix de votre dossier pour un contrôle est maintenu, parce que … »" in dossier
        assert "Ne plus retenir le dossier" in dossier and "reste refusée" not in dossier
    else:
        assert "« Votre demande reste refusée, parce que … »" in dossier
    extra = {}
    if route is not None and route.collegial:
        extra = {"body": route.authority, "deliberated_on": "2026-11-02"}
    form_data = decision_form(token, "maintained", grounds=1, **extra)
    # Facts and an answer of this dossier (its grounds, its values): another dossier's figures
    # are no facts of this one (review finding 11).
    form_data["facts"], form_data["answer-g1"] = MOTIVATIONS.get(
        walk.algorithm_id,
        (
            "Le trajet de 5 km indiqué dans le recours a été comparé au calculateur régional.",
            "Le plan joint donne 5 km ; la distance retenue de 2,5 km vient "
            "du calculateur régional.",
        ),
    )
    decided = reviewer.post(f"/console/appeals/{public_id}/decide", data=form_data)
    assert decided.status_code == 303, page_text(decided)[-2000:]
    letter = page_text(client.get(f"/d/{reference}/recours/{public_id}"))
    assert "Accusé de réception de" not in letter  # the outcome, not the acknowledgement again
    assert walk.court in letter
    assert "Instructrice Exemple, instructrice du service" in letter
    if walk.kind in ("gracieux", "hierarchique"):
        assert "Un nouveau recours auprès de l'administration n'arrêterait pas ce délai." in letter
    if route is not None and route.collegial:
        assert (
            f"{route.authority[0].upper()}{route.authority[1:]} a pris cette décision lors "
            f"de sa séance du 2 novembre 2026."
        ) in letter
    if walk.kind == "signalement":
        assert "Le choix de votre dossier pour un contrôle est maintenu" in letter
        assert (
            "Vous pourrez contester la décision que la caisse prendra après le contrôle" in letter
        )
    assert to("le maire") == "au maire"  # the one contraction every sentence uses

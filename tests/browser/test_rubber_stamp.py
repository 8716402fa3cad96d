"""The rubber stamp, tried in a real browser and stopped at each step with a clear message.

The person, refused a crèche place, says they bring up their child alone, gives their
quotient and the age of their request, and attaches the CAF's letter: with those values the
grid gives 60 points, enough for a place. The reviewer claims the dossier and clicks
« maintenir » with « Le dossier a été vérifié » and « Ce point ne change rien. » everywhere:
refused. Then one step at a time: the recomputation with the person's values, the
attachment, one answer per ground resting on the dossier; as the reviewer still keeps the
refusal, a supervisor must confirm in their own words. Every page is checked by axe-core.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import ExpliciteServer
from tests.browser.steps import PDF, expect_text
from tests.browser.test_journeys import open_decision, sign_in_agent, wait_until

STAMP = "Ce point ne change rien."
ANSWERS = (
    "L'attestation de la CAF jointe donne un quotient de 600 € en janvier, avant mars.",
    "La déclaration du 2 mars à la CAF dit « vie en couple » : parent isolé non.",
    "La demande est enregistrée depuis 8 mois et non 30 : le registre fait foi.",
    "Votre reprise d'emploi à la rentrée est notée ; elle ne change pas le barème.",
)


def fill_decision(console: Any, facts: str, answers: list[str]) -> None:
    console.get_by_role("radio", name="Maintenir la décision").check()
    console.get_by_label("La raison principale").fill(
        "la déclaration du 2 mars à la CAF dit que vous vivez en couple"
    )
    console.get_by_label("Considérations de fait").fill(facts)
    console.get_by_label("Considérations de droit").fill(
        "Délibération du conseil municipal du 12 mars 2026, barème, article 2."
    )
    fields = console.get_by_label(re.compile(r"^Point \d+ :"))
    assert fields.count() == len(answers)
    for index, answer in enumerate(answers):
        fields.nth(index).fill(answer)
    console.get_by_role("button", name="Enregistrer la décision").click()


def test_the_rubber_stamp_is_stopped_at_each_step(
    server: ExpliciteServer, new_journey: Any, tmp_path: Path
) -> None:
    demo = server.fresh_demo()
    usager = new_journey("tampon")
    page = usager.page
    open_decision(usager, server, demo)
    page.get_by_role("link", name="Contester cette décision").first.click()
    expect_text(
        page,
        re.compile(
            # The first of a month is written « 1er » (French usage).
            r"Vous faites un recours gracieux adressé au maire de "
            r"Ville-Exemple, au plus tard le (1er|\d+) \w+ \d{4}\."
        ),
    )
    usager.check("contester-ce-que-vous-faites")
    for name, value, reason in (
        ("Quotient familial", "600", "Mon quotient a baissé en janvier."),
        ("Parent qui élève seul", "oui", "J'élève seule ma fille depuis mars."),
        ("Ancienneté de la demande", "30", "J'ai fait ma demande il y a 30 mois."),
    ):
        page.get_by_role("checkbox", name=re.compile(name)).check()
        block = page.locator(".criterion-choice").filter(
            has=page.get_by_role("checkbox", name=re.compile(name))
        )
        block.get_by_label("Valeur exacte selon vous").fill(value)
        block.get_by_label("Pourquoi cette information est-elle fausse ?").fill(reason)
    page.get_by_label("Votre point de vue").fill(
        "Sans place en crèche, je ne peux pas reprendre mon emploi à la rentrée."
    )
    attachment = tmp_path / "attestation-caf.pdf"
    attachment.write_bytes(PDF)
    page.get_by_label("Pièces justificatives").set_input_files(str(attachment))
    page.get_by_role("radio", name="Par courriel").check()
    page.get_by_label("Adresse électronique").fill("lea.dubois@example.org")
    page.get_by_role("button", name="Envoyer ma contestation").click()
    page.wait_for_url(re.compile(r"/recours/[^/?]+"))
    public_id = re.search(r"/recours/([^/?#]+)", page.url).group(1)  # type: ignore[union-attr]
    expect_text(page, "Vous avez fait un recours gracieux adressé au maire de Ville-Exemple.")
    usager.check("accuse-de-reception")
    appeal_url = page.url.split("?")[0]

    agent = new_journey("tampon-instructeur")
    sign_in_agent(
        agent, server, "instructeur-ville-exemple", demo.agents["instructeur-ville-exemple"]
    )
    console = agent.page
    wait_until(
        console,
        server.url("/console/"),
        lambda: console.get_by_role("link", name=public_id).count() > 0,
    )
    console.get_by_role("link", name=public_id).click()
    console.get_by_role("button", name="Prendre en charge").click()
    console.get_by_role("button", name="Enregistrer la décision").wait_for()

    # 1. The rubber stamp: one minute, nothing opened, the same formula everywhere.
    fill_decision(console, "Le dossier a été vérifié, les données sont exactes.", [STAMP] * 4)
    alert = console.get_by_role("alert")
    for message in (
        "Avant de décider, cliquez sur « Recalculer avec les valeurs de la personne »",
        "Pas encore ouverte : « attestation-caf.pdf »",
        "Les faits doivent citer le dossier.",
        "Point 1 : cette réponse ne dit rien du dossier.",
        "cette réponse est la même qu'au point 1.",
    ):
        expect_text(console, message)
    assert alert.count() == 1
    agent.check("tampon-refuse")

    # 2. The recomputation with the person's values: the two results side by side.
    console.get_by_role("button", name="Recalculer avec les valeurs de la personne").click()
    expect_text(console, "Le résultat change")
    expect_text(console, "Place en crèche proposée")
    agent.check("recalcul-cote-a-cote")
    fill_decision(console, "Le dossier a été vérifié, les données sont exactes.", [STAMP] * 4)
    expect_text(console, "Pas encore ouverte : « attestation-caf.pdf »")
    assert console.get_by_text("cliquez sur « Recalculer").count() == 0
    agent.check("tampon-refuse-apres-recalcul")

    # 3. The attachment opened; one answer copied to every ground: still refused.
    with console.expect_download():
        console.get_by_role("link", name="attestation-caf.pdf", exact=True).click()
    fill_decision(
        console,
        "Le quotient de 1 180 € vient de la CAF ; l'attestation jointe est de janvier.",
        [ANSWERS[0]] * 4,
    )
    expect_text(console, "cette réponse est la même qu'au point 1.")
    agent.check("reponses-identiques-refusees")

    # 4. An answer per ground, on the dossier: the refusal is kept, so a supervisor confirms.
    fill_decision(
        console,
        "Le quotient de 1 180 € vient de la CAF ; l'attestation jointe est de janvier.",
        list(ANSWERS),
    )
    expect_text(console, "un superviseur doit confirmer votre décision")
    agent.check("en-attente-du-superviseur")

    supervisor = new_journey("tampon-superviseur")
    sign_in_agent(
        supervisor, server, "superviseur-ville-exemple", demo.agents["superviseur-ville-exemple"]
    )
    board = supervisor.page
    board.goto(server.url(f"/console/appeals/{public_id}"))
    expect_text(board, "Un superviseur doit la confirmer, avec ses propres raisons.")
    board.get_by_label("Vos raisons de confirmer").fill("D'accord.")
    board.get_by_role("button", name="Confirmer la décision").click()
    expect_text(board, "Donnez vos propres raisons de confirmer")
    supervisor.check("confirmation-sans-raisons-refusee")
    board.get_by_label("Vos raisons de confirmer").fill(
        "J'ai relu l'attestation de la CAF : elle date de janvier, avant la séparation de "
        "mars ; la déclaration du 2 mars dit « vie en couple »."
    )
    board.get_by_role("button", name="Confirmer la décision").click()
    expect_text(board, "La décision est validée")
    supervisor.check("decision-confirmee")

    # 5. The person reads the outcome: one sentence, who decided, what to do next.
    wait_until(page, appeal_url, lambda: page.get_by_text("La réponse à votre demande").count() > 0)
    expect_text(page, "Votre demande reste refusée, parce que la déclaration du 2 mars")
    expect_text(page, "Camille Martin")
    expect_text(page, "Par délégation du maire")
    assert page.get_by_text("Accusé de réception de votre recours").count() == 0
    usager.check("reponse-au-recours")

    usager.assert_clean()
    agent.assert_clean()
    supervisor.assert_clean()

"""The whole journey in a real browser, as people live it.

The person opens the decision with the reference and code printed on their letter, reads the
explanation, makes the formal request, contests; a reviewer signs in, claims the appeal,
examines it and amends the decision; the person reads the outcome and its motivation. Every
page is screenshotted (test-artifacts/browser/parcours/NN-step.png) and checked by axe-core.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser.conftest import Demo, ExpliciteServer
from tests.browser.steps import PDF, Journey, check_essential, expect_text

FACTS = (
    "L'attestation de la CAF jointe au recours montre un quotient familial de 600 €. "
    "La famille est monoparentale depuis mars et la demande date de 30 mois."
)
LAW = "Délibération du conseil municipal du 12 mars 2026 sur les critères d'attribution."


def open_decision(journey: Journey, server: ExpliciteServer, demo: Demo) -> None:
    """Home page, then the reference and the access code typed as on the letter."""
    page = journey.page
    page.goto(server.url("/"))
    journey.check("accueil")
    page.get_by_label("Référence de la décision").fill(demo.reference)
    page.get_by_label("Code d'accès").fill(demo.code.lower())
    page.get_by_role("button", name="Voir l'explication").click()
    page.wait_for_url(re.compile(rf"/d/{demo.reference}$"))


def file_contestation(journey: Journey, attachment: Path, *, email: str) -> str:
    """On /d/{ref}/contester: dispute two criteria, tell one's story, attach, answer by e-mail."""
    page = journey.page
    page.get_by_role("group", name=re.compile("informations que vous contestez")).wait_for()
    page.get_by_role("checkbox", name=re.compile("Quotient familial")).check()
    page.get_by_label("Valeur exacte selon vous").first.fill("600")
    page.get_by_label("Pourquoi cette information est-elle fausse ?").first.fill(
        "Mon quotient a baissé en janvier : l'attestation de la CAF est jointe."
    )
    page.get_by_role("checkbox", name=re.compile("Parent qui élève seul")).check()
    page.get_by_label("Valeur exacte selon vous").nth(1).fill("oui")
    page.get_by_label("Pourquoi cette information est-elle fausse ?").nth(1).fill(
        "J'élève seule ma fille depuis mars."
    )
    page.get_by_label("Votre point de vue").fill(
        "Sans place en crèche, je ne peux pas reprendre mon emploi à la rentrée."
    )
    page.get_by_label("Pièces justificatives").set_input_files(str(attachment))
    page.get_by_role("radio", name="Par courriel").check()
    page.get_by_label("Adresse électronique").fill(email)
    journey.check("contestation-remplie")
    page.get_by_role("button", name="Envoyer ma contestation").click()
    page.wait_for_url(re.compile(r"/recours/[^/?]+"))
    match = re.search(r"/recours/([^/?#]+)", page.url)
    assert match
    return match.group(1)


def sign_in_agent(journey: Journey, server: ExpliciteServer, login: str, password: str) -> None:
    page = journey.page
    page.goto(server.url("/console/login"))
    journey.check("console-connexion")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/console/(\?.*)?$"))


def wait_until(page: Any, url: str, found: Callable[[], bool], timeout: float = 30) -> None:
    """Reload until the asynchronous part of the system (workers, events) shows its result."""
    deadline = time.monotonic() + timeout
    page.goto(url)
    while not found():
        assert time.monotonic() < deadline, f"{url} never showed the expected content"
        time.sleep(0.5)
        page.goto(url)


def test_person_contests_and_reviewer_amends(
    server: ExpliciteServer, new_journey: Any, tmp_path: Path
) -> None:
    demo = server.fresh_demo()
    usager = new_journey("parcours")
    page = usager.page

    # 1. The person opens the decision: a wrong code first, then the right one.
    page.goto(server.url("/"))
    page.get_by_label("Référence de la décision").fill(demo.reference)
    page.get_by_label("Code d'accès").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Voir l'explication").click()
    page.get_by_role("alert").wait_for()
    usager.check("accueil-code-errone")
    open_decision(usager, server, demo)
    expect_text(page, re.compile("place en crèche non proposée", re.I))
    check_essential(page)
    usager.screenshot("explication-premier-ecran", full_page=False)
    usager.check("explication")
    # The legal texts are in one section, closed until the person opens it.
    legal = page.locator("details#textes")
    assert legal.get_attribute("open") is None
    legal.locator("summary").click()
    expect_text(page, "La mention de votre courrier")
    usager.check("explication-textes-de-loi")

    # 2. The printable version, then the formal request for communication.
    page.get_by_role("link", name="Imprimer").click()
    expect_text(page, "Pour imprimer")
    usager.check("version-imprimable")
    page.emulate_media(media="print")  # as it comes out of the printer: no header nor buttons
    assert not page.get_by_role("navigation", name="Navigation principale").is_visible()
    usager.screenshot("version-imprimable-impression")
    page.emulate_media(media="screen")
    page.go_back()
    page.get_by_role("button", name="Faire la demande officielle").click()
    expect_text(page, "Votre demande officielle a été enregistrée")
    usager.check("demande-officielle-enregistree")

    # 3. Contest: an empty form first shows its errors, then the real contestation.
    page.get_by_role("link", name="Contester cette décision").first.click()
    expect_text(page, "Un agent examinera votre demande")
    usager.check("contester")
    page.get_by_role("button", name="Envoyer ma contestation").click()
    page.get_by_role("alert").wait_for()
    usager.check("contester-erreurs")
    attachment = tmp_path / "attestation-caf.pdf"
    attachment.write_bytes(PDF)
    public_id = file_contestation(usager, attachment, email="camille.martin@example.org")
    expect_text(page, "Accusé de réception")
    expect_text(page, "Votre demande est enregistrée")
    usager.check("accuse-de-reception")
    appeal_url = page.url.split("?")[0]

    # 4. A reviewer of the city signs in, finds the appeal in the queue and claims it.
    agent = new_journey("parcours-agent")
    login = "instructeur-ville-exemple"
    sign_in_agent(agent, server, login, demo.agents[login])
    console = agent.page
    wait_until(
        console,
        server.url("/console/"),
        lambda: console.get_by_role("link", name=public_id).count() > 0,
    )
    agent.check("file-des-recours")
    console.get_by_role("link", name=public_id).click()
    expect_text(console, "Ce que dit la personne")
    expect_text(console, "attestation-caf.pdf")
    expect_text(console, re.compile(r"Lisibilité de sa rédaction : \d+,\d sur 100"))
    agent.check("dossier")
    console.get_by_role("button", name="Prendre en charge").click()
    console.get_by_role("button", name="Enregistrer la décision").wait_for()
    agent.check("dossier-pris-en-charge")

    # 5. The reviewer recomputes with the person's values and opens the attachment, then
    # corrects the data, recomputes, motivates and answers every ground.
    console.get_by_role("button", name="Recalculer avec les valeurs de la personne").click()
    expect_text(console, "Les deux résultats, côte à côte")
    with console.expect_download():
        console.get_by_role("link", name="attestation-caf.pdf", exact=True).click()
    console.get_by_role("radio", name="Modifier la décision (données corrigées)").check()
    console.get_by_label("Quotient familial de la famille").fill("600")
    console.get_by_label("Parent qui élève seul son enfant").fill("oui")
    console.get_by_label("Ancienneté de la demande").fill("30")
    console.get_by_role("button", name="Recalculer le résultat").click()
    expect_text(console, "Résultat recalculé par le modèle")
    expect_text(console, "Place en crèche proposée")
    agent.check("decision-recalculee")
    console.get_by_label("La raison principale").fill(
        "vous élevez seule votre fille et votre quotient familial est de 600 €"
    )
    console.get_by_label("Considérations de fait").fill(FACTS)
    console.get_by_label("Considérations de droit").fill(LAW)
    answers = console.get_by_label(re.compile(r"^Point \d+ :"))
    assert answers.count() == 3  # two disputed criteria and the person's own account
    for index, answer in enumerate(
        (
            "Réponse au point 1 : l'attestation de la CAF jointe donne bien 600 € en janvier.",
            "Réponse au point 2 : vous élevez seule votre fille depuis mars, c'est retenu.",
            "Réponse au point 3 : avec la place, vous pourrez reprendre votre emploi.",
        )
    ):
        answers.nth(index).fill(answer)
    agent.check("decision-redigee")
    console.get_by_role("button", name="Enregistrer la décision").click()
    expect_text(console, "Décision modifiée")
    agent.check("dossier-decide")

    # 6. Statistics and the mail room, where the acknowledgement and the decision were sent.
    console.get_by_role("link", name="Courrier").click()
    expect_text(console, "Courriels et lettres")
    agent.check("courrier")
    console.get_by_role("link", name=re.compile("Accusé de réception")).first.click()
    expect_text(console, "Retour au courrier")
    agent.check("courrier-detail")
    console.get_by_role("link", name="Déposer pour une personne").click()
    agent.check("deposer-pour-une-personne")
    # The amended decision is replaced: the counter agent is told to contest the new one.
    console.get_by_label("Référence de la décision").fill(demo.reference)
    console.get_by_role("button", name="Continuer").click()
    console.get_by_role("alert").wait_for()
    agent.check("deposer-decision-remplacee")
    superviseur = "superviseur-ville-exemple"
    supervisor = new_journey("parcours-superviseur")
    sign_in_agent(supervisor, server, superviseur, demo.agents[superviseur])
    supervisor.page.get_by_role("link", name="Statistiques").click()
    expect_text(supervisor.page, "Lisibilité des explications")
    supervisor.check("statistiques")

    # 7. The person reads the outcome, its motivation, and the new decision's explanation.
    wait_until(
        page,
        appeal_url,
        lambda: page.get_by_role("link", name=re.compile("lire la nouvelle décision")).count() > 0,
    )
    expect_text(page, FACTS)
    expect_text(page, "Réponse au point 1")
    usager.check("issue-du-recours")
    page.get_by_role("link", name=re.compile("lire la nouvelle décision")).click()
    expect_text(page, re.compile("place en crèche proposée", re.I))
    expect_text(page, f"Cette décision remplace la décision {demo.reference}")
    usager.check("nouvelle-decision")

    usager.assert_clean()
    agent.assert_clean()
    supervisor.assert_clean()


def test_public_and_error_pages(server: ExpliciteServer, new_journey: Any) -> None:
    """The register, an algorithm's page, the accessibility statement, and the pages people
    land on by mistake."""
    visitor = new_journey("pages-publiques")
    page = visitor.page
    page.goto(server.url("/register"))
    expect_text(page, "Registre des algorithmes publics")
    visitor.check("registre")
    page.get_by_role("link", name=re.compile("crèche", re.I)).first.click()
    expect_text(page, "Comment l'algorithme calcule")
    visitor.check("registre-algorithme")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibilité : non conforme").click()
    expect_text(page, "Ce service est non conforme")
    visitor.check("declaration-accessibilite")
    response = page.goto(server.url("/d/D-AAAAA-BBBBB"))
    assert response is not None and response.status in (302, 303, 200)
    visitor.check("decision-sans-session")
    page.goto(server.url("/d/D-AAAAA-BBBBB/contester"))
    expect_text(page, "Ouvrez d'abord votre décision")
    visitor.check("contester-sans-session")
    response = page.goto(server.url("/page-qui-n-existe-pas"))
    assert response is not None and response.status == 404
    expect_text(page, "Page introuvable")
    visitor.check("erreur-404")
    response = page.goto(server.url("/console/"))
    visitor.check("console-sans-connexion")
    page.goto(server.url("/console/login"))
    page.get_by_label("Identifiant").fill("personne")
    page.get_by_label("Mot de passe").fill("mauvais-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("alert").wait_for()
    visitor.check("console-connexion-refusee")
    visitor.assert_clean()


def test_counter_agent_files_for_a_person(server: ExpliciteServer, new_journey: Any) -> None:
    """At the counter or on the phone, an agent files the contestation for the person."""
    demo = server.fresh_demo()
    agent = new_journey("guichet")
    login = "instructeur-ville-exemple"
    sign_in_agent(agent, server, login, demo.agents[login])
    page = agent.page
    page.get_by_role("link", name="Déposer pour une personne").click()
    page.get_by_label("Référence de la décision").fill(demo.reference)
    page.get_by_role("button", name="Continuer").click()
    expect_text(page, f"Recours sur la décision {demo.reference}")
    agent.check("formulaire")
    page.get_by_role("button", name="Enregistrer le recours").click()
    page.get_by_role("alert").wait_for()
    agent.check("formulaire-erreurs")
    page.get_by_role("radio", name="Par téléphone").check()
    page.get_by_label("Le point de vue de la personne").fill(
        "Madame Martin explique au téléphone que sa fille est entrée à l'école en septembre."
    )
    page.get_by_role("radio", name="Par courrier postal").check()
    page.get_by_role("button", name="Enregistrer le recours").click()
    expect_text(page, "Le recours est enregistré")
    expect_text(page, "Par téléphone")
    agent.check("dossier-enregistre")
    agent.assert_clean()

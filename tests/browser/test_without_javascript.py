"""Every journey works with JavaScript turned off: the pages have none, and this proves it.

The person opens the decision, contests it; a reviewer annuls the decision; the person reads the
outcome: all in a browser where scripts do not run. (axe-core needs scripts: it checks the same
pages in the other journeys.) Screenshots: test-artifacts/browser/sans-javascript/NN-step.png.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import ExpliciteServer
from tests.browser.steps import expect_text


def test_contest_and_annul_without_javascript(server: ExpliciteServer, new_journey: Any) -> None:
    demo = server.fresh_demo()
    usager = new_journey("sans-javascript", java_script_enabled=False)
    page = usager.page
    page.goto(server.url("/"))
    page.get_by_label("Référence de la décision").fill(demo.reference)
    page.get_by_label("Code d'accès").fill(demo.code)
    page.get_by_role("button", name="Voir l'explication").click()
    page.wait_for_url(re.compile(rf"/d/{demo.reference}$"))
    usager.screenshot("explication")
    page.get_by_role("link", name="Contester cette décision").first.click()
    page.get_by_label("Une autre raison de contester").fill(
        "La commission ne s'est pas réunie : personne n'a examiné ma demande."
    )
    page.get_by_role("radio", name="Par courrier postal").check()
    usager.screenshot("contester")
    page.get_by_role("button", name="Envoyer ma contestation").click()
    page.wait_for_url(re.compile(r"/recours/"))
    expect_text(page, "Accusé de réception")
    usager.screenshot("accuse-de-reception")
    appeal_url = page.url.split("?")[0]
    public_id = appeal_url.rsplit("/", 1)[1]

    agent = new_journey("sans-javascript-agent", java_script_enabled=False)
    console = agent.page
    login = "instructeur-ville-exemple"
    console.goto(server.url("/console/login"))
    console.get_by_label("Identifiant").fill(login)
    console.get_by_label("Mot de passe").fill(demo.agents[login])
    console.get_by_role("button", name="Se connecter").click()
    console.get_by_role("link", name=public_id).click()
    console.get_by_role("button", name="Prendre en charge").click()
    console.get_by_role("radio", name="Annuler la décision").check()
    console.get_by_label("Pour une décision annulée").fill("2026-12-23")
    console.get_by_label("Considérations de fait").fill(
        "Le procès-verbal montre que la commission n'a pas siégé ce jour-là."
    )
    console.get_by_label("Considérations de droit").fill(
        "Le règlement d'attribution confie la décision à la commission, pas à l'algorithme."
    )
    answers = console.get_by_label(re.compile(r"^Point \d+ :"))
    for index in range(answers.count()):
        answers.nth(index).fill(
            f"Point {index + 1} : vous avez raison, la commission ne "
            f"s'est pas réunie le jour de la décision."
        )
    console.get_by_role("button", name="Enregistrer la décision").click()
    expect_text(console, "Décision annulée")
    agent.screenshot("dossier-decide")

    page.goto(appeal_url)
    expect_text(page, "décision annulée")
    expect_text(page, "vous recevrez une nouvelle décision au plus tard le 23 décembre 2026")
    expect_text(page, "la commission n'a pas siégé")
    usager.screenshot("issue-du-recours")
    assert not usager.console_errors and not agent.console_errors

"""On a phone: the person opens the decision, reads it and contests by touch (360 × 740); a
reviewer decides on a small phone (320 × 640) and maintains the decision; the person reads the
outcome. No page may scroll sideways, every button and field is large enough for a finger.
Screenshots: test-artifacts/browser/mobile/NN-step.png (and mobile-agent/)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import ExpliciteServer
from tests.browser.steps import PDF, Journey, check_essential, expect_text

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SMALL_PHONE = {**PHONE, "viewport": {"width": 320, "height": 640}}

# Controls smaller than this are hard to hit with a finger (WCAG 2.5.5 asks 44 px, 2.5.8 24);
# a checkbox or a radio button is paired with its label, which is part of the target.
MEASURE = """() => {
    const small = [];
    const controls = 'button, .button, input:not([type=hidden]), select, textarea';
    for (const e of document.querySelector('main').querySelectorAll(controls)) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        // Inside a closed <details>: not on screen, not tappable (measured once opened).
        if (e.checkVisibility && !e.checkVisibility()) continue;
        const minimum = ['checkbox', 'radio'].includes(e.type) ? 24 : 44;
        const name = e.id || e.name || e.innerText;
        if (r.height < minimum - 0.5) small.push(`${e.tagName} ${name}: ${r.height}px`);
    }
    return {overflow: document.documentElement.scrollWidth - window.innerWidth, small};
}"""


def check_phone(journey: Journey, name: str) -> None:
    """The page fits the screen's width and its controls are big enough, then the usual check."""
    measured = journey.page.evaluate(MEASURE)
    assert measured["overflow"] <= 0, f"{name}: the page scrolls sideways by {measured}"
    assert not measured["small"], f"{name}: controls too small for a finger: {measured['small']}"
    journey.check(name)


def test_phone_journey_maintained(
    server: ExpliciteServer, new_journey: Any, tmp_path: Path
) -> None:
    demo = server.fresh_demo()
    usager = new_journey("mobile", **PHONE)
    page = usager.page

    page.goto(server.url("/"))
    check_phone(usager, "accueil")
    page.get_by_label("Référence de la décision").fill(demo.reference)
    page.get_by_label("Code d'accès").fill(demo.code)
    page.get_by_role("button", name="Voir l'explication").tap()
    page.wait_for_url(re.compile(rf"/d/{demo.reference}$"))
    check_essential(page)  # on a phone too, « L'essentiel » starts on the first screen
    check_phone(usager, "explication")
    usager.screenshot("explication-premier-ecran", full_page=False)
    page.get_by_role("link", name="Contester cette décision").first.tap()
    page.wait_for_url(re.compile(r"/contester$"))
    check_phone(usager, "contester")

    page.get_by_role("checkbox", name=re.compile("Ancienneté de la demande")).tap()
    page.get_by_label("Pourquoi cette information est-elle fausse ?").nth(5).fill(
        "Ma première demande date de l'an dernier."
    )
    page.get_by_label("Votre point de vue").fill("Je travaille de nuit et je n'ai personne.")
    attachment = tmp_path / "courrier.pdf"
    attachment.write_bytes(PDF)
    page.get_by_label("Pièces justificatives").set_input_files(str(attachment))
    page.get_by_role("radio", name="Par courriel").tap()
    page.get_by_label("Adresse électronique").fill("sam.durand@example.org")
    page.get_by_role("button", name="Envoyer ma contestation").tap()
    page.wait_for_url(re.compile(r"/recours/"))
    expect_text(page, "Accusé de réception")
    check_phone(usager, "accuse-de-reception")
    public_id = re.search(r"/recours/([^/?#]+)", page.url).group(1)  # type: ignore[union-attr]
    appeal_url = page.url.split("?")[0]

    # The reviewer, on a small phone, maintains the decision with facts, law and answers.
    agent = new_journey("mobile-agent", **SMALL_PHONE)
    console = agent.page
    login = "instructeur-ville-exemple"
    console.goto(server.url("/console/login"))
    check_phone(agent, "connexion")
    console.get_by_label("Identifiant").fill(login)
    console.get_by_label("Mot de passe").fill(demo.agents[login])
    console.get_by_role("button", name="Se connecter").tap()
    console.wait_for_url(re.compile(r"/console/(\?.*)?$"))
    check_phone(agent, "file-des-recours")
    console.get_by_role("link", name=public_id).tap()
    console.get_by_role("button", name="Prendre en charge").tap()
    console.get_by_role("button", name="Enregistrer la décision").wait_for()
    check_phone(agent, "dossier")
    # The day the person says they received the decision (review finding 3): on a phone too.
    console.get_by_text("La personne a reçu la décision plus tard ?").tap()
    console.get_by_label("Date à laquelle la personne dit avoir reçu la décision").wait_for()
    check_phone(agent, "dossier-date-de-reception")
    with console.expect_download():
        console.get_by_role("link", name="courrier.pdf", exact=True).tap()
    console.get_by_role("radio", name="Maintenir la décision").tap()
    console.get_by_label("La raison principale").fill(
        "votre demande a été enregistrée le 3 mars 2026, il y a moins de six mois"
    )
    console.get_by_label("Considérations de fait").fill(
        "La demande a été enregistrée le 3 mars 2026, il y a moins de six mois."
    )
    console.get_by_label("Considérations de droit").fill(
        "Délibération du conseil municipal du 12 mars 2026, barème d'attribution."
    )
    answers = console.get_by_label(re.compile(r"^Point \d+ :"))
    for index in range(answers.count()):
        answers.nth(index).fill(
            f"Point {index + 1} : le registre des demandes montre une date de dépôt en mars 2026."
        )
    console.get_by_role("button", name="Enregistrer la décision").tap()
    expect_text(console, "Décision maintenue")
    check_phone(agent, "dossier-decide")

    page.goto(appeal_url)
    expect_text(page, "décision maintenue")
    expect_text(page, "Votre demande reste refusée, parce que votre demande a été enregistrée")
    expect_text(page, "La demande a été enregistrée le 3 mars 2026")
    check_phone(usager, "issue-du-recours")

    usager.assert_clean()
    agent.assert_clean()

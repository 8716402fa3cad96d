"""The public register as the public reads it: the list, an entry with its figures, a version
comparison, and an error report; then the owner answers in the console and the answer shows
on the entry. On a desktop and on a phone; axe-core on every page.
Screenshots: test-artifacts/browser/registre/ and registre-mobile/."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import ExpliciteServer
from tests.browser.steps import expect_text
from tests.browser.test_mobile import PHONE, check_phone

ENTRY = "/register/caisse-exemple/ciblage-controles/2026.2"


def test_register_comparison_and_error_report(server: ExpliciteServer, new_journey: Any) -> None:
    server.fresh_demo()
    public = new_journey("registre")
    page = public.page
    page.goto(server.url("/register"))
    expect_text(page, "Registre des algorithmes publics")
    public.check("registre")

    # Both versions are listed under the same name; the one in service is 2026.2.
    page.locator(f'a[href="{ENTRY}"]').click()
    page.wait_for_url(re.compile(r"/ciblage-controles/2026\.2$"))
    expect_text(page, "Ce que cette version décide en pratique")
    public.check("fiche-version")

    page.get_by_role("link", name="ce qui a changé depuis cette version").click()
    page.wait_for_url(re.compile(r"/ciblage-controles\?de=2026\.1&a=2026\.2"))
    expect_text(page, "poids 12 au lieu de 15")
    public.check("comparaison")
    page.get_by_label("Version de départ").select_option("2026.2")
    page.get_by_label("Version comparée").select_option("2026.1")
    page.get_by_role("button", name="Comparer").click()
    expect_text(page, "poids 15 au lieu de 12")

    page.goto(server.url(ENTRY))
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect_text(page, "Votre signalement n'a pas été envoyé")
    public.check("signalement-erreurs")
    page.get_by_label("Ce qui vous semble faux").select_option("calcul")
    page.get_by_label("Ce qui est faux, et ce qui serait juste").fill(
        "Les 10 points d'une déclaration tardive ne figurent pas dans la délibération."
    )
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect_text(page, "Votre signalement")
    report_id = re.search(r"S-[0-9A-Z]{5}-[0-9A-Z]{5}", page.content()).group(0)  # type: ignore[union-attr]
    public.check("signalement-envoye")

    owner = new_journey("registre-console")
    console = owner.page
    login = "proprietaire-caisse-exemple"
    console.goto(server.url("/console/login"))
    assert server.demo is not None
    console.get_by_label("Identifiant").fill(login)
    console.get_by_label("Mot de passe").fill(server.demo.agents[login])
    console.get_by_role("button", name="Se connecter").click()
    console.get_by_role("link", name="Signalements du registre").click()
    console.get_by_role("link", name=report_id).click()
    owner.check("console-signalement")
    console.get_by_label("Nouvel état").select_option("unfounded")
    console.get_by_label("Réponse publiée sur le registre").fill(
        "La délibération n° 2026-03, article 4, fixe bien ces 10 points."
    )
    console.get_by_role("button", name="Enregistrer").click()
    expect_text(console, "C'est enregistré")

    def answered() -> bool:
        page.reload()
        return "La délibération n° 2026-03, article 4" in page.content()

    for _ in range(40):
        if answered():
            break
        page.wait_for_timeout(250)
    expect_text(page, "Examiné : l'entrée était exacte")
    public.check("signalement-repondu")
    public.assert_clean()
    owner.assert_clean()


def test_register_on_a_phone(server: ExpliciteServer, new_journey: Any) -> None:
    phone = new_journey("registre-mobile", **PHONE)
    page = phone.page
    for name, path in (
        ("registre", "/register"),
        ("fiche-version", ENTRY),
        ("comparaison", "/register/caisse-exemple/ciblage-controles"),
        ("donnees-ouvertes", "/register/donnees-ouvertes"),
    ):
        page.goto(server.url(path))
        check_phone(phone, name)
    phone.assert_clean()

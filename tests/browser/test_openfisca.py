"""A bourse de collège refused by a computation made with openfisca-france, read on a phone:
« L'essentiel » first with the gap, the parameters of the legislation applied at the period
with their values, their texts with Légifrance addresses in the closed section, the what-ifs;
no sideways scroll, axe-core clean. Screenshots: test-artifacts/browser/openfisca/."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import ExpliciteServer
from tests.browser.steps import ESSENTIAL, expect_text
from tests.browser.test_mobile import PHONE, check_phone


def test_an_openfisca_decision_explained_from_its_computation(
    server: ExpliciteServer, new_journey: Any
) -> None:
    assert server.demo is not None and server.demo.openfisca is not None, (
        "the embedded demo prints no OpenFisca decision"
    )
    reference, code = server.demo.openfisca
    usager = new_journey("openfisca", **PHONE)
    page = usager.page
    page.goto(server.url("/"))
    page.get_by_label("Référence de la décision").fill(reference)
    page.get_by_label("Code d'accès").fill(code)
    page.get_by_role("button", name="Voir l'explication").tap()
    page.wait_for_url(re.compile(rf"/d/{reference}$"))

    essential: dict[str, Any] = page.evaluate(ESSENTIAL)
    text = essential["text"].replace("\u202f", " ").replace("\u00a0", " ")
    assert essential["before"] and essential["top"] < page.viewport_size["height"]
    assert "bourse de collège refusée" in text, text
    # The gap: the income that would have given the bourse, and by how much.
    assert re.search(
        r"Si le revenu fiscal de référence de votre foyer avait été de [\d ]+ € "
        r"\([\d ]+ € de moins\) : bourse de collège accordée \([\d ]+ €\)",
        text,
    ), text
    assert len([w for w in text.split() if any(c.isalnum() for c in w)]) <= 90, text
    usager.screenshot("explication-premier-ecran", full_page=False)

    expect_text(page, "OpenFisca-France 176.1.8")
    expect_text(page, "Smic horaire brut : 11,65 € (au 1er juillet 2024).")
    expect_text(page, re.compile(r"Plafond de l'échelon 1 \(.+ à charge\), en fois le Smic"))
    expect_text(page, re.compile(r"Si le revenu fiscal de référence de votre foyer avait été de"))
    # The texts of the values applied, with their Légifrance addresses, in the closed section.
    assert (
        page.locator(
            "a[href^='https://www.legifrance.gouv.fr/jorf/article_jo/JORFARTI000032325020']"
        ).count()
        >= 1
    )
    check_phone(usager, "explication")
    usager.assert_clean()

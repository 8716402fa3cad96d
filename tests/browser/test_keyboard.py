"""A person who uses only the keyboard opens their decision and contests it.

Only Tab, Shift+Tab, Enter and Space move and act (and the letters typed into fields): no
mouse, no click. At every stop the focus must be visible, on screen, and follow the page's
order; the skip link must be the first stop of every page. Screenshots (what the screen shows,
with the focus):
test-artifacts/browser/clavier/NN-step.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import ExpliciteServer
from tests.browser.steps import PDF, Keyboard, expect_text


def skip_to_content(keys: Keyboard) -> None:
    """The first Tab of a page reaches the skip link, which Enter follows to the content."""
    first = keys.press("Tab")
    assert first is not None and first["name"] == "Aller au contenu", first
    keys.press("Enter")
    assert keys.page.evaluate("() => document.activeElement.id") == "contenu"


def test_keyboard_only_contestation(server: ExpliciteServer, new_journey: Any,
                                    tmp_path: Path) -> None:
    demo = server.fresh_demo()
    journey = new_journey("clavier")
    page, keys = journey.page, Keyboard(journey)
    attachment = tmp_path / "attestation.pdf"
    attachment.write_bytes(PDF)
    # Set before any page opens: Playwright then intercepts every file chooser of this page
    # (setting it at the last moment races with the key press on a loaded machine).
    page.on("filechooser", lambda chooser: chooser.set_files(str(attachment)))

    # The home page: skip link, then the two fields, then Enter from the code field.
    page.goto(server.url("/"))
    first = keys.press("Tab")
    assert first is not None and first["name"] == "Aller au contenu"
    journey.check("lien-d-evitement", full_page=False)
    keys.press("Enter")
    keys.tab_to("Référence de la décision")
    keys.type(demo.reference)
    keys.tab_to("Code d'accès")
    keys.type(demo.code)
    journey.check("code-saisi", full_page=False)
    keys.press("Enter")
    page.wait_for_url(re.compile(rf"/d/{demo.reference}$"))

    # The explanation: the closed section of legal texts opens from the keyboard, then back to
    # the contest link.
    skip_to_content(keys)
    keys.tab_to("Vos recours en détail, les textes de loi et la mention de votre courrier")
    keys.press("Enter")
    assert page.locator("details#textes").get_attribute("open") is not None
    journey.check("textes-de-loi-au-clavier", full_page=False)
    keys.tab_to("Contester cette décision", backwards=True)
    journey.check("lien-contester", full_page=False)
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/contester$"))

    # The contestation form, field after field.
    skip_to_content(keys)
    box = keys.tab_to("Quotient familial de la famille")
    assert box["type"] == "checkbox" and not box["checked"]
    keys.press("Space")
    assert page.get_by_role("checkbox", name=re.compile("Quotient familial")).is_checked()
    keys.tab_to("Valeur exacte selon vous")
    keys.type("600")
    keys.tab_to("Pourquoi cette information est-elle fausse ?")
    keys.type("Mon quotient a baissé en janvier.")
    journey.check("critere-conteste", full_page=False)
    keys.tab_to("Votre point de vue")
    keys.type("Je ne peux pas reprendre mon emploi sans place en crèche.")
    keys.tab_to("Pièces justificatives")
    keys.press("Space")  # opens the file chooser, answered by the handler set above
    page.wait_for_function("() => document.getElementById('attachments').files.length === 1")
    radio = keys.tab_to("Par courriel")
    assert radio["type"] == "radio" and radio["checked"]
    email = keys.tab_to("Adresse électronique")
    if not email["name"] or not page.get_by_label("Adresse électronique").input_value():
        keys.type("camille.martin@example.org")
    # Back and forth: Shift+Tab walks the same stops in reverse order.
    keys.tab_to("Par courriel", backwards=True)
    keys.tab_to("Pièces justificatives", backwards=True)
    keys.tab_to("Adresse électronique")
    journey.check("retour-arriere", full_page=False)
    keys.tab_to("Envoyer ma contestation")
    journey.check("bouton-envoyer", full_page=False)
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/recours/"))
    expect_text(page, "Accusé de réception")
    first = keys.press("Tab")
    assert first is not None and first["name"] == "Aller au contenu"
    journey.check("accuse-de-reception", full_page=False)

    assert len(keys.stops) > 20
    journey.assert_clean()

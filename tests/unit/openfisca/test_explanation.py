"""The explanation of a bourse de collège decision, from the real computation: every what-if
stated is what openfisca-france gives (run the usual way, by the back office), one step back is
not; the applied parameters with their values and texts; « L'essentiel » first and short; the
main view under budget."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.essential import LIMIT_WORDS, word_count
from services.explainer.domain.explanation import LEGAL_ONLY, at_reading, build_document
from services.explainer.domain.what_if import what_ifs
from shared.french import format_amount
from shared.samples import OPENFISCA_SAMPLE
from shared.samples.backoffice import bourse_college
from tests.unit.explainer.cases import BASE_URL, REFERENCE, plain, section_text

ALGORITHM = Algorithm.from_document(OPENFISCA_SAMPLE, 1)
START = datetime(2026, 11, 2, 9, tzinfo=UTC)
LONG_AFTER = date(2027, 6, 1)
ARTICLE = re.compile(r"\barticles? [LRD]?\*? ?\d|\b[LRD]\d{3}-\d")
CENT = Decimal("0.01")


def _cases(count: int) -> list[Case]:
    # Right decisions only: a divergent one gets no what-if (see test_what_if_truth).
    return [
        Case(ALGORITHM, body, REFERENCE, BASE_URL, {"status": "consistent"})
        for body in bourse_college.decisions(count, seed=11, start=START)
    ]


CASES = _cases(24)


def _household(case: Case, changes: tuple[tuple[str, Any], ...] = ()) -> dict[str, int]:
    values = {code: int(value) for code, value in case.values.items()}
    values.update({code: int(value) for code, value in changes})
    return values


def test_both_outcomes_show_up():
    assert {one.favourable for one in CASES} == {True, False}


def test_every_what_if_stated_is_what_openfisca_france_gives_and_one_step_back_is_not():
    stated = 0
    for one in CASES:
        [(amount, _echelon)] = bourse_college.compute([_household(one)])
        for claim in what_ifs(one):
            changed = _household(one, claim.changes)
            [(found, _)] = bourse_college.compute([changed])
            assert claim.evaluation.amount is not None
            assert abs(Decimal(str(found)) - claim.evaluation.amount) <= CENT, claim.text
            assert (found > 0) == (claim.evaluation.outcome == "favourable"), claim.text
            assert plain(claim.text).count("€") >= 1
            # The value one step back, towards the person's, gives the person's result: the
            # value stated is the threshold itself.
            [(code, value)] = claim.changes
            back = int(value) + (1 if int(value) < int(one.values[code]) else -1)
            [(before, _)] = bourse_college.compute([_household(one, ((code, back),))])
            assert abs(before - amount) <= 0.01, (claim.text, back, before, amount)
            stated += 1
    assert stated >= len(CASES)


def test_the_essential_comes_first_short_and_gives_the_gap_of_a_refusal():
    for one in CASES:
        document = build_document(one)
        assert document.sections[0].key == "essential"
        for shown in (document, at_reading(document, one, LONG_AFTER)):
            text = plain(" ".join([shown.outcome, *section_text(shown, "essential")]))
            assert word_count(text) <= LIMIT_WORDS, text
            assert not ARTICLE.search(text), text
        essential = plain(" ".join(section_text(document, "essential")))
        amount = plain(format_amount(Decimal(str(one.outcome.get("amount") or 0))))
        assert f"Le calcul donne {amount}." in essential or not one.favourable
        gap = re.search(
            r"Si le revenu fiscal de référence de votre foyer avait été de ([\d ]+) € "
            r"\(([\d ]+) € de (moins|plus)\) : bourse de collège accordée "
            r"\(([\d ]+(?:,\d\d)?) €\)\.",
            essential,
        )
        # A refusal: a lower income gives the bourse, and the essential says which and how much.
        assert (gap is not None) == (not one.favourable), essential
        assert "aurait dû" not in essential
        if gap:
            new, difference = (int(g.replace(" ", "")) for g in gap.groups()[:2])
            income = int(one.values["revenu_fiscal_reference"])
            assert abs(income - new) == difference
            [(found, _)] = bourse_college.compute(
                [_household(one, (("revenu_fiscal_reference", new),))]
            )
            stated = Decimal(gap.group(4).replace(" ", "").replace(",", "."))
            assert found > 0 and abs(Decimal(str(found)) - stated) <= CENT
            # One euro more, towards the person's income, does not give that: the value is
            # the limit the search found, not any value below the person's.
            [(back, _)] = bourse_college.compute(
                [_household(one, (("revenu_fiscal_reference", new + 1),))]
            )
            assert abs(Decimal(str(back)) - stated) > CENT


def test_the_main_view_is_under_700_words_and_cites_no_article():
    for one in CASES:
        document = build_document(one)
        for shown in (document, at_reading(document, one, LONG_AFTER)):
            main = shown.main_view(LEGAL_ONLY)
            assert word_count(main) < 700, main
            assert not ARTICLE.search(main), main


@pytest.mark.parametrize("index", [0, 1])
def test_the_parameters_applied_are_shown_with_their_values_and_texts(index):
    one = next(c for c in CASES if c.favourable == bool(index))
    document = build_document(one)
    section = next(s for s in document.sections if s.key == "parameters")
    shown = plain(" ".join(line for block in section.blocks for line in block.lines()))
    details = " ".join(line for block in section.details for line in block.lines())
    assert "Smic horaire brut : 11,65 € (au 1er juillet 2024)." in shown
    children = _household(one)["enfants_au_college"] + _household(one)["autres_enfants_a_charge"]
    kids = "un enfant" if children == 1 else f"{children} enfants"
    for echelon in (1, 2, 3):
        assert f"Plafond de l'échelon {echelon} ({kids} à charge)" in shown
    assert "https://www.legifrance.gouv.fr/jorf/article_jo/JORFARTI000032325020" in details
    assert "en vigueur depuis le 1er juillet 2016" in details
    if one.favourable:
        assert "Base mensuelle des allocations familiales : 474,37 €" in shown
        assert "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000034629530" in details
    operations = next(s for s in document.sections if s.key == "operations")
    path = [line for block in operations.blocks for line in block.lines()]
    assert path[0].startswith("1. Échelon de la bourse : ")
    assert path[-1].startswith("2. Montant annuel de la bourse : ")

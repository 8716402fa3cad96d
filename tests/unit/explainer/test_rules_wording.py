"""A rules model in French: each condition with the person's value and its gap, what would have
met them, what would have lost a grant, and the motif of a refusal."""

from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, plain, sample, section_text

REFUSED = {"revenu_fiscal_reference": 27300, "distance_km": 2.5, "etablissement_de_secteur": True}
GRANTED = {"revenu_fiscal_reference": 18000, "distance_km": 4.2, "etablissement_de_secteur": True}


def test_each_condition_shows_the_persons_value_whether_it_is_met_and_the_gap():
    lines = section_text(build_document(case(sample("aide-transport-scolaire"), REFUSED)),
                         "parameters")
    assert lines == [
        "Il faut remplir les 3 conditions :",
        "- Revenu fiscal de référence inférieur ou égal à 25 000 € : non remplie. Pour vous : "
        "27 300 €, soit 2 300 € de plus que la limite.",
        "- Domicile situé à 3 km ou plus de l'établissement : non remplie. Pour vous : 2,5 km, "
        "soit 0,5 km de moins que la limite.",
        "- Élève inscrit dans son établissement de secteur : remplie. Pour vous : oui.",
        "Le résultat est donc : aide au transport scolaire refusée.",
    ]


def test_two_failed_conditions_need_both_changes_and_nothing_less_is_offered():
    lines = section_text(build_document(case(sample("aide-transport-scolaire"), REFUSED)),
                         "what_if")
    assert lines == [
        "Aucune information de votre dossier, changée seule, n'aurait donné un autre résultat. "
        "Il aurait fallu en changer deux à la fois, par exemple :",
        "- Si le revenu fiscal de référence de votre foyer avait été de 25 000 € ou moins (au "
        "lieu de 27 300 €) et si la distance entre votre domicile et l'établissement avait été "
        "de 3 km ou plus (au lieu de 2,5 km), le résultat aurait été : aide au transport "
        "scolaire accordée.",
    ]


def test_a_single_failed_condition_says_the_result_would_have_changed():
    values = {**REFUSED, "distance_km": 12}
    lines = section_text(build_document(case(sample("aide-transport-scolaire"), values)),
                         "what_if")
    assert lines == [
        "Un seul de ces changements aurait changé le résultat :",
        "- Si le revenu fiscal de référence de votre foyer avait été de 25 000 € ou moins (au "
        "lieu de 27 300 €), le résultat aurait été : aide au transport scolaire accordée.",
    ]


def test_a_granted_amount_is_stated_and_what_would_have_lost_it():
    document = build_document(case(sample("aide-transport-scolaire"), GRANTED))
    assert plain(document.outcome) == ("Décision du 2 novembre 2026 : aide au transport "
                                       "scolaire accordée, pour un montant de 150 €.")
    assert section_text(document, "parameters")[-1] == (
        "Le résultat est donc : aide au transport scolaire accordée. Le montant prévu est de "
        "150 €.")
    assert section_text(document, "what_if") == [
        "Un seul de ces changements aurait changé le résultat, par exemple :",
        "- Si le revenu fiscal de référence de votre foyer avait été de 25 001 € ou plus (au "
        "lieu de 18 000 €), le résultat aurait été : aide au transport scolaire refusée.",
        "- Si la distance entre votre domicile et l'établissement avait été de 2,9 km ou moins "
        "(au lieu de 4,2 km), le résultat aurait été : aide au transport scolaire refusée.",
    ]
    assert document.motif is None


def test_the_motif_of_a_refusal_gives_the_facts_and_the_rule_of_law():
    document = build_document(case(sample("aide-transport-scolaire"),
                                   {**REFUSED, "distance_km": 12}))
    assert plain(document.motif or "") == (
        "Condition non remplie : revenu fiscal de référence inférieur ou égal à 25 000 € (pour "
        "vous : 27 300 €, Délibération n° 2025-042 de Région-Exemple (exemple), article 2).")


def test_a_fully_automated_decision_says_no_agent_took_part_and_how_to_get_one():
    text = section_text(build_document(case(sample("aide-transport-scolaire"), REFUSED)),
                        "contribution")[0]
    assert "Un algorithme a pris cette décision seul, sans agent." in text
    assert "Vous pouvez demander qu'une personne réexamine votre dossier" in text


def test_figures_use_french_typography():
    document = build_document(case(sample("aide-transport-scolaire"), REFUSED))
    items = [item for block in document.section("parameters").blocks for item in block.items]
    assert "Pour vous : 27\u202f300\u00a0€, soit 2\u202f300\u00a0€" in items[0]
    assert "Pour vous : 2,5\u00a0km, soit 0,5\u00a0km" in items[1]

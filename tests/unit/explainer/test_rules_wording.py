"""A rules model in French: each condition with the person's value, and what would satisfy it."""

from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, plain, sample, section_text

REFUSED = {"revenu_fiscal_reference": 27300, "distance_km": 2.5, "etablissement_de_secteur": True}
GRANTED = {"revenu_fiscal_reference": 18000, "distance_km": 4.2, "etablissement_de_secteur": True}


def test_each_condition_shows_the_persons_value_and_whether_it_is_met():
    document = build_document(case(sample("aide-transport-scolaire"), REFUSED))
    assert plain(document.outcome) == ("Décision du 2 novembre 2026 : aide au transport "
                                       "scolaire refusée.")
    assert section_text(document, "parameters") == [
        "La réponse est favorable si les 3 conditions suivantes sont toutes remplies.",
        "- Revenu fiscal de référence inférieur ou égal à 25 000 € (Délibération n° 2025-042 "
        "de Région-Exemple (exemple), article 2). Pour vous : 27 300 €. Condition non remplie.",
        "- Domicile situé à 3 km ou plus de l'établissement (Délibération n° 2025-042 de "
        "Région-Exemple (exemple), article 3). Pour vous : 2,5 km. Condition non remplie.",
        "- Élève inscrit dans son établissement de secteur (Délibération n° 2025-042 de "
        "Région-Exemple (exemple), article 4). Pour vous : oui. Condition remplie.",
        "1 condition sur 3 est remplie. Le résultat est donc : aide au transport scolaire "
        "refusée.",
    ]


def test_each_failed_condition_gets_the_value_that_would_satisfy_it_then_all_together():
    lines = section_text(build_document(case(sample("aide-transport-scolaire"), REFUSED)),
                         "what_if")
    assert lines[1:] == [
        "- Condition non remplie : « Revenu fiscal de référence inférieur ou égal à 25 000 € ». "
        "Elle l'aurait été si « Revenu fiscal de référence du foyer » avait été de 25 000 € au "
        "plus (au lieu de 27 300 €). D'autres conditions ne sont pas remplies : ce changement "
        "seul n'aurait pas suffi.",
        "- Condition non remplie : « Domicile situé à 3 km ou plus de l'établissement ». Elle "
        "l'aurait été si « Distance entre le domicile et l'établissement » avait été de 3 km au "
        "moins (au lieu de 2,5 km). D'autres conditions ne sont pas remplies : ce changement "
        "seul n'aurait pas suffi.",
        "- Il aurait fallu remplir toutes les conditions à la fois : « Revenu fiscal de "
        "référence du foyer » de 25 000 € au plus et « Distance entre le domicile et "
        "l'établissement » de 3 km au moins. Le résultat aurait alors été : aide au transport "
        "scolaire accordée.",
    ]


def test_a_single_failed_condition_says_the_result_would_have_changed():
    values = {**REFUSED, "distance_km": 12}
    lines = section_text(build_document(case(sample("aide-transport-scolaire"), values)),
                         "what_if")
    assert lines[1:] == [
        "- Condition non remplie : « Revenu fiscal de référence inférieur ou égal à 25 000 € ». "
        "Elle l'aurait été si « Revenu fiscal de référence du foyer » avait été de 25 000 € au "
        "plus (au lieu de 27 300 €). Avec ce changement, toutes les conditions auraient été "
        "remplies. Le résultat aurait été : aide au transport scolaire accordée.",
    ]


def test_a_granted_amount_is_stated_and_what_would_have_lost_it():
    document = build_document(case(sample("aide-transport-scolaire"), GRANTED))
    assert plain(document.outcome) == ("Décision du 2 novembre 2026 : aide au transport "
                                       "scolaire accordée, pour un montant de 150 €.")
    assert section_text(document, "parameters")[-1] == (
        "Les 3 conditions sont remplies. Le résultat est donc : aide au transport scolaire "
        "accordée. Le montant prévu est de 150 €.")
    assert section_text(document, "what_if")[1] == (
        "- Si « Revenu fiscal de référence du foyer » avait été de 25 001 € au moins (au lieu "
        "de 18 000 €), la condition « Revenu fiscal de référence inférieur ou égal à 25 000 € » "
        "n'aurait plus été remplie. Le résultat aurait été : aide au transport scolaire "
        "refusée.")


def test_a_fully_automated_decision_says_no_agent_took_part_and_how_to_get_one():
    text = section_text(build_document(case(sample("aide-transport-scolaire"), REFUSED)),
                        "contribution")[0]
    assert "prise entièrement par un algorithme, sans intervention d'un agent" in text
    assert "Vous pouvez demander qu'une personne réexamine votre dossier" in text


def test_figures_use_french_typography():
    document = build_document(case(sample("aide-transport-scolaire"), REFUSED))
    items = [item for block in document.section("parameters").blocks for item in block.items]
    assert "Pour vous : 27\u202f300\u00a0€." in items[0]
    assert "Pour vous : 2,5\u00a0km." in items[1]

"""The mention explicite and the right to the rules (CADA); voies et délais: test_recourse.py."""

from datetime import date

from services.explainer.domain.communication import cada_deadline, request_deadline
from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import REFERENCE, case, plain, sample, section_text

FAMILY = {"quotient_familial": 1180, "parent_isole": False, "activite_parents": True,
          "fratrie_creche": False, "handicap_enfant": False, "anciennete_demande_mois": 8}


def test_the_mention_explicite_has_every_item_of_r311_3_1_1():
    mention = plain(build_document(case(sample("creche-attribution"), FAMILY)).mention)
    assert "traitement algorithmique : « Aide à l'attribution des places en crèche de " \
           "Ville-Exemple »" in mention
    assert "Finalité du traitement : Ville-Exemple est une commune fictive" in mention
    assert ("droit d'obtenir la communication des règles qui définissent ce traitement et de "
            "ses principales caractéristiques") in mention
    assert f"consultez https://explicite.example/d/{REFERENCE} avec la référence {REFERENCE}" \
           in mention
    assert "Mairie de Ville-Exemple, 1 place de la Mairie, 99100 Ville-Exemple" in mention
    assert "Commission d'accès aux documents administratifs (CADA)" in mention
    assert "articles L311-3-1 et R311-3-1-2" in mention


def test_the_right_to_communication_gives_the_one_month_and_two_month_delays():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)),
                         "communication")
    assert "L'administration a un mois pour vous répondre. Sans réponse dans ce délai, votre " \
           "demande est considérée comme refusée (article R311-13 du même code)." in lines[1]
    assert lines[2].startswith("Vous avez alors 2 mois pour saisir la CADA, la Commission "
                               "d'accès aux documents administratifs (article R343-1")
    assert request_deadline(date(2026, 11, 2)) == date(2026, 12, 2)
    assert cada_deadline(date(2026, 11, 2)) == date(2027, 2, 2)


def test_sections_come_in_the_legal_order_with_their_texts():
    document = build_document(case(sample("creche-attribution"), FAMILY))
    assert [s.key for s in document.sections] == [
        "contribution", "data", "parameters", "operations", "legal_bases", "what_if",
        "protected", "recourse", "contest", "communication"]
    assert [document.section(k).legal for k in ("contribution", "data", "parameters",
                                                "operations")] == [
        f"Texte : article R311-3-1-2 ({n}°) du code des relations entre le public et "
        f"l'administration." for n in (1, 2, 3, 4)]
    assert section_text(document, "operations")[1] == (
        "1. Le service petite enfance obtient votre quotient familial auprès de la CAF.")


def test_a_revised_decision_names_the_one_it_replaces():
    document = build_document(case(sample("creche-attribution"), FAMILY,
                                   supersedes_reference="D-AAAAA-BBBBB"))
    assert ("Cette décision remplace la décision", "D-AAAAA-BBBBB") in document.facts

"""The document: its sections in their order, its JSON round trip, read as text with every
section, and its main view without the closed section's details."""

from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.explanation import LEGAL_ONLY, build_document
from tests.unit.explainer.cases import case, housing_risk, plain, sample, section_text

FAMILY = {"quotient_familial": 1180, "parent_isole": False, "activite_parents": True,
          "fratrie_creche": False, "handicap_enfant": False, "anciennete_demande_mois": 8}


def test_sections_come_essential_first_then_the_four_items_then_the_rest():
    document = build_document(case(sample("creche-attribution"), FAMILY))
    assert [s.key for s in document.sections] == [
        "essential", "contribution", "data", "parameters", "operations", "what_if",
        "protected", "recourse", "contest", "communication", "data_protection", "legal_bases"]
    assert [document.section(k).legal for k in ("contribution", "data", "operations")] == [
        f"Texte : article R311-3-1-2 ({n}) du code des relations entre le public et "
        f"l'administration." for n in ("1°", "2° et 3°", "4°")]
    assert section_text(document, "operations")[0] == (
        "1. Le service obtient votre quotient familial auprès de la CAF.")


def test_a_revised_decision_names_the_one_it_replaces():
    document = build_document(case(sample("creche-attribution"), FAMILY,
                                   supersedes_reference="D-AAAAA-BBBBB"))
    assert ("Cette décision remplace la décision", "D-AAAAA-BBBBB") in document.facts


def test_json_round_trip_is_exact():
    for document in (
        build_document(case(sample("creche-attribution"), {
            "quotient_familial": 650, "parent_isole": True, "activite_parents": True,
            "fratrie_creche": False, "handicap_enfant": False, "anciennete_demande_mois": 2})),
        build_document(case(housing_risk(), {"revenu": 1, "anciennete": 2, "handicap": False})),
    ):
        assert ExplanationDocument.from_json(document.to_json()) == document


def test_plain_text_has_the_outcome_every_title_and_legal_line_and_the_mention():
    document = build_document(case(sample("aide-transport-scolaire"), {
        "revenu_fiscal_reference": 27300, "distance_km": 2.5, "etablissement_de_secteur": True}))
    text = document.plain_text()
    for part in (document.outcome, document.mention,
                 *(s.title for s in document.sections), *(s.legal for s in document.sections)):
        assert part in text
    # The details of a section are in the whole text, not in the main view.
    details = [line for block in document.section("recourse").details for line in block.lines()]
    assert details and all(line in text for line in details)
    main = document.main_view(LEGAL_ONLY)
    assert not any(plain(line) in plain(main) for line in details[1:])

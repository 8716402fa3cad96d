"""The document survives its JSON round trip, and reads as text with every section."""

from services.explainer.domain.document import ExplanationDocument
from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, housing_risk, sample


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

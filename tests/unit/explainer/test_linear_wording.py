"""Linear models in French: each weight applied to the person, the score against the threshold
or the amount, the value that flips it, and a decisive protected criterion said plainly."""

from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, heating_aid, plain, sample, section_text

FILE = {"ecart_ressources_pct": 12.4, "changements_situation_12_mois": 2,
        "declaration_tardive": True, "changement_situation_familiale_recent": False}
# 40.5 points for a threshold of 40: without the family criterion, 28.5.
SELECTED = {"ecart_ressources_pct": 7, "changements_situation_12_mois": 1,
            "declaration_tardive": True, "changement_situation_familiale_recent": True}


def test_each_weight_applied_then_the_score_against_the_threshold():
    document = build_document(case(sample("ciblage-controles"), FILE))
    table = next(b for b in document.section("data").blocks if b.kind == "table")
    assert [plain(row[2]) for row in table.rows] == [
        "18,6 points (1,5 point par point d'écart)", "16 points (8 points par changement de "
        "situation)", "10 points (10 points si déclaration en retard)",
        "0 point (12 points si changement récent)"]
    assert section_text(document, "parameters") == [
        "Chaque information compte pour un nombre de points, selon son poids. Avec 40 points ou "
        "plus, le résultat est : dossier retenu pour un contrôle sur pièces. Votre score : "
        "44,6 points, 4,6 points au-dessus du seuil."]


def test_the_value_each_criterion_alone_would_need_with_the_resulting_score():
    lines = section_text(build_document(case(sample("ciblage-controles"), FILE)), "what_if")
    assert lines == [
        "Un seul de ces changements aurait changé le résultat, par exemple :",
        "- Si l'écart entre vos ressources déclarées et celles connues des impôts avait été de "
        "9,3 % ou moins (au lieu de 12,4 %), votre score aurait été de 39,95 points : dossier "
        "non retenu pour un contrôle.",
        "- Si le nombre de vos changements de situation sur 12 mois avait été de 1 ou moins (au "
        "lieu de 2), votre score aurait été de 36,6 points : dossier non retenu pour un "
        "contrôle.",
    ]


def test_a_decisive_family_criterion_is_disclosed_and_offered_as_a_datum_to_check():
    document = build_document(case(sample("ciblage-controles"), SELECTED))
    assert "Vérifiez vos informations : une erreur a pu changer le résultat." \
        in section_text(document, "essential")[1]
    lines = section_text(document, "what_if")
    assert lines[2] == ("- Si le nombre de vos changements de situation sur 12 mois avait été de "
                        "0 (au lieu de 1), votre score aurait été de 32,5 points : dossier non "
                        "retenu pour un contrôle.")
    assert lines[3:5] == [
        "Vérifiez vos informations :",
        "- Si votre situation familiale n'a pas changé depuis au moins 6 mois et que votre "
        "dossier dit le contraire, signalez-le : votre score aurait été de 28,5 points : "
        "dossier non retenu pour un contrôle.",
    ]
    # Decisive, said next to its justification; the check above gives its score without it.
    protected = section_text(document, "protected")[0]
    assert protected.startswith(
        "- Changement de situation familiale depuis moins de 6 mois (motif : situation de "
        "famille). Pour vous : oui. Il a été décisif pour vous (voyez plus haut). Pourquoi : ")


def test_an_amount_is_computed_clamped_and_explained():
    document = build_document(case(heating_aid(), {"revenu_mensuel": 1600, "personnes_foyer": 2}))
    assert section_text(document, "parameters") == [
        "Chaque information compte pour un montant, selon son poids. Le calcul part de 300 €. "
        "Le calcul donne -20 €. Le montant ne peut pas être inférieur à 0 €. Montant retenu, "
        "arrondi : 0 €. Le résultat est donc : aide au chauffage refusée."]
    # Without phrasing in the registry, each criterion is named by its label, never quoted
    # inside a sentence.
    assert section_text(document, "what_if")[1:] == [
        "- Revenu mensuel du foyer : 1 518 € ou moins au lieu de 1 600 €. Avec ce changement, "
        "le montant aurait été de 1 € : aide au chauffage accordée.",
        "- Personnes vivant au foyer : 3 ou plus au lieu de 2. Avec ce changement, le montant "
        "aurait été de 20 € : aide au chauffage accordée.",
    ]


def test_a_granted_amount_appears_in_the_outcome_sentence():
    document = build_document(case(heating_aid(), {"revenu_mensuel": 800, "personnes_foyer": 3}))
    assert document.outcome == ("Décision du 2 novembre 2026 : aide au chauffage accordée, pour "
                                "un montant de 220\u00a0€.")

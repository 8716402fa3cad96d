"""An opaque model: the contributions the administration sent, and the limit said plainly."""

from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, housing_risk, plain, section_text

VALUES = {"revenu": 14000, "anciennete": 30, "handicap": True}
EFFECTS = {"revenu": 0.12, "anciennete": -0.3, "handicap": 0.05}


def test_contributions_are_given_as_estimates_with_the_limit_said_plainly():
    document = build_document(case(housing_risk(), VALUES, contributions=EFFECTS, score=0.41))
    table = next(b for b in document.section("data").blocks if b.kind == "table")
    assert [(row[0], plain(row[2])) for row in table.rows] == [
        ("Revenu annuel", "+0,12 (estimé)"), ("Ancienneté de la demande", "−0,3 (estimé)"),
        ("Personne handicapée au foyer", "+0,05 (estimé)")]
    assert section_text(document, "parameters") == [
        "Cet algorithme ne suit pas des règles que l'on peut refaire à la main. Description "
        "donnée par l'administration : un modèle statistique appris sur les attributions de "
        "2024.",
        "L'effet de chaque information est indiqué par l'administration. Un nombre positif a "
        "augmenté le score, un nombre négatif l'a diminué.",
        "Score calculé : 0,41.",
        "Attention : ces effets sont une estimation donnée par l'administration. Nous ne "
        "pouvons pas refaire le calcul pour les vérifier.",
    ]


def test_no_counterfactual_is_invented_for_an_opaque_model():
    document = build_document(case(housing_risk(), VALUES, contributions=EFFECTS))
    assert section_text(document, "what_if") == [
        "Cet algorithme n'a pas de règles que l'on peut refaire à la main. Nous ne pouvons donc "
        "pas calculer exactement ce qui aurait changé le résultat.",
        "Selon l'administration, les informations qui ont le plus pesé sont : Ancienneté de la "
        "demande (effet −0,3), Revenu annuel (effet +0,12) et Personne handicapée au foyer "
        "(effet +0,05). C'est une estimation, pas un calcul exact.",
    ]


def test_without_contributions_it_says_none_were_sent():
    document = build_document(case(housing_risk(), VALUES))
    assert ("L'administration n'a pas transmis l'effet de chaque information sur le résultat."
            in section_text(document, "parameters"))


def test_the_contribution_section_says_a_person_decided_and_the_rules_cannot_be_replayed():
    text = section_text(build_document(case(housing_risk(), VALUES)), "contribution")[0]
    assert text == (
        "La commission d'attribution des logements a décidé, avec l'aide d'un algorithme. Il "
        "calcule un score à partir de vos données. Ses règles ne peuvent pas être refaites à la "
        "main. L'explication repose sur les effets indiqués par l'administration.")

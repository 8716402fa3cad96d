"""A points model in French: the points each value gave, the cut-off, the change that reaches it."""

from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, plain, sample, section_text

FAMILY = {"quotient_familial": 1180, "parent_isole": False, "activite_parents": True,
          "fratrie_creche": True, "handicap_enfant": False, "anciennete_demande_mois": 8}


def test_points_per_criterion_with_the_persons_values_then_the_total_and_cut_off():
    assert section_text(build_document(case(sample("creche-attribution"), FAMILY)),
                        "parameters") == [
        "Chaque information donne des points, selon un barème. Il faut au moins 60 points pour "
        "ce résultat : place en crèche proposée.",
        "- Quotient familial de la famille : 1 180 €. Cela donne 20 points (quotient familial "
        "de plus de 700 € et jusqu'à 1 200 €).",
        "- Parent qui élève seul son enfant : non. Cela donne 0 point (situation de parent seul "
        "non déclarée).",
        "- Parents qui travaillent ou suivent une formation : oui. Cela donne 15 points "
        "(parents en emploi ou en formation).",
        "- Frère ou sœur déjà accueilli dans la même crèche : oui. Cela donne 10 points (frère "
        "ou sœur déjà accueilli dans la crèche).",
        "- Enfant en situation de handicap : non. Cela donne 0 point (handicap de l'enfant non "
        "déclaré).",
        "- Ancienneté de la demande : 8 mois. Cela donne 5 points (demande déposée depuis 6 à "
        "11 mois).",
        "Votre total : 50 points. Il n'atteint pas le seuil de 60 points. Le résultat est donc "
        ": place en crèche non proposée.",
    ]


def test_the_smallest_change_reaching_the_cut_off_is_said_with_the_persons_figures():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "what_if")
    assert lines[1:] == [
        "- Si « Quotient familial de la famille » avait été de 700 € au plus (au lieu de "
        "1 180 €), vous auriez eu 30 points au lieu de 20 pour cette information. Votre total "
        "aurait été de 60 points : il aurait atteint le seuil de 60 points. Le résultat aurait "
        "été : place en crèche proposée.",
        "Ces informations ne peuvent pas être changées. Nous ne proposons donc aucune piste "
        "pour elles : « Parent qui élève seul son enfant » et « Enfant en situation de "
        "handicap ».",
    ]


def test_when_no_single_change_is_enough_it_says_so_plainly():
    family = {**FAMILY, "fratrie_creche": False}
    lines = section_text(build_document(case(sample("creche-attribution"), family)), "what_if")
    assert lines[1] == ("Aucun changement d'une seule information ne vous aurait donné un autre "
                        "résultat.")


def test_no_change_is_ever_offered_on_a_criterion_that_cannot_change():
    # Being a single parent would give 20 points and reach the cut-off: it is never suggested.
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "what_if")
    assert not any("Si la réponse à « Parent qui élève seul" in line for line in lines)
    assert not any("Si la réponse à « Enfant en situation de handicap" in line
                   for line in lines)


def test_partial_automation_names_the_deciding_role_and_the_algorithms_proposal():
    text = section_text(build_document(case(sample("creche-attribution"), FAMILY)),
                        "contribution")[0]
    assert text == (
        "Un algorithme a aidé la commission d'attribution des places en crèche à prendre cette "
        "décision. L'algorithme a compté des points, selon un barème. C'est la commission "
        "d'attribution des places en crèche qui a pris la décision. Le résultat proposé par "
        "l'algorithme était : place en crèche non proposée. La décision suit ce résultat.")


def test_protected_grounds_are_shown_with_the_persons_value_and_their_justification():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "protected")
    assert lines[1].startswith("- « Parent qui élève seul son enfant » : lié au motif « "
                               "situation de famille ». Pour vous : non. Pourquoi "
                               "l'administration l'utilise : Un parent qui élève seul")
    assert lines[2].startswith("- « Enfant en situation de handicap » : lié au motif « "
                               "handicap ». Pour vous : non.")


def test_the_data_table_gives_each_value_and_its_source():
    document = build_document(case(sample("creche-attribution"), FAMILY))
    table = next(b for b in document.section("data").blocks if b.kind == "table")
    assert table.header == ("Information", "Pour vous", "Origine")
    assert [plain(cell) for cell in table.rows[0]] == [
        "Quotient familial de la famille", "1 180 €", "CAF, via API Particulier"]
    assert table.rows[5] == ("Ancienneté de la demande", "8\u00a0mois",
                             "Date de dépôt de la demande, enregistrée par le service petite "
                             "enfance")


def test_a_divergent_decision_says_the_published_rules_give_another_result():
    document = build_document(case(sample("creche-attribution"), FAMILY, favourable=True,
                                   replay={"status": "divergent", "expected_outcome": "refus",
                                           "expected_score": "50"}))
    assert [b.kind for b in document.section("contribution").blocks] == ["paragraph", "notice"]
    assert section_text(document, "divergence") == [
        "Attention : cette décision ne correspond pas aux règles publiées de l'algorithme.",
        "Avec vos données, les règles publiées donnent : place en crèche non proposée. Elles "
        "donnent un score de 50. La décision prise est : place en crèche proposée. La commission "
        "d'attribution des places en crèche peut s'écarter du résultat de l'algorithme. Si vous "
        "pensez que c'est une erreur, signalez cet écart quand vous contestez la décision.",
    ]
    consistent = build_document(case(sample("creche-attribution"), FAMILY))
    assert consistent.section("divergence") is None

"""A points model in French: the points each value gave, the total and its gap to the cut-off,
the change that reaches it, the data to check, the protected criteria that decided."""

from services.explainer.domain.explanation import build_document
from tests.unit.explainer.cases import case, plain, sample, section_text

FAMILY = {
    "quotient_familial": 1180,
    "parent_isole": False,
    "activite_parents": True,
    "fratrie_creche": True,
    "handicap_enfant": False,
    "anciennete_demande_mois": 8,
}


def test_each_value_gives_its_points_and_the_total_says_the_gap_to_the_cut_off():
    document = build_document(case(sample("creche-attribution"), FAMILY))
    table = next(b for b in document.section("data").blocks if b.kind == "table")
    assert table.header == ("Information", "Pour vous", "Effet", "Origine")
    assert [tuple(map(plain, row)) for row in table.rows] == [
        ("Quotient familial de la famille", "1 180 €", "20 points", "CAF"),
        ("Parent qui élève seul son enfant", "non", "0 point", "Votre demande"),
        ("Parents qui travaillent ou suivent une formation", "oui", "15 points", "Votre demande"),
        (
            "Frère ou sœur déjà accueilli dans la même crèche",
            "oui",
            "10 points",
            "Liste des enfants des crèches",
        ),
        ("Enfant en situation de handicap", "non", "0 point", "Notification de la MDPH"),
        ("Ancienneté de la demande", "8 mois", "5 points", "Service petite enfance"),
    ]
    assert section_text(document, "parameters") == [
        "Les points s'additionnent. Il en faut 60 ou plus pour ce résultat : place en crèche "
        "proposée. Votre total : 50 points, il manquait 10 points pour atteindre le seuil."
    ]


def test_the_smallest_change_reaching_the_cut_off_is_said_with_the_persons_figures():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "what_if")
    assert lines[:2] == [
        "Un seul de ces changements aurait changé le résultat :",
        "- Si votre quotient familial avait été de 700 € ou moins (au lieu de 1 180 €), vous "
        "auriez eu 10 points de plus, soit 60 points : place en crèche proposée.",
    ]


def test_a_protected_or_unchangeable_criterion_is_a_datum_to_check_never_a_change():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "what_if")
    assert lines[2:] == [
        "Vérifiez vos informations :",
        "- Si vous élevez seul votre enfant et que votre dossier dit le contraire, signalez-le : "
        "20 points de plus, soit 70 points : place en crèche proposée.",
        "- Si votre enfant est en situation de handicap et que votre dossier dit le contraire, "
        "signalez-le : 20 points de plus, soit 70 points : place en crèche proposée.",
    ]
    assert not any("avait indiqué que vous élevez" in line for line in lines)


def test_when_no_single_change_is_enough_the_smallest_pair_is_given():
    family = {**FAMILY, "fratrie_creche": False}
    lines = section_text(build_document(case(sample("creche-attribution"), family)), "what_if")
    assert lines[:2] == [
        "Changer une seule des informations que vous pouvez faire évoluer n'aurait pas suffi. "
        "Il aurait fallu en changer deux à la fois, par exemple :",
        "- Si votre quotient familial avait été de 700 € ou moins (au lieu de 1 180 €) et si "
        "votre dossier avait indiqué qu'un frère ou une sœur est déjà dans la même crèche, vous "
        "auriez eu 60 points : place en crèche proposée.",
    ]


def test_nothing_at_all_is_said_only_when_no_single_datum_would_change_the_result():
    # 45 points out of 60, every criterion at its best but the quotient: only protected ones
    # could add enough, so « aucune information » would be false.
    family = {
        **FAMILY,
        "quotient_familial": 650,
        "activite_parents": True,
        "anciennete_demande_mois": 2,
        "fratrie_creche": False,
    }
    lines = section_text(build_document(case(sample("creche-attribution"), family)), "what_if")
    assert not any(line.startswith("Aucune information de votre dossier") for line in lines)
    assert "Vérifiez vos informations :" in lines


def test_partial_automation_names_the_deciding_role_and_the_algorithms_proposal():
    text = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "contribution")[
        0
    ]
    assert text == (
        "Le maire de Ville-Exemple a décidé, avec l'aide d'un "
        "algorithme. Il compte des points, selon un barème. La décision suit sa proposition."
    )
    # What it proposed is the outcome above; a departure from it has its own section.
    divergent = case(
        sample("creche-attribution"),
        FAMILY,
        favourable=True,
        score=50,
        replay={"status": "divergent", "expected_outcome": "refus", "expected_score": "50"},
    )
    assert "proposition" not in section_text(build_document(divergent), "contribution")[0]


def test_a_protected_criterion_that_decided_is_said_so_next_to_its_justification():
    lines = section_text(build_document(case(sample("creche-attribution"), FAMILY)), "protected")
    # The what-if to check just above gives the other value and its result: not said twice.
    assert lines[0] == (
        "- Parent qui élève seul son enfant (motif : situation de famille). Pour vous : non. Il "
        "a été décisif pour vous (voyez plus haut). Pourquoi : Les parents seuls ont nettement "
        "plus de difficultés à concilier emploi et garde d'enfant."
    )
    # Without a what-if to check (a divergent decision has none), the result is said here.
    divergent = case(
        sample("creche-attribution"),
        FAMILY,
        favourable=True,
        score=50,
        replay={"status": "divergent", "expected_outcome": "refus", "expected_score": "50"},
    )
    lines = section_text(build_document(divergent), "protected")
    assert (
        "Il a été décisif pour vous : avec la réponse oui, le résultat de l'algorithme "
        "aurait été : place en crèche proposée (70 points)." in lines[0]
    )
    # With 35 points, neither protected criterion alone reaches the cut-off.
    low = {**FAMILY, "activite_parents": False, "fratrie_creche": False}
    lines = section_text(build_document(case(sample("creche-attribution"), low)), "protected")
    assert "Il n'a pas changé votre résultat." in lines[0]


def test_a_divergent_decision_gets_no_what_if_and_says_no_reason_was_given():
    document = build_document(
        case(
            sample("creche-attribution"),
            FAMILY,
            favourable=True,
            replay={"status": "divergent", "expected_outcome": "refus", "expected_score": "50"},
            score=50,
        )
    )
    assert section_text(document, "divergence") == [
        "Attention : cette décision ne suit pas le résultat des règles publiées.",
        "Avec vos données, les règles publiées donnent : place en crèche non proposée, avec 50 "
        "points. La décision prise est : place en crèche proposée. Le maire de Ville-Exemple "
        "peut s'écarter du résultat de l'algorithme, mais n'a pas donné "
        "ses raisons. Vous pouvez les demander au service, et signaler cet écart si vous "
        "contestez.",
    ]
    assert section_text(document, "what_if") == [
        "La décision ne suit pas les règles publiées : nous ne pouvons donc pas dire quel "
        "changement l'aurait changée."
    ]
    assert build_document(case(sample("creche-attribution"), FAMILY)).section("divergence") is None


def test_the_reasons_of_a_departure_are_quoted_and_the_score_said_once():
    refused = case(
        sample("creche-attribution"),
        {**FAMILY, "quotient_familial": 650},
        favourable=False,
        score=60,
        replay={"status": "divergent", "expected_outcome": "attribution", "expected_score": "60"},
    )
    refused.decision["departure_reasons"] = "Aucune place libre dans la crèche demandée."
    document = build_document(refused)
    lines = section_text(document, "divergence")
    assert lines[1] == (
        "Avec vos données, les règles publiées donnent : place en crèche proposée, avec 60 "
        "points. La décision prise est : place en crèche non proposée. Le maire de "
        "Ville-Exemple peut s'écarter du résultat de l'algorithme. Voici "
        "ses raisons :"
    )
    assert lines[2] == "« Aucune place libre dans la crèche demandée. »"
    assert "et non de" not in " ".join(lines)
    assert document.motif == (
        "Les règles publiées de l'algorithme donnaient : place en crèche proposée. Le "
        "maire de Ville-Exemple a décidé autrement, pour ce motif : "
        "Aucune place libre dans la crèche demandée."
    )

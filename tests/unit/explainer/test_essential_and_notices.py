"""« L'essentiel » first and short, a main view under budget with no article number, dates true
at reading time, the mention explicite, the motif, the data-protection information."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from services.explainer.domain import recourse
from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.communication import (
    MENTION_LIMIT_WORDS,
    NO_EXTENSION,
    cada_deadline,
    request_deadline,
)
from services.explainer.domain.data_protection import retention_sentence
from services.explainer.domain.essential import LIMIT_WORDS, word_count
from services.explainer.domain.explanation import (
    DATED,
    LEGAL_ONLY,
    RECOURSE,
    at_reading,
    build_document,
)
from services.explainer.domain.wording import points
from shared.decision_model import evaluate
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions
from tests.unit.explainer.cases import BASE_URL, REFERENCE, case, plain, sample, section_text

ALGORITHMS = {d["id"]: Algorithm.from_document(d, 1) for d in SAMPLE_ALGORITHMS}
# The main view is everything outside the closed section of legal texts: under 700 words, the
# appeal sections included, read on any day.
MAIN_VIEW_LIMIT = 700
PER_ALGORITHM = 240
# A day when every deadline of the generated decisions has passed: the page then says so.
LONG_AFTER = date(2027, 6, 1)
ARTICLE = re.compile(r"\barticles? [LRD]?\*? ?\d|\b[LRD]\d{3}-\d")


def _cases(count: int = PER_ALGORITHM * len(ALGORITHMS)) -> list[Case]:
    decisions = generate_decisions(
        count, seed=5, divergent_rate=0.25, start=datetime(2026, 11, 2, 9, tzinfo=UTC)
    )
    found = []
    for decision in decisions:
        algorithm = ALGORITHMS[decision["algorithm"]["id"]]
        evaluation = evaluate(
            algorithm.model,
            algorithm.criteria,
            {c["code"]: c["value"] for c in decision["criteria"]},
        )
        divergent = (evaluation.outcome == "favourable") != decision["outcome"]["favourable"]
        replay = (
            {
                "status": "divergent",
                "expected_outcome": evaluation.outcome_code,
                "expected_score": None if evaluation.score is None else str(evaluation.score),
            }
            if divergent
            else {"status": "consistent"}
        )
        found.append(Case(algorithm, decision, REFERENCE, BASE_URL, replay))
    return found


CASES = _cases()
assert {c.algorithm.document["id"] for c in CASES} == set(ALGORITHMS)
assert all(sum(c.algorithm is a for c in CASES) >= PER_ALGORITHM for a in ALGORITHMS.values())


def _essential(document: Any) -> str:
    return plain(
        " ".join(
            [
                document.outcome,
                *(line for block in document.sections[0].blocks for line in block.lines()),
            ]
        )
    )


def _main_view(document: Any) -> str:
    return document.main_view(LEGAL_ONLY)


def test_the_essential_comes_first_short_with_result_reason_step_and_contact():
    for one in CASES:
        document = build_document(one)
        assert document.sections[0].key == "essential"
        for today, later in ((one.decided_on, document), (LONG_AFTER, None)):
            shown = later or at_reading(document, one, today)
            text = _essential(shown)
            assert word_count(text) <= LIMIT_WORDS, text
            assert not ARTICLE.search(text), text
            assert plain(document.outcome) in text
            step = recourse.next_step(one, today)
            assert plain(step.contact) in text and re.search(r"\d\d \d\d \d\d \d\d \d\d", text)
            if step.deadline is not None and not step.past:
                assert re.search(r"Au plus tard le \d{1,2}(er)? \w+ \d{4}\.", text), text
            if step.past:
                assert re.search(r"Délai terminé le \d{1,2}(er)? \w+ \d{4}\.", text), text
        evaluation = one.evaluation
        if not one.divergent and evaluation is not None and evaluation.score is not None:
            assert plain(points(evaluation.score)) in text, text


def test_the_essential_gives_the_figures_and_the_gap():
    document = build_document(
        case(
            sample("creche-attribution"),
            {
                "quotient_familial": 717,
                "parent_isole": False,
                "activite_parents": True,
                "fratrie_creche": False,
                "handicap_enfant": False,
                "anciennete_demande_mois": 12,
            },
        )
    )
    assert section_text(document, "essential") == [
        "- Votre demande a obtenu 45 points, pour un seuil de 60 points : il manquait 15 points.",
        "- Vérifiez vos informations : une erreur a pu changer le résultat.",
        "- Vous pouvez demander au maire de Ville-Exemple de revoir cette décision : c'est un "
        "recours gracieux. Au plus tard le 2 janvier 2027.",
        "- Une question ? Appelez le 01 23 45 67 89, service petite enfance de Ville-Exemple.",
    ]


def test_a_deadline_read_after_it_has_passed_is_shown_as_past_with_what_remains():
    refused = case(
        sample("creche-attribution"),
        {
            "quotient_familial": 1180,
            "parent_isole": False,
            "activite_parents": False,
            "fratrie_creche": False,
            "handicap_enfant": False,
            "anciennete_demande_mois": 3,
        },
    )
    document = build_document(refused)
    assert "Au plus tard le 2 janvier 2027." in " ".join(section_text(document, "essential"))
    later = at_reading(document, refused, date(2027, 3, 1))
    essential = " ".join(section_text(later, "essential"))
    # The 2nd was the last day: the delay ended that day, it was not past on it.
    assert "Délai terminé le 2 janvier 2027." in essential
    assert "dépassé depuis" not in essential
    assert "Décision reçue après le 2 novembre 2026 ? Il reste peut-être du temps." in essential
    assert word_count(plain(later.outcome + " " + essential)) <= LIMIT_WORDS
    assert later.read_on == "2027-03-01"
    # The appeal sections are read on that day too; everything else is the frozen document.
    assert "Le délai du recours gracieux a pris fin le 2 janvier 2027." in " ".join(
        section_text(later, RECOURSE)
    )
    assert [s for s in later.sections if s.key not in DATED] == [
        s for s in document.sections if s.key not in DATED
    ]


def test_the_whole_main_view_is_under_700_words_and_cites_no_article_whenever_read():
    for one in CASES:
        document = build_document(one)
        for shown in (document, at_reading(document, one, LONG_AFTER)):
            main = _main_view(shown)
            assert word_count(main) < MAIN_VIEW_LIMIT, (one.algorithm.key, main)
            assert not ARTICLE.search(main), main
            for criterion in one.algorithm.criteria:
                assert f"« {criterion.label} »" not in main


def test_the_mention_has_every_item_of_r311_3_1_1_in_120_words():
    for algorithm_id in ALGORITHMS:
        one = next(
            c for c in CASES if c.algorithm.document["id"] == algorithm_id and not c.favourable
        )
        mention = plain(build_document(one).mention)
        assert word_count(mention) <= MENTION_LIMIT_WORDS, mention
        purpose = str(one.algorithm.document["purpose"])
        assert plain(purpose[1:40]) in mention  # the purpose (finalité)
        assert "traitement algorithmique" in mention
        assert "obtenir ses règles, ses principales caractéristiques" in mention  # the right
        assert f"sur {BASE_URL}/d/{REFERENCE}" in mention  # how: online, or by post
        assert plain(one.algorithm.service["address"]) in mention
        assert (
            "vous avez deux mois pour saisir la Commission d'accès aux documents "
            "administratifs (CADA) : www.cada.fr"
        ) in mention
        administration, identifier, version = one.algorithm.key
        assert f"{BASE_URL}/register/{administration}/{identifier}/{version}" in mention


def test_an_unfavourable_decision_has_a_motif_of_facts_and_law_and_a_favourable_one_none():
    for one in CASES:
        document = build_document(one)
        if one.favourable:
            assert document.motif is None
            continue
        assert document.motif
        assert len(re.findall(r"[.!?](?:\s|$)", document.motif)) <= 3, document.motif
        if not one.divergent:
            model = one.algorithm.model.kind
            law = "article" if model == "points" else "Délibération"
            assert law in document.motif or "Code" in document.motif, document.motif


def test_data_protection_gives_each_source_how_to_correct_the_officer_and_the_cnil():
    for algorithm_id, algorithm in ALGORITHMS.items():
        one = next(c for c in CASES if c.algorithm.document["id"] == algorithm_id)
        text = plain(" ".join(section_text(build_document(one), "data_protection")))
        for source in algorithm.data_sources:
            assert plain(source["correction"][1:]) in text
        assert algorithm.data_protection_officer["email"] in text
        assert "CNIL" in text and "www.cnil.fr" in text


def test_data_protection_gives_every_item_of_rgpd_articles_13_and_14_and_never_guesses():
    """Review finding 18: the controller and the officer, the purposes and the legal basis,
    the recipients, the retention, the source, the rights of articles 15 to 18 and 21 with
    their limits, the CNIL (article 77); what the registry does not say, whom to ask."""
    for algorithm_id, algorithm in ALGORITHMS.items():
        one = next(c for c in CASES if c.algorithm.document["id"] == algorithm_id)
        section = build_document(one).section("data_protection")
        assert section is not None and section.details
        detail = plain(" ".join(line for block in section.details for line in block.lines()))
        organisation = algorithm.document["organisation"]["name"]
        officer = algorithm.data_protection_officer
        for expected in (
            f"Responsable du traitement : {organisation}.",
            algorithm.service["address"],
            f"Délégué à la protection des données : {officer['email']}",
            officer["address"],
            "À quoi servent vos données : ",
            algorithm.document["purpose"][1:30],
            "base légale de ce traitement au sens du RGPD (article 6)",
            "n'est pas indiquée ici : demandez-la au délégué",
            "Qui les voit : dans Explicite, les agents de " + organisation,
            f"Pour savoir à qui d'autre {organisation} transmet vos données, demandez",
            f"Combien de temps {organisation} les garde dans ses propres dossiers : demandez",
            "Explicite garde la décision et son explication ; pour savoir combien de temps",
            "D'où viennent vos données",
            "(article 15)",
            "(article 16)",
            "demander leur effacement (article 17) : il peut être refusé",
            "(article 18)",
            "Il n'existe pas si la loi l'oblige à traiter ces données.",
            "La réponse vous est due dans un mois",
            "www.cnil.fr, ou 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07",
            "(article 77)",
        ):
            assert plain(expected) in detail, (algorithm_id, expected)
        for source in algorithm.data_sources:
            assert plain(source["name"]) in detail
        # The short view: how to exercise the rights, and the CNIL; no article number.
        short = plain(" ".join(section_text(build_document(one), "data_protection")))
        assert "exercer vos autres droits" in short and officer["email"] in short
        assert "article" not in short


def test_the_retention_is_the_deployments_said_in_plain_time():
    assert "efface vos coordonnées (courriel, adresse) 2 ans après la décision" in (
        retention_sentence(730)
    )
    assert "6 mois après la décision" in retention_sentence(180)
    assert "45 jours après la décision" in retention_sentence(45)
    assert "n'a pas de durée fixée" in retention_sentence(0)


def test_asking_for_the_rules_does_not_extend_the_time_to_contest():
    lines = section_text(build_document(CASES[0]), "communication")
    assert plain(NO_EXTENSION) in lines
    assert "deux mois pour saisir la CADA" in lines[0] and "www.cada.fr" in lines[0]
    assert request_deadline(date(2026, 11, 2)) == date(2026, 12, 2)
    assert cada_deadline(date(2026, 11, 2)) == date(2027, 2, 2)

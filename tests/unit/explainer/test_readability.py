"""Every default explanation of the sample algorithms' decisions reads as "fairly easy" French."""

from collections import defaultdict

import pytest
import textstat
from textstat.backend.metrics import words_per_sentence

from services.explainer.domain.case import Algorithm, Case
from services.explainer.domain.explanation import build_document
from services.explainer.domain.readability import THRESHOLD, kandel_moles, prepared
from shared.decision_model import replay
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions

ALGORITHMS = {d["id"]: Algorithm.from_document(d, 1) for d in SAMPLE_ALGORITHMS}
# Every model kind, favourable and not, consistent and divergent (30 % of them).
DECISIONS = generate_decisions(90, seed=7, divergent_rate=0.3)
# CRPA article L311-3-1 as written: the kind of prose the explanations must not read like.
LEGAL_PROSE = (
    "Sous réserve de l'application du 2° de l'article L. 311-5, une décision "
    "individuelle prise sur le fondement d'un traitement algorithmique comporte une "
    "mention explicite en informant l'intéressé. Les règles définissant ce "
    "traitement ainsi que les principales caractéristiques de sa mise en œuvre sont "
    "communiquées par l'administration à l'intéressé s'il en fait la demande."
)


def _explained(decision: dict) -> str:
    algorithm = ALGORITHMS[decision["algorithm"]["id"]]
    result = replay(
        algorithm.model,
        algorithm.criteria,
        {c["code"]: c["value"] for c in decision["criteria"]},
        decision["outcome"]["code"],
        decision.get("score"),
    )
    replayed = {"status": result.status}
    if result.evaluation is not None:
        replayed["expected_outcome"] = result.evaluation.outcome_code
    case = Case(algorithm, decision, "D-7K2QM-4XR9T", "https://explicite.example", replayed)
    return build_document(case).plain_text()


def test_every_default_explanation_meets_the_threshold_for_each_sample_algorithm():
    scores: dict[str, list[float]] = defaultdict(list)
    for decision in DECISIONS:
        scores[decision["algorithm"]["id"]].append(kandel_moles(_explained(decision)))
    assert set(scores) == set(ALGORITHMS)
    worst = {algorithm: min(found) for algorithm, found in scores.items()}
    assert all(score >= THRESHOLD for score in worst.values()), worst


def test_sentences_are_short():
    lengths = [words_per_sentence(prepared(_explained(d))) for d in DECISIONS[:30]]
    assert max(lengths) <= 15


def test_the_measure_tells_legal_prose_from_plain_french():
    assert kandel_moles(LEGAL_PROSE) < 50 <= THRESHOLD
    assert (
        kandel_moles("Vous avez le droit de contester. Une personne relira votre dossier.")
        > THRESHOLD
    )


@pytest.mark.parametrize(
    "text",
    [
        "Voir https://explicite.example/d/D-7K2QM-4XR9T.",
        "Écrivez à petite-enfance@ville-exemple.fr.",
    ],
)
def test_a_link_is_one_word_not_several_sentences(text):
    assert prepared(text).count(".") == 1


# Lines cut into sentences in every way the counting must see through: several spaces,
# non-breaking and thin spaces, apostrophes before a cut, ellipses, a sentence ending a line.
TRICKY = [
    "Un. Deux trois quatre.  Cinq six sept! Et l' ami's d'eux.  x.\nA? b c d. 3.5 fois.",
    "Il a dit : « oui. » Puis. Non.. Vraiment... ok  . d'ac.\tFin. l'. 's. ' ve. 'll x.",
    "Montant\u00a0: 1\u202f200\u00a0€. Fin.\u00a0Suite. z.\u2009w. Écrivez à a@b.fr. Voir "
    "www.x.fr. Puis http://y/z. Et https://explicite.example/d/D-7K2QM-4XR9T.",
]


def test_the_score_is_textstat_s_french_flesch_reading_ease():
    textstat.set_lang("fr")
    for text in [*map(_explained, DECISIONS[:40]), LEGAL_PROSE, *TRICKY]:
        assert kandel_moles(text) == round(textstat.flesch_reading_ease(prepared(text)), 1)

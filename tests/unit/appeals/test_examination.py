"""No rubber stamp: a decision needs the recomputation with the person's values, every
attachment opened, an answer of its own to each ground resting on the dossier; a result the
person's values would change needs a supervisor's confirmation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.appeals.domain.examination import (
    Evidence,
    Recomputation,
    check_confirmation,
    check_examined,
    dossier_words,
    has_fact,
    requires_supervisor,
)
from services.appeals.domain.rules import Draft, Ground, RuleBroken

GROUNDS = [
    Ground("g1", "criterion", "Je suis seule avec mon fils depuis mars.", "parent_isole", True),
    Ground(
        "g2", "criterion", "Mon quotient a baissé depuis ma séparation.", "quotient_familial", 600
    ),
    Ground("g3", "other", "La commission ne connaît pas ma situation."),
    Ground("g4", "account", "Je travaille à temps plein."),
]
WORDS = dossier_words(
    GROUNDS,
    ["Parent qui élève seul son enfant", "Quotient familial de la famille"],
    ["1 180 €", "non", "Place en crèche non proposée"],
    ["attestation-caf.pdf"],
    [date(2026, 8, 3), date(2026, 10, 28)],  # decided, received
)
NOW = datetime(2026, 11, 2, 10, 31, tzinfo=UTC)
FLIP = Recomputation(NOW, "rev", "attribution", "Place en crèche proposée", 65, None, True)
STAMP = "Ce point ne change rien."
GOOD = {
    "g1": "L'attestation-caf.pdf jointe indique un couple au 1er mars : parent isolé non.",
    "g2": "Le quotient de 1 180 € vient de la CAF pour octobre ; 600 € n'est pas justifié.",
    "g3": "La commission a lu votre dossier le 28 octobre, comme celui des 411 autres.",
    "g4": "Votre emploi à temps plein est compté : activité des parents, 10 points.",
}


def evidence(**changes: object) -> Evidence:
    values: dict[str, object] = {
        "claimed": {"parent_isole": True, "quotient_familial": 600},
        "recomputable": True,
        "recomputation": FLIP,
        "attachments": {7: "attestation-caf.pdf"},
        "opened": frozenset({7}),
        "dossier_words": WORDS,
    }
    values.update(changes)
    return Evidence(**values)  # type: ignore[arg-type]


def draft(answers: dict[str, str] | None = None, **changes: object) -> Draft:
    values: dict[str, object] = {
        "outcome": "maintained",
        "answers": answers or GOOD,
        "main_reason": "x" * 30,
        "facts": "Le quotient familial de 1 180 € transmis par la CAF est celui d'octobre.",
        "law": "Délibération n° 2025-117 du conseil municipal, barème, article 2.",
    }
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


def fields_refused(a_draft: Draft, an_evidence: Evidence) -> set[str]:
    with pytest.raises(RuleBroken) as error:
        check_examined(a_draft, GROUNDS, an_evidence)
    return set(error.value.fields)


def test_an_examined_dossier_can_be_decided():
    check_examined(draft(), GROUNDS, evidence())


def test_the_rubber_stamp_is_refused_at_every_step_with_a_reason_for_each():
    stamp = draft(
        {g.id: STAMP for g in GROUNDS}, facts="Le dossier a été vérifié, les données sont exactes."
    )
    refused = fields_refused(stamp, evidence(recomputation=None, opened=frozenset()))
    assert refused == {
        "recompute",
        "attachments",
        "facts",
        "answer-g1",
        "answer-g2",
        "answer-g3",
        "answer-g4",
    }


def test_a_maintained_decision_needs_the_recomputation_with_the_claimed_values():
    assert fields_refused(draft(), evidence(recomputation=None)) == {"recompute"}
    # Nothing claimed, or a model that cannot run: nothing to recompute.
    check_examined(draft(), GROUNDS, evidence(recomputation=None, claimed={}))
    check_examined(draft(), GROUNDS, evidence(recomputation=None, recomputable=False))


def test_an_unopened_attachment_blocks_the_decision():
    with pytest.raises(RuleBroken) as error:
        check_examined(draft(), GROUNDS, evidence(opened=frozenset()))
    assert error.value.fields == {
        "attachments": "Ouvrez chaque pièce jointe avant de décider. "
        "Pas encore ouverte : « attestation-caf.pdf »."
    }


def test_the_same_answer_to_different_grounds_is_refused():
    same = {**GOOD, "g3": GOOD["g1"], "g4": GOOD["g1"].upper()}
    with pytest.raises(RuleBroken) as error:
        check_examined(draft(same), GROUNDS, evidence())
    assert error.value.fields == {
        "answer-g3": "Point 3 : cette réponse est la même qu'au point 1. Chaque point demande "
        "sa propre réponse.",
        "answer-g4": "Point 4 : cette réponse est la même qu'au point 1. Chaque point demande "
        "sa propre réponse.",
    }


def test_an_answer_without_any_fact_of_the_dossier_is_refused():
    assert fields_refused(
        draft({**GOOD, "g2": "Nous avons bien étudié ce point."}), evidence()
    ) == {"answer-g2"}
    assert has_fact("Votre séparation est prise en compte.", set(WORDS))
    assert not has_fact("Les données sont exactes et vérifiées.", set(WORDS))


def test_a_date_or_a_number_is_a_fact_only_when_the_dossier_holds_it():
    # Review finding 11: any date or any two digits passed for a fact of the dossier.
    for stamp in (
        "Vu le 30/11, rien à changer.",
        "Point revu en 2026.",
        "Au 3 juin, rien ne change.",
        "Relu le 14 novembre 2026 : conforme.",
        "Vérifié le 2026-11-30.",
        "Tout est juste à 100 %.",
    ):
        assert not has_fact(stamp, set(WORDS)), stamp
    # The dossier's own dates, figures and the person's claimed values are facts.
    for honest in (
        "La décision du 3 août 2026 a été prise sur les revenus connus.",
        "Votre recours reçu le 28/10 a été lu en entier.",
        "Le quotient de 1 180 € est celui que la CAF a transmis.",
        "Le quotient de 1180 € est celui que la CAF a transmis.",
        "Un quotient de 600 € n'est pas justifié pour octobre.",
        "Au 1er mars, rien ne change.",  # « depuis mars »: the person's own words
    ):
        assert has_fact(honest, set(WORDS)), honest


def test_the_motivations_of_the_samples_rest_on_their_dossier():
    # Honest motivations, as written in the console walks and journeys: never refused.
    for honest in (
        "L'attestation de la CAF jointe au recours montre un quotient familial de 600 €.",
        "Votre séparation du 1er mars change votre quotient, pas les autres critères.",
        "La déclaration du 2 mars à la CAF dit « vie en couple » : parent isolé non.",
        "J'ai relu l'attestation-caf.pdf : elle date de janvier, avant la séparation de mars.",
        *GOOD.values(),
    ):
        assert has_fact(honest, set(WORDS)), honest


def test_keeping_a_result_the_persons_values_change_needs_a_supervisor():
    assert requires_supervisor(draft(), evidence(), "refus", None)
    assert requires_supervisor(draft(outcome="amended"), evidence(), "refus", "refus")
    assert not requires_supervisor(draft(outcome="amended"), evidence(), "refus", "attribution")
    assert not requires_supervisor(draft(outcome="annulled"), evidence(), "refus", None)
    same = Recomputation(NOW, "rev", "refus", "Place en crèche non proposée", 50, None, False)
    assert not requires_supervisor(draft(), evidence(recomputation=same), "refus", None)


def test_the_supervisor_confirms_in_their_own_words_on_the_dossier():
    facts = draft().facts
    for reasons in ("OK.", facts, "Je suis d'accord avec l'instructeur sur tous les points."):
        with pytest.raises(RuleBroken) as error:
            check_confirmation(reasons, facts, WORDS)
        assert set(error.value.fields) == {"reasons"}
    check_confirmation(
        "J'ai relu l'attestation-caf.pdf : elle date de 2024, le couple vit "
        "ensemble ; le barème donne 45 points.",
        facts,
        WORDS,
    )

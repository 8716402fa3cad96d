"""The rules of the human review: independence, every ground answered, four eyes, and the
administration boundary for every check."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from services.appeals.domain import rules
from services.appeals.domain.rules import Agent, Draft, Ground, NotVisible, RuleBroken

ADM = "ville-exemple"
REVIEWER = Agent("rev-1", ADM, frozenset({"reviewer"}), frozenset({"ville-exemple-agent-9"}))
OTHER = Agent("rev-2", ADM, frozenset({"reviewer"}))
SUPERVISOR = Agent("sup-1", ADM, frozenset({"supervisor"}))
AUDITOR = Agent("aud-1", ADM, frozenset({"auditor"}))
FOREIGN = Agent("sup-x", "caisse-exemple", frozenset({"supervisor", "reviewer", "admin"}))
GROUNDS = [
    Ground("g1", "criterion", "Mon revenu est faux.", "revenu", 900),
    Ground("g2", "account", "Je suis seule avec deux enfants."),
]
FACTS = "Le revenu transmis par la CAF date de 2024 ; l'attestation jointe montre 900 €."
LAW = "Délibération n° 2025-117, article 2 : barème des revenus."


TODAY = date(2026, 11, 20)
check_draft = partial(rules.check_draft, today=TODAY, received_on=date(2026, 11, 2))


def draft(outcome: str = "maintained", **changes: object) -> Draft:
    values: dict[str, object] = {
        "outcome": outcome,
        "facts": FACTS,
        "law": LAW,
        "answers": {
            "g1": "Votre revenu est vérifié.",
            "g2": "Votre situation est prise en compte.",
        },
        "corrections": {},
        "main_reason": "votre revenu dépasse le plafond du barème",
    }
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


def test_a_complete_draft_passes():
    check_draft(draft(), GROUNDS)
    check_draft(draft("amended", corrections={"revenu": 900}), GROUNDS)


def test_every_ground_raised_must_be_answered():
    with pytest.raises(RuleBroken) as error:
        check_draft(draft(answers={"g1": "Votre revenu est vérifié.", "g2": " ok "}), GROUNDS)
    assert set(error.value.fields) == {"answer-g2"}


def test_the_letter_s_reason_an_annulment_s_date_and_a_body_s_meeting_are_required():
    with pytest.raises(RuleBroken) as error:
        check_draft(draft(main_reason="non"), GROUNDS)
    assert set(error.value.fields) == {"main_reason"}
    for reexamine_by in (None, TODAY, date(2027, 1, 21)):
        with pytest.raises(RuleBroken) as error:
            check_draft(draft("annulled", reexamine_by=reexamine_by), GROUNDS)
        assert set(error.value.fields) == {"reexamine_by"}
    check_draft(draft("annulled", main_reason="", reexamine_by=date(2027, 1, 20)), GROUNDS)
    with pytest.raises(RuleBroken) as error:
        check_draft(draft(), GROUNDS, collegial=True)
    assert set(error.value.fields) == {"body", "deliberated_on"}
    with pytest.raises(RuleBroken) as error:
        check_draft(
            draft(body="la commission de recours amiable", deliberated_on=date(2026, 11, 21)),
            GROUNDS,
            collegial=True,
        )
    assert set(error.value.fields) == {"deliberated_on"}  # a meeting not held yet
    check_draft(
        draft(body="la commission de recours amiable", deliberated_on=date(2026, 11, 18)),
        GROUNDS,
        collegial=True,
    )


def test_facts_and_law_are_required():
    with pytest.raises(RuleBroken) as error:
        check_draft(draft(facts="Vu.", law=""), GROUNDS)
    assert set(error.value.fields) == {"facts", "law"}


def test_amending_means_correcting_data_and_only_then():
    with pytest.raises(RuleBroken) as error:
        check_draft(draft("amended"), GROUNDS)
    assert "corrections" in error.value.fields
    with pytest.raises(RuleBroken):
        check_draft(draft("maintained", corrections={"revenu": 900}), GROUNDS)
    with pytest.raises(RuleBroken):
        check_draft(draft("rejected by the algorithm"), GROUNDS)


@pytest.mark.parametrize("decided_by", ["rev-1", "ville-exemple-agent-9"])
def test_the_initial_decider_may_not_decide_nor_validate(decided_by):
    with pytest.raises(RuleBroken) as error:
        rules.check_can_decide(REVIEWER, ADM, rules.IN_REVIEW, "rev-1", decided_by)
    assert error.value.code == "not_independent"
    with pytest.raises(RuleBroken):
        rules.check_validator(REVIEWER, ADM, rules.AWAITING_VALIDATION, "rev-2", decided_by)
    rules.check_can_decide(REVIEWER, ADM, rules.IN_REVIEW, "rev-1", "someone-else")


def test_a_fully_automated_decision_has_no_decider_to_exclude():
    rules.check_can_decide(REVIEWER, ADM, rules.IN_REVIEW, "rev-1", None)


def test_only_the_assignee_decides_an_open_appeal():
    with pytest.raises(RuleBroken):
        rules.check_can_decide(OTHER, ADM, rules.IN_REVIEW, "rev-1", None)
    with pytest.raises(RuleBroken):
        rules.check_can_decide(REVIEWER, ADM, rules.RECEIVED, None, None)
    with pytest.raises(RuleBroken) as error:
        rules.check_can_decide(REVIEWER, ADM, rules.DECIDED, "rev-1", None)
    assert error.value.code == "closed"


def test_four_eyes_needs_another_agent_on_a_submitted_decision():
    rules.check_validator(OTHER, ADM, rules.AWAITING_VALIDATION, "rev-1", None)
    rules.check_validator(SUPERVISOR, ADM, rules.AWAITING_VALIDATION, "rev-1", None)
    with pytest.raises(RuleBroken) as error:
        rules.check_validator(REVIEWER, ADM, rules.AWAITING_VALIDATION, "rev-1", None)
    assert error.value.code == "same_agent"
    with pytest.raises(RuleBroken):
        rules.check_validator(OTHER, ADM, rules.IN_REVIEW, "rev-1", None)
    with pytest.raises(RuleBroken):
        rules.check_validator(AUDITOR, ADM, rules.AWAITING_VALIDATION, "rev-1", None)


def test_only_supervisors_assign():
    rules.check_can_assign(SUPERVISOR, ADM, rules.RECEIVED)
    with pytest.raises(RuleBroken):
        rules.check_can_assign(REVIEWER, ADM, rules.RECEIVED)
    with pytest.raises(RuleBroken):
        rules.check_can_assign(SUPERVISOR, ADM, rules.DECIDED)


def test_auditors_read_but_do_not_act():
    rules.check_can_read(AUDITOR, ADM)
    with pytest.raises(RuleBroken):
        rules.check_can_act(AUDITOR, ADM)


@pytest.mark.parametrize(
    "check",
    [
        lambda a: rules.check_visible(a, ADM),
        lambda a: rules.check_can_read(a, ADM),
        lambda a: rules.check_can_act(a, ADM),
        lambda a: rules.check_can_decide(a, ADM, rules.IN_REVIEW, a.id, None),
        lambda a: rules.check_validator(a, ADM, rules.AWAITING_VALIDATION, "rev-1", None),
        lambda a: rules.check_can_assign(a, ADM, rules.RECEIVED),
    ],
)
def test_an_agent_of_another_administration_sees_nothing_whatever_their_roles(check):
    with pytest.raises(NotVisible):
        check(FOREIGN)


def test_overturn_is_annulment_or_a_changed_result():
    assert rules.is_overturn("annulled", "refus", None)
    assert rules.is_overturn("amended", "refus", "attribution")
    assert not rules.is_overturn("amended", "refus", "refus")
    assert not rules.is_overturn("maintained", "refus", None)


def test_a_need_to_know_teams_dossier_is_absent_for_those_outside_it():
    outside = Agent(
        "sup-2", ADM, frozenset({"supervisor", "admin"}), kept_out_of=frozenset({"fraude"})
    )
    rules.check_team(outside, None)
    rules.check_team(outside, "petite-enfance")
    with pytest.raises(NotVisible):
        rules.check_team(outside, "fraude")

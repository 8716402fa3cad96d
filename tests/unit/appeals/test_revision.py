"""An amended decision: values typed in French, the outcome recomputed by the registered
model, and a body that passes decision_log's full decision.v1 validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.appeals.domain.revision import (
    CannotRecompute,
    corrections_from,
    load_model,
    parse_typed,
    recompute,
    revised_decision,
    revision_id,
)
from services.decision_log.domain.registry import AlgorithmVersion
from services.decision_log.domain.validation import Producer, check_decision
from shared.decision_model import CriterionDef, replay
from shared.samples import SAMPLE_ALGORITHMS, generate_decisions

CRECHE = next(a for a in SAMPLE_ALGORITHMS if a["id"] == "creche-attribution")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def refused() -> dict:
    return next(
        d
        for d in generate_decisions(60, seed=5, start=NOW - timedelta(days=1))
        if d["algorithm"]["id"] == "creche-attribution" and not d["outcome"]["favourable"]
    )


@pytest.mark.parametrize(
    ("kind", "typed", "value"),
    [
        ("number", "1 200,50 €", 1200.5),
        ("number", "650", 650),
        ("boolean", "Oui", True),
        ("boolean", "non", False),
        ("date", "31/01/2026", "2026-01-31"),
        ("date", "2026-01-31", "2026-01-31"),
        ("string", "B", "B"),
    ],
)
def test_what_people_type_is_read_as_the_criterion_type(kind, typed, value):
    criterion = CriterionDef("c", "C", kind, "s")
    assert parse_typed(criterion, typed) == value


@pytest.mark.parametrize(
    ("kind", "typed"),
    [("number", "beaucoup"), ("boolean", "peut-être"), ("date", "31/02/2026"), ("number", "NaN")],
)
def test_what_cannot_be_read_is_refused_in_french(kind, typed):
    with pytest.raises(ValueError, match=r"Saisissez|Répondez"):
        parse_typed(CriterionDef("c", "C", kind, "s"), typed)


def test_corrections_keep_only_changed_values_and_name_unreadable_ones():
    criteria, _model = load_model(CRECHE)
    original = {"quotient_familial": 900, "parent_isole": False}
    assert corrections_from(
        criteria, original, {"quotient_familial": "900", "parent_isole": "oui"}
    ) == {"parent_isole": True}
    with pytest.raises(CannotRecompute) as error:
        corrections_from(criteria, original, {"quotient_familial": "neuf cents"})
    assert set(error.value.fields) == {"correct-quotient_familial"}


def test_the_revised_decision_is_recomputed_and_passes_decision_log_validation():
    original = refused()
    contact = original["subject"].pop("contact")
    corrections = {"quotient_familial": 600, "parent_isole": True, "anciennete_demande_mois": 30}
    recomputed = recompute(CRECHE, original, corrections)
    assert recomputed.evaluation.outcome_code == "attribution"
    body = revised_decision(
        original,
        contact,
        recomputed,
        reviewer="instructeur-1",
        appeal_id="R-AAAAA-BBBBB",
        decision_id=revision_id(original["decision_id"], 7),
        now=NOW,
    )
    version = AlgorithmVersion.from_document(CRECHE, registered_at=NOW - timedelta(days=90))
    checked = check_decision(
        body,
        Producer("revision", "svc-appeals", None),
        lambda *_: version,
        NOW,
        timedelta(minutes=5),
    )
    assert not hasattr(checked, "category"), checked
    assert checked.body["supersedes"] == original["decision_id"]
    assert {k: v for k, v in checked.contact.items() if v} == contact
    criteria, model = load_model(CRECHE)
    assert (
        replay(model, criteria, checked.values, body["outcome"]["code"], body["score"]).status
        == "consistent"
    )
    changed = [c for c in body["criteria"] if c["code"] in recomputed.changed]
    assert changed and all(c["source"] == "Corrigé lors du recours R-AAAAA-BBBBB" for c in changed)


def test_values_the_model_refuses_are_named():
    with pytest.raises(CannotRecompute) as error:
        recompute(CRECHE, refused(), {"quotient_familial": -5})
    assert "quotient_familial" in error.value.fields


def test_a_revision_id_is_unique_per_appeal_and_fits_the_identifier_rule():
    assert revision_id("X" * 128, 123456).endswith(".recours-123456")
    assert len(revision_id("X" * 128, 123456)) <= 128

"""The register's rules, without I/O: suppression of small counts, figures, differences,
dated legal links, SIREN check."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import ValidationError

from services.decision_log.domain.register.differences import compare
from services.decision_log.domain.register.entries import count_text, published_count
from services.decision_log.domain.register.evidence import (
    AppealRecord,
    DecisionYear,
    compute,
    share_text,
)
from services.decision_log.domain.register.legal import legifrance_url
from shared.contracts.algorithm import load_registration, luhn_valid
from shared.samples import SAMPLE_ALGORITHMS

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "moins de 11"), (10, "moins de 11"), (11, "11"), (1234, "1\u202f234")],
)
def test_counts_from_1_to_10_are_not_published(count, shown):
    assert count_text(count) == shown
    assert published_count(count) == (None if 0 < count < 11 else count)


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (20, 40, "50\u00a0%"),
        (5, 40, "non publié (moins de 11 cas)"),
        (35, 40, "non publié (moins de 11 cas)"),  # the 5 others could be computed back
        (0, 40, "0\u00a0%"),
        (0, 0, "sans objet"),
        (3, 5, "non publié (moins de 11 cas)"),
    ],
)
def test_shares_that_would_reveal_a_small_count_are_withheld(part, whole, shown):
    assert share_text(part, whole) == shown


def _appeal(
    days: float, outcome: str | None, overturned: bool | None = None, late: bool = False
) -> AppealRecord:
    received = NOW - timedelta(days=90)
    due = received + timedelta(days=61)
    decided = None if outcome is None else received + timedelta(days=days)
    if late and decided is not None:
        decided = due + timedelta(days=1)
    return AppealRecord(received, due, decided, outcome, overturned)


def test_figures_of_a_version():
    appeals = (
        [_appeal(10, "maintained", False)] * 12
        + [_appeal(20, "annulled", True)] * 11
        + [_appeal(30, "amended", True, late=True)] * 2
        + [_appeal(0, None)] * 3
    )
    evidence = compute(
        [DecisionYear(2026, 400, 300, 12), DecisionYear(2025, 8, 8, 0)], appeals, NOW
    )
    assert [(y.year, y.logged, y.unfavourable_share, y.divergent) for y in evidence.years] == [
        (2025, "moins de 11", "non publié (moins de 11 cas)", "0"),
        (2026, "400", "75\u00a0%", "12"),
    ]
    figures = evidence.appeals
    assert (figures.filed, figures.decided, figures.open) == ("28", "25", "moins de 11")
    assert (figures.maintained, figures.annulled, figures.amended) == ("12", "11", "moins de 11")
    assert figures.overturn_rate == "52\u00a0%"  # 13 of 25
    assert figures.median_days == "20\u00a0jours"
    # Two decided after the legal deadline, three still open long past it (L231-4).
    assert figures.deadlines_missed == "moins de 11"


def test_a_median_of_few_appeals_is_not_published():
    evidence = compute([], [_appeal(5, "maintained", False)] * 10, NOW)
    assert evidence.appeals.median_days == "non publié (moins de 11 cas)"
    assert compute([], [], NOW).appeals.median_days == "sans objet"


def _sample(algorithm_id: str) -> dict:
    return load_registration(next(a for a in SAMPLE_ALGORITHMS if a["id"] == algorithm_id))


def test_differences_in_plain_words():
    after = _sample("ciblage-controles")
    before = copy.deepcopy(after)
    before["model"]["weights"][3]["weight"] = 15
    before["model"]["threshold"]["value"] = 45
    before["automation_allowed"], before["human_role"] = "full", None
    before["legal_bases"] = before["legal_bases"][:2]
    before["criteria"] = before["criteria"][:-1]
    texts = [c.text for c in compare(before, after)]
    assert (
        "Avant, l'algorithme décide seul. Désormais, un agent décide, avec l'aide de "
        "l'algorithme." in texts
    )
    assert (
        "« Changement de situation familiale depuis moins de 6 mois » : poids 12 au "
        "lieu de 15." in texts
    )
    assert "Seuil du score : au moins 40 (avant : au moins 45)." in texts
    assert any(t.startswith("Nouveau critère : ") for t in texts)
    assert any(t.startswith("Texte ajouté : Délibération") for t in texts)
    assert compare(after, copy.deepcopy(after)) == []


def test_differences_of_rules():
    after = _sample("aide-transport-scolaire")
    before = copy.deepcopy(after)
    before["model"]["rules"][1]["value"] = 5
    before["model"]["amount"] = 120
    texts = [c.text for c in compare(before, after)]
    assert (
        "Distance entre le domicile et l'établissement : au moins 3\u00a0km (avant : au "
        "moins 5\u00a0km)." in texts
    )
    assert "Montant accordé : 150\u00a0€ au lieu de 120\u00a0€." in texts


def test_legal_bases_link_to_the_dated_version():
    basis = {
        "title": "Code des transports",
        "article": "L3111-7",
        "legifrance_id": "LEGIARTI000043343069",
        "version_date": "2022-01-01",
    }
    assert legifrance_url(basis) == (
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000043343069/2022-01-01"
    )
    assert legifrance_url(
        {
            "title": "Loi n° 78-17",
            "legifrance_id": "JORFTEXT000000886460",
            "version_date": "2024-01-01",
        }
    ).endswith("/jorf/id/JORFTEXT000000886460")
    assert legifrance_url({"title": "Code", "legifrance_id": None}) is None
    document = _sample("creche-attribution")
    document["legal_bases"][0]["legifrance_id"] = "LEGIARTI000033205535"
    document["legal_bases"][0]["version_date"] = None
    with pytest.raises(ValidationError, match="version_date"):
        load_registration(document)
    document["legal_bases"][0]["legifrance_id"] = "LEGIARTI33205535"
    with pytest.raises(ValidationError, match="legifrance_id"):
        load_registration(document)


def test_siren_is_checked_by_its_luhn_digit():
    assert luhn_valid("443061841") and not luhn_valid("443061842")
    document = _sample("creche-attribution")
    document["organisation"] = {"name": "Commune", "siren": "443061842"}
    with pytest.raises(ValidationError, match="SIREN"):
        load_registration(document)

"""The route model: lawful routes only at registration, legacy `appeal` blocks translated, dates
counted as the law counts them, and the one contraction every sentence uses."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from marshmallow import ValidationError

from shared.contracts.algorithm import load_registration
from shared.routes import GRACIEUX, PREALABLE, Start, load_recourse, plan
from shared.routes.dates import easter, franc_end, is_working_day
from shared.routes.model import with_article
from shared.routes.wording import register_sentences, to
from shared.samples import SAMPLE_ALGORITHMS


def creche() -> dict[str, Any]:
    return copy.deepcopy(next(d for d in SAMPLE_ALGORITHMS if d["id"] == "creche-attribution"))


def route(kind: str, authority: str = "le préfet de X", **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "authority": authority, "months": 2, **extra}


def refused(document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as error:
        load_registration(document)
    return str(error.value.messages)


def test_a_mayor_has_no_hierarchical_superior():
    document = creche()
    document["recourse"]["routes"].append(route("hierarchique"))
    assert "a local executive has no hierarchical superior" in refused(document)
    document["recourse"]["author"]["kind"] = "state"
    assert load_registration(document)["recourse"]["routes"][1]["kind"] == "hierarchique"


def test_no_contradictoire_for_a_social_security_body_unless_a_sanction():
    document = creche()
    document["recourse"]["author"]["kind"] = "social_security"
    document["recourse"]["routes"].append(route("observations", months=None, days=15))
    assert "L121-2 4°" in refused(document)
    document["recourse"]["routes"][1]["sanction"] = True
    load_registration(document)


def test_a_prior_appeal_excludes_a_recours_gracieux_and_a_preparatory_measure_says_so():
    document = creche()
    document["recourse"]["routes"].append(route("prealable", "la commission de X"))
    assert "excludes a recours gracieux" in refused(document)
    document = creche()
    document["recourse"]["measure"] = "preparatory"
    assert "preparatory" in refused(document)
    document = creche()
    document["recourse"]["routes"] = []
    assert "name at least one recours" in refused(document)


def test_a_legacy_appeal_block_is_translated_without_a_recours_hierarchique():
    document = creche()
    del document["recourse"]
    document["appeal"] = {
        "mandatory_prior_appeal": False,
        "authority": "Maire de Ville-Exemple (recours gracieux)",
        "court": "Tribunal administratif dont relève Ville-Exemple",
        "legal_reference": "CRPA L411-2",
        "internal_deadline_hours": 240,
        "observations_days": None,
    }
    registered = load_registration(document)
    assert "appeal" not in registered
    recourse = registered["recourse"]
    assert [r["kind"] for r in recourse["routes"]] == [GRACIEUX]
    assert recourse["routes"][0]["authority"] == "le maire de Ville-Exemple"
    assert recourse["court"] == {
        "name": "le tribunal administratif dont relève Ville-Exemple",
        "order": "administrative",
        "months": 2,
        "texts": [],
    }
    assert load_recourse(document).internal_deadline_hours == 240  # stored ones too
    document["appeal"]["mandatory_prior_appeal"] = True
    document["appeal"]["court"] = "Pôle social du tribunal judiciaire"
    prior = load_recourse(document)
    assert [r.kind for r in prior.routes] == [PREALABLE] and prior.court.order == "judicial"
    assert (
        with_article("Commission de recours amiable de X")
        == "la commission de recours amiable de X"
    )


def test_dates_run_from_the_notification_and_lateness_from_the_franc_end():
    dated = plan(load_recourse(creche()), Start(date(2026, 11, 13), True)).routes[0]
    assert dated.last_day == date(2027, 1, 13)  # shown: the same day two months later
    assert dated.in_time(date(2027, 1, 14)) and not dated.in_time(date(2027, 1, 15))
    assert dated.past(date(2027, 1, 14)) and not dated.past(date(2027, 1, 13))
    # 30 October + 2 months = 30 December; franc: 31 December; not the 1 January holiday.
    assert franc_end(date(2026, 10, 30), 2) == date(2026, 12, 31)
    # 31 October + 2 months = 31 December; franc: 1 January, a holiday; Saturday 2 and
    # Sunday 3 January are days off too: Monday 4.
    assert franc_end(date(2026, 10, 31), 2) == date(2027, 1, 4)


def test_public_holidays_follow_the_code_du_travail():
    assert easter(2027) == date(2027, 3, 28) and easter(2026) == date(2026, 4, 5)
    for holiday in (
        date(2027, 3, 29),
        date(2027, 5, 6),
        date(2027, 5, 17),
        date(2026, 7, 14),
        date(2026, 11, 11),
    ):
        assert not is_working_day(holiday), holiday
    assert is_working_day(date(2027, 1, 14)) and not is_working_day(date(2027, 1, 16))


def test_sentences_contract_the_article_and_the_register_says_the_routes():
    assert to("le maire de X") == "au maire de X"
    assert to("la commission de X") == "à la commission de X"
    assert to("les services de X") == "aux services de X"
    sentences = register_sentences(load_recourse(creche()))
    assert sentences[0] == (
        "Vous pouvez demander au maire de Ville-Exemple de revoir cette "
        "décision : c'est un recours gracieux. Vous avez 2 mois à partir du "
        "jour où vous recevez cette décision."
    )


def test_the_register_names_the_route_against_the_decision_that_follows_a_selection():
    """Against a selection, the register names the later decision's route in the future,
    never « cette décision », which would read as the selection (review finding 4)."""
    control = next(d for d in SAMPLE_ALGORITHMS if d["id"] == "ciblage-controles")
    text = " ".join(register_sentences(load_recourse(control)))
    assert "recevez cette décision" not in text
    assert "à partir du jour où vous recevrez cette décision-là." in text

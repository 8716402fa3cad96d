"""The OpenFisca engine against openfisca-france run the usual way, by the sample back office."""

import random
from decimal import Decimal

import pytest

from shared.decision_model.openfisca import applied, runner
from shared.decision_model.openfisca.engine import EngineUnavailable, engine_for
from shared.samples.backoffice import bourse_college
from tests.unit.openfisca.conftest import typed


def households(count, seed):
    rng = random.Random(seed)
    return [bourse_college.household(rng) for _ in range(count)]


def test_one_simulation_of_many_cases_gives_what_openfisca_gives_each_alone(bourse):
    _document, _criteria, model = bourse
    sample = households(80, seed=1)
    mine = runner.results(model, [typed(h) for h in sample])
    theirs = bourse_college.compute(sample)
    assert [(r.amount, dict(r.details)["bourse_college_echelon"]) for r in mine] == [
        (Decimal(str(amount)).quantize(Decimal("0.01")), echelon) for amount, echelon in theirs
    ]
    # The sample spreads over every échelon and refusals.
    assert {echelon for _amount, echelon in theirs} == {0, 1, 2, 3}


def test_every_what_if_is_what_openfisca_gives_and_one_step_back_is_not(bourse):
    _document, criteria, model = bourse
    sample = households(25, seed=2)
    cases = [typed(h) for h in sample]
    current = runner.results(model, cases)
    found = runner.changes(model, criteria, cases, current)
    checked = 0
    for household, result, changes in zip(sample, current, found, strict=True):
        for change in changes:
            changed = {**household, change.criterion: int(change.value)}
            [(amount, _echelon)] = bourse_college.compute([changed])
            assert Decimal(str(amount)) == change.result.amount != result.amount
            if change.before is not None:
                back = {**household, change.criterion: int(change.before)}
                [(amount_back, _echelon)] = bourse_college.compute([back])
                assert Decimal(str(amount_back)) == result.amount
            checked += 1
    assert checked > 25


PLAFONDS = "prestations_sociales.education.bourses.bourses_education.bourse_college.apres_2016"


def test_the_parameters_applied_are_those_of_the_family_and_its_echelon(bourse):
    _document, _criteria, model = bourse
    granted = {
        "revenu_fiscal_reference": 20000,
        "enfants_au_college": 1,
        "autres_enfants_a_charge": 1,
    }
    refused = {
        "revenu_fiscal_reference": 40000,
        "enfants_au_college": 1,
        "autres_enfants_a_charge": 0,
    }
    engine = runner.engine_of(model)
    for_granted, for_refused = applied.applied_parameters(
        engine, model, [typed(granted), typed(refused)]
    )
    names = [p.name for p in for_granted]
    # Two children: the three ceilings for two children, the Smic, the rate of échelon 1, BMAF.
    assert sorted(names) == sorted(
        [
            "marche_travail.salaire_minimum.smic.smic_b_horaire",
            f"{PLAFONDS}.echelon_3.plafond_2e",
            f"{PLAFONDS}.echelon_2.plafond_2e",
            f"{PLAFONDS}.echelon_1.plafond_2e",
            "prestations_sociales.education.bourses.bourses_education.bourse_college"
            ".montant_taux_1",
            "prestations_sociales.prestations_familiales.bmaf.bmaf",
        ]
    )
    smic = next(p for p in for_granted if p.name.endswith("smic_b_horaire"))
    # Read at the July two years before the rentrée, with the décret that set it.
    assert (smic.instant, smic.value) == ("2024-07-01", 11.65)
    assert smic.references[0].href.startswith("https://www.legifrance.gouv.fr/")
    ceiling = next(p for p in for_granted if p.name.endswith("echelon_1.plafond_2e"))
    assert ceiling.value == 1915.3 and "arrêté du 22/03/2016" in ceiling.references[0].title
    # A refusal: only the ceilings (one child) and the Smic decided it; no rate, no BMAF.
    assert sorted(p.name for p in for_refused) == sorted(
        [
            "marche_travail.salaire_minimum.smic.smic_b_horaire",
            f"{PLAFONDS}.echelon_3.plafond_1e",
            f"{PLAFONDS}.echelon_2.plafond_1e",
            f"{PLAFONDS}.echelon_1.plafond_1e",
        ]
    )


def test_the_trace_of_one_case_reads_its_own_values(bourse):
    _document, _criteria, model = bourse
    cases = [
        typed(
            {
                "revenu_fiscal_reference": income,
                "enfants_au_college": 2,
                "autres_enfants_a_charge": others,
            }
        )
        for income, others in ((3000, 0), (20000, 3))
    ]
    computation = runner.engine_of(model).compute(model, cases, trace=True)
    computation.amounts(model.output, model.period)
    [root] = computation.trace(1)
    assert root.variable == "bourse_college"
    inputs = {
        step.variable: step for child in root.depends_on for step in (child, *child.depends_on)
    }
    assert inputs["rfr"].value == 20000 and inputs["rfr"].period == "2024"
    assert inputs["scolarite"].value == [
        "inconnue",
        "college",
        "college",
        "inconnue",
        "inconnue",
        "inconnue",
    ]


def test_another_version_of_the_package_is_refused_with_the_reason():
    with pytest.raises(
        EngineUnavailable,
        match=r"openfisca-france 1\.0\.0 is needed; "
        r"176\.1\.8 is installed",
    ):
        engine_for("openfisca-france", "1.0.0")
    with pytest.raises(EngineUnavailable, match="not installed"):
        engine_for("openfisca-nowhere", "1.0.0")


def test_a_layout_the_package_does_not_know_is_reported(bourse):
    from dataclasses import replace

    _document, _criteria, model = bourse
    wrong = replace(
        model,
        output="bourse_de_rien",
        persons=(replace(model.persons[0], roles=(("famille", "chef"),)), *model.persons[1:]),
    )
    errors = runner.engine_of(model).layout_errors(wrong)
    assert "'bourse_de_rien' is not a variable of openfisca-france." in errors["output"]
    assert any("Give the role in 'famille'" in e for e in errors["persons.0.roles"])
    assert any("Give the role in 'menage'" in e for e in errors["persons.0.roles"])


def test_all_readings_in_one_simulation_give_what_one_simulation_each_gives(bourse, monkeypatch):
    _document, _criteria, model = bourse
    engine = runner.engine_of(model)
    cases = [typed(h) for h in households(40, seed=4)]
    calls = []
    original = engine.compute

    def counted(*args, **kwargs):
        calls.append(len(args[1]))
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "compute", counted)
    together = applied.applied_parameters(engine, model, cases)
    assert len(calls) == 2  # the trace, then every reading at once

    def fail(*_args):
        raise ValueError("a formula that reads a parameter in a Python if")

    monkeypatch.setattr(applied, "_all_at_once", fail)
    calls.clear()
    one_by_one = applied.applied_parameters(engine, model, cases)
    assert len(calls) > 30
    assert together == one_by_one
    assert all(found for found in together)

"""Property: points counterfactuals flip the outcome with the nearest single-criterion change."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.decision_model import CriterionDef, counterfactuals, evaluate, load_algorithm_model

from .strategies import (
    OPS,
    OUTCOMES,
    condition,
    criteria_json,
    grid_values,
    nearest_distance,
    one_step_closer,
    person,
)


@st.composite
def points_case(draw: Any) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    declared = draw(criteria_json(types=("boolean", "string")))
    grids = []
    for criterion in declared:
        bands = []
        for _ in range(draw(st.integers(1, 4))):
            op, value = draw(condition(criterion, OPS[criterion["type"]]))
            points = draw(st.integers(-20, 40)) / 4
            bands.append({"op": op, "value": value, "points": points, "label": "band"})
        if draw(st.booleans()):
            bands.append({"op": "any", "points": draw(st.integers(-10, 10)), "label": "else"})
        grids.append({"criterion": criterion["code"], "bands": bands})
    model = {
        "kind": "points",
        "outcomes": OUTCOMES,
        "grids": grids,
        "cutoff": draw(st.integers(-20, 60)),
    }
    return declared, model, draw(person(declared))


@settings(max_examples=300, deadline=None)
@given(points_case())
def test_points_counterfactuals_are_exact(case: Any) -> None:
    declared, model_json, values = case
    criteria, model = load_algorithm_model(declared, model_json)
    current = evaluate(model, criteria, values)
    found = {cf.criterion: cf for cf in counterfactuals(model, criteria, values)}
    for criterion in criteria:
        here = found[criterion.code].current_value if criterion.code in found else None
        flipping = [
            value
            for value in grid_values(criterion)
            if _outcome(model, criteria, values, criterion, value) != current.outcome
        ]
        if not criterion.changeable or not flipping:
            assert criterion.code not in found
            continue
        cf = found[criterion.code]
        ((code, new),) = cf.changes
        assert code == criterion.code and cf.kind == "single_criterion"
        result = evaluate(model, criteria, {**values, code: new})
        assert result == cf.resulting_evaluation
        assert result.outcome == cf.resulting_outcome != current.outcome
        if criterion.type == "string":
            assert set(_as_tuple(cf.required_value)) == set(flipping)
        elif criterion.type == "number":
            # Exactly the nearest grid value that flips, so one step closer does not.
            assert abs(new - here) == nearest_distance(here, flipping)
            closer = one_step_closer(criterion, here, new)
            if closer is not None:
                assert _outcome(model, criteria, values, criterion, closer) == current.outcome


def _outcome(model: Any, criteria: Any, values: Any, criterion: CriterionDef, value: Any) -> str:
    return evaluate(model, criteria, {**values, criterion.code: value}).outcome


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)

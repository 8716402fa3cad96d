"""Property: linear counterfactuals flip the outcome with the nearest value on the step grid."""

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.decision_model import counterfactuals, evaluate, load_algorithm_model

from .strategies import OUTCOMES, criteria_json, one_step_closer, person

SCALES = [Decimal(1), Decimal("0.05"), Decimal("0.003")]


@st.composite
def linear_case(draw: Any) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    declared = draw(criteria_json(types=("boolean",), bounded=False))
    weights = [
        {
            "criterion": criterion["code"],
            "label": "w",
            "weight": draw(st.integers(-40, 40)) * draw(st.sampled_from(SCALES)),
        }
        for criterion in declared
    ]
    model: dict[str, Any] = {
        "kind": "linear",
        "outcomes": OUTCOMES,
        "weights": weights,
        "intercept": draw(st.integers(-50, 50)) / 8,
    }
    if draw(st.booleans()):
        model["threshold"] = {
            "op": draw(st.sampled_from([">=", ">", "<=", "<"])),
            "value": draw(st.integers(-100, 100)) / 2,
            "when_met": draw(st.sampled_from(["favourable", "unfavourable"])),
        }
    else:
        places = draw(st.integers(0, 2))
        low = Decimal(draw(st.integers(-50, 50))).scaleb(-places)
        high = low + Decimal(draw(st.integers(0, 300))).scaleb(-places)
        model["amount"] = {"min": low, "max": high, "round": places}
    return declared, model, draw(person(declared))


@settings(max_examples=300, deadline=None)
@given(linear_case())
def test_linear_counterfactuals_are_exact(case: Any) -> None:
    declared, model_json, values = case
    criteria, model = load_algorithm_model(declared, model_json)
    current = evaluate(model, criteria, values)
    found = {cf.criterion: cf for cf in counterfactuals(model, criteria, values)}
    weights = {weight.criterion: weight.weight for weight in model.weights}  # type: ignore[union-attr]
    amount = model_json.get("amount")
    for criterion in criteria:
        cf = found.get(criterion.code)
        if not criterion.changeable or not weights[criterion.code]:
            assert cf is None
            continue
        if criterion.type == "boolean":
            flipped = evaluate(model, criteria, {**values, criterion.code: not values["b"]})
            assert (cf is not None) == (flipped.outcome != current.outcome)
            if cf is None:
                continue
        elif amount is not None and amount["min"] == amount["max"]:
            assert cf is None  # the amount is always min: nothing can make it favourable
            continue
        # A score that grows without bound always crosses a threshold or the amount's min.
        assert cf is not None
        ((code, new),) = cf.changes
        result = evaluate(model, criteria, {**values, code: new})
        assert result == cf.resulting_evaluation
        assert result.outcome == cf.resulting_outcome != current.outcome
        if criterion.type == "number":
            assert criterion.step is not None and new % criterion.step == 0
            closer = one_step_closer(criterion, cf.current_value, new)
            if closer is not None:
                unchanged = evaluate(model, criteria, {**values, code: closer})
                assert unchanged.outcome == current.outcome

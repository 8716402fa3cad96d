"""Hypothesis strategies for random criteria, models and people, and brute-force helpers."""

# Every number is generated on its criterion's step grid (k × step, |k| ≤ SPAN), dates on whole
# days: there a counterfactual must be exactly the nearest grid value that works, which a brute
# force over the grid can check.

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from shared.decision_model import CriterionDef, to_json_value

SPAN = 20
BASE_DATE = date(2026, 1, 1)
OUTCOMES = {
    "favourable": {"code": "oui", "label": "Oui"},
    "unfavourable": {"code": "non", "label": "Non"},
}
ALLOWED = ["a", "b", "c"]
OPS = {
    "number": ["<=", "<", ">=", ">", "==", "!=", "in", "not_in"],
    "date": ["<=", "<", ">=", ">", "==", "!=", "in", "not_in"],
    "boolean": ["==", "!=", "in", "not_in"],
    "string": ["==", "!=", "in", "not_in"],
}


@st.composite
def criteria_json(draw: Any, types: tuple[str, ...], bounded: bool = True) -> list[dict[str, Any]]:
    """One to three number criteria, plus one criterion of each other type given."""
    declared = []
    for i in range(draw(st.integers(1, 3))):
        step = draw(st.sampled_from([Decimal(1), Decimal("0.01")]))
        criterion = {
            "code": f"n{i}",
            "label": f"N{i}",
            "type": "number",
            "source": "test",
            "step": step,
            "changeable": draw(st.booleans()),
        }
        if bounded and draw(st.booleans()):
            criterion["min"] = draw(st.integers(-SPAN, 0)) * step
        declared.append(criterion)
    for type_ in types:
        criterion = {
            "code": type_[0],
            "label": type_,
            "type": type_,
            "source": "test",
            "changeable": draw(st.booleans()),
        }
        if type_ == "string":
            criterion["allowed_values"] = ALLOWED
        declared.append(criterion)
    return declared


def scalar(draw: Any, criterion: dict[str, Any], low: int = -SPAN) -> Any:
    """A JSON value of the criterion's type, on its grid."""
    type_ = criterion["type"]
    if type_ == "number":
        lowest = int(criterion.get("min", low * criterion["step"]) / criterion["step"])
        return draw(st.integers(max(low, lowest), SPAN)) * criterion["step"]
    if type_ == "date":
        return (BASE_DATE + timedelta(days=draw(st.integers(-SPAN, SPAN)))).isoformat()
    if type_ == "boolean":
        return draw(st.booleans())
    return draw(st.sampled_from(ALLOWED))


@st.composite
def condition(draw: Any, criterion: dict[str, Any], ops: list[str]) -> tuple[str, Any]:
    """An op valid for the criterion and a value for it."""
    op = draw(st.sampled_from(ops))
    if op in ("in", "not_in"):
        values = [scalar(draw, criterion) for _ in range(draw(st.integers(1, 3)))]
        return op, values
    return op, scalar(draw, criterion)


@st.composite
def person(draw: Any, declared: list[dict[str, Any]]) -> dict[str, Any]:
    """Values for every declared criterion."""
    return {criterion["code"]: scalar(draw, criterion) for criterion in declared}


def grid_values(criterion: CriterionDef) -> list[Any]:
    """Every grid value in range, a little beyond the span of generated boundaries."""
    span = range(-SPAN - 2, SPAN + 3)
    if criterion.type == "number":
        assert criterion.step is not None
        values = [k * criterion.step for k in span]
        return [value for value in values if not criterion.out_of_range(value)]
    if criterion.type == "date":
        return [BASE_DATE + timedelta(days=k) for k in span]
    if criterion.type == "boolean":
        return [True, False]
    return list(ALLOWED)


def one_step_closer(criterion: CriterionDef, current: Any, new: Any) -> Any:
    """The value one step from `new` towards `current`, if strictly between them."""
    step: Any = timedelta(days=1) if criterion.type == "date" else criterion.step
    closer = new - step if new > current else new + step
    return closer if min(current, new) < closer < max(current, new) else None


def nearest_distance(current: Any, values: list[Any]) -> Any:
    """The distance from current to the nearest of values."""
    return min(abs(value - current) for value in values)


def json_values(values: dict[str, Any]) -> dict[str, Any]:
    """Typed values back to JSON, as a producer would send them."""
    return {code: to_json_value(value) for code, value in values.items()}

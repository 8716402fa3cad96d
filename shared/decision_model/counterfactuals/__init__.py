"""Exact counterfactuals: what change of the person's values would have changed the result."""

from collections.abc import Mapping, Sequence
from decimal import localcontext
from typing import Any

from ..checking import typed_values
from ..criteria import CriterionDef
from ..evaluation import EXACT, evaluate_typed
from ..models import DecisionModel, LinearModel, OpaqueModel, PointsModel, RulesModel
from .base import Counterfactual
from .linear import linear_counterfactuals
from .points import points_counterfactuals
from .rules import rules_counterfactuals

__all__ = ["Counterfactual", "counterfactuals"]


def counterfactuals(
    model: DecisionModel, criteria: Sequence[CriterionDef], values: Mapping[str, Any]
) -> tuple[Counterfactual, ...]:
    """Computed from the model, never for unchangeable criteria; empty for an opaque model."""
    if isinstance(model, OpaqueModel):
        return ()
    typed = typed_values(criteria, model, values)
    by_code = {criterion.code: criterion for criterion in criteria}
    current = evaluate_typed(model, typed)
    # Candidate values are computed too, and must be as exact as the evaluation.
    with localcontext(EXACT):
        if isinstance(model, RulesModel):
            return tuple(rules_counterfactuals(model, by_code, typed, current))
        if isinstance(model, PointsModel):
            return tuple(points_counterfactuals(model, by_code, typed, current))
        assert isinstance(model, LinearModel)
        return tuple(linear_counterfactuals(model, by_code, typed, current))

"""Exact counterfactuals: what change of the person's values would have changed the result."""

from collections.abc import Collection, Mapping, Sequence
from decimal import localcontext
from typing import Any

from ..checking import typed_values
from ..computed import ComputedModel
from ..criteria import CriterionDef
from ..evaluation import EXACT, evaluate_typed
from ..models import DecisionModel, LinearModel, OpaqueModel, PointsModel, RulesModel
from .base import Counterfactual
from .combinations import COMBINATION, MAX_SIZE
from .combinations import combinations as _combinations
from .deciding import Decisive, computed_decisive, without
from .deciding import decisive as _decisive
from .linear import linear_counterfactuals
from .points import points_counterfactuals
from .rules import rules_counterfactuals

__all__ = ["COMBINATION", "MAX_SIZE", "Counterfactual", "Decisive", "combinations",
           "counterfactuals", "decisive", "without"]


def counterfactuals(
    model: DecisionModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Any],
    *,
    include_fixed: bool = False,
) -> tuple[Counterfactual, ...]:
    """Computed from the model; empty for an opaque model.

    Unchangeable criteria are left out unless include_fixed: a person is never invited to
    change them, but a wrong value of theirs in the file may have cost the result.
    """
    if isinstance(model, OpaqueModel):
        return ()
    typed = typed_values(criteria, model, values)
    if isinstance(model, ComputedModel):
        return tuple(model.what_ifs(criteria, typed, include_fixed))
    by_code = {criterion.code: criterion for criterion in criteria}
    current = evaluate_typed(model, typed)
    # Candidate values are computed too, and must be as exact as the evaluation.
    with localcontext(EXACT):
        if isinstance(model, RulesModel):
            return tuple(rules_counterfactuals(model, by_code, typed, current, include_fixed))
        if isinstance(model, PointsModel):
            return tuple(points_counterfactuals(model, by_code, typed, current, include_fixed))
        assert isinstance(model, LinearModel)
        return tuple(linear_counterfactuals(model, by_code, typed, current, include_fixed))


def combinations(
    model: DecisionModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Any],
    codes: Collection[str],
    limit: int = 3,
) -> tuple[Counterfactual, ...]:
    """The smallest sets (2 or 3) of changes among `codes` that flip a score's outcome when no
    single change of them does; empty for rules (their one smallest set is the combined
    counterfactual) and opaque models."""
    if not isinstance(model, PointsModel | LinearModel):
        return ()
    typed = typed_values(criteria, model, values)
    by_code = {criterion.code: criterion for criterion in criteria}
    with localcontext(EXACT):
        return tuple(_combinations(model, by_code, typed, evaluate_typed(model, typed), codes,
                                   limit))


def decisive(
    model: DecisionModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Any],
    code: str,
    found: Sequence[Counterfactual],
) -> Decisive | None:
    """Whether the criterion decided the outcome (see `deciding.decisive`); `found` are the
    counterfactuals of these values with include_fixed."""
    if isinstance(model, OpaqueModel):
        return None
    typed = typed_values(criteria, model, values)
    if isinstance(model, ComputedModel):
        # A computed model cannot be run with a criterion taken out: only the other value
        # found by its search says that the criterion decided.
        return computed_decisive(code, model.explain(typed), found)
    with localcontext(EXACT):
        return _decisive(model, code, typed, evaluate_typed(model, typed), found)

"""Exact counterfactuals: what change of the person's values would have changed the result."""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ..checking import typed_values
from ..criteria import CriterionDef
from ..models import DecisionModel
from .base import Counterfactual
from .deciding import Decisive, without
from .sets import COMBINATION, MAX_SIZE

__all__ = [
    "COMBINATION",
    "MAX_SIZE",
    "Counterfactual",
    "Decisive",
    "combinations",
    "counterfactuals",
    "decisive",
    "without",
]


def counterfactuals(
    model: DecisionModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Any],
    *,
    include_fixed: bool = False,
) -> tuple[Counterfactual, ...]:
    """Computed from the model (each kind's `what_ifs`); empty for an opaque model.

    Unchangeable criteria are left out unless include_fixed: a person is never invited to
    change them, but a wrong value of theirs in the file may have cost the result.
    """
    if not model.evaluable:
        return ()
    return tuple(model.what_ifs(criteria, typed_values(criteria, model, values), include_fixed))


def combinations(
    model: DecisionModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Any],
    codes: Collection[str],
    limit: int = 3,
) -> tuple[Counterfactual, ...] | None:
    """The smallest sets (2 or 3) of changes among `codes` that flip a score's outcome when no
    single change of them does. Empty for rules (their one smallest set is the combined
    counterfactual) and opaque models; None for a kind that does not search for sets."""
    if not model.evaluable:
        return ()
    found = model.smallest_sets(criteria, typed_values(criteria, model, values), codes, limit)
    return None if found is None else tuple(found)


def decisive(
    model: DecisionModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Any],
    code: str,
    found: Sequence[Counterfactual],
) -> Decisive | None:
    """Whether the criterion decided the outcome (each kind's `decisive`); `found` are the
    counterfactuals of these values with include_fixed."""
    if not model.evaluable:
        return None
    decided: Decisive | None = model.decisive(code, typed_values(criteria, model, values), found)
    return decided

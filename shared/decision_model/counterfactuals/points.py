"""Counterfactuals of a points model: the nearest single-criterion change that flips the result."""

from collections.abc import Mapping

from ..criteria import CriterionDef
from ..evaluation import Evaluation
from ..models import PointsModel
from ..values import Value
from .base import Counterfactual, candidates, flips, ranked, required, single_change


def points_counterfactuals(
    model: PointsModel,
    by_code: Mapping[str, CriterionDef],
    values: Mapping[str, Value],
    current: Evaluation,
    include_fixed: bool = False,
) -> list[Counterfactual]:
    """For each changeable criterion (each one if include_fixed), the nearest value that alone
    crosses the cut-off."""
    result = []
    for code in model.criteria_used():
        criterion = by_code[code]
        if not (criterion.changeable or include_fixed):
            continue
        # Bands match first-come, so only evaluating the whole model tells what a value gives.
        mentioned = [
            band.value for grid in model.grids if grid.criterion == code for band in grid.bands
        ]
        found = ranked(
            criterion,
            values[code],
            candidates(criterion, mentioned),
            flips(model, values, code, current.outcome),
        )
        if found:
            required_value = required(criterion, found, listed=False)
            result.append(
                single_change(
                    model, values, "single_criterion", criterion, required_value, found[0]
                )
            )
    return result

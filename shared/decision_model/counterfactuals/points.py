"""Counterfactuals of a points model: the nearest single-criterion change that flips the result."""

from collections.abc import Mapping

from ..criteria import CriterionDef
from ..evaluation import Evaluation, outcome_of_score, term
from ..models import PointsModel
from ..values import Value
from .base import Counterfactual, candidates, ranked, required, single_change


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
        # The outcome depends on the values only through the score, a sum of one term per
        # criterion: a candidate moves it by the difference of its term (exact, and much
        # cheaper than evaluating the whole model for each candidate).
        assert current.score is not None
        rest = current.score - term(model, code, values[code])
        found = ranked(
            criterion,
            values[code],
            candidates(criterion, mentioned),
            lambda value, code=code, rest=rest: (  # type: ignore[misc]
                outcome_of_score(model, rest + term(model, code, value)) != current.outcome
            ),
        )
        if found:
            required_value = required(criterion, found, listed=False)
            result.append(
                single_change(
                    model, values, "single_criterion", criterion, required_value, found[0]
                )
            )
    return result

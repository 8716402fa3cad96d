"""A registered OpenFisca model run on many cases: results, what-ifs, applied parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..criteria import CriterionDef
from ..values import Value
from .engine import Engine, engine_for
from .search import Found, nearest_changes
from .spec import OpenFiscaModel


@dataclass(frozen=True)
class Result:
    """What the model gives for one case: the outcome, the amount and the details."""

    favourable: bool
    amount: Decimal
    details: tuple[tuple[str, Any], ...] = ()


def engine_of(model: OpenFiscaModel) -> Engine:
    """The engine of the model's package, loaded on first use."""
    return engine_for(model.package, model.package_version)


def results(model: OpenFiscaModel, cases: Sequence[Mapping[str, Value]]) -> list[Result]:
    """Every case computed in one vectorised simulation."""
    if not cases:
        return []
    computation = engine_of(model).compute(model, cases)
    amounts = computation.amounts(model.output, model.period)
    details = [computation.group_values(name, model.period) for name in model.details]
    return [
        Result(amount > model.favourable_above, amount,
               tuple((name, column[index]) for name, column in zip(model.details, details,
                                                                      strict=True)))
        for index, amount in enumerate(amounts)
    ]


def changes(model: OpenFiscaModel, criteria: Sequence[CriterionDef],
            cases: Sequence[Mapping[str, Value]], current: Sequence[Result],
            outcome_only: bool = False) -> list[list[Found[Result]]]:
    """Per case, the nearest value of each criterion, each way, that changes the outcome or
    the amount (the outcome alone with `outcome_only`)."""
    used = set(model.criteria_used())
    searched = [criterion for criterion in criteria if criterion.code in used]

    def differs(mine: Result) -> Any:
        if outcome_only:
            return lambda other: other.favourable != mine.favourable
        return lambda other: (other.favourable, other.amount) != (mine.favourable, mine.amount)

    return nearest_changes(lambda batch: results(model, batch), cases, searched,
                           [differs(result) for result in current])

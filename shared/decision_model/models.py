"""Frozen dataclasses for the kinds of decision model, each implementing `ModelKind`.

The kinds written in Explicite's own small language (rules, points, linear) are computed here,
exactly, in Decimal; their computations live in `evaluation` and `counterfactuals`, imported
when first called (those modules import these classes).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any, ClassVar

from .computed import ModelKind
from .criteria import CriterionDef, Outcomes
from .openfisca.spec import OpenFiscaModel
from .values import ConditionValue, Value

if TYPE_CHECKING:
    from .evaluation import Evaluation, Result


@dataclass(frozen=True)
class Rule:
    """An eligibility condition of a rules model."""

    criterion: str
    op: str
    value: ConditionValue
    label: str
    legal_reference: str


@dataclass(frozen=True)
class Band:
    """A band of a points grid; `value` is None for the catch-all op `any`."""

    op: str
    value: ConditionValue | None
    points: Decimal
    label: str


@dataclass(frozen=True)
class Grid:
    """The points grid of one criterion: the first matching band counts."""

    criterion: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Weight:
    """The weight of one criterion in a linear score."""

    criterion: str
    weight: Decimal
    label: str


@dataclass(frozen=True)
class Threshold:
    """Turns a linear score into an outcome: `when_met` if `score op value` holds."""

    op: str
    value: Decimal
    when_met: str


@dataclass(frozen=True)
class AmountRange:
    """Turns a linear score into an amount clamped to [min, max] and rounded."""

    min: Decimal
    max: Decimal
    round: int


class ExactModel(ModelKind):
    """A kind computed here: each gives its result (`_result`), its what-ifs
    (`_counterfactuals`) and itself without one criterion (`without`)."""

    def explain(self, values: Mapping[str, Value]) -> Evaluation:
        from .evaluation import EXACT, Evaluation

        with localcontext(EXACT):
            outcome, score, amount, steps = self._result(values)
        chosen = self.outcomes.of(outcome)
        return Evaluation(outcome, chosen.code, chosen.label, score, amount, steps)

    def what_ifs(
        self, criteria: Sequence[CriterionDef], values: Mapping[str, Value], include_fixed: bool
    ) -> list[Any]:
        from .evaluation import EXACT

        by_code = {criterion.code: criterion for criterion in criteria}
        current = self.explain(values)
        # Candidate values are computed too, and must be as exact as the evaluation.
        with localcontext(EXACT):
            return self._counterfactuals(by_code, values, current, include_fixed)

    def decisive(self, code: str, values: Mapping[str, Value], found: Sequence[Any]) -> Any:
        from .counterfactuals.deciding import decisive
        from .evaluation import EXACT

        with localcontext(EXACT):
            return decisive(self, code, values, self.explain(values), found)

    outcomes: Outcomes  # each kind's dataclass field

    def _result(self, values: Mapping[str, Value]) -> Result:
        raise NotImplementedError

    def _counterfactuals(
        self,
        by_code: Mapping[str, CriterionDef],
        values: Mapping[str, Value],
        current: Evaluation,
        include_fixed: bool,
    ) -> list[Any]:
        raise NotImplementedError

    def without(self, code: str) -> ExactModel:
        """The model with the criterion's conditions, grids or weights taken out."""
        raise NotImplementedError


class ScoreModel(ExactModel):
    """A kind that decides through a score, a sum of one term per criterion: the smallest
    sets of changes are searched on it."""

    def smallest_sets(
        self,
        criteria: Sequence[CriterionDef],
        values: Mapping[str, Value],
        codes: Collection[str],
        limit: int,
    ) -> list[Any] | None:
        from .counterfactuals.sets import combinations
        from .evaluation import EXACT

        by_code = {criterion.code: criterion for criterion in criteria}
        with localcontext(EXACT):
            return combinations(self, by_code, values, self.explain(values), codes, limit)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RulesModel(ExactModel):
    """Favourable iff every rule holds; grants the fixed `amount` if any."""

    kind: ClassVar[str] = "rules"
    outcomes: Outcomes
    rules: tuple[Rule, ...]
    amount: Decimal | None = None

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads, in order of first use."""
        return tuple(dict.fromkeys(rule.criterion for rule in self.rules))

    def _result(self, values: Mapping[str, Value]) -> Result:
        from .evaluation import rules_result

        return rules_result(self, values)

    def _counterfactuals(
        self,
        by_code: Mapping[str, CriterionDef],
        values: Mapping[str, Value],
        current: Evaluation,
        include_fixed: bool,
    ) -> list[Any]:
        from .counterfactuals.rules import rules_counterfactuals

        return rules_counterfactuals(self, by_code, values, current, include_fixed)

    def without(self, code: str) -> RulesModel:
        return replace(self, rules=tuple(r for r in self.rules if r.criterion != code))


@dataclass(frozen=True)
class PointsModel(ScoreModel):
    """Favourable iff the sum of the grids' points reaches the cut-off."""

    kind: ClassVar[str] = "points"
    outcomes: Outcomes
    grids: tuple[Grid, ...]
    cutoff: Decimal

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads, in order of first use."""
        return tuple(dict.fromkeys(grid.criterion for grid in self.grids))

    def _result(self, values: Mapping[str, Value]) -> Result:
        from .evaluation import points_result

        return points_result(self, values)

    def _counterfactuals(
        self,
        by_code: Mapping[str, CriterionDef],
        values: Mapping[str, Value],
        current: Evaluation,
        include_fixed: bool,
    ) -> list[Any]:
        from .counterfactuals.points import points_counterfactuals

        return points_counterfactuals(self, by_code, values, current, include_fixed)

    def without(self, code: str) -> PointsModel:
        return replace(self, grids=tuple(g for g in self.grids if g.criterion != code))


@dataclass(frozen=True)
class LinearModel(ScoreModel):
    """Score = intercept + Σ weight × value, then exactly one of a threshold or an amount."""

    kind: ClassVar[str] = "linear"
    outcomes: Outcomes
    intercept: Decimal
    weights: tuple[Weight, ...]
    threshold: Threshold | None = None
    amount: AmountRange | None = None

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads, in order of first use."""
        return tuple(dict.fromkeys(weight.criterion for weight in self.weights))

    def _result(self, values: Mapping[str, Value]) -> Result:
        from .evaluation import linear_result

        return linear_result(self, values)

    def _counterfactuals(
        self,
        by_code: Mapping[str, CriterionDef],
        values: Mapping[str, Value],
        current: Evaluation,
        include_fixed: bool,
    ) -> list[Any]:
        from .counterfactuals.linear import linear_counterfactuals

        return linear_counterfactuals(self, by_code, values, current, include_fixed)

    def without(self, code: str) -> LinearModel:
        return replace(self, weights=tuple(w for w in self.weights if w.criterion != code))


@dataclass(frozen=True)
class OpaqueModel(ModelKind):
    """No executable model: explained only by the contributions the producer sends."""

    kind: ClassVar[str] = "opaque"
    evaluable: ClassVar[bool] = False
    outcomes: Outcomes
    description: str

    def criteria_used(self) -> tuple[str, ...]:
        """An opaque model declares no use of criteria that could be checked."""
        return ()

    def explain(self, values: Mapping[str, Value]) -> Evaluation:
        from .evaluation import NotEvaluable

        raise NotEvaluable("An opaque model cannot be evaluated.")


DecisionModel = RulesModel | PointsModel | LinearModel | OpaqueModel | OpenFiscaModel

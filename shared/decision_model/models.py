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
            return combinations(self, by_code, values, self.explain(values), codes, limit)

    def outcome_of_score(self, score: Decimal) -> str:
        """The outcome a score gives: it depends on the person's values only through it."""
        raise NotImplementedError

    def term(self, code: str, value: Value) -> Decimal:
        """The criterion's part of the score for this value: the score is the sum of such
        terms (and an intercept), so changing one value moves it by the difference of terms."""
        raise NotImplementedError

    def must_rise(self, current: Evaluation) -> bool:
        """Whether the score must rise to change the outcome."""
        raise NotImplementedError

    def set_candidates(self, criterion: CriterionDef, here: Value) -> list[Value]:
        """The values of a criterion worth trying in a set of changes."""
        raise NotImplementedError

    def nearest_in_set(
        self,
        by_code: Mapping[str, CriterionDef],
        values: Mapping[str, Value],
        chosen: Sequence[str],
        changes: dict[str, Any],
    ) -> None:
        """Brings a found set's changes as near the person's values as the kind allows."""


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

    def bind(self, by_code: Mapping[str, CriterionDef], errors: dict[Any, Any]) -> RulesModel:
        from .binding import bind_rules

        return bind_rules(self, by_code, errors)

    def granted_amount(self) -> Decimal | None:
        return self.amount


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

    def bind(self, by_code: Mapping[str, CriterionDef], errors: dict[Any, Any]) -> PointsModel:
        from .binding import bind_points

        return bind_points(self, by_code, errors)

    def outcome_of_score(self, score: Decimal) -> str:
        from .criteria import FAVOURABLE, UNFAVOURABLE

        return FAVOURABLE if score >= self.cutoff else UNFAVOURABLE

    def term(self, code: str, value: Value) -> Decimal:
        from .evaluation import match_band

        total = Decimal(0)
        for grid in self.grids:
            if grid.criterion == code:
                band = match_band(grid, value)
                total += Decimal(0) if band is None else grid.bands[band].points
        return total

    def must_rise(self, current: Evaluation) -> bool:
        from .criteria import UNFAVOURABLE

        return current.outcome == UNFAVOURABLE

    def set_candidates(self, criterion: CriterionDef, here: Value) -> list[Value]:
        from .counterfactuals.base import candidates

        mentioned = [
            band.value
            for grid in self.grids
            if grid.criterion == criterion.code
            for band in grid.bands
        ]
        return list(candidates(criterion, mentioned))


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

    def bind(self, by_code: Mapping[str, CriterionDef], errors: dict[Any, Any]) -> LinearModel:
        from .binding import check_weights

        check_weights(self, by_code, errors)
        return self

    def outcome_of_score(self, score: Decimal) -> str:
        from .criteria import FAVOURABLE, UNFAVOURABLE, opposite
        from .evaluation import clamped_amount
        from .values import holds

        if self.threshold is not None:
            threshold = self.threshold
            met = holds(threshold.op, score, threshold.value)
            return threshold.when_met if met else opposite(threshold.when_met)
        assert self.amount is not None
        return FAVOURABLE if clamped_amount(self.amount, score) > self.amount.min else UNFAVOURABLE

    def term(self, code: str, value: Value) -> Decimal:
        from .evaluation import as_number

        return sum(
            (w.weight * as_number(value) for w in self.weights if w.criterion == code), Decimal(0)
        )

    def must_rise(self, current: Evaluation) -> bool:
        from .counterfactuals.linear import linear_boundary

        return linear_boundary(self, current)[1]

    def set_candidates(self, criterion: CriterionDef, here: Value) -> list[Value]:
        if criterion.type == "boolean":
            return [not here]
        # A score is monotonic in each number: only an end of its range can do the most. An
        # unbounded number alone can always flip the outcome: no set is ever needed for it.
        return [end for end in (criterion.min, criterion.max) if end is not None]

    def nearest_in_set(
        self,
        by_code: Mapping[str, CriterionDef],
        values: Mapping[str, Value],
        chosen: Sequence[str],
        changes: dict[str, Any],
    ) -> None:
        """The others at the end of their range, the last number only as far as needed."""
        from .counterfactuals.linear import nearest_numeric

        last = next((code for code in reversed(chosen) if by_code[code].type == "number"), None)
        if last is not None:
            others = {**values, **{c: v for c, v in changes.items() if c != last}}
            nearer = nearest_numeric(self, by_code[last], others, self.explain(others))
            if nearer is not None:
                changes[last] = nearer


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


DecisionModel = ModelKind
"""Any kind of decision model: code outside a kind's own module uses the interface only."""

# Keeps the OpenFisca kind's module imported with the others (its schema is registered in
# `model_schemas.MODEL_SCHEMAS`).
__all__ = ["OpenFiscaModel"]

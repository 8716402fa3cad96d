"""The decision model interface that every kind implements, so that a new kind (Catala,
Publicodes) is one new module: evaluate a person's values with the steps that explain them,
evaluate many cases for replays, find the what-ifs, say whether one criterion decided.

The functions of this package (`evaluate_typed`, `replay`, `replay_many`, `counterfactuals`,
`combinations`, `decisive`) call these methods and never ask which kind a model is.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from .criteria import CriterionDef, Outcomes
from .values import Value

if TYPE_CHECKING:
    from .evaluation import Evaluation


class ModelKind:
    """What every decision model does; each kind overrides what it can compute."""

    kind: ClassVar[str]
    # False for a model with no executable form (opaque): nothing is evaluated, replayed or
    # searched, and the explanation rests on what the producer sent.
    evaluable: ClassVar[bool] = True
    # Many cases cost about as much as one: replays of a consumer batch are computed together.
    batched: ClassVar[bool] = False
    # The largest difference of amount that still counts as the same.
    amount_tolerance: ClassVar[Decimal] = Decimal(0)
    # The outcomes the model gives: each kind's dataclass field.
    outcomes: Outcomes

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads, in order of first use."""
        raise NotImplementedError

    def bind(self, by_code: Mapping[str, CriterionDef], errors: dict[Any, Any]) -> ModelKind:
        """The model checked against its declared criteria, its condition values typed; each
        fault recorded in `errors`, marshmallow-style (see `binding.bind_model`)."""
        return self

    def granted_amount(self) -> Decimal | None:
        """The amount a favourable result grants whatever the person's values, when the kind
        fixes one (rules); None otherwise."""
        return None

    def explain(self, values: Mapping[str, Value]) -> Evaluation:
        """The evaluation of one case (typed values) with the steps that explain it."""
        raise NotImplementedError

    def evaluate_many(self, cases: Sequence[Mapping[str, Value]]) -> list[Evaluation]:
        """The evaluations of many cases (typed values); a batched kind computes them
        together."""
        return [self.explain(values) for values in cases]

    def what_ifs(
        self, criteria: Sequence[CriterionDef], values: Mapping[str, Value], include_fixed: bool
    ) -> list[Any]:
        """The `Counterfactual`s of these typed values: the nearest change of each criterion
        that changes the result, with the result it gives; unchangeable criteria only with
        `include_fixed`."""
        return []

    def smallest_sets(
        self,
        criteria: Sequence[CriterionDef],
        values: Mapping[str, Value],
        codes: Collection[str],
        limit: int,
    ) -> list[Any] | None:
        """The smallest sets of changes among `codes` that change the outcome when no single
        change does; None when the kind does not search for sets (nothing may then be said of
        them)."""
        return None

    def decisive(self, code: str, values: Mapping[str, Value], found: Sequence[Any]) -> Any:
        """The `Decisive` of the criterion for these typed values, or None when it did not
        decide the result; `found`: the what-ifs with unchangeable criteria included."""
        return None


class ComputedModel(ModelKind):
    """A model computed by its own engine (OpenFisca): its explanation is worded from the steps
    of the real computation (the parameters applied, the values computed), and a criterion
    cannot be taken out of it, only given another value."""

    batched: ClassVar[bool] = True

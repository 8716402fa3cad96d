"""The interface of a decision model computed by its own engine (OpenFisca; Catala or
Publicodes would be one more module implementing it).

Such a model evaluates the person's values with the steps of its real computation, evaluates
many cases at once for replays, and finds its own what-ifs by running itself again. The
functions of this package (`evaluate_typed`, `replay_many`, `counterfactuals`, `decisive`)
call these methods and never name the engine; the kinds written in Explicite's own language
(rules, points, linear) are still computed by those functions directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from .criteria import CriterionDef
from .values import Value

if TYPE_CHECKING:
    from .evaluation import Evaluation


@runtime_checkable
class ComputedModel(Protocol):
    """A model whose engine computes, explains and searches by itself."""

    kind: ClassVar[str]
    # The largest difference of amount that still counts as the same (an engine computing in
    # floating point has one).
    amount_tolerance: ClassVar[Decimal]

    def explain(self, values: Mapping[str, Value]) -> Evaluation:
        """The evaluation of one case (typed values) with the steps of the computation."""
        ...

    def evaluate_many(self, cases: Sequence[Mapping[str, Value]]) -> list[Evaluation]:
        """The evaluations of many cases (typed values), computed together, without steps."""
        ...

    def what_ifs(self, criteria: Sequence[CriterionDef], values: Mapping[str, Value],
                 include_fixed: bool) -> list[Any]:
        """For each criterion, the nearest value each way that changes the outcome or the
        amount, verified by computing it, with the result it gives (`Counterfactual`s, which
        this module cannot name: they are defined over it); unchangeable criteria only with
        `include_fixed`."""
        ...

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads."""
        ...

"""What an evaluation applied to the person: one step per rule, grid or weight, then the total."""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .values import ConditionValue, Value


@dataclass(frozen=True)
class RuleStep:
    """A rule of a rules model applied to the person's value."""

    kind: ClassVar[str] = "rule"
    index: int
    criterion: str
    op: str
    value: ConditionValue
    label: str
    legal_reference: str
    person_value: Value
    met: bool


@dataclass(frozen=True)
class GridStep:
    """A points grid applied to the person's value; band_index is None when no band matched."""

    kind: ClassVar[str] = "grid"
    index: int
    criterion: str
    person_value: Value
    band_index: int | None
    band_label: str | None
    points: Decimal


@dataclass(frozen=True)
class WeightStep:
    """A weight of a linear model; a boolean counts 1 or 0 in the contribution."""

    kind: ClassVar[str] = "weight"
    index: int
    criterion: str
    label: str
    person_value: Value
    weight: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class ThresholdStep:
    """The score compared with the cut-off or threshold; `when_met` is the outcome if met."""

    kind: ClassVar[str] = "threshold"
    score: Decimal
    op: str
    value: Decimal
    met: bool
    when_met: str


@dataclass(frozen=True)
class AmountStep:
    """The score clamped to [min, max] and rounded (half up) to `round` decimals."""

    kind: ClassVar[str] = "amount"
    score: Decimal
    min: Decimal
    max: Decimal
    round: int
    amount: Decimal


Step = RuleStep | GridStep | WeightStep | ThresholdStep | AmountStep

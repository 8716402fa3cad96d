"""Frozen dataclasses for the four kinds of decision model."""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .criteria import Outcomes
from .openfisca.spec import OpenFiscaModel
from .values import ConditionValue


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


@dataclass(frozen=True)
class RulesModel:
    """Favourable iff every rule holds; grants the fixed `amount` if any."""

    kind: ClassVar[str] = "rules"
    outcomes: Outcomes
    rules: tuple[Rule, ...]
    amount: Decimal | None = None

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads, in order of first use."""
        return tuple(dict.fromkeys(rule.criterion for rule in self.rules))


@dataclass(frozen=True)
class PointsModel:
    """Favourable iff the sum of the grids' points reaches the cut-off."""

    kind: ClassVar[str] = "points"
    outcomes: Outcomes
    grids: tuple[Grid, ...]
    cutoff: Decimal

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads, in order of first use."""
        return tuple(dict.fromkeys(grid.criterion for grid in self.grids))


@dataclass(frozen=True)
class LinearModel:
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


@dataclass(frozen=True)
class OpaqueModel:
    """No executable model: explained only by the contributions the producer sends."""

    kind: ClassVar[str] = "opaque"
    outcomes: Outcomes
    description: str

    def criteria_used(self) -> tuple[str, ...]:
        """An opaque model declares no use of criteria that could be checked."""
        return ()


DecisionModel = RulesModel | PointsModel | LinearModel | OpaqueModel | OpenFiscaModel

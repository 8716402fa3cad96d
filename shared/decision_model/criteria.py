"""Frozen dataclasses for declared criteria and the outcomes of a model."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

FAVOURABLE = "favourable"
UNFAVOURABLE = "unfavourable"


def opposite(outcome: str) -> str:
    """The other outcome."""
    return UNFAVOURABLE if outcome == FAVOURABLE else FAVOURABLE


@dataclass(frozen=True)
class Phrasing:
    """How explanations speak of a criterion to the person, in sentences about them.

    Optional in the registry: without it, explanations fall back on the criterion's label.
    """

    # Numbers, dates and strings: a noun phrase, e.g. "votre quotient familial".
    subject: str | None = None
    # Booleans: what each value says of the person, in the present tense, e.g. "vous élevez
    # seul votre enfant" and "vous n'élevez pas seul votre enfant".
    if_true: str | None = None
    if_false: str | None = None


@dataclass(frozen=True)
class CriterionDef:
    """A criterion declared by an algorithm version."""

    code: str
    label: str
    type: str
    source: str
    unit: str | None = None
    step: Decimal | None = None  # numbers only, always set for them once loaded
    min: Decimal | None = None  # numbers only: the range of meaningful values, if bounded
    max: Decimal | None = None
    allowed_values: tuple[str, ...] | None = None
    changeable: bool = True
    protected_ground: str | None = None
    justification: str | None = None
    phrasing: Phrasing | None = None

    def out_of_range(self, value: Any) -> str | None:
        """Why a number lies outside the declared min and max, or None if it does not."""
        if self.type != "number":
            return None
        if self.min is not None and value < self.min:
            return f"Must be at least {self.min}."
        if self.max is not None and value > self.max:
            return f"Must be at most {self.max}."
        return None


@dataclass(frozen=True)
class Outcome:
    """One possible result of the decision, as the administration names it."""

    code: str
    label: str


@dataclass(frozen=True)
class Outcomes:
    """The favourable and unfavourable results of a model."""

    favourable: Outcome
    unfavourable: Outcome

    def of(self, outcome: str) -> Outcome:
        """The outcome for "favourable" or "unfavourable"."""
        return self.favourable if outcome == FAVOURABLE else self.unfavourable

"""What a registered OpenFisca decision model says: the package, the case's layout, the output.

Pure data: nothing here imports OpenFisca, so that the registry, the explainer's pages and the
workers without OpenFisca algorithms can read these models without loading it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata
from typing import Any, ClassVar

from ..computed import ComputedModel
from ..criteria import Outcomes
from ..values import Value

# The periods an input may be given at, relative to the case's period: OpenFisca's own names
# (`period.n_2` is the year two years before, where income tax data of a benefit come from).
PERIOD_OFFSETS = ("period", "this_year", "last_year", "n_2", "last_month")


# How a value is read out: an amount in euros, a share (0.256 is 25,6 %), a number of times
# another value (a ceiling in hourly Smic), or a plain number.
UNITS = ("currency", "percent", "times", "number")


class EngineUnavailable(Exception):
    """The country package is not installed here, or not at the registered version."""


def version_error(package: str, version: str) -> str | None:
    """Why `package` cannot run at `version` here (another version, or none), or None."""
    try:
        found = metadata.version(package)
    except metadata.PackageNotFoundError:
        return f"{package} {version} is needed; it is not installed."
    return None if found == version else f"{package} {version} is needed; {found} is installed."


@dataclass(frozen=True)
class Term:
    """How the explanation names a variable or parameter, and the unit of its values."""

    label: str
    unit: str | None = None


@dataclass(frozen=True)
class Count:
    """How many persons of a kind the case has: fixed, or read from a number criterion."""

    fixed: int | None = None
    criterion: str | None = None


@dataclass(frozen=True)
class PersonGroup:
    """Persons of one kind in the case: their roles in each group entity and fixed inputs."""

    name: str
    count: Count
    # Group entity key (e.g. "famille") -> role key in it (e.g. "demandeur").
    roles: tuple[tuple[str, str], ...]
    # OpenFisca person variable -> value, at the case's period (an enum by its item name).
    inputs: tuple[tuple[str, Value], ...] = ()


@dataclass(frozen=True)
class Input:
    """A criterion given to OpenFisca as an input variable at a period of the case.

    A group variable (e.g. `rfr` on the foyer fiscal) is set on the case's one group of that
    entity; a person variable on every person of `persons`.
    """

    criterion: str
    variable: str
    period: str = "period"
    persons: str | None = None


@dataclass(frozen=True)
class OpenFiscaModel(ComputedModel):
    """A decision computed by an OpenFisca country package: amount = `output` of the case.

    The decision is favourable when the amount is above `favourable_above`; `details` are
    other variables of the computation worth showing the person (e.g. the échelon).
    """

    kind: ClassVar[str] = "openfisca"
    outcomes: Outcomes
    package: str
    package_version: str
    period: str
    output: str
    persons: tuple[PersonGroup, ...]
    inputs: tuple[Input, ...]
    favourable_above: Decimal = Decimal(0)
    details: tuple[str, ...] = ()
    # Plain words for the variables and parameters the explanation names (OpenFisca's own
    # labels are written for specialists, and some units are not what they say).
    vocabulary: tuple[tuple[str, Term], ...] = ()

    # OpenFisca computes in float32: an amount declared within a cent of it is the same.
    amount_tolerance: ClassVar[Decimal] = Decimal("0.01")

    # The decision model interface (`..computed.ModelKind`). The runner loads OpenFisca: it is
    # imported only when a case is computed.
    def explain(self, values: Mapping[str, Value]) -> Any:
        """The evaluation of one case with the parameters applied and the variables computed."""
        from .runner import explained

        [evaluation] = explained(self, [values])
        return evaluation

    def evaluate_many(self, cases: Sequence[Mapping[str, Value]]) -> list[Any]:
        """Evaluations of many cases (typed values) in one simulation."""
        from .runner import evaluations

        return evaluations(self, cases)

    def what_ifs(
        self, criteria: Sequence[Any], values: Mapping[str, Value], include_fixed: bool
    ) -> list[Any]:
        """The nearest value of each criterion, each way, that changes the outcome or the
        amount, found by search and computed."""
        from .runner import counterfactuals

        return counterfactuals(self, criteria, values, include_fixed)

    def decisive(self, code: str, values: Mapping[str, Value], found: Sequence[Any]) -> Any:
        """Decisive when another value of the criterion alone changes the outcome or the
        amount: a criterion cannot be taken out of the package's formulas."""
        from ..counterfactuals.deciding import computed_decisive

        return computed_decisive(code, self.explain(values), found)

    def bind(self, by_code: Mapping[str, Any], errors: dict[Any, Any]) -> OpenFiscaModel:
        """Checks what the model asks of its criteria (see `schema.criteria_errors`)."""
        from .schema import criteria_errors

        errors.update(criteria_errors(self, tuple(by_code.values())))
        return self

    def engine_errors(self) -> dict[str, list[str]]:
        """What the package installed here says of the model: its version, then what it does
        not know (entities, roles, variables). Loads the package when the version is right."""
        missing = version_error(self.package, self.package_version)
        if missing:
            return {"package_version": [missing]}
        from .runner import engine_of

        return engine_of(self).layout_errors(self)

    def term(self, name: str) -> Term | None:
        """The registry's words and unit for a variable or parameter, if it gives some."""
        return dict(self.vocabulary).get(name)

    def criteria_used(self) -> tuple[str, ...]:
        """Codes of the criteria the model reads, in order of first use."""
        counted = (group.count.criterion for group in self.persons if group.count.criterion)
        return tuple(dict.fromkeys([*counted, *(item.criterion for item in self.inputs)]))

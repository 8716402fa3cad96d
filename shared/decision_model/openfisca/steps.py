"""What an OpenFisca computation applied to the person: parameters, then computed variables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .engine import Reference


@dataclass(frozen=True)
class ParameterStep:
    """A parameter of the legislation whose value decided the person's result."""

    kind: ClassVar[str] = "parameter"
    name: str
    label: str
    value: Any
    unit: str | None
    instant: str  # when the formula read it
    since: str | None  # the date the value applies from
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class VariableStep:
    """A variable the computation produced for the person's household, in order of
    computation: what it was computed from, and the parameters applied in its formula."""

    kind: ClassVar[str] = "variable"
    variable: str
    label: str
    period: str
    value: Any
    unit: str | None
    inputs: tuple[str, ...]  # labels of the variables it read
    parameters: tuple[str, ...]  # names of the applied parameters its formula read

"""Which parameters of the legislation were applied to each case, found by the real computation.

The trace lists every parameter a formula read, but a formula often reads a whole table and
keeps one cell: the bourse de collège reads the income ceilings for one to eight children and
uses the one for the family's size. A parameter is *applied* to a case when another value of it
changes the case's result: it is read again with 0 and with a value far above any real one, and
the case's output and details compared. A ceiling the person is above or below, a rate or a
base amount all change the result under one of the two; a ceiling for another family size, or
the amount of an échelon the person did not get, changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from openfisca_core.parameters import ParameterNodeAtInstant

from ..values import Value
from .engine import Computation, Engine, ParameterValue
from .spec import OpenFiscaModel

# Far above any amount, rate or ceiling of the legislation, yet finite in float32.
FAR = 1e9


class Substitution:
    """The parameters at an instant, except one leaf that reads another value."""

    def __init__(self, node: Any, target: tuple[str, str], value: Any) -> None:
        self._node = node
        self._target = target
        self._value = value

    def __getattr__(self, key: str) -> Any:
        return self._wrap(getattr(self._node, key), key)

    def __getitem__(self, key: Any) -> Any:
        return self._wrap(self._node[key], key)

    def __contains__(self, key: Any) -> bool:
        return key in self._node

    def __iter__(self) -> Any:
        return iter(self._node)

    def _wrap(self, child: Any, key: Any) -> Any:
        if isinstance(child, ParameterNodeAtInstant):
            return Substitution(child, self._target, self._value)
        name, instant = self._target
        node = self._node
        if isinstance(key, str) and f"{node._name}.{key}" == name \
                and node._instant_str == instant:
            return self._value
        return child


def outputs(model: OpenFiscaModel, computation: Computation) -> list[tuple[Any, ...]]:
    """Per case, the output and the details: what decides and describes the result."""
    columns = [computation.amounts(model.output, model.period)]
    columns += [computation.group_values(name, model.period) for name in model.details]
    return list(zip(*columns, strict=True))


def probes(value: Any) -> tuple[Any, ...]:
    """The other values a parameter is read with to see whether it decides a result."""
    if isinstance(value, bool):
        return (not value,)
    if isinstance(value, int | float):
        return (0, FAR if value >= 0 else -FAR)
    return ()  # a text or a list: nothing to compare it with; never shown as applied


def applied_parameters(engine: Engine, model: OpenFiscaModel,
                       cases: Sequence[Mapping[str, Value]]) -> list[tuple[ParameterValue, ...]]:
    """For each case, the parameters whose value decided its result, in order of reading."""
    traced = engine.compute(model, cases, trace=True)
    base = outputs(model, traced)
    read = dict.fromkeys(_read(traced.simulation.tracer.trees))
    applied: list[list[ParameterValue]] = [[] for _ in cases]
    for name, instant in read:
        info = engine.parameter(name, instant)
        if info is None:
            continue
        deciding = [False] * len(cases)
        for other in probes(info.value):
            changed = outputs(model, engine.compute(
                model, cases, substitute=_substituting((name, instant), other)))
            deciding = [was or now != then
                        for was, now, then in zip(deciding, changed, base, strict=True)]
        for index, decided in enumerate(deciding):
            if decided:
                applied[index].append(info)
    return [tuple(found) for found in applied]


def _substituting(target: tuple[str, str], value: Any) -> Callable[[Any], Substitution]:
    return lambda node: Substitution(node, target, value)


def _read(nodes: Sequence[Any]) -> Any:
    """Every (parameter, instant) read in the trace, depth first, in order of reading."""
    for node in nodes:
        yield from ((p.name, str(p.period)) for p in node.parameters)
        yield from _read(node.children)

"""Which parameters of the legislation were applied to each case, found by the real computation.

The trace lists every parameter a formula read, but a formula often reads a whole table and
keeps one cell: the bourse de collège reads the income ceilings for one to eight children and
uses the one for the family's size. A parameter is *applied* to a case when another value of it
changes the case's result: it is read again with 0 and with a value far above any real one, and
the case's output and details compared. A ceiling the person is above or below, a rate or a
base amount all change the result under one of the two; a ceiling for another family size, or
the amount of an échelon the person did not get, changes nothing.

All the readings run in one simulation: the cases are copied once per (parameter, value) tried,
and each copy reads its own value of its own parameter. A formula that cannot take a parameter
as one value per case (a Python `if` on it, say) makes that simulation fail: then each reading
runs in a simulation of its own, slower and the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy
from openfisca_core.parameters import ParameterNodeAtInstant

from ..values import Value
from .engine import Computation, Engine, Layout, ParameterValue
from .spec import OpenFiscaModel

log = logging.getLogger(__name__)
# Far above any amount, rate or ceiling of the legislation, yet finite in float32.
FAR = 1e9
Target = tuple[str, str]  # (parameter name, instant)


class Substitution:
    """The parameters at an instant, where `replace((name, instant), value)` may give a leaf
    another value."""

    def __init__(self, node: Any, replace: Callable[[Target, Any], Any]) -> None:
        self._node = node
        self._replace = replace

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
            return Substitution(child, self._replace)
        if not isinstance(key, str):
            return child  # a vectorial read: left as it is
        return self._replace((f"{self._node._name}.{key}", self._node._instant_str), child)


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


def applied_parameters(
    engine: Engine, model: OpenFiscaModel, cases: Sequence[Mapping[str, Value]]
) -> list[tuple[ParameterValue, ...]]:
    """For each case, the parameters whose value decided its result, in order of reading."""
    if not cases:
        return []
    traced = engine.compute(model, cases, trace=True)
    base = outputs(model, traced)
    infos = [
        info
        for info in (
            engine.parameter(name, instant)
            for name, instant in dict.fromkeys(_read(traced.simulation.tracer.trees))
        )
        if info is not None
    ]
    readings = [
        ((info.name, info.instant), other) for info in infos for other in probes(info.value)
    ]
    try:
        changed = _all_at_once(engine, model, cases, readings)
    except Exception:  # any failure of the shared simulation: one simulation per reading
        log.info("parameters read one simulation at a time", extra={"output": model.output})
        changed = [
            outputs(model, engine.compute(model, cases, substitute=_only(target, other)))
            for target, other in readings
        ]
    deciding: dict[Target, list[bool]] = {}
    for (target, _other), results in zip(readings, changed, strict=True):
        was = deciding.setdefault(target, [False] * len(cases))
        deciding[target] = [w or r != b for w, r, b in zip(was, results, base, strict=True)]
    return [
        tuple(
            info
            for info in infos
            if deciding.get((info.name, info.instant), [False] * len(cases))[index]
        )
        for index in range(len(cases))
    ]


def _all_at_once(
    engine: Engine,
    model: OpenFiscaModel,
    cases: Sequence[Mapping[str, Value]],
    readings: list[tuple[Target, Any]],
) -> list[list[tuple[Any, ...]]]:
    """Every reading in one simulation: copy k of the cases reads reading k's value."""
    count = len(cases)
    copies: dict[Target, list[int]] = {}
    for index, (target, _other) in enumerate(readings):
        copies.setdefault(target, []).append(index)

    def substitute(node: Any, population: Any, layout: Layout) -> Substitution:
        return Substitution(node, _per_copy(copies, readings, layout.case_of(population) // count))

    computation = engine.compute(model, list(cases) * len(readings), substitute=substitute)
    every = outputs(model, computation)
    return [every[k * count : (k + 1) * count] for k in range(len(readings))]


def _per_copy(
    copies: dict[Target, list[int]], readings: list[tuple[Target, Any]], copy_of: Any
) -> Callable[[Target, Any], Any]:
    """A parameter read by a population: its reading's value for the members of the copies
    that try it, its own value for the others."""
    made: dict[Target, Any] = {}

    def replace(target: Target, base: Any) -> Any:
        if target not in copies or not isinstance(base, int | float | bool):
            return base
        if target not in made:
            array = numpy.full(len(copy_of), base)
            for index in copies[target]:
                array[copy_of == index] = readings[index][1]
            made[target] = array
        return made[target]

    return replace


def _only(target: Target, other: Any) -> Callable[[Any, Any, Any], Substitution]:
    return lambda node, _population, _layout: Substitution(
        node, lambda wanted, base: other if wanted == target else base
    )


def _read(nodes: Sequence[Any]) -> Any:
    """Every (parameter, instant) read in the trace, depth first, in order of reading."""
    for node in nodes:
        yield from ((p.name, str(p.period)) for p in node.parameters)
        yield from _read(node.children)

"""Runs registered OpenFisca models: one vectorised simulation for many cases, traced on demand.

The only module that imports OpenFisca. A country package is loaded once per process, on the
first case that needs it (about 5 s and 130 MB for openfisca-france): a worker that never meets
an OpenFisca algorithm never pays for it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy
from openfisca_core import periods
from openfisca_core.simulation_builder import SimulationBuilder

from ..values import Value
from .spec import EngineUnavailable, OpenFiscaModel, version_error

CENT = Decimal("0.01")


_engines: dict[tuple[str, str], Engine] = {}
_lock = threading.Lock()


def engine_for(package: str, version: str) -> Engine:
    """The loaded engine of `package` at exactly `version`, loaded on first use."""
    key = (package, version)
    with _lock:  # two threads asking at once must not load the package twice
        if key not in _engines:
            missing = version_error(package, version)
            if missing:
                raise EngineUnavailable(missing)
            _engines[key] = Engine(package)
    return _engines[key]


@dataclass(frozen=True)
class Reference:
    """A legal text a parameter or variable cites: its title and, when known, its address."""

    title: str
    href: str | None


@dataclass(frozen=True)
class ParameterValue:
    """A parameter's value in force at an instant, with what OpenFisca says of it."""

    name: str
    instant: str
    value: Any
    description: str
    unit: str | None
    since: str | None
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class TraceStep:
    """A variable computed (or given) for one case, with the parameters its formula read."""

    variable: str
    label: str
    period: str
    # One value for a group variable; one per person of the case for a person variable.
    value: Any
    parameters: tuple[tuple[str, str], ...]  # (name, instant) in order of reading
    depends_on: tuple[TraceStep, ...]


class Computation:
    """A simulation of many cases: read each case's values of any variable at any period."""

    def __init__(self, engine: Engine, simulation: Any, layout: Layout) -> None:
        self._engine = engine
        self.simulation = simulation
        self._layout = layout

    def group_value(self, variable: str, period: str, case: int) -> Any:
        """The value for the case of a variable on a group entity (one instance per case)."""
        return self.group_values(variable, period)[case]

    def group_values(self, variable: str, period: str) -> list[Any]:
        """The values of a group variable, one per case."""
        return [_plain(item) for item in _decoded(self.simulation.calculate(variable, period))]

    def amounts(self, variable: str, period: str) -> list[Decimal]:
        """A money variable for every case, to the cent (OpenFisca computes in float32)."""
        return [to_cents(item) for item in self.simulation.calculate(variable, period)]

    def trace(self, case: int) -> tuple[TraceStep, ...]:
        """The traced computation restricted to one case (needs a traced simulation)."""
        return tuple(self._step(node, case) for node in self.simulation.tracer.trees)

    def _step(self, node: Any, case: int) -> TraceStep:
        variable = self._engine.system.variables[node.name]
        values = _decoded(node.value)
        if variable.entity.is_person:
            value: Any = [_plain(item) for item in values[self._layout.persons_of(case)]]
        else:
            value = _plain(values[case])
        parameters = tuple(dict.fromkeys((p.name, str(p.period)) for p in node.parameters))
        return TraceStep(
            node.name,
            variable.label or node.name,
            str(node.period),
            value,
            parameters,
            tuple(self._step(child, case) for child in node.children),
        )


class Engine:
    """One country package's tax and benefit system, and the simulations built on it."""

    def __init__(self, package: str) -> None:
        module = importlib.import_module(package.replace("-", "_"))
        self.package = package
        self.system = module.CountryTaxBenefitSystem()
        self._parameters = self.system.parameters

    # --- what the registry checks ---------------------------------------------------------

    def layout_errors(self, model: OpenFiscaModel) -> dict[str, list[str]]:
        """Whatever in the model this package does not know, keyed like the model's JSON."""
        errors: dict[str, list[str]] = {}
        groups = {entity.key: entity for entity in self.system.group_entities}
        for index, group in enumerate(model.persons):
            given = dict(group.roles)
            for key, entity in groups.items():
                roles = {role.key for role in entity.flattened_roles}
                if given.get(key) not in roles:
                    errors.setdefault(f"persons.{index}.roles", []).append(
                        f"Give the role in '{key}', one of: {', '.join(sorted(roles))}."
                    )
            for key in given.keys() - groups.keys():
                errors.setdefault(f"persons.{index}.roles", []).append(
                    f"'{key}' is not a group entity of {self.package}."
                )
            for name, _value in group.inputs:
                self._check_variable(errors, f"persons.{index}.inputs", name, person=True)
        for index, item in enumerate(model.inputs):
            self._check_variable(
                errors, f"inputs.{index}.variable", item.variable, person=item.persons is not None
            )
        for name in (model.output, *model.details):
            self._check_variable(errors, "output", name, person=False)
        return errors

    def _check_variable(
        self, errors: dict[str, list[str]], where: str, name: str, person: bool
    ) -> None:
        variable = self.system.variables.get(name)
        if variable is None:
            errors.setdefault(where, []).append(f"'{name}' is not a variable of {self.package}.")
        elif variable.entity.is_person != person:
            kind = "a person" if person else "a group"
            errors.setdefault(where, []).append(f"'{name}' must be a variable of {kind} entity.")

    # --- computing ------------------------------------------------------------------------

    def compute(
        self,
        model: OpenFiscaModel,
        cases: Sequence[Mapping[str, Value]],
        trace: bool = False,
        substitute: Callable[[Any, Any, Any], Any] | None = None,
    ) -> Computation:
        """One simulation of every case: each case is one instance of every group entity.

        `substitute(parameters, population, layout)` wraps the parameters a formula of that
        population reads: how a parameter is given other values (see `applied`).
        """
        layout = Layout(model, cases)
        builder = SimulationBuilder()
        builder.create_entities(self.system)
        builder.declare_person_entity(self.system.person_entity.key, layout.person_ids)
        for entity in self.system.group_entities:
            population = builder.declare_entity(entity.key, layout.case_ids)
            roles = numpy.array(
                [dict(model.persons[g].roles)[entity.key] for g in layout.group_of_person]
            )
            builder.join_with_persons(population, layout.case_of_person, roles)
        simulation = builder.build(self.system)
        simulation.trace = trace
        if substitute is not None:
            simulation._run_formula = self._formula_runner(substitute, layout)
        period = periods.period(model.period)
        for variable, at, values in self._inputs(model, cases, layout, period):
            simulation.set_input(variable, at, values)
        return Computation(self, simulation, layout)

    def _formula_runner(
        self, substitute: Callable[[Any, Any, Any], Any], layout: Layout
    ) -> Callable[[Any, Any, Any], Any]:
        """Simulation._run_formula (openfisca-core 44), with the parameters a formula reads
        wrapped for its population: a parameter may then differ from one case to another
        without copying the legislation."""
        at_instant = self.system.get_parameters_at_instant

        def run(variable: Any, population: Any, period: Any) -> Any:
            formula = variable.get_formula(period)
            if formula is None:
                return None
            if formula.__code__.co_argcount == 2:
                return formula(population, period)
            return formula(
                population, period, lambda at: substitute(at_instant(at), population, layout)
            )

        return run

    def _inputs(
        self,
        model: OpenFiscaModel,
        cases: Sequence[Mapping[str, Value]],
        layout: Layout,
        period: Any,
    ) -> Iterator[tuple[str, Any, Any]]:
        """Each input variable once per period: a later set_input would replace an earlier."""
        per_person: dict[tuple[str, Any], list[Any]] = {}
        for index, group in enumerate(model.persons):
            for name, value in group.inputs:
                self._fill(per_person, layout, (name, period), index, _constant(value))
        for item in model.inputs:
            at = period if item.period == "period" else getattr(period, item.period)
            values = [_number(case[item.criterion]) for case in cases]
            if item.persons is None:
                yield item.variable, at, self._array(item.variable, values)
                continue
            index = next(i for i, g in enumerate(model.persons) if g.name == item.persons)
            self._fill(per_person, layout, (item.variable, at), index, values.__getitem__)
        for (name, at), full in per_person.items():
            yield name, at, self._array(name, full)

    def _fill(
        self,
        per_person: dict[tuple[str, Any], list[Any]],
        layout: Layout,
        key: tuple[str, Any],
        group: int,
        value_of: Callable[[int], Any],
    ) -> None:
        """Set a person variable on the persons of one group, its default on the others."""
        if key not in per_person:
            variable = self.system.variables[key[0]]
            default = variable.default_value
            if variable.value_type.__name__ == "Enum":
                default = default.name
            per_person[key] = [default] * len(layout.group_of_person)
        full = per_person[key]
        for position in numpy.flatnonzero(layout.group_of_person == group):
            full[position] = value_of(int(layout.case_of_person[position]))

    def _array(self, name: str, values: list[Any]) -> Any:
        variable = self.system.variables[name]
        if variable.value_type.__name__ == "Enum":
            return variable.possible_values.encode(numpy.array(values))
        return numpy.array(values, dtype=variable.dtype)

    # --- reading the legislation ----------------------------------------------------------

    def parameter(self, name: str, instant: str) -> ParameterValue | None:
        """A leaf parameter's value in force at `instant`, with its legal references."""
        node: Any = self._parameters
        for part in name.split("."):
            node = getattr(node, part, None)
            if node is None:
                return None
        if not hasattr(node, "values_list"):
            return None  # a scale or a node: no single value to show
        in_force = next((v for v in node.values_list if v.instant_str <= instant), None)
        if in_force is None or in_force.value is None:
            return None
        metadata_ = node.metadata or {}
        return ParameterValue(
            name,
            instant,
            _plain(in_force.value),
            node.description or name,
            metadata_.get("unit"),
            in_force.instant_str,
            _references(metadata_.get("reference"), in_force.instant_str),
        )

    def variable_references(self, name: str) -> tuple[Reference, ...]:
        """The references a variable declares (addresses only, as OpenFisca keeps them)."""
        reference = self.system.variables[name].reference
        links = reference if isinstance(reference, list | tuple) else [reference]
        return tuple(Reference(str(link), str(link)) for link in links if link)


class Layout:
    """Where each case's persons sit in the flat person arrays of a simulation."""

    def __init__(self, model: OpenFiscaModel, cases: Sequence[Mapping[str, Value]]) -> None:
        counts = numpy.array(
            [
                [
                    group.count.fixed
                    if group.count.fixed is not None
                    else int(case[group.count.criterion])  # type: ignore[index, arg-type]
                    for group in model.persons
                ]
                for case in cases
            ],
            dtype=numpy.int64,
        ).reshape(len(cases), len(model.persons))
        flat = counts.ravel()
        self.case_of_person = numpy.repeat(
            numpy.arange(len(cases)).repeat(len(model.persons)), flat
        )
        self.group_of_person = numpy.repeat(
            numpy.tile(numpy.arange(len(model.persons)), len(cases)), flat
        )
        # Integer ids: OpenFisca maps members to groups through the sorted ids, and text ids
        # would sort c10 before c2.
        self.person_ids = numpy.arange(len(self.case_of_person))
        self.case_ids = numpy.arange(len(cases))
        ends = numpy.cumsum(counts.sum(axis=1))
        self._starts = numpy.concatenate(([0], ends[:-1]))
        self._ends = ends

    def case_of(self, population: Any) -> Any:
        """The case of each member of a population: itself for a group, its case for a person."""
        if population.entity.is_person:
            return self.case_of_person
        return numpy.arange(population.count)

    def persons_of(self, case: int) -> slice:
        return slice(int(self._starts[case]), int(self._ends[case]))


def _constant(value: Any) -> Callable[[int], Any]:
    return lambda _case: value


def to_cents(number: Any) -> Decimal:
    """A float computed by OpenFisca as an exact amount to the cent."""
    return Decimal(repr(round(float(number), 2))).quantize(CENT)


def _number(value: Value) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decoded(array: Any) -> Any:
    """An enum array as the names of its items; any other array as it is."""
    return array.decode_to_str() if hasattr(array, "decode_to_str") else array


def _plain(value: Any) -> Any:
    """A numpy scalar or enum item as plain Python: int, float, bool or str."""
    if hasattr(value, "name") and not isinstance(value, str):
        return value.name
    if isinstance(value, numpy.generic):
        return value.item()
    return value


def _references(raw: Any, since: str) -> tuple[Reference, ...]:
    """The references of the value in force: dated ones at the latest date up to `since`."""
    if isinstance(raw, dict) and all(isinstance(k, str) and k[:4].isdigit() for k in raw):
        dated = sorted(k for k in raw if k <= since)
        raw = raw[dated[-1]] if dated else None
    items = raw if isinstance(raw, list) else [raw] if raw else []
    found = []
    for item in items:
        if isinstance(item, dict) and item.get("title"):
            found.append(Reference(str(item["title"]), item.get("href")))
        elif isinstance(item, str):
            found.append(Reference(item, item if item.startswith("http") else None))
    return tuple(found)

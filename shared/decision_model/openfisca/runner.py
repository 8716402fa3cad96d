"""A registered OpenFisca model run on many cases: evaluations, explained ones, what-ifs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..counterfactuals.base import Counterfactual
from ..criteria import FAVOURABLE, UNFAVOURABLE, CriterionDef
from ..evaluation import Evaluation
from ..values import Value
from .applied import applied_parameters
from .engine import Computation, Engine, TraceStep, engine_for
from .search import Found, nearest_changes
from .spec import OpenFiscaModel
from .steps import ParameterStep, VariableStep


@dataclass(frozen=True)
class Result:
    """What the model gives for one case: the outcome, the amount and the details."""

    favourable: bool
    amount: Decimal
    details: tuple[tuple[str, Any], ...] = ()


def engine_of(model: OpenFiscaModel) -> Engine:
    """The engine of the model's package, loaded on first use."""
    return engine_for(model.package, model.package_version)


def results(model: OpenFiscaModel, cases: Sequence[Mapping[str, Value]]) -> list[Result]:
    """Every case computed in one vectorised simulation."""
    if not cases:
        return []
    return _results(model, engine_of(model).compute(model, cases))


def _results(model: OpenFiscaModel, computation: Computation) -> list[Result]:
    amounts = computation.amounts(model.output, model.period)
    details = [computation.group_values(name, model.period) for name in model.details]
    return [
        Result(
            amount > model.favourable_above,
            amount,
            tuple(
                (name, column[index]) for name, column in zip(model.details, details, strict=True)
            ),
        )
        for index, amount in enumerate(amounts)
    ]


def evaluation_of(model: OpenFiscaModel, result: Result, steps: tuple[Any, ...] = ()) -> Evaluation:
    outcome = FAVOURABLE if result.favourable else UNFAVOURABLE
    chosen = model.outcomes.of(outcome)
    return Evaluation(outcome, chosen.code, chosen.label, None, result.amount, steps)


def evaluations(model: OpenFiscaModel, cases: Sequence[Mapping[str, Value]]) -> list[Evaluation]:
    """The evaluation of each case, without steps: what a replay compares."""
    return [evaluation_of(model, result) for result in results(model, cases)]


def explained(model: OpenFiscaModel, cases: Sequence[Mapping[str, Value]]) -> list[Evaluation]:
    """The evaluation of each case with its steps: the parameters applied to it, then the
    variables computed for it, each with what it was computed from."""
    if not cases:
        return []
    engine = engine_of(model)
    computation = engine.compute(model, cases, trace=True)
    found = _results(model, computation)
    applied = applied_parameters(engine, model, cases)
    given = {item.variable for item in model.inputs}
    explained_ = []
    for index, (result, parameters) in enumerate(zip(found, applied, strict=True)):
        names = {parameter.name for parameter in parameters}
        steps: list[Any] = [_parameter_step(model, parameter) for parameter in parameters]
        seen: set[str] = set()
        for root in computation.trace(index):
            steps += _variable_steps(engine, model, root, names, given, seen)
        explained_.append(evaluation_of(model, result, tuple(steps)))
    return explained_


def _parameter_step(model: OpenFiscaModel, parameter: Any) -> ParameterStep:
    term = model.term(parameter.name)
    return ParameterStep(
        parameter.name,
        term.label if term else parameter.description,
        parameter.value,
        term.unit if term else _unit(parameter.unit),
        parameter.instant,
        parameter.since,
        parameter.references,
    )


def _unit(openfisca_unit: str | None) -> str | None:
    # OpenFisca's "/1" is a rate or a multiple: without the registry's word, a plain number.
    return "currency" if openfisca_unit == "currency" else None


def _variable_steps(
    engine: Engine,
    model: OpenFiscaModel,
    node: TraceStep,
    applied: set[str],
    given: set[str],
    seen: set[str],
) -> list[VariableStep]:
    """The group variables computed under `node`, inputs first (each once)."""
    steps: list[VariableStep] = []
    for child in node.depends_on:
        steps += _variable_steps(engine, model, child, applied, given, seen)
    variable = engine.system.variables[node.variable]
    if node.variable in given or node.variable in seen or variable.entity.is_person:
        return steps
    seen.add(node.variable)
    term = model.term(node.variable)
    inputs = tuple(
        dict.fromkeys(_label(model, child.variable, child.label) for child in node.depends_on)
    )
    steps.append(
        VariableStep(
            node.variable,
            term.label if term else node.label,
            node.period,
            node.value,
            term.unit if term else None,
            inputs,
            tuple(name for name, _instant in node.parameters if name in applied),
        )
    )
    return steps


def _label(model: OpenFiscaModel, name: str, fallback: str) -> str:
    term = model.term(name)
    return term.label if term else fallback


def changes(
    model: OpenFiscaModel,
    criteria: Sequence[CriterionDef],
    cases: Sequence[Mapping[str, Value]],
    current: Sequence[Result],
    outcome_only: bool = False,
) -> list[list[Found[Result]]]:
    """Per case, the nearest value of each criterion, each way, that changes the outcome or
    the amount (the outcome alone with `outcome_only`)."""
    used = set(model.criteria_used())
    searched = [criterion for criterion in criteria if criterion.code in used]

    def differs(mine: Result) -> Any:
        if outcome_only:
            return lambda other: other.favourable != mine.favourable
        return lambda other: (other.favourable, other.amount) != (mine.favourable, mine.amount)

    return nearest_changes(
        lambda batch: results(model, batch),
        cases,
        searched,
        [differs(result) for result in current],
    )


def counterfactuals(
    model: OpenFiscaModel,
    criteria: Sequence[CriterionDef],
    values: Mapping[str, Value],
    include_fixed: bool,
) -> list[Counterfactual]:
    """The nearest change of each criterion, each way, that changes the outcome or the amount;
    unchangeable criteria only with `include_fixed`."""
    allowed = [c for c in criteria if include_fixed or c.changeable]
    [current] = results(model, [values])
    [found] = changes(model, allowed, [values], [current])
    return [
        Counterfactual(
            "single_criterion",
            change.criterion,
            values[change.criterion],
            change.value,
            ((change.criterion, change.value),),
            FAVOURABLE if change.result.favourable else UNFAVOURABLE,
            evaluation_of(model, change.result),
        )
        for change in found
    ]

"""The wording of a decision computed by OpenFisca: the parameters of the
legislation applied to the person, with their values at the decision's period and their texts,
then the computation as a short path from the person's data to the amount.

Everything comes from the real computation (`Evaluation.steps` of a `ComputedModel`: the
parameters another value of which would have changed the person's result, then the variables
computed for the household), never from the registry's description of it.

A what-if's value is the one the search verified, and the one a step back verified not to give
its result (shared/decision_model/openfisca/search.py): nothing is said of values beyond it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, STEPS, Block, paragraphs
from services.explainer.domain.wording import (
    lower_first,
    number,
    sentence,
    subject_of,
    upper_first,
    value_text,
)
from shared.decision_model import Evaluation
from shared.decision_model.openfisca.spec import OpenFiscaModel
from shared.decision_model.openfisca.steps import ParameterStep, VariableStep
from shared.french import format_amount, format_date

from .base import KindWording

if TYPE_CHECKING:
    from services.explainer.domain.what_if import WhatIfs

TAKEN_INTO_ACCOUNT = "pris en compte"


def _model(case: Case) -> OpenFiscaModel:
    model = case.algorithm.model
    assert isinstance(model, OpenFiscaModel)
    return model


def engine_name(case: Case) -> str:
    """`OpenFisca-France 176.1.8`: the package and the exact version the decision was computed
    with, as registered."""
    model = _model(case)
    name = "OpenFisca-France" if model.package == "openfisca-france" else model.package
    return f"{name} {model.package_version}"


def model_sentence(case: Case) -> str:
    return f"Il calcule le montant avec le programme public {engine_name(case)}."


def effects(case: Case) -> dict[str, str]:
    """Each datum the computation read: its effect is the whole computation, told below."""
    return dict.fromkeys(case.algorithm.model.criteria_used(), TAKEN_INTO_ACCOUNT)


def value_in(unit: str | None, value: Any) -> str:
    """A parameter's or variable's value in its unit: `474,37 €`, `25,6 %`, `1 915,3`."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    amount = Decimal(str(value))
    if unit == "currency":
        return format_amount(amount.quantize(Decimal("0.01")))
    if unit == "percent":
        return f"{number((amount * 100).quantize(Decimal('0.001')))}\u00a0%"
    return number(
        amount.quantize(Decimal("0.001")) if amount != amount.to_integral_value() else amount
    )


def parameter_item(step: ParameterStep, period_start: str) -> str:
    """`Smic horaire brut : 11,65 € (au 1er juillet 2024).`: the value in force on the date the
    formula reads it, said when it is not the decision's period (texts and dates of effect are
    in `calculation_details`)."""
    text = f"{step.label} : {value_in(step.unit, step.value)}"
    if step.instant != period_start:
        text += f" (au {format_date(date.fromisoformat(step.instant))})"
    return f"{text}."


def parameter_text(step: ParameterStep) -> str:
    """The closed section's line: the value, the date it applies from, and each text cited with
    its address (Légifrance where the package gives it)."""
    text = f"{step.label} : {value_in(step.unit, step.value)}"
    if step.since:
        text += f", en vigueur depuis le {format_date(date.fromisoformat(step.since))}"
    texts = " ; ".join(
        f"{reference.title} ({reference.href})" if reference.href else reference.title
        for reference in step.references
    )
    return f"{text}. Texte : {texts}." if texts else f"{text}."


def path_item(step: VariableStep) -> str:
    """`Échelon de la bourse : 1, d'après le revenu fiscal de référence du foyer et l'âge…`."""
    text = f"{step.label} : {value_in(step.unit, step.value)}"
    if step.inputs:
        text += f", d'après : {', '.join(lower_first(i) for i in step.inputs)}"
    return sentence(text)


def _period_start(case: Case) -> str:
    period = _model(case).period
    return (
        period if len(period) == 10 else f"{period}-01" if len(period) == 7 else f"{period}-01-01"
    )


def calculation_blocks(case: Case, evaluation: Evaluation) -> list[Block]:
    """« Le calcul »: the parameters of the legislation applied to the person."""
    start = _period_start(case)
    parameters = [s for s in evaluation.steps if isinstance(s, ParameterStep)]
    blocks = paragraphs(
        f"Ces valeurs fixées par les textes ont compté pour vous, au "
        f"{format_date(date.fromisoformat(start))} :"
    )
    blocks.append(Block(LIST, items=tuple(parameter_item(step, start) for step in parameters)))
    return blocks


def operation_blocks(evaluation: Evaluation) -> list[Block]:
    """The operations (R311-3-1-2 4°) as the computation made them for the person: each value
    computed for the household, from what."""
    path = [s for s in evaluation.steps if isinstance(s, VariableStep)]
    return [Block(STEPS, items=tuple(path_item(step) for step in path))]


def calculation_details(evaluation: Evaluation) -> list[Block]:
    """The closed section's part: the texts of each value applied, with their addresses."""
    items = [parameter_text(s) for s in evaluation.steps if isinstance(s, ParameterStep)]
    if not items:
        return []
    return [
        *paragraphs("Les valeurs appliquées et leurs textes :"),
        Block(LIST, items=tuple(items)),
    ]


def reason(case: Case, evaluation: Evaluation, gap: str | None) -> str:
    """« L'essentiel »'s reason: the amount computed; for a refusal, whose amount the outcome
    sentence just said, the nearest change that would have given the aid, with the gap (`gap`:
    that what-if's sentence)."""
    if gap:
        return upper_first(gap)
    return f"Le calcul donne {format_amount(evaluation.amount or Decimal(0))}."


def gap_sentence(case: Case, found: WhatIfs | None) -> str | None:
    """For a refusal, the nearest change the person may act on that gives the aid, said as
    what it would have given: `Si le revenu fiscal de référence de votre foyer avait été de
    18 130 € (4 822 € de moins) : bourse de collège accordée (120 €).` (short: the whole of
    « L'essentiel » has 90 words).

    Only what was computed is said: that value gives that outcome and amount, and the value one
    step back does not (`search.verified`). Not `18 130 € ou moins`: that every lower value
    gives the aid too was not computed, and a formula need not be monotonic. Not `aurait dû
    être`, which reads as a reproach to a person whose income is what it is.
    """
    current = case.evaluation
    if case.favourable or found is None or current is None:
        return None
    change = next(
        (
            w
            for w in found.changes
            if w.evaluation.outcome != current.outcome and len(w.changes) == 1
        ),
        None,
    )
    if change is None:
        return None
    [(code, value)] = change.changes
    criterion = case.algorithm.criterion(code)
    before = case.values[code]
    if criterion is None or criterion.type != "number":
        return None
    gap = Decimal(str(value)) - Decimal(str(before))
    more = "de plus" if gap > 0 else "de moins"
    after = change.evaluation
    amount = f" ({format_amount(after.amount)})" if after.amount else ""
    return (
        f"Si {subject_of(criterion)} avait été de {value_text(criterion, value)} "
        f"({value_text(criterion, abs(gap))} {more}) : {lower_first(after.outcome_label)}"
        f"{amount}."
    )


class OpenFiscaWording(KindWording):
    def model_sentence(self, case: Case) -> str:
        return model_sentence(case)

    def effects(self, case: Case) -> dict[str, str]:
        return effects(case)

    def calculation(self, case: Case) -> list[Block]:
        assert case.evaluation is not None
        return calculation_blocks(case, case.evaluation)

    def calculation_details(self, case: Case) -> list[Block]:
        assert case.evaluation is not None
        return calculation_details(case.evaluation)

    def operations(self, case: Case) -> list[Block] | None:
        assert case.evaluation is not None
        return operation_blocks(case.evaluation)

    def reason(self, case: Case, found: WhatIfs | None) -> str:
        assert case.evaluation is not None
        return reason(case, case.evaluation, gap_sentence(case, found))

    def motif(self, case: Case, texts: str) -> str:
        assert case.evaluation is not None
        amount = format_amount(case.evaluation.amount or 0)
        return (
            f"Le calcul fait avec {engine_name(case)} donne un montant de {amount}. "
            f"Règles fixées par : {texts}."
        )

    def what_if_result(
        self, case: Case, current: Evaluation, after: Evaluation, *, single: bool
    ) -> str:
        assert after.amount is not None
        outcome = lower_first(after.outcome_label)
        return f"le montant aurait été de {format_amount(after.amount)} : {outcome}."

    def result_figure(self, case: Case, after: Evaluation) -> str:
        return f" ({format_amount(after.amount)})" if after.amount is not None else ""


WORDING = OpenFiscaWording()

"""The wording of a linear model: a weighted score against a threshold, or an amount."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from services.explainer.domain.case import Case
from services.explainer.domain.document import Block, paragraphs
from services.explainer.domain.wording import lower_first, points, score_text, threshold_rule
from shared.decision_model import (
    AmountStep,
    Counterfactual,
    Evaluation,
    LinearModel,
    ThresholdStep,
)
from shared.french import format_amount

from .base import KindWording
from .common import AT_LEAST, AT_MOST, result_sentence, score_figure, score_gap
from .common import step_effects as _step_effects
from .common import total as _total

if TYPE_CHECKING:
    from services.explainer.domain.what_if import WhatIfs


def _model(case: Case) -> LinearModel:
    model = case.algorithm.model
    assert isinstance(model, LinearModel)
    return model


def _facts(case: Case, lead: str) -> str:
    evaluation = case.evaluation
    assert evaluation is not None
    last = evaluation.steps[-1]
    if isinstance(last, ThresholdStep):
        return score_gap(last, lead)
    assert evaluation.amount is not None
    return f"Le calcul donne un montant de {format_amount(evaluation.amount)}."


class LinearWording(KindWording):
    def model_sentence(self, case: Case) -> str:
        return (
            "Il calcule un montant." if _model(case).amount is not None else "Il calcule un score."
        )

    def effects(self, case: Case) -> dict[str, str]:
        return _step_effects(case, in_euros=_model(case).amount is not None)

    def calculation(self, case: Case) -> list[Block]:
        model, evaluation = _model(case), case.evaluation
        assert evaluation is not None
        in_euros = model.amount is not None
        intro = (
            ["Chaque information compte pour un montant, selon son poids."]
            if in_euros
            else ["Chaque information compte pour un nombre de points, selon son poids."]
        )
        if model.intercept:
            intro.append(f"Le calcul part de {score_text(model.intercept, in_euros)}.")
        if model.threshold is not None:
            outcome = model.outcomes.of(model.threshold.when_met).label
            intro.append(
                f"Avec {threshold_rule(model.threshold.op, model.threshold.value)}, le "
                f"résultat est : {lower_first(outcome)}."
            )
            return paragraphs(" ".join([*intro, _total(evaluation, "Votre score")]))
        last = evaluation.steps[-1]
        assert isinstance(last, AmountStep)
        total = [f"Le calcul donne {format_amount(last.score)}."]
        if last.score > last.max:
            total.append(f"Le montant ne peut pas dépasser {format_amount(last.max)}.")
        elif last.score < last.min:
            total.append(f"Le montant ne peut pas être inférieur à {format_amount(last.min)}.")
        total += [
            f"Montant retenu, arrondi : {format_amount(last.amount)}.",
            result_sentence(evaluation),
        ]
        return paragraphs(" ".join([*intro, *total]))

    def reason(self, case: Case, found: WhatIfs | None) -> str:
        return _facts(case, "Votre score est de")

    def motif(self, case: Case, texts: str) -> str:
        return f"{_facts(case, 'Votre dossier a obtenu un score de')} Règles fixées par : {texts}."

    def what_if_result(
        self, case: Case, current: Evaluation, after: Evaluation, *, single: bool
    ) -> str:
        outcome = lower_first(after.outcome_label) + "."
        assert after.score is not None and current.score is not None
        if _model(case).amount is not None:
            assert after.amount is not None and current.amount is not None
            return f"le montant aurait été de {format_amount(after.amount)} : {outcome}"
        return f"votre score aurait été de {points(after.score)} : {outcome}"

    def beyond(
        self,
        case: Case,
        cf: Counterfactual,
        code: str,
        new: Any,
        base: Mapping[str, Any],
        lower: bool,
    ) -> str:
        return AT_MOST if lower else AT_LEAST  # a score is monotonic in each criterion

    def result_figure(self, case: Case, after: Evaluation) -> str:
        return score_figure(after)


WORDING = LinearWording()

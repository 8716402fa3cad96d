"""The wording of a rules model: conditions, each met or not, with the person's values."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, Block, paragraphs
from services.explainer.domain.wording import lower_first, value_text
from shared.decision_model import Counterfactual, RulesModel, RuleStep
from shared.french import format_amount

from .base import KindWording
from .common import AT_LEAST, AT_MOST, EXACTLY, condition_gap, limit_gap, result_sentence
from .common import step_effects as _step_effects

if TYPE_CHECKING:
    from services.explainer.domain.what_if import WhatIfs


def _model(case: Case) -> RulesModel:
    model = case.algorithm.model
    assert isinstance(model, RulesModel)
    return model


def _failed(case: Case) -> list[RuleStep]:
    assert case.evaluation is not None
    return [s for s in case.evaluation.steps if isinstance(s, RuleStep) and not s.met]


class RulesWording(KindWording):
    def model_sentence(self, case: Case) -> str:
        return "Il vérifie si vous remplissez les conditions prévues par les textes."

    def effects(self, case: Case) -> dict[str, str]:
        return _step_effects(case)

    def calculation(self, case: Case) -> list[Block]:
        evaluation = case.evaluation
        assert evaluation is not None
        steps = [s for s in evaluation.steps if isinstance(s, RuleStep)]
        items = [
            f"{step.label} : {'remplie' if step.met else 'non remplie'}. Pour vous : "
            f"{value_text(case.algorithm.criterion(step.criterion), step.person_value)}"
            f"{limit_gap(case, step)}."
            for step in steps
        ]
        count = len(steps)
        intro = (
            "Il faut remplir cette condition :"
            if count == 1
            else f"Il faut remplir les {count} conditions :"
        )
        closing = result_sentence(evaluation)
        if evaluation.amount:
            closing += f" Le montant prévu est de {format_amount(evaluation.amount)}."
        return [*paragraphs(intro), Block(LIST, items=tuple(items)), *paragraphs(closing)]

    def calculation_references(self, case: Case) -> list[str]:
        return [f"{rule.label} : {rule.legal_reference}." for rule in _model(case).rules]

    def reason(self, case: Case, found: WhatIfs | None) -> str:
        failed = _failed(case)
        if not failed:
            return "Vous remplissez toutes les conditions."
        others = len(failed) - 1
        more = (
            f" {others} autre{'s' if others > 1 else ''} condition{'s' if others > 1 else ''} "
            f"non remplie{'s' if others > 1 else ''}."
            if others
            else ""
        )
        return condition_gap(case, failed[0]) + more

    def motif(self, case: Case, texts: str) -> str:
        failed = _failed(case)
        unmet = " ; ".join(
            f"{lower_first(step.label)} (pour vous : "
            f"{value_text(case.algorithm.criterion(step.criterion), step.person_value)}, "
            f"{step.legal_reference})"
            for step in failed
        )
        plural = "s" if len(failed) > 1 else ""
        return f"Condition{plural} non remplie{plural} : {unmet}."

    def beyond(
        self,
        case: Case,
        cf: Counterfactual,
        code: str,
        new: Any,
        base: Mapping[str, Any],
        lower: bool,
    ) -> str:
        model = _model(case)
        indexes = (
            [cf.rule_index]
            if cf.rule_index is not None
            else [i for i, r in enumerate(model.rules) if r.criterion == code]
        )
        ops = {model.rules[i].op for i in indexes}
        if cf.kind == "would_lose":
            ops = {{"<=": ">", "<": ">=", ">=": "<", ">": "<="}.get(op, op) for op in ops}
        if ops <= {"<=", "<"}:
            return AT_MOST
        return AT_LEAST if ops <= {">=", ">"} else EXACTLY

    def smallest_sets(
        self, case: Case, found: list[Counterfactual], codes: Collection[str]
    ) -> list[Counterfactual] | None:
        """All failed conditions met together: the one smallest set."""
        return [
            cf
            for cf in found
            if len(cf.changes) > 1 and all(code in codes for code, _value in cf.changes)
        ]


WORDING = RulesWording()

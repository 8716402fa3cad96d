"""The wording of a points model: each criterion's band gives points, their sum meets a
threshold or not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from services.explainer.domain.case import Case
from services.explainer.domain.document import Block, paragraphs
from services.explainer.domain.wording import lower_first, number, points
from shared.decision_model import Counterfactual, Evaluation, PointsModel, ThresholdStep, evaluate

from .base import KindWording
from .common import AT_LEAST, AT_MOST, EXACTLY, json_value, probes, score_figure, score_gap
from .common import step_effects as _step_effects
from .common import total as _total

if TYPE_CHECKING:
    from services.explainer.domain.what_if import WhatIfs


def _model(case: Case) -> PointsModel:
    model = case.algorithm.model
    assert isinstance(model, PointsModel)
    return model


def _threshold(case: Case) -> ThresholdStep:
    assert case.evaluation is not None
    last = case.evaluation.steps[-1]
    assert isinstance(last, ThresholdStep)
    return last


class PointsWording(KindWording):
    def model_sentence(self, case: Case) -> str:
        return "Il compte des points, selon un barème."

    def effects(self, case: Case) -> dict[str, str]:
        return _step_effects(case)

    def calculation(self, case: Case) -> list[Block]:
        model, evaluation = _model(case), case.evaluation
        assert evaluation is not None
        favourable = lower_first(model.outcomes.favourable.label)
        return paragraphs(
            f"Les points s'additionnent. Il en faut {number(model.cutoff)} ou plus "
            f"pour ce résultat : {favourable}. " + _total(evaluation, "Votre total")
        )

    def reason(self, case: Case, found: WhatIfs | None) -> str:
        return score_gap(_threshold(case), "Votre demande a obtenu")

    def motif(self, case: Case, texts: str) -> str:
        return (
            f"{score_gap(_threshold(case), 'Votre demande a obtenu')} Règles fixées par : {texts}."
        )

    def what_if_result(
        self, case: Case, current: Evaluation, after: Evaluation, *, single: bool
    ) -> str:
        outcome = lower_first(after.outcome_label) + "."
        assert after.score is not None and current.score is not None
        delta = after.score - current.score
        more = "de plus" if delta > 0 else "de moins"
        scored = (
            f"vous auriez eu {points(abs(delta))} {more}, soit {points(after.score)}"
            if single
            else f"vous auriez eu {points(after.score)}"
        )
        return f"{scored} : {outcome}"

    def beyond(
        self,
        case: Case,
        cf: Counterfactual,
        code: str,
        new: Any,
        base: Mapping[str, Any],
        lower: bool,
    ) -> str:
        """Every band beyond probed: the score is a sum of one term per criterion, so each
        probe moves it by its term."""
        model = _model(case)
        criterion = case.algorithm.criterion(code)
        assert criterion is not None
        boundaries = [b.value for g in model.grids if g.criterion == code for b in g.bands]
        beyond = [
            p
            for p in probes(criterion, boundaries)
            if (p <= new if lower else p >= new) and not criterion.out_of_range(p)
        ]
        others = evaluate(model, case.algorithm.criteria, {**base, code: json_value(new)})
        assert others.score is not None
        rest = others.score - model.term(code, new)
        flips = all(
            model.outcome_of_score(rest + model.term(code, p)) == cf.resulting_outcome
            for p in beyond
        )
        return (AT_MOST if lower else AT_LEAST) if flips else EXACTLY

    def result_figure(self, case: Case, after: Evaluation) -> str:
        return score_figure(after)


WORDING = PointsWording()

"""What would have changed the result: the model's exact counterfactuals, in plain French."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from services.explainer.domain.applied import signed
from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, Block, paragraphs
from services.explainer.domain.wording import (
    both,
    lower_first,
    number,
    of,
    points,
    quoted,
    threshold_phrase,
    upper_first,
    value_text,
)
from shared.decision_model import (
    Counterfactual,
    CriterionDef,
    Evaluation,
    GridStep,
    LinearModel,
    OpaqueModel,
    PointsModel,
    RulesModel,
    ThresholdStep,
    counterfactuals,
    evaluate,
)
from shared.french import format_amount

AT_MOST, AT_LEAST, EXACTLY = "at_most", "at_least", "exactly"
INTRO = ("Voici ce qui aurait donné un autre résultat. Nous l'avons calculé avec les règles "
         "publiées et vos données. Sauf mention contraire, chaque piste change une seule "
         "information : les autres restent les mêmes.")


def what_if_blocks(case: Case) -> list[Block]:
    model, evaluation = case.algorithm.model, case.evaluation
    if isinstance(model, OpaqueModel):
        return _opaque(case)
    if evaluation is None:
        return paragraphs("Le calcul n'a pas pu être refait avec vos données. Nous ne pouvons "
                          "donc pas dire ce qui aurait changé le résultat.")
    found = counterfactuals(model, case.algorithm.criteria, case.values)
    intro = INTRO
    if not case.fully_automated:
        intro += (f" Ce calcul porte sur le résultat de l'algorithme : la décision reste celle "
                  f"{of(case.human_role)}.")
    blocks = paragraphs(intro)
    sentences = [describe(case, cf, evaluation) for cf in found]
    if sentences:
        blocks.append(Block(LIST, items=tuple(sentences)))
    else:
        blocks += paragraphs("Aucun changement d'une seule information ne vous aurait donné un "
                             "autre résultat.")
    fixed = [c for c in _used(case) if not c.changeable]
    if fixed:
        blocks += paragraphs(f"Ces informations ne peuvent pas être changées. Nous ne proposons "
                             f"donc aucune piste pour elles : "
                             f"{both(*(quoted(c.label) for c in fixed))}.")
    return blocks


def _used(case: Case) -> list[CriterionDef]:
    codes = case.algorithm.model.criteria_used()
    return [c for c in case.algorithm.criteria if c.code in codes]


def describe(case: Case, cf: Counterfactual, current: Evaluation) -> str:
    """One counterfactual as sentences that give the person's values and the result."""
    model = case.algorithm.model
    outcome = lower_first(cf.resulting_evaluation.outcome_label)
    if cf.kind == "all_failed_rules":
        parts = [_target(case, code, value, _direction(case, cf, code, value))
                 for code, value in cf.changes]
        return (f"Il aurait fallu remplir toutes les conditions à la fois : {both(*parts)}. "
                f"Le résultat aurait alors été : {outcome}.")
    assert cf.criterion is not None
    code, new = cf.changes[0]
    change = _change(case, code, cf.current_value, cf.required_value,
                     _direction(case, cf, code, new))
    if isinstance(model, RulesModel):
        assert cf.rule_index is not None
        rule = quoted(model.rules[cf.rule_index].label)
        if cf.kind == "would_lose":
            return (f"{upper_first(change)}, la condition {rule} n'aurait plus été remplie. "
                    f"Le résultat aurait été : {outcome}.")
        text = f"Condition non remplie : {rule}. Elle l'aurait été {change}."
        if cf.resulting_outcome != current.outcome:
            return (f"{text} Avec ce changement, toutes les conditions auraient été remplies. "
                    f"Le résultat aurait été : {outcome}.")
        return (f"{text} D'autres conditions ne sont pas remplies : ce changement seul n'aurait "
                "pas suffi.")
    after = cf.resulting_evaluation
    if isinstance(model, PointsModel):
        before_points, after_points = _grid_points(current, code), _grid_points(after, code)
        assert after.score is not None
        return (f"{upper_first(change)}, vous auriez eu {points(after_points)} au lieu de "
                f"{number(before_points)} pour cette information. Votre total aurait été "
                f"de {points(after.score)} : il {_crossing(after)}. "
                f"Le résultat aurait été : {outcome}.")
    assert isinstance(model, LinearModel) and after.score is not None
    assert current.score is not None
    if model.amount is not None:
        assert after.amount is not None and current.amount is not None
        return (f"{upper_first(change)}, le montant aurait été de {format_amount(after.amount)} "
                f"au lieu de {format_amount(current.amount)}. Le résultat aurait été : {outcome}.")
    return (f"{upper_first(change)}, votre score aurait été de {points(after.score)} au lieu de "
            f"{number(current.score)} : il {_crossing(after)}. Le résultat aurait été : {outcome}.")


def _crossing(after: Evaluation) -> str:
    """`aurait atteint le seuil de 60 points`, from the changed evaluation's last step."""
    threshold = after.steps[-1]
    assert isinstance(threshold, ThresholdStep)
    return threshold_phrase(threshold.op, threshold.value, threshold.met, conditional=True)


def _grid_points(evaluation: Evaluation, code: str) -> Decimal:
    return sum((s.points for s in evaluation.steps
                if isinstance(s, GridStep) and s.criterion == code), Decimal(0))


def _qualified(criterion: CriterionDef, value: Any, direction: str) -> str:
    """`de 700 € au plus`, `le 3 mars 2026 au plus tard`, `oui`, `« B »`."""
    text = value_text(criterion, value)
    if criterion.type == "number":
        return f"de {text}" + {AT_MOST: " au plus", AT_LEAST: " au moins"}.get(direction, "")
    if criterion.type == "date":
        return f"le {text}" + {AT_MOST: " au plus tard", AT_LEAST: " au plus tôt"}.get(
            direction, "")
    return text


def _change(case: Case, code: str, current: Any, required: Any, direction: str) -> str:
    """`si « Quotient familial » avait été de 700 € au plus (au lieu de 1 180 €)`."""
    criterion = case.algorithm.criterion(code)
    assert criterion is not None
    label, was = quoted(criterion.label), value_text(criterion, current)
    if criterion.type == "boolean":
        return (f"si la réponse à {label} avait été {value_text(criterion, required)} "
                f"(au lieu de {was})")
    instead = "au lieu du" if criterion.type == "date" else "au lieu de"
    return f"si {label} avait été {_qualified(criterion, required, direction)} ({instead} {was})"


def _target(case: Case, code: str, value: Any, direction: str) -> str:
    criterion = case.algorithm.criterion(code)
    assert criterion is not None
    if criterion.type in ("boolean", "string"):
        return f"{quoted(criterion.label)} : {value_text(criterion, value)}"
    return f"{quoted(criterion.label)} {_qualified(criterion, value, direction)}"


def _direction(case: Case, cf: Counterfactual, code: str, new: Any) -> str:
    """Whether every value beyond the one given also works, so that `au plus` is exact."""
    criterion = case.algorithm.criterion(code)
    if criterion is None or criterion.type not in ("number", "date"):
        return EXACTLY
    current = case.evaluation
    typed_current = next(s.person_value for s in current.steps  # type: ignore[union-attr]
                         if getattr(s, "criterion", None) == code)
    lower = new < typed_current
    model = case.algorithm.model
    if isinstance(model, LinearModel):
        return AT_MOST if lower else AT_LEAST  # a score is monotonic in each criterion
    if isinstance(model, RulesModel):
        indexes = ([cf.rule_index] if cf.rule_index is not None
                   else [i for i, r in enumerate(model.rules) if r.criterion == code])
        ops = {model.rules[i].op for i in indexes}
        if cf.kind == "would_lose":
            ops = {{"<=": ">", "<": ">=", ">=": "<", ">": "<="}.get(op, op) for op in ops}
        if ops <= {"<=", "<"}:
            return AT_MOST
        return AT_LEAST if ops <= {">=", ">"} else EXACTLY
    assert isinstance(model, PointsModel)
    boundaries = [b.value for g in model.grids if g.criterion == code for b in g.bands]
    beyond = [p for p in _probes(criterion, boundaries)
              if (p <= new if lower else p >= new) and not criterion.out_of_range(p)]
    values = case.values
    flips = all(evaluate(model, case.algorithm.criteria, {**values, code: p}).outcome
                != current.outcome for p in beyond)  # type: ignore[union-attr]
    return (AT_MOST if lower else AT_LEAST) if flips else EXACTLY


def _probes(criterion: CriterionDef, boundaries: Iterable[Any]) -> list[Any]:
    """A value in every interval the boundaries cut: the results are constant inside each."""
    flat = sorted({v for b in boundaries if b is not None
                   for v in (b if isinstance(b, tuple) else (b,))})
    step: Any = timedelta(days=1) if criterion.type == "date" else criterion.step
    probes = [v + delta for v in flat for delta in (-step, 0 * step, step)]
    for low, high in pairwise(flat):
        probes.append(low + (high - low) // 2 if isinstance(low, date) else (low + high) / 2)
    return probes


def _opaque(case: Case) -> list[Block]:
    blocks = paragraphs("Cet algorithme n'a pas de règles que l'on peut refaire à la main. Nous "
                        "ne pouvons donc pas calculer exactement ce qui aurait changé le "
                        "résultat.")
    ranked = sorted(case.contributions.items(), key=lambda item: (-abs(item[1]), item[0]))[:3]
    if ranked:
        names = [f"{quoted(case.algorithm.label(code))} (effet {signed(effect)})"
                 for code, effect in ranked]
        blocks += paragraphs(f"Selon l'administration, les informations qui ont le plus pesé "
                             f"sont : {both(*names)}. C'est une estimation, pas un calcul exact.")
    return blocks


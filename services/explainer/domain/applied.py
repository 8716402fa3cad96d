"""R311-3-1-2, 2° and 3°: the data, their sources and the parameters applied to the person.

One table gives each datum, the person's value, what it gave (points, weight, condition met or
not) and where it came from; the parameters section then says how these effects make the
result, with the gap to the threshold in the score's own units.
"""

from __future__ import annotations

from decimal import Decimal

from services.explainer.domain import computed
from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, NOTICE, TABLE, Block, paragraphs
from services.explainer.domain.wording import (
    label_of,
    lower_first,
    number,
    points,
    score_text,
    sentence,
    threshold_gap,
    threshold_rule,
    value_text,
)
from shared.decision_model import (
    AmountStep,
    ComputedModel,
    Evaluation,
    GridStep,
    LinearModel,
    OpaqueModel,
    PointsModel,
    RulesModel,
    RuleStep,
    ThresholdStep,
    WeightStep,
)
from shared.french import format_amount

NOT_REPLAYABLE = (
    "Le calcul n'a pas pu être refait avec les données transmises. "
    "Demandez le détail au service responsable."
)
HEADER = ("Information", "Pour vous", "Effet", "Origine")


def data_blocks(case: Case) -> list[Block]:
    """Each datum with the person's value, its effect and its source."""
    effects = _effects(case)
    rows = []
    sources = case.sources
    for code, value in case.values.items():
        criterion = case.algorithm.criterion(code)
        source = sources.get(code) or (criterion.source if criterion else "") or "non indiquée"
        rows.append(
            (
                label_of(criterion, code),
                value_text(criterion, value),
                effects.get(code, "aucun"),
                source,
            )
        )
    return [Block(TABLE, header=HEADER, rows=tuple(rows))]


def _effects(case: Case) -> dict[str, str]:
    """What each criterion gave: `20 points`, `10,5 points (1,5 point par point d'écart)`,
    `condition remplie`, `+0,12 (estimé)`."""
    model, evaluation = case.algorithm.model, case.evaluation
    if isinstance(model, OpaqueModel):
        return {code: f"{signed(effect)} (estimé)" for code, effect in case.contributions.items()}
    if evaluation is None:
        return {}
    if isinstance(model, ComputedModel):
        return computed.effects(case)
    effects: dict[str, str] = {}
    met: dict[str, bool] = {}
    in_euros = isinstance(model, LinearModel) and model.amount is not None
    for step in evaluation.steps:
        if isinstance(step, GridStep):
            effects[step.criterion] = points(step.points)
        elif isinstance(step, WeightStep):
            rule = f" ({lower_first(step.label)})" if step.label else ""
            effects[step.criterion] = f"{score_text(step.contribution, in_euros)}{rule}"
        elif isinstance(step, RuleStep):
            met[step.criterion] = met.get(step.criterion, True) and step.met
    effects.update(
        {code: "condition remplie" if ok else "condition non remplie" for code, ok in met.items()}
    )
    return effects


def applied_blocks(case: Case) -> list[Block]:
    """How the effects make the result: the rule of the total, the total, the gap."""
    model, evaluation = case.algorithm.model, case.evaluation
    if isinstance(model, OpaqueModel):
        return _opaque(case)
    if evaluation is None:
        return paragraphs(NOT_REPLAYABLE)
    if isinstance(model, ComputedModel):
        return computed.calculation_blocks(case, evaluation)
    if isinstance(model, RulesModel):
        return _rules(case, evaluation)
    if isinstance(model, PointsModel):
        favourable = lower_first(model.outcomes.favourable.label)
        return paragraphs(
            f"Les points s'additionnent. Il en faut {number(model.cutoff)} ou plus "
            f"pour ce résultat : {favourable}. " + _total(evaluation, "Votre total")
        )
    assert isinstance(model, LinearModel)
    return _linear(model, evaluation)


def applied_details(case: Case) -> list[Block]:
    """What the closed section of legal texts adds: the texts of the applied parameters, with
    their addresses, for a model whose engine gives them."""
    evaluation = case.evaluation
    if not isinstance(case.algorithm.model, ComputedModel) or evaluation is None:
        return []
    return computed.calculation_details(evaluation)


def result_sentence(evaluation: Evaluation) -> str:
    return f"Le résultat est donc : {lower_first(evaluation.outcome_label)}."


def _rules(case: Case, evaluation: Evaluation) -> list[Block]:
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


def condition_gap(case: Case, step: RuleStep) -> str:
    """`Condition non remplie : revenu … 25 000 € ou moins. Pour vous : 27 319 €, soit 2 319 €
    de plus que la limite.`"""
    return (
        f"Condition non remplie : {lower_first(step.label)}. Pour vous : "
        f"{value_text(case.algorithm.criterion(step.criterion), step.person_value)}"
        f"{limit_gap(case, step)}."
    )


def limit_gap(case: Case, step: RuleStep) -> str:
    """`, soit 2 319 € de plus que la limite` for a failed number condition, else nothing: the
    gap in the criterion's own unit."""
    criterion = case.algorithm.criterion(step.criterion)
    if (
        step.met
        or criterion is None
        or criterion.type != "number"
        or step.op not in ("<=", "<", ">=", ">")
        or not isinstance(step.value, Decimal)
        or not isinstance(step.person_value, Decimal)
        or step.person_value == step.value
    ):
        return ""
    more = "de plus" if step.person_value > step.value else "de moins"
    gap = abs(step.person_value - step.value)
    return f", soit {value_text(criterion, gap)} {more} que la limite"


def _total(evaluation: Evaluation, name: str) -> str:
    """`Votre total : 45 points, il manquait 15 points pour atteindre le seuil.`: the gap is
    the threshold minus the score; with the rule of the threshold said just before, it says
    the result."""
    step = evaluation.steps[-1]
    assert isinstance(step, ThresholdStep)
    return f"{name} : {points(step.score)}, {threshold_gap(step, naming_threshold=True)}."


def _linear(model: LinearModel, evaluation: Evaluation) -> list[Block]:
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


def _opaque(case: Case) -> list[Block]:
    model = case.algorithm.model
    assert isinstance(model, OpaqueModel)
    blocks = paragraphs(
        "Cet algorithme ne suit pas des règles que l'on peut refaire à la main. "
        "Description donnée par l'administration : " + sentence(lower_first(model.description))
    )
    if not case.contributions:
        blocks += paragraphs(
            "L'administration n'a pas transmis l'effet de chaque information sur le résultat."
        )
    else:
        blocks += paragraphs(
            "L'effet de chaque information est indiqué par l'administration. "
            "Un nombre positif a augmenté le score, un nombre négatif l'a "
            "diminué."
        )
    if case.decision.get("score") is not None:
        blocks += paragraphs(f"Score calculé : {number(Decimal(str(case.decision['score'])))}.")
    blocks.append(
        Block(
            NOTICE,
            "Attention : ces effets sont une estimation donnée par "
            "l'administration. Nous ne pouvons pas refaire le calcul pour les "
            "vérifier.",
        )
    )
    return blocks


def signed(effect: Decimal) -> str:
    """`+0,12`, `−0,3`, `0`."""
    text = number(abs(effect))
    return f"+{text}" if effect > 0 else f"−{text}" if effect < 0 else text

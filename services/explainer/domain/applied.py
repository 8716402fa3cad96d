"""R311-3-1-2, 3°: the parameters and their weights, applied to the person's own values."""

from __future__ import annotations

from decimal import Decimal

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, NOTICE, Block, paragraphs
from services.explainer.domain.wording import (
    lower_first,
    number,
    points,
    score_text,
    sentence,
    threshold_phrase,
    threshold_rule,
    value_text,
)
from shared.decision_model import (
    AmountStep,
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

NOT_REPLAYABLE = ("Le calcul n'a pas pu être refait avec les données transmises. "
                  "Demandez le détail au service responsable.")


def applied_blocks(case: Case) -> list[Block]:
    """Each rule, grid or weight with the person's value and what it gave, then the total."""
    model, evaluation = case.algorithm.model, case.evaluation
    if isinstance(model, OpaqueModel):
        return _opaque(case)
    if evaluation is None:
        return paragraphs(NOT_REPLAYABLE)
    if isinstance(model, RulesModel):
        return _rules(case, model, evaluation)
    if isinstance(model, PointsModel):
        return _points(case, model, evaluation)
    assert isinstance(model, LinearModel)
    return _linear(case, model, evaluation)


def result_sentence(evaluation: Evaluation) -> str:
    return f"Le résultat est donc : {lower_first(evaluation.outcome_label)}."


def _value(case: Case, code: str, value: object) -> str:
    return value_text(case.algorithm.criterion(code), value)


def _rules(case: Case, model: RulesModel, evaluation: Evaluation) -> list[Block]:
    steps = [s for s in evaluation.steps if isinstance(s, RuleStep)]
    count = len(steps)
    intro = ("La réponse est favorable si la condition suivante est remplie." if count == 1
             else f"La réponse est favorable si les {count} conditions suivantes sont toutes "
                  "remplies.")
    items = [f"{step.label} ({step.legal_reference}). "
             f"Pour vous : {_value(case, step.criterion, step.person_value)}. "
             f"{'Condition remplie' if step.met else 'Condition non remplie'}."
             for step in steps]
    met = sum(step.met for step in steps)
    if met == count:
        summary = ("La condition est remplie." if count == 1
                   else f"Les {count} conditions sont remplies.")
    elif met == 0:
        summary = (f"Aucune des {count} conditions n'est remplie." if count > 1
                   else "La condition n'est pas remplie.")
    elif met == 1:
        summary = f"1 condition sur {count} est remplie."
    else:
        summary = f"{met} conditions sur {count} sont remplies."
    closing = [summary, result_sentence(evaluation)]
    if evaluation.amount:
        closing.append(f"Le montant prévu est de {format_amount(evaluation.amount)}.")
    return [*paragraphs(intro), Block(LIST, items=tuple(items)), *paragraphs(" ".join(closing))]


def _points(case: Case, model: PointsModel, evaluation: Evaluation) -> list[Block]:
    favourable = lower_first(model.outcomes.favourable.label)
    intro = (f"Chaque information donne des points, selon un barème. Il faut au moins "
             f"{points(model.cutoff)} pour ce résultat : {favourable}.")
    items = []
    for step in evaluation.steps:
        if not isinstance(step, GridStep):
            continue
        value = _value(case, step.criterion, step.person_value)
        head = f"{case.algorithm.label(step.criterion)} : {value}."
        if step.band_label is None:
            items.append(f"{head} Aucune ligne du barème ne correspond : 0 point.")
        else:
            items.append(f"{head} Cela donne {points(step.points)} "
                         f"({lower_first(step.band_label)}).")
    total = _total(evaluation, "Votre total")
    return [*paragraphs(intro), Block(LIST, items=tuple(items)), *paragraphs(total)]


def _total(evaluation: Evaluation, name: str) -> str:
    step = evaluation.steps[-1]
    assert isinstance(step, ThresholdStep)
    return (f"{name} : {points(step.score)}. Il {threshold_phrase(step.op, step.value, step.met)}. "
            f"{result_sentence(evaluation)}")


def _linear(case: Case, model: LinearModel, evaluation: Evaluation) -> list[Block]:
    in_euros = model.amount is not None
    intro = (["Un montant est calculé. Chaque information compte selon son poids."] if in_euros
             else ["Un score est calculé. Chaque information compte pour un nombre de points, "
                   "selon son poids."])
    if model.intercept:
        intro.append(f"Le calcul part de {score_text(model.intercept, in_euros)}.")
    if model.threshold is not None:
        outcome = model.outcomes.of(model.threshold.when_met).label
        intro.append(f"Avec un score de {threshold_rule(model.threshold.op, model.threshold.value)}"
                     f", le résultat est : {lower_first(outcome)}.")
    elif model.amount is not None:
        intro.append(f"Le montant est arrondi. Il reste compris entre "
                     f"{format_amount(model.amount.min)} et {format_amount(model.amount.max)}.")
    items = [_weight(case, step, in_euros) for step in evaluation.steps
             if isinstance(step, WeightStep)]
    last = evaluation.steps[-1]
    if isinstance(last, AmountStep):
        total = [f"Le calcul donne {format_amount(last.score)}."]
        if last.score > last.max:
            total.append(f"Le montant ne peut pas dépasser {format_amount(last.max)}.")
        elif last.score < last.min:
            total.append(f"Le montant ne peut pas être inférieur à {format_amount(last.min)}.")
        total += [f"Montant retenu : {format_amount(last.amount)}.", result_sentence(evaluation)]
        closing = " ".join(total)
    else:
        closing = _total(evaluation, "Votre score")
    return [*paragraphs(" ".join(intro)), Block(LIST, items=tuple(items)),
            *paragraphs(closing)]


def _weight(case: Case, step: WeightStep, in_euros: bool) -> str:
    value = _value(case, step.criterion, step.person_value)
    head = f"{case.algorithm.label(step.criterion)} : {value}."
    rule = f" Règle : {lower_first(sentence(step.label))}" if step.label else ""
    if isinstance(step.person_value, bool):
        return f"{head}{rule} Cela compte pour {score_text(step.contribution, in_euros)}."
    assert isinstance(step.person_value, Decimal)
    return (f"{head}{rule} Calcul : {number(step.person_value)} × "
            f"{number(step.weight)} = {score_text(step.contribution, in_euros)}.")


def _opaque(case: Case) -> list[Block]:
    model = case.algorithm.model
    assert isinstance(model, OpaqueModel)
    blocks = paragraphs("Cet algorithme ne suit pas des règles que l'on peut refaire à la main. "
                        "Description donnée par l'administration : "
                        + sentence(lower_first(model.description)))
    contributions = case.contributions
    if not contributions:
        blocks += paragraphs("L'administration n'a pas transmis l'effet de chaque information "
                             "sur le résultat.")
    else:
        blocks += paragraphs("Pour chaque information, l'administration a indiqué son effet sur "
                             "le résultat. Un nombre positif a augmenté le score. Un nombre "
                             "négatif l'a diminué.")
        ordered = sorted(contributions.items(), key=lambda item: (-abs(item[1]), item[0]))
        blocks.append(Block(LIST, items=tuple(
            f"{case.algorithm.label(code)} : {_value(case, code, case.values.get(code))}. "
            f"Effet : {signed(effect)}." for code, effect in ordered)))
    if case.decision.get("score") is not None:
        blocks += paragraphs(f"Score calculé : {number(Decimal(str(case.decision['score'])))}.")
    blocks.append(Block(NOTICE, "Attention : ces effets sont une estimation donnée par "
                                "l'administration. Nous ne pouvons pas refaire le calcul pour les "
                                "vérifier. Ils ne disent pas exactement ce qui aurait changé la "
                                "décision."))
    return blocks


def signed(effect: Decimal) -> str:
    """`+0,12`, `−0,3`, `0`."""
    text = number(abs(effect))
    return f"+{text}" if effect > 0 else f"−{text}" if effect < 0 else text

"""« L'essentiel »: the first thing the person reads, in at most 90 words, no article number.

The result (the document's outcome sentence, shown just before), the main reason with the
person's own figures and the gap, what they can do and by when (or that the delay is past,
and what they can still do), and whom to call. It depends on the reading date: pages and PDFs
build it when they are read (see `explanation.at_reading`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.explainer.domain import computed
from services.explainer.domain.applied import condition_gap
from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, Block
from services.explainer.domain.recourse import next_step
from services.explainer.domain.what_if import WhatIfs
from services.explainer.domain.wording import (
    lower_first,
    points,
    sentence,
    subject_of,
    threshold_gap,
    upper_first,
    value_text,
)
from shared.decision_model import (
    ComputedModel,
    LinearModel,
    OpaqueModel,
    PointsModel,
    RulesModel,
    RuleStep,
    ThresholdStep,
)
from shared.french import format_amount, format_date

LIMIT_WORDS = 90


def essential_blocks(case: Case, today: date, found: WhatIfs) -> list[Block]:
    """The items under the outcome sentence: reason, check, next step, contact; `found` are
    the decision's what-ifs."""
    items = [reason(case, found)]
    if found.checks:
        items.append("Vérifiez vos informations : une erreur a pu changer le résultat.")
    step = next_step(case, today)
    if step.deadline is None:
        items.append(step.text)
    elif step.past:
        # What can still be done replaces what could have been: the first screen stays short.
        # The deadline is the last day the person could act (« au plus tard le … »): the delay
        # ended that day, it was not already past on it.
        items.append(
            f"Le délai a pris fin le {format_date(step.deadline)}. {step.if_past or ''}".strip()
        )
    else:
        items.append(f"{step.text} Au plus tard le {format_date(step.deadline)}.")
    # `contact` is a phone number (with whom it reaches) or a place to go.
    call = (
        "Appelez le"
        if step.contact[:1].isdigit() or step.contact.startswith("+")
        else "Adressez-vous à :"
    )
    items.append(f"Une question ? {call} {sentence(step.contact)}")
    return [Block(LIST, items=tuple(items))]


def reason(case: Case, found: WhatIfs | None = None) -> str:
    """The main reason, with the person's figures and, for a score, the gap to the threshold;
    `found`: the decision's what-ifs, whose nearest change gives the gap of a computed amount."""
    model, evaluation = case.algorithm.model, case.evaluation
    if case.divergent:
        expected = (
            lower_first(evaluation.outcome_label) if evaluation is not None else "un autre résultat"
        )
        if case.fully_automated:
            return (
                f"Les règles publiées donnaient un autre résultat : {expected}. Signalez cet "
                f"écart si vous contestez."
            )
        given = (
            "Les raisons sont données plus bas."
            if case.departure_reasons
            else "Aucune raison n'a été donnée."
        )
        return (
            f"Les règles publiées donnaient : {expected}. {upper_first(case.human_role)} a "
            f"décidé autrement. {given}"
        )
    if isinstance(model, OpaqueModel):
        return "Un algorithme a calculé un score à partir de vos données. Le détail est plus bas."
    if evaluation is None:
        return "Le calcul n'a pas pu être refait avec vos données. Demandez le détail au service."
    if isinstance(model, ComputedModel):
        return computed.reason(case, evaluation, gap_sentence(case, found))
    if isinstance(model, RulesModel):
        failed = [s for s in evaluation.steps if isinstance(s, RuleStep) and not s.met]
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
    last = evaluation.steps[-1]
    if isinstance(model, LinearModel) and model.amount is not None:
        assert evaluation.amount is not None
        return f"Le calcul donne un montant de {format_amount(evaluation.amount)}."
    assert isinstance(last, ThresholdStep) and isinstance(model, PointsModel | LinearModel)
    return score_gap(
        last, "Votre demande a obtenu" if isinstance(model, PointsModel) else "Votre score est de"
    )


def gap_sentence(case: Case, found: WhatIfs | None) -> str | None:
    """For a refusal, the nearest change the person may act on that gives the aid, with the
    gap in the criterion's unit: `le revenu … de votre foyer aurait dû être de 18 130 € (4 822 €
    de moins).`, the value computed to give the other outcome."""
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
    return (
        f"{subject_of(criterion)} aurait dû être de {value_text(criterion, value)} "
        f"({value_text(criterion, abs(gap))} {more})."
    )


def score_gap(step: ThresholdStep, lead: str) -> str:
    """`Votre demande a obtenu 45 points, pour un seuil de 60 : il vous manquait 15 points.`

    The gap is the threshold minus the score, in the score's own units.
    """
    head = f"{lead} {points(step.score)}, pour un seuil de {points(step.value)}"
    return f"{head} : {threshold_gap(step)}."


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits, `1 180 €` as one figure."""
    return sum(
        1
        for token in text.replace("\u202f", "").replace("\u00a0", "").split()
        if any(ch.isalnum() for ch in token)
    )

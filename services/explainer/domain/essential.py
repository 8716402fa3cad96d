"""« L'essentiel »: the first thing the person reads, in at most 90 words, no article number.

The result (the document's outcome sentence, shown just before), the main reason with the
person's own figures and the gap, what they can do and by when (or that the delay is past,
and what they can still do), and whom to call. It depends on the reading date: pages and PDFs
build it when they are read (see `explanation.at_reading`).
"""

from __future__ import annotations

from datetime import date

from services.explainer.domain.case import Case
from services.explainer.domain.document import LIST, Block
from services.explainer.domain.kinds import wording_of
from services.explainer.domain.recourse import next_step
from services.explainer.domain.what_if import WhatIfs
from services.explainer.domain.wording import lower_first, sentence, upper_first
from shared.french import format_date

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
        # ended that day, it was not already past on it (« terminé le », not « dépassé
        # depuis le »). Three words shorter than « Le délai a pris fin le »: the first screen
        # holds at most 90 words.
        items.append(f"Délai terminé le {format_date(step.deadline)}. {step.if_past or ''}".strip())
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
    """The main reason, with the person's figures and, for a score, the gap to the threshold
    (each kind words it); `found`: the decision's what-ifs, whose nearest change gives the gap
    of a computed amount."""
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
    if model.evaluable and evaluation is None:
        return "Le calcul n'a pas pu être refait avec vos données. Demandez le détail au service."
    return wording_of(model).reason(case, found)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits, `1 180 €` as one figure."""
    return sum(
        1
        for token in text.replace("\u202f", "").replace("\u00a0", "").split()
        if any(ch.isalnum() for ch in token)
    )

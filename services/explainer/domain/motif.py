"""The motif of an unfavourable decision, for the back office to print on the notice.

L211-2 and L211-5 of the CRPA: an unfavourable decision states the considerations of law and
of fact on which it rests; for a decision taken by an algorithm alone, a defective notice risks
nullity (loi Informatique et Libertés, art. 47). One or two sentences: the facts (the person's
figures), then the law (the rule's reference, or the texts the registry gives).
"""

from __future__ import annotations

from services.explainer.domain.case import Case
from services.explainer.domain.kinds import wording_of
from services.explainer.domain.wording import lower_first, upper_first

# The article that grants the transparency itself, not a ground of the decision.
_NOT_A_GROUND = "L311-3-1"


def motif(case: Case) -> str | None:
    """The motif of an unfavourable decision; None for a favourable one."""
    if case.favourable:
        return None
    model, evaluation = case.algorithm.model, case.evaluation
    texts = _texts(case)
    if case.divergent:
        expected = (
            lower_first(evaluation.outcome_label) if evaluation is not None else "un autre résultat"
        )
        if case.fully_automated:
            return (
                f"Les règles publiées de l'algorithme donnaient : {expected}. La décision ne "
                f"les suit pas."
            )
        reasons = case.departure_reasons
        return (
            f"Les règles publiées de l'algorithme donnaient : {expected}. "
            f"{upper_first(case.human_role)} a décidé autrement"
            + (
                f", pour ce motif : {reasons.rstrip('.')}."
                if reasons
                else ", sans en donner le motif."
            )
        )
    if model.evaluable and evaluation is None:
        return f"Textes appliqués : {texts}."
    return wording_of(model).motif(case, texts)


def _texts(case: Case) -> str:
    bases = [
        b
        for b in case.algorithm.document["legal_bases"]
        if (b.get("article") or "") != _NOT_A_GROUND
    ]
    return " ; ".join(
        b["title"] + (f", article {b['article']}" if b.get("article") else "")
        for b in bases or case.algorithm.document["legal_bases"]
    )

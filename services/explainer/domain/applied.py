"""R311-3-1-2, 2° and 3°: the data, their sources and the parameters applied to the person.

One table gives each datum, the person's value, what it gave (points, weight, condition met or
not) and where it came from; the parameters section then says how these effects make the
result, with the gap to the threshold in the score's own units. Each kind of model words both
(`kinds`).
"""

from __future__ import annotations

from services.explainer.domain.case import Case
from services.explainer.domain.document import TABLE, Block, paragraphs
from services.explainer.domain.kinds import wording_of
from services.explainer.domain.wording import label_of, value_text

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
    model = case.algorithm.model
    if model.evaluable and case.evaluation is None:
        return {}
    return wording_of(model).effects(case)


def applied_blocks(case: Case) -> list[Block]:
    """How the effects make the result: the rule of the total, the total, the gap."""
    model = case.algorithm.model
    if model.evaluable and case.evaluation is None:
        return paragraphs(NOT_REPLAYABLE)
    return wording_of(model).calculation(case)


def applied_details(case: Case) -> list[Block]:
    """What the closed section of legal texts adds: the texts of the applied parameters, with
    their addresses, for a model whose engine gives them."""
    if case.evaluation is None:
        return []
    return wording_of(case.algorithm.model).calculation_details(case)

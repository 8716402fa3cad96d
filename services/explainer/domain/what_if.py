"""What would have changed the result: the model's exact counterfactuals, in plain French.

Every sentence here is checked against the registered model, unchangeable and protected
criteria included (tests/unit/explainer/test_what_if_truth.py):

- a change the person may act on is stated with the result it gives;
- a criterion that is unchangeable or touches a ground of discrimination is never offered as
  something to change: when its other value would have changed the result, it is stated as a
  datum to check (« Vérifiez vos informations »), since a wrong or missing value in the file
  may have cost the result;
- when no single change suffices, the smallest sets of changes (2, then 3 criteria) that do;
- a sentence saying that nothing would have changed the result says exactly over which
  criteria that was searched, and is said only when the search, which is exhaustive, found
  nothing there;
- a divergent decision gets no what-if: the model's result is not the decision's, and a what-if
  would describe losing what the person never obtained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.explainer.domain.case import Case, fixed
from services.explainer.domain.document import LIST, Block, paragraphs
from services.explainer.domain.kinds import wording_of
from services.explainer.domain.kinds.common import AT_LEAST, AT_MOST, EXACTLY, typed
from services.explainer.domain.wording import (
    both,
    qualified,
    que,
    statement,
    subject_of,
    upper_first,
    value_text,
)
from shared.decision_model import (
    COMBINATION,
    FAVOURABLE,
    Counterfactual,
    CriterionDef,
    Evaluation,
    counterfactuals,
)
from shared.decision_model.values import Value

MAX_SHOWN = 2
CHANGE, CHECK = "change", "check"

# The sentences that say nothing would have changed the result, each with what it claims:
# the tests check each claim against the model whenever the sentence is said.
NONE_AT_ALL = (
    "Aucune information de votre dossier, changée seule, n'aurait donné un autre résultat."
)
NONE_CHANGEABLE = (
    "Changer une seule des informations que vous pouvez faire évoluer n'aurait pas suffi."
)
NO_SMALL_SET = (
    "Même en changeant deux ou trois des informations que vous pouvez faire évoluer, "
    "le résultat aurait été le même."
)
NOTHING_TO_CHANGE = (
    "Aucune de ces informations ne dépend de vous : nous ne proposons donc pas de changement."
)
DIVERGENT = (
    "La décision ne suit pas les règles publiées : nous ne pouvons donc pas dire quel "
    "changement l'aurait changée."
)
NOT_REPLAYABLE = (
    "Le calcul n'a pas pu être refait avec vos données. Nous ne pouvons donc pas "
    "dire ce qui aurait changé le résultat."
)


@dataclass(frozen=True)
class WhatIf:
    """One stated what-if: these changes, applied together to the person's values, give
    `evaluation` under the registered model; `text` says so."""

    kind: str  # CHANGE, CHECK or COMBINATION
    changes: tuple[tuple[str, Value], ...]
    evaluation: Evaluation
    text: str


@dataclass(frozen=True)
class WhatIfs:
    """Everything the section states, as data: what the tests check and templates use."""

    changes: tuple[WhatIf, ...] = ()
    checks: tuple[WhatIf, ...] = ()
    combinations: tuple[WhatIf, ...] = ()
    # The NONE_AT_ALL, NONE_CHANGEABLE and NO_SMALL_SET sentences said, in order.
    nothing: tuple[str, ...] = ()
    # Every counterfactual found, unchangeable criteria included (what `decisive` reads).
    found: tuple[Counterfactual, ...] = ()

    def __iter__(self) -> Any:
        return iter((*self.changes, *self.combinations, *self.checks))


def what_ifs(case: Case) -> WhatIfs:
    """The what-ifs of a decision whose outcome is the model's; none otherwise."""
    model, current = case.algorithm.model, case.evaluation
    if not model.evaluable or current is None:
        return WhatIfs()
    everything = counterfactuals(model, case.algorithm.criteria, case.values, include_fixed=True)
    if case.divergent:
        return WhatIfs(found=everything)
    found = [cf for cf in everything if _changes_result(cf, current)]
    single = [cf for cf in found if len(cf.changes) == 1]
    changeable = [c for c in _used(case) if not fixed(c)]
    codes = {c.code for c in changeable}
    # A few are enough to understand; more would bury the rest of the page.
    changes = [_what_if(case, CHANGE, cf) for cf in single if cf.changes[0][0] in codes][:MAX_SHOWN]
    checks = (
        [_what_if(case, CHECK, cf) for cf in single if cf.changes[0][0] not in codes]
        if current.outcome != FAVOURABLE
        else []
    )
    sets: list[WhatIf] = []
    nothing = []
    if not changes:
        if not single:
            nothing.append(NONE_AT_ALL)
        elif changeable:
            nothing.append(NONE_CHANGEABLE)
        searched = _sets(case, found, codes)
        if current.outcome != FAVOURABLE and len(changeable) >= 2 and searched is not None:
            sets = [_what_if(case, COMBINATION, cf) for cf in searched]
            if not sets:
                nothing.append(NO_SMALL_SET)
    return WhatIfs(tuple(changes), tuple(checks), tuple(sets), tuple(nothing), everything)


def _changes_result(cf: Counterfactual, current: Evaluation) -> bool:
    """The change gives another outcome, or the same with another amount (a computed model's
    search finds the nearest change of either)."""
    after = cf.resulting_evaluation
    return cf.resulting_outcome != current.outcome or (
        after.amount is not None and current.amount is not None and after.amount != current.amount
    )


def _sets(case: Case, found: list[Counterfactual], codes: set[str]) -> list[Counterfactual] | None:
    """The smallest sets of changes the person may act on; for rules, all failed conditions
    met together, which is the one smallest set; None when the model's search does not look
    for sets (a computed model), so that nothing is said of them."""
    return wording_of(case.algorithm.model).smallest_sets(case, found, codes)


def _used(case: Case) -> list[CriterionDef]:
    codes = case.algorithm.model.criteria_used()
    return [c for c in case.algorithm.criteria if c.code in codes]


def what_if_blocks(case: Case, found: WhatIfs | None = None) -> list[Block]:
    """The section: the changes, the smallest sets, the data to check; or why there are none.

    `found`: the decision's what-ifs, when the caller has them already."""
    model, current = case.algorithm.model, case.evaluation
    if not model.evaluable:
        return wording_of(model).no_model_what_ifs(case)
    if current is None:
        return paragraphs(NOT_REPLAYABLE)
    if case.divergent:
        return paragraphs(DIVERGENT)
    found = found if found is not None else what_ifs(case)
    blocks: list[Block] = []
    if found.nothing[:1] and found.combinations:
        size = len(found.combinations[0].changes)
        blocks += paragraphs(
            f"{found.nothing[0]} Il aurait fallu en changer {_count(size)} à la fois, par exemple :"
        )
        blocks.append(Block(LIST, items=tuple(w.text for w in found.combinations)))
        found = WhatIfs(found.changes, found.checks, (), found.nothing[1:], found.found)
    elif found.changes:
        blocks += paragraphs(
            "Un seul de ces changements aurait changé le résultat, par exemple :"
            if len(found.changes) == MAX_SHOWN
            else "Un seul de ces changements aurait changé le résultat :"
        )
        blocks.append(Block(LIST, items=tuple(w.text for w in found.changes)))
    blocks += paragraphs(*found.nothing)
    if found.checks:
        blocks += paragraphs("Vérifiez vos informations :")
        blocks.append(Block(LIST, items=tuple(w.text for w in found.checks)))
    # For a decision taken by people, « Le rôle de l'algorithme » says that they decide.
    return blocks or paragraphs(NOTHING_TO_CHANGE)


def _count(size: int) -> str:
    return {2: "deux", 3: "trois"}.get(size, str(size))


def _what_if(case: Case, kind: str, cf: Counterfactual) -> WhatIf:
    return WhatIf(kind, cf.changes, cf.resulting_evaluation, describe(case, kind, cf))


def describe(case: Case, kind: str, cf: Counterfactual) -> str:
    """The what-if as one or two sentences with the person's values and the result.

    With the registry's phrasing of every criterion involved, a sentence about the person
    (`Si votre quotient familial avait été de 700 € ou moins (au lieu de 717 €), …`);
    otherwise each criterion by its label, before a colon, never quoted inside a sentence.
    """
    current = case.evaluation
    assert current is not None
    result = _result(case, current, cf.resulting_evaluation, single=len(cf.changes) == 1)
    changes = []
    for code, value in cf.changes:
        criterion = case.algorithm.criterion(code)
        assert criterion is not None
        others = {**case.values, **{c: v for c, v in cf.changes if c != code}}
        changes.append((criterion, value, _direction(case, cf, code, value, others)))
    if all(_phrased(criterion) for criterion, _value, _direction_ in changes):
        conditions = [_condition(case, kind, *change) for change in changes]
        if kind == CHECK:
            return f"{upper_first(conditions[0])}, signalez-le : {_checked(result)}"
        return f"{upper_first(both(*conditions))}, {result}"
    if kind == CHECK:
        criterion, value, direction = changes[0]
        return (
            f"{criterion.label} : votre dossier indique "
            f"{value_text(criterion, case.values[criterion.code])}. Si la bonne valeur est "
            f"{_new(criterion, value, direction)}, signalez-le : {result}"
        )
    shown = " ; ".join(
        f"{criterion.label} : {_new(criterion, value, direction)} au lieu de "
        f"{value_text(criterion, case.values[criterion.code])}"
        for criterion, value, direction in changes
    )
    return f"{shown}. Avec {'ce changement' if len(changes) == 1 else 'ces changements'}, {result}"


def _checked(result: str) -> str:
    """A datum to check gives what the right value would have given: `20 points de plus, soit
    65 points : …`, without the `vous auriez eu` of a change the person makes."""
    return result.removeprefix("vous auriez eu ")


def _phrased(criterion: CriterionDef) -> bool:
    phrasing = criterion.phrasing
    if phrasing is None:
        return False
    if criterion.type == "boolean":
        return bool(phrasing.if_true and phrasing.if_false)
    return bool(phrasing.subject)


def _new(criterion: CriterionDef, value: Value, direction: str) -> str:
    """`700 € ou moins`, `oui`: the value without the preposition a sentence needs."""
    text = qualified(criterion, value, direction)
    return text[3:] if criterion.type == "number" else text


def _condition(case: Case, kind: str, criterion: CriterionDef, value: Value, direction: str) -> str:
    """`si votre quotient familial avait été de 700 € ou moins (au lieu de 717 €)`."""
    was = value_text(criterion, case.values[criterion.code])
    if criterion.type == "boolean":
        said = statement(criterion, bool(value))
        if kind == CHECK:
            return f"si {said} et que votre dossier dit le contraire"
        return f"si votre dossier avait indiqué {que(said)}"
    new = qualified(criterion, value, direction)
    instead = "au lieu du" if criterion.type == "date" else "au lieu de"
    subject = subject_of(criterion)
    if kind == CHECK:
        return f"si {subject} est en réalité {new} ({instead} {was} dans votre dossier)"
    return f"si {subject} avait été {new} ({instead} {was})"


def _result(case: Case, current: Evaluation, after: Evaluation, *, single: bool) -> str:
    """`vous auriez eu 20 points de plus, soit 65 points. Le résultat aurait été : …`."""
    return wording_of(case.algorithm.model).what_if_result(case, current, after, single=single)


def _direction(case: Case, cf: Counterfactual, code: str, new: Any, base: Mapping[str, Any]) -> str:
    """Whether every value beyond the one given also works, and there are such values."""
    direction = _beyond(case, cf, code, new, base)
    criterion = case.algorithm.criterion(code)
    assert criterion is not None
    # `0 ou moins` when nothing is below 0: the value itself.
    end = (
        criterion.min if direction == AT_MOST else criterion.max if direction == AT_LEAST else None
    )
    return EXACTLY if end is not None and new == end else direction


def _beyond(case: Case, cf: Counterfactual, code: str, new: Any, base: Mapping[str, Any]) -> str:
    """Whether every value beyond the one given also works, so that `ou moins` is exact.

    `base`: the person's values with the other changes of the same what-if applied.
    """
    criterion = case.algorithm.criterion(code)
    if criterion is None or criterion.type not in ("number", "date"):
        return EXACTLY
    here = typed(criterion, case.values[code])
    return wording_of(case.algorithm.model).beyond(case, cf, code, new, base, new < here)

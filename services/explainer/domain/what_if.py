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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from services.explainer.domain.applied import signed
from services.explainer.domain.case import Case, fixed
from services.explainer.domain.document import LIST, Block, paragraphs
from services.explainer.domain.wording import (
    both,
    label_of,
    lower_first,
    points,
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
    ComputedModel,
    Counterfactual,
    CriterionDef,
    Evaluation,
    LinearModel,
    OpaqueModel,
    PointsModel,
    RulesModel,
    combinations,
    counterfactuals,
    evaluate,
)
from shared.decision_model.evaluation import outcome_of_score, term
from shared.decision_model.values import Value
from shared.french import format_amount

AT_MOST, AT_LEAST, EXACTLY = "at_most", "at_least", "exactly"
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
    if isinstance(model, OpaqueModel) or current is None:
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
    if isinstance(case.algorithm.model, RulesModel):
        return [
            cf
            for cf in found
            if len(cf.changes) > 1 and all(code in codes for code, _value in cf.changes)
        ]
    sets = combinations(case.algorithm.model, case.algorithm.criteria, case.values, codes, limit=2)
    return None if sets is None else list(sets)


def _used(case: Case) -> list[CriterionDef]:
    codes = case.algorithm.model.criteria_used()
    return [c for c in case.algorithm.criteria if c.code in codes]


def what_if_blocks(case: Case, found: WhatIfs | None = None) -> list[Block]:
    """The section: the changes, the smallest sets, the data to check; or why there are none.

    `found`: the decision's what-ifs, when the caller has them already."""
    model, current = case.algorithm.model, case.evaluation
    if isinstance(model, OpaqueModel):
        return _opaque(case)
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
    outcome = lower_first(after.outcome_label) + "."
    model = case.algorithm.model
    if isinstance(model, PointsModel):
        assert after.score is not None and current.score is not None
        delta = after.score - current.score
        more = "de plus" if delta > 0 else "de moins"
        scored = (
            f"vous auriez eu {points(abs(delta))} {more}, soit {points(after.score)}"
            if single
            else f"vous auriez eu {points(after.score)}"
        )
        return f"{scored} : {outcome}"
    if isinstance(model, ComputedModel):
        assert after.amount is not None
        return f"le montant aurait été de {format_amount(after.amount)} : {outcome}"
    if isinstance(model, LinearModel):
        assert after.score is not None and current.score is not None
        if model.amount is not None:
            assert after.amount is not None and current.amount is not None
            return f"le montant aurait été de {format_amount(after.amount)} : {outcome}"
        return f"votre score aurait été de {points(after.score)} : {outcome}"
    return f"le résultat aurait été : {outcome}"


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
    here = _typed(criterion, case.values[code])
    lower = new < here
    model = case.algorithm.model
    if isinstance(model, ComputedModel):
        # Its search verified this value and the one a step back, not every value beyond.
        return EXACTLY
    if isinstance(model, LinearModel):
        return AT_MOST if lower else AT_LEAST  # a score is monotonic in each criterion
    if isinstance(model, RulesModel):
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
    assert isinstance(model, PointsModel)
    boundaries = [b.value for g in model.grids if g.criterion == code for b in g.bands]
    beyond = [
        p
        for p in _probes(criterion, boundaries)
        if (p <= new if lower else p >= new) and not criterion.out_of_range(p)
    ]
    # The score is a sum of one term per criterion: each probe moves it by its term.
    others = evaluate(model, case.algorithm.criteria, {**base, code: _json(new)})
    assert others.score is not None
    rest = others.score - term(model, code, new)
    flips = all(
        outcome_of_score(model, rest + term(model, code, p)) == cf.resulting_outcome for p in beyond
    )
    return (AT_MOST if lower else AT_LEAST) if flips else EXACTLY


def _typed(criterion: CriterionDef, raw: Any) -> Any:
    if criterion.type == "date":
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    return Decimal(str(raw))


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _probes(criterion: CriterionDef, boundaries: Iterable[Any]) -> list[Any]:
    """A value in every interval the boundaries cut: the results are constant inside each."""
    flat = sorted(
        {v for b in boundaries if b is not None for v in (b if isinstance(b, tuple) else (b,))}
    )
    step: Any = timedelta(days=1) if criterion.type == "date" else criterion.step
    probes = [v + delta for v in flat for delta in (-step, 0 * step, step)]
    for low, high in pairwise(flat):
        probes.append(low + (high - low) // 2 if isinstance(low, date) else (low + high) / 2)
    return probes


def _opaque(case: Case) -> list[Block]:
    blocks = paragraphs(
        "Cet algorithme n'a pas de règles que l'on peut refaire à la main. Nous "
        "ne pouvons donc pas calculer exactement ce qui aurait changé le "
        "résultat."
    )
    ranked = sorted(case.contributions.items(), key=lambda item: (-abs(item[1]), item[0]))[:3]
    if ranked:
        names = [
            f"{label_of(case.algorithm.criterion(code), code)} (effet {signed(effect)})"
            for code, effect in ranked
        ]
        blocks += paragraphs(
            f"Selon l'administration, les informations qui ont le plus pesé "
            f"sont : {both(*names)}. C'est une estimation, pas un calcul exact."
        )
    return blocks

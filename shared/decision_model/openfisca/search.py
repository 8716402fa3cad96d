"""The nearest value of a criterion that changes a result, found by running the model itself.

For a model known only by running it (OpenFisca), a what-if is searched, not derived: from the
person's value, values one, two, four… steps away are tried until one gives another result,
then the gap between the last value that did not and the first that did is narrowed until they
are one step apart. The value found gives the other result, and the value one step back towards
the person's gives theirs. Both are then computed again, together, in a simulation of their
own (`verified`): a change is kept only when its value gives the stated result again and the
value one step back does not give it, so that what is stated rests on two computations.
Values between the person's and the first probes that differ are not all tried: the value
found is the nearest change *at the boundary the search crossed*, which for the step-shaped
scales of benefits is the nearest one.

Searches of many cases and criteria run side by side: each round gathers every value wanted
and computes them in one batch (one vectorised simulation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from ..criteria import CriterionDef
from ..values import Value

R = TypeVar("R")
# Per round of narrowing, this many values between the bounds are tried at once.
FAN_OUT = 15
# A range of at most this many steps is tried value by value.
EXHAUSTIVE = 64
# Without a declared bound, the search goes up to 2**40 steps away, then stops.
MAX_DOUBLINGS = 40


@dataclass(frozen=True)
class Found(Generic[R]):
    """`value` gives `result`, which `wanted` accepts; `before`, one step nearer the person's
    value, does not (it is None when `value` is the first value tried: a boolean's other value,
    a listed code)."""

    criterion: str
    value: Value
    result: R
    before: Value | None


class _Search(Generic[R]):
    """One search: a criterion of one case, towards lower or higher values (or other codes)."""

    def __init__(
        self,
        case: int,
        criterion: CriterionDef,
        here: Value,
        direction: int,
        wanted: Callable[[R], bool],
    ) -> None:
        self.case, self.criterion, self.here = case, criterion, here
        self.direction, self.wanted = direction, wanted
        self.found: Found[R] | None = None
        self.done = False
        self._bracket: tuple[int, int] | None = None
        self._probes: list[int] = []
        self._far_result: R | None = None
        self._choices: list[Value] = []
        if criterion.type == "boolean":
            self._choices = [not here]
        elif criterion.type == "string":
            self._choices = [v for v in criterion.allowed_values or () if v != here]
        else:
            self._probes = self._doublings()
            self.done = not self._probes

    def wanted_values(self) -> list[Value]:
        if self._choices:
            return list(self._choices)
        return [self._at(n) for n in self._probes]

    def receive(self, results: Sequence[R]) -> None:
        hit = next((i for i, r in enumerate(results) if self.wanted(r)), None)
        if self._choices:
            if hit is not None:
                self.found = Found(self.criterion.code, self._choices[hit], results[hit], None)
            self.done = True
            return
        if hit is None and self._bracket is None:
            self.done = True  # no value tried this way changes the result
            return
        # Invariant: the near end does not give a wanted result (the person's own value, at
        # offset 0, does not), the far end does.
        near, far = self._bracket or (0, 0)
        if hit is None:
            near = self._probes[-1]
        else:
            near, far = (self._probes[hit - 1] if hit else near), self._probes[hit]
            self._far_result = results[hit]
        self._bracket = (near, far)
        gap = abs(far - near)
        if gap == 1:
            self.found = Found(
                self.criterion.code,
                self._at(far),
                self._far_result,  # type: ignore[arg-type] # set with `far`
                self._at(near),
            )
            self.done = True
            return
        count = min(FAN_OUT, gap - 1)
        offsets = sorted({-(-i * gap // (count + 1)) for i in range(1, count + 1)})
        self._probes = [near + self.direction * k for k in offsets]

    def _doublings(self) -> list[int]:
        low, high = self._range()
        limit = high if self.direction > 0 else low
        if limit is not None and abs(limit) <= EXHAUSTIVE:
            # A short range (a number of children) is tried whole: the nearest change is exact.
            return [self.direction * k for k in range(1, abs(limit) + 1)]
        probes = []
        for k in range(MAX_DOUBLINGS + 1):
            n = self.direction * 2**k
            if limit is not None and n * self.direction >= limit * self.direction:
                probes.append(limit)
                break
            probes.append(n)
        return [n for n in probes if n != 0]

    def _range(self) -> tuple[int | None, int | None]:
        """The offsets, in steps from the person's value, allowed by the declared min and max."""
        step, here = _step(self.criterion), self.here
        if isinstance(here, date):
            return None, None
        assert isinstance(step, Decimal) and isinstance(here, Decimal)
        low = None if self.criterion.min is None else -((here - self.criterion.min) // step)
        high = None if self.criterion.max is None else (self.criterion.max - here) // step
        return (None if low is None else int(low)), (None if high is None else int(high))

    def _at(self, n: int) -> Value:
        step: Any = _step(self.criterion)
        value: Value = self.here + step * n
        return value


def _step(criterion: CriterionDef) -> Decimal | timedelta:
    if criterion.type == "date":
        return timedelta(days=1)
    assert criterion.step is not None
    return criterion.step


def nearest_changes(
    results: Callable[[Sequence[Mapping[str, Value]]], Sequence[R]],
    cases: Sequence[Mapping[str, Value]],
    criteria: Sequence[CriterionDef],
    wanted: Sequence[Callable[[R], bool]],
) -> list[list[Found[R]]]:
    """For each case, the nearest value of each criterion, each way, that gives a wanted result.

    `results` computes many cases at once; `wanted[i]` says which results of case i count
    (e.g. another outcome or amount than theirs). Runs in a few batches, whatever the number
    of cases and criteria.
    """
    searches: list[_Search[R]] = []
    for index, values in enumerate(cases):
        for criterion in criteria:
            directions = (0,) if criterion.type in ("boolean", "string") else (-1, 1)
            searches += [
                _Search(index, criterion, values[criterion.code], d, wanted[index])
                for d in directions
            ]
    while active := [s for s in searches if not s.done]:
        batch: list[Mapping[str, Value]] = []
        spans = []
        for search in active:
            tried = search.wanted_values()
            spans.append((search, len(batch), len(tried)))
            batch += [{**cases[search.case], search.criterion.code: v} for v in tried]
        computed = results(batch)
        for search, start, size in spans:
            search.receive(computed[start : start + size])
    found: list[list[Found[R]]] = [[] for _ in cases]
    for search in searches:
        if search.found is not None:
            found[search.case].append(search.found)
    return verified(results, cases, found, wanted)


def verified(
    results: Callable[[Sequence[Mapping[str, Value]]], Sequence[R]],
    cases: Sequence[Mapping[str, Value]],
    found: Sequence[Sequence[Found[R]]],
    wanted: Sequence[Callable[[R], bool]],
) -> list[list[Found[R]]]:
    """The changes found, each computed again with its value one step back, in one batch:
    kept only when the value gives its stated result again (a wanted one), and the value one
    step back gives a result that is neither the stated one nor a wanted one (the person's
    own, when `wanted` accepts every other). A change dropped here is never stated: saying
    nothing is better than saying what one computation did not confirm."""
    batch: list[Mapping[str, Value]] = []
    for index, changes in enumerate(found):
        for change in changes:
            batch.append({**cases[index], change.criterion: change.value})
            if change.before is not None:
                batch.append({**cases[index], change.criterion: change.before})
    computed = iter(results(batch) if batch else ())
    kept: list[list[Found[R]]] = []
    for index, changes in enumerate(found):
        confirmed = []
        for change in changes:
            again = next(computed)
            back = next(computed) if change.before is not None else None
            if again != change.result or not wanted[index](again):
                continue
            if change.before is not None and (back == change.result or wanted[index](back)):  # type: ignore[arg-type]
                continue
            confirmed.append(change)
        kept.append(confirmed)
    return kept

"""The nearest-change search, on step functions whose changes are known."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.decision_model import CriterionDef
from shared.decision_model.openfisca.search import nearest_changes, verified

INCOME = CriterionDef(
    "revenu", "Revenu", "number", "DGFiP", step=Decimal(1), min=Decimal(0), max=Decimal(1_000_000)
)
CHILDREN = CriterionDef(
    "enfants", "Enfants", "number", "CAF", step=Decimal(1), min=Decimal(0), max=Decimal(8)
)
ALONE = CriterionDef("seul", "Parent seul", "boolean", "CAF")


def scale(case):
    """A bourse-like scale: échelons by income, ceilings rising with the children."""
    ceiling = 18000 + 4000 * int(case["enfants"])
    income = case["revenu"]
    bonus = 50 if case["seul"] else 0
    if income <= ceiling / 4:
        return 500 + bonus
    if income <= ceiling:
        return 120 + bonus
    return 0


def run(cases, criteria):
    calls = []

    def results(batch):
        calls.append(len(batch))
        return [scale(case) for case in batch]

    current = [scale(case) for case in cases]
    found = nearest_changes(
        results, cases, criteria, [lambda r, mine=mine: r != mine for mine in current]
    )
    return found, calls


def test_finds_each_boundary_exactly_from_both_sides():
    case = {"revenu": Decimal(20000), "enfants": Decimal(1), "seul": False}
    [found], _calls = run([case], [INCOME])
    by_value = {f.value: f for f in found}
    # 22 000 is the ceiling: 22 001 is refused, 5 500 is the échelon below.
    assert set(by_value) == {Decimal(22001), Decimal(5500)}
    assert by_value[Decimal(22001)].result == 0 and by_value[Decimal(22001)].before == 22000
    assert by_value[Decimal(5500)].result == 500 and by_value[Decimal(5500)].before == 5501


def test_small_ranges_are_tried_whole_and_booleans_flipped():
    case = {"revenu": Decimal(23000), "enfants": Decimal(1), "seul": False}
    [found], _calls = run([case], [CHILDREN, ALONE])
    by_code = {(f.criterion, f.value): f for f in found}
    # One more child raises the ceiling to 26 000: 23 000 is then under it.
    assert by_code[("enfants", Decimal(2))].result == 120
    assert by_code[("enfants", Decimal(2))].before == Decimal(1)
    # Alone or not, a refusal stays a refusal: no what-if on that criterion.
    assert ("seul", True) not in by_code


def test_many_cases_share_each_round():
    cases = [
        {"revenu": Decimal(1000 * i), "enfants": Decimal(i % 3), "seul": i % 2 == 0}
        for i in range(60)
    ]
    _found, calls = run(cases, [INCOME, CHILDREN, ALONE])
    # A few dozen rounds at most, whatever the number of cases.
    assert len(calls) < 30


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 200_000), st.integers(0, 8), st.booleans())
def test_every_change_found_is_true_and_one_step_back_is_not(income, children, alone):
    case = {"revenu": Decimal(income), "enfants": Decimal(children), "seul": alone}
    [found], _calls = run([case], [INCOME, CHILDREN, ALONE])
    mine = scale(case)
    for change in found:
        assert scale({**case, change.criterion: change.value}) == change.result != mine
        if change.before is not None:
            assert scale({**case, change.criterion: change.before}) == mine


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 200_000), st.integers(0, 8))
def test_on_a_monotonic_scale_the_change_found_is_the_nearest(income, children):
    case = {"revenu": Decimal(income), "enfants": Decimal(children), "seul": False}
    [found], _calls = run([case], [INCOME])
    ceiling = 18000 + 4000 * children
    low = ceiling // 4
    above = low + 1 if income <= low else ceiling + 1 if income <= ceiling else None
    below = ceiling if income > ceiling else low if income > low else None
    assert {f.value for f in found} == {v for v in (above, below) if v is not None}


def _computed_again(lie_on):
    """`scale`, except where `lie_on(case)`: what a flaky engine, or a batch that mixes its
    cases up, would give when the changes found are computed again."""
    return lambda batch: [scale(case) + (7 if lie_on(case) else 0) for case in batch]


def _verified(results, case, found):
    mine = scale(case)
    return verified(results, [case], [found], [lambda r: r != mine])[0]


CASE = {"revenu": Decimal(20000), "enfants": Decimal(1), "seul": False}


def test_a_change_is_kept_only_when_computed_again_it_gives_its_result():
    [found], _calls = run([CASE], [INCOME])
    assert {f.value for f in found} == {Decimal(22001), Decimal(5500)}
    kept = _verified(_computed_again(lambda c: c["revenu"] == 22001), CASE, found)
    assert [f.value for f in kept] == [Decimal(5500)]


def test_a_change_is_dropped_when_one_step_back_computed_again_gives_its_result():
    [found], _calls = run([CASE], [INCOME])

    def results(batch):
        # 22 000, one step back from 22 001, now gives 0 as 22 001 does.
        return [0 if case["revenu"] == 22000 else scale(case) for case in batch]

    assert [f.value for f in _verified(results, CASE, found)] == [Decimal(5500)]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 200_000), st.integers(0, 8), st.booleans())
def test_every_change_found_is_confirmed_by_a_faithful_engine_and_none_by_a_lying_one(
    income, children, alone
):
    case = {"revenu": Decimal(income), "enfants": Decimal(children), "seul": alone}
    [found], _calls = run([case], [INCOME, CHILDREN, ALONE])
    assert _verified(_computed_again(lambda _case: False), case, found) == found
    assert _verified(_computed_again(lambda _case: True), case, found) == []

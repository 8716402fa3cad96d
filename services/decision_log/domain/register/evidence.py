"""What a version does in practice, from what the services know: decisions, unfavourable
share, divergent replays, contestations and their outcomes, time to decide, deadlines missed.

Counts from 1 to 10 are never published (« moins de 11 »), nor any share or median that would
let one compute them back: with few cases, a figure can point at a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from services.decision_log.domain.register.entries import SMALL_COUNT, count_text
from shared.french import format_number

MAINTAINED, AMENDED, ANNULLED = "maintained", "amended", "annulled"


@dataclass(frozen=True)
class DecisionYear:
    """Decisions logged with a version in one calendar year (by decision date)."""

    year: int
    logged: int
    unfavourable: int
    divergent: int


@dataclass(frozen=True)
class AppealRecord:
    """One contestation of a decision taken with the version, as appeals announced it."""

    received_at: datetime | None
    legal_due_at: datetime | None
    decided_at: datetime | None
    outcome: str | None
    overturned: bool | None


def _small(value: int) -> bool:
    return 0 < value < SMALL_COUNT


def share_text(part: int, whole: int) -> str:
    """« 12 % », or why it is not shown. A share is withheld when the part, the whole or the
    rest is a small count: any of them could be computed back from it."""
    if whole == 0:
        return "sans objet"
    if _small(part) or _small(whole) or _small(whole - part):
        return "non publié (moins de 11 cas)"
    return f"{format_number(100 * part / whole, 0)}\u00a0%"


@dataclass(frozen=True)
class YearFigures:
    year: int
    logged: str
    unfavourable_share: str
    divergent: str


@dataclass(frozen=True)
class AppealFigures:
    filed: str
    decided: str
    maintained: str
    amended: str
    annulled: str
    overturn_rate: str
    median_days: str
    deadlines_missed: str
    open: str


@dataclass(frozen=True)
class Evidence:
    """The figures of one version, ready to print."""

    years: list[YearFigures]
    logged: str
    appeals: AppealFigures


def _median_days(decided: list[AppealRecord]) -> str:
    durations = [
        (a.decided_at - a.received_at).total_seconds() / 86400
        for a in decided
        if a.decided_at and a.received_at
    ]
    if not durations:
        return "sans objet"
    if len(durations) < SMALL_COUNT:
        return "non publié (moins de 11 cas)"
    days = median(durations)
    if days < 1:
        return "moins d'un jour"
    return f"{format_number(days, 0 if days >= 10 else 1)}\u00a0jours"


def _missed(appeal: AppealRecord, now: datetime) -> bool:
    """Decided after its legal deadline, or still open past it (CRPA L231-4: two months of
    silence on a recours administratif mean rejection)."""
    if appeal.legal_due_at is None:
        return False
    return (appeal.decided_at or now) > appeal.legal_due_at


def compute(
    years: Iterable[DecisionYear], appeals: Iterable[AppealRecord], now: datetime
) -> Evidence:
    """The published figures of a version from its decisions per year and its appeals."""
    by_year = sorted(years, key=lambda y: y.year)
    records = [a for a in appeals if a.received_at is not None]
    decided = [a for a in records if a.outcome]
    outcomes = {
        kind: sum(a.outcome == kind for a in decided) for kind in (MAINTAINED, AMENDED, ANNULLED)
    }
    overturned = sum(bool(a.overturned) for a in decided)
    missed = sum(_missed(a, now) for a in records)
    logged = sum(y.logged for y in by_year)
    return Evidence(
        years=[
            YearFigures(
                y.year,
                count_text(y.logged),
                share_text(y.unfavourable, y.logged),
                count_text(y.divergent),
            )
            for y in by_year
        ],
        logged=count_text(logged),
        appeals=AppealFigures(
            filed=count_text(len(records)),
            decided=count_text(len(decided)),
            maintained=count_text(outcomes[MAINTAINED]),
            amended=count_text(outcomes[AMENDED]),
            annulled=count_text(outcomes[ANNULLED]),
            overturn_rate=share_text(overturned, len(decided)),
            median_days=_median_days(decided),
            deadlines_missed=count_text(missed),
            open=count_text(len(records) - len(decided)),
        ),
    )

"""Statistics for supervisors and algorithm owners: how often each algorithm version is
overturned, how fast and how late appeals are decided, which criteria are disputed and
corrected, and signs that decisions are validated without real examination: late filings,
recomputations with the person's values that changed the result, and how often supervisors
confirmed a reviewer who kept it anyway."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from services.appeals.domain.rules import DECIDED, MAINTAINED, is_overturn


@dataclass(frozen=True)
class VersionStats:
    algorithm_id: str
    version: str
    appeals: int
    open: int
    decided: int
    overturned: int
    median_days: float | None
    missed_legal: int
    missed_internal: int
    late: int = 0  # filed after the route's delay (postmark or receipt)
    oral: int = 0
    kinds: tuple[tuple[str, int], ...] = ()  # how many of each route
    recomputed: int = 0  # decided after a recomputation with the person's values…
    flipped: int = 0  # …which changed the result
    targeted: int = 0  # kept although the person's values change it: a supervisor checks
    confirmed: int = 0  # the supervisor confirmed
    sent_back: int = 0  # the supervisor sent it back

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.decided if self.decided else None

    @property
    def confirmation_rate(self) -> float | None:
        """How often supervisors agreed with a reviewer who kept a result the person's
        values change."""
        seen = self.confirmed + self.sent_back
        return self.confirmed / seen if seen else None


@dataclass(frozen=True)
class CriterionStats:
    algorithm_id: str
    code: str
    disputed: int
    corrected: int


@dataclass(frozen=True)
class ReviewerStats:
    reviewer: str
    decided: int
    maintained: int
    median_minutes: float | None
    short: int

    @property
    def agreement_rate(self) -> float | None:
        """How often the reviewer kept the algorithm's decision."""
        return self.maintained / self.decided if self.decided else None

    @property
    def short_share(self) -> float | None:
        return self.short / self.decided if self.decided else None


@dataclass(frozen=True)
class Statistics:
    versions: list[VersionStats]
    criteria: list[CriterionStats]
    reviewers: list[ReviewerStats]


def _late(done: datetime, due: datetime | None) -> bool:
    return due is not None and done > due


def compute(
    appeals: Iterable[Any], original_codes: Mapping[str, str], now: datetime, short_seconds: int
) -> Statistics:
    """`appeals` are appeal records; `original_codes` the initial outcome per reference."""
    by_version: dict[tuple[str, str], list[Any]] = defaultdict(list)
    disputed: dict[tuple[str, str], int] = defaultdict(int)
    corrected: dict[tuple[str, str], int] = defaultdict(int)
    by_reviewer: dict[str, list[Any]] = defaultdict(list)
    for appeal in appeals:
        by_version[(appeal.algorithm_id, appeal.algorithm_version)].append(appeal)
        for ground in appeal.grounds:
            if ground.get("criterion"):
                disputed[(appeal.algorithm_id, ground["criterion"])] += 1
        for code in appeal.corrections or {}:
            corrected[(appeal.algorithm_id, code)] += 1
        if appeal.status == DECIDED and appeal.decided_by:
            by_reviewer[appeal.decided_by].append(appeal)
    versions = []
    for (algorithm_id, version), items in sorted(by_version.items()):
        decided = [a for a in items if a.status == DECIDED]
        examined = [a.examination or {} for a in decided]
        versions.append(
            VersionStats(
                algorithm_id,
                version,
                len(items),
                len(items) - len(decided),
                len(decided),
                sum(
                    is_overturn(a.outcome, original_codes.get(a.reference, ""), a.new_outcome_code)
                    for a in decided
                ),
                median((a.decided_at - a.received_at).total_seconds() / 86400 for a in decided)
                if decided
                else None,
                sum(_late(a.decided_at or now, a.legal_due_at) for a in items),
                sum(_late(a.decided_at or now, a.internal_due_at) for a in items),
                late=sum(a.in_time is False for a in items),
                oral=sum(a.written is False for a in items),
                kinds=tuple(sorted(Counter(a.kind for a in items).items())),
                recomputed=sum(bool(e.get("recomputation")) for e in examined),
                flipped=sum(bool((e.get("recomputation") or {}).get("flips")) for e in examined),
                targeted=sum(bool(e.get("targeted")) for e in examined),
                confirmed=sum(bool(e.get("confirmed_by")) for e in examined),
                sent_back=sum(int((a.examination or {}).get("sent_back") or 0) for a in items),
            )
        )
    criteria = [
        CriterionStats(a, c, disputed.get((a, c), 0), corrected.get((a, c), 0))
        for a, c in sorted(set(disputed) | set(corrected))
    ]
    reviewers = [
        ReviewerStats(
            reviewer,
            len(items),
            sum(a.outcome == MAINTAINED for a in items),
            median((a.examined_seconds or 0) / 60 for a in items),
            sum((a.examined_seconds or 0) < short_seconds for a in items),
        )
        for reviewer, items in sorted(by_reviewer.items())
    ]
    return Statistics(versions, criteria, reviewers)

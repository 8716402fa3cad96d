"""The register's queries: figures per version from the decisions, and the read models of
appeals and of error reports kept from events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, extract, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.decision_log.adapters import tables as t
from services.decision_log.domain.register.evidence import AppealRecord, DecisionYear
from shared.db import as_utc

Key = tuple[str, str, str]


class RegisterRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def decision_years(self, key: Key) -> list[DecisionYear]:
        d = t.decisions
        year = extract("year", d.c.decided_at)
        rows = self._session.execute(
            select(
                year,
                func.count(),
                func.sum(case((d.c.favourable.is_(False), 1), else_=0)),
                func.sum(case((d.c.replay_status == "divergent", 1), else_=0)),
            )
            .where(
                d.c.administration == key[0],
                d.c.algorithm_id == key[1],
                d.c.algorithm_version == key[2],
            )
            .group_by(year)
        ).all()
        return [DecisionYear(int(r[0]), int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows]

    def decisions_since(self, since: datetime) -> dict[Key, int]:
        d = t.decisions
        rows = self._session.execute(
            select(d.c.administration, d.c.algorithm_id, d.c.algorithm_version, func.count())
            .where(d.c.decided_at >= since)
            .group_by(d.c.administration, d.c.algorithm_id, d.c.algorithm_version)
        ).all()
        return {(r[0], r[1], r[2]): int(r[3]) for r in rows}

    def appeals(self, key: Key) -> list[AppealRecord]:
        a = t.register_appeals
        rows = self._session.execute(
            select(a).where(
                a.c.administration == key[0],
                a.c.algorithm_id == key[1],
                a.c.algorithm_version == key[2],
            )
        ).all()
        return [
            AppealRecord(
                _aware(r.received_at),
                _aware(r.legal_due_at),
                _aware(r.decided_at),
                r.outcome,
                r.overturned,
            )
            for r in rows
        ]

    def save_appeal(self, administration: str, appeal_id: str, **values: Any) -> None:
        """Fill this event's columns of the appeal, whichever of its events came first."""
        a = t.register_appeals
        where = (a.c.administration == administration, a.c.appeal_id == appeal_id)
        if self._session.execute(select(a.c.appeal_id).where(*where)).first() is None:
            self._session.execute(
                insert(a).values(administration=administration, appeal_id=appeal_id, **values)
            )
        else:
            self._session.execute(update(a).where(*where).values(**values))

    def add_report(self, **values: Any) -> None:
        self._session.execute(insert(t.register_reports).values(**values))

    def reports(self, key: Key) -> list[Row[Any]]:
        r = t.register_reports
        return list(
            self._session.execute(
                select(r)
                .where(
                    r.c.administration == key[0],
                    r.c.algorithm_id == key[1],
                    r.c.algorithm_version == key[2],
                )
                .order_by(r.c.created_at.desc())
            ).all()
        )

    def update_report(
        self, administration: str, report_id: str, updated_at: datetime, **values: Any
    ) -> None:
        """Apply an answer unless a later one is already there (events may come late)."""
        r = t.register_reports
        self._session.execute(
            update(r)
            .where(
                r.c.public_id == report_id,
                r.c.administration == administration,
                r.c.updated_at <= updated_at,
            )
            .values(updated_at=updated_at, **values)
        )


def _aware(moment: datetime | None) -> datetime | None:
    """Comparable with an aware `now` (SQLite gives back naive UTC)."""
    return None if moment is None else as_utc(moment)

"""appeals' own records: appeals with their history, attachments, accesses and alarms."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, true, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.appeals.adapters import tables as t
from shared import audit


def visible_to(hidden_teams: Collection[str]) -> ColumnElement[bool]:
    """The appeals of no team or of a team not hidden."""
    if not hidden_teams:
        return true()
    return or_(t.appeals.c.team.is_(None), t.appeals.c.team.not_in(sorted(hidden_teams)))


class AppealRecords:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, **values: Any) -> int:
        return int(
            self._session.execute(
                insert(t.appeals).values(**values).returning(t.appeals.c.id)
            ).scalar_one()
        )

    def get(self, public_id: str, *, lock: bool = False) -> Row[Any] | None:
        query = select(t.appeals).where(t.appeals.c.public_id == public_id)
        if lock:
            query = query.with_for_update()
        return self._session.execute(query).one_or_none()

    def by_pk(self, pk: int) -> Row[Any] | None:
        return self._session.execute(select(t.appeals).where(t.appeals.c.id == pk)).one_or_none()

    def of_reference(self, reference: str) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(t.appeals)
                .where(t.appeals.c.reference == reference)
                .order_by(t.appeals.c.received_at)
            ).all()
        )

    def by_revised_decision(self, administration: str, decision_id: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.appeals).where(
                t.appeals.c.administration == administration,
                t.appeals.c.revised_decision_id == decision_id,
            )
        ).one_or_none()

    def update(self, pk: int, *conditions: ColumnElement[bool], **values: Any) -> bool:
        """Change an appeal if it still meets `conditions`; False when another got there first."""
        result = self._session.execute(
            update(t.appeals).where(t.appeals.c.id == pk, *conditions).values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def take(self, pk: int, agent_id: str, *, free: str, taken: str) -> bool:
        """Give an unassigned appeal to an agent; False when someone took it first."""
        return self.update(
            pk,
            t.appeals.c.status == free,
            t.appeals.c.assignee.is_(None),
            status=taken,
            assignee=agent_id,
        )

    def listing(
        self,
        administration: str,
        *,
        statuses: Sequence[str] | None = None,
        assignee: str | None = None,
        teams: Sequence[str] | None = None,
        algorithm_id: str | None = None,
        due_before: datetime | None = None,
        hidden_teams: Collection[str] = (),
        limit: int = 200,
    ) -> list[Row[Any]]:
        """The administration's appeals but those of `hidden_teams` (need-to-know teams the
        reader is not a member of)."""
        query = (
            select(t.appeals)
            .where(t.appeals.c.administration == administration, visible_to(hidden_teams))
            .order_by(t.appeals.c.legal_due_at, t.appeals.c.id)
            .limit(limit)
        )
        if statuses is not None:
            query = query.where(t.appeals.c.status.in_(statuses))
        if assignee is not None:
            query = query.where(t.appeals.c.assignee == assignee)
        if teams:
            query = query.where(or_(t.appeals.c.team.in_(teams), t.appeals.c.team.is_(None)))
        if algorithm_id is not None:
            query = query.where(t.appeals.c.algorithm_id == algorithm_id)
        if due_before is not None:
            query = query.where(
                or_(
                    t.appeals.c.legal_due_at <= due_before,
                    t.appeals.c.internal_due_at <= due_before,
                )
            )
        return list(self._session.execute(query).all())

    def all_of(self, administration: str) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(t.appeals).where(t.appeals.c.administration == administration)
            ).all()
        )

    def count_open(self, administration: str) -> int:
        return int(
            self._session.scalar(
                select(func.count())
                .select_from(t.appeals)
                .where(
                    t.appeals.c.administration == administration, t.appeals.c.status != "decided"
                )
            )
            or 0
        )

    # History
    def record(self, appeal_pk: int, at: datetime, actor: str, action: str, **detail: Any) -> None:
        self._session.execute(
            insert(t.history).values(
                appeal_id=appeal_pk, at=at, actor=actor, action=action, detail=detail
            )
        )

    def latest(self, appeal_pk: int, action: str, actor: str | None = None) -> Row[Any] | None:
        """The latest history line of `action` (by `actor`, when given)."""
        query = select(t.history).where(
            t.history.c.appeal_id == appeal_pk, t.history.c.action == action
        )
        if actor is not None:
            query = query.where(t.history.c.actor == actor)
        return self._session.execute(
            query.order_by(t.history.c.at.desc(), t.history.c.id.desc()).limit(1)
        ).one_or_none()

    def history(self, appeal_pk: int) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(t.history)
                .where(t.history.c.appeal_id == appeal_pk)
                .order_by(t.history.c.at, t.history.c.id)
            ).all()
        )

    # Attachments
    def attach(self, **values: Any) -> None:
        self._session.execute(insert(t.attachments).values(**values))

    def attachments(self, appeal_pk: int) -> list[Row[Any]]:
        columns = [c for c in t.attachments.c if c.name != "data"]
        return list(
            self._session.execute(
                select(*columns)
                .where(t.attachments.c.appeal_id == appeal_pk)
                .order_by(t.attachments.c.id)
            ).all()
        )

    def attachment(self, appeal_pk: int, attachment_id: int) -> Row[Any] | None:
        return self._session.execute(
            select(t.attachments).where(
                t.attachments.c.appeal_id == appeal_pk, t.attachments.c.id == attachment_id
            )
        ).one_or_none()

    # Accesses: who opened what, when
    def accessed(
        self, appeal_pk: int, agent_id: str, administration: str, what: str, at: datetime
    ) -> None:
        self._session.execute(
            insert(t.accesses).values(
                appeal_id=appeal_pk,
                agent_id=agent_id,
                administration=administration,
                what=what,
                at=at,
            )
        )
        public_id = self._session.scalar(
            select(t.appeals.c.public_id).where(t.appeals.c.id == appeal_pk)
        )
        audit.record(
            self._session,
            t.audit,
            actor=f"agent:{agent_id}",
            administration=administration,
            action=what,
            subject=f"appeal:{public_id}",
            purpose="examen du recours",
            at=at,
        )

    def first_opening(self, appeal_pk: int, agent_id: str, since: datetime) -> datetime | None:
        value: datetime | None = self._session.scalar(
            select(func.min(t.accesses.c.at)).where(
                t.accesses.c.appeal_id == appeal_pk,
                t.accesses.c.agent_id == agent_id,
                t.accesses.c.what == "open",
                t.accesses.c.at >= since,
            )
        )
        return t.UtcDateTime().process_result_value(value, None)

    def opened_attachments(self, appeal_pk: int, agent_id: str) -> frozenset[int]:
        """The attachments this agent downloaded (evidence of examination)."""
        rows = self._session.scalars(
            select(t.accesses.c.what)
            .where(
                t.accesses.c.appeal_id == appeal_pk,
                t.accesses.c.agent_id == agent_id,
                t.accesses.c.what.like("attachment:%"),
            )
            .distinct()
        )
        return frozenset(int(what.split(":", 1)[1]) for what in rows)

    def accesses(self, appeal_pk: int) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(t.accesses)
                .where(t.accesses.c.appeal_id == appeal_pk)
                .order_by(t.accesses.c.at)
            ).all()
        )

    # Alarms
    def add_alarm(self, **values: Any) -> None:
        self._session.execute(insert(t.alarms).values(**values))

    def due_alarms(self, now: datetime, limit: int = 200) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(t.alarms)
                .where(
                    t.alarms.c.fired_at.is_(None),
                    t.alarms.c.cancelled_at.is_(None),
                    t.alarms.c.due_at <= now,
                )
                .order_by(t.alarms.c.due_at)
                .limit(limit)
            ).all()
        )

    def claim_alarm(self, alarm_id: int, now: datetime) -> bool:
        """Mark an alarm fired; False if another scheduler already fired it."""
        result = self._session.execute(
            update(t.alarms)
            .where(t.alarms.c.id == alarm_id, t.alarms.c.fired_at.is_(None))
            .values(fired_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def cancel_alarms(self, appeal_pk: int, now: datetime) -> None:
        self._session.execute(
            update(t.alarms)
            .where(
                and_(
                    t.alarms.c.appeal_id == appeal_pk,
                    t.alarms.c.fired_at.is_(None),
                    t.alarms.c.cancelled_at.is_(None),
                )
            )
            .values(cancelled_at=now)
        )

    def alarms(self, appeal_pk: int) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(t.alarms)
                .where(t.alarms.c.appeal_id == appeal_pk)
                .order_by(t.alarms.c.due_at)
            ).all()
        )

"""The back office of appeals: agents, policies, routing, letters to send, rate counters."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.appeals.adapters import tables as t
from services.appeals.adapters.records import visible_to


def _of_visible_appeals(query: Select[Any], hidden_teams: Collection[str]) -> Select[Any]:
    """Letters of appeals of a need-to-know team the reader is not in are not theirs to see."""
    if not hidden_teams:
        return query
    return query.outerjoin(t.appeals, t.appeals.c.id == t.dispatches.c.appeal_id).where(
        visible_to(hidden_teams)
    )


class Office:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Agents
    def agent(self, agent_id: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.agents).where(t.agents.c.id == agent_id)
        ).one_or_none()

    def add_agent(self, **values: Any) -> None:
        self._session.execute(insert(t.agents).values(**values))

    def update_agent(self, agent_id: str, **values: Any) -> None:
        self._session.execute(update(t.agents).where(t.agents.c.id == agent_id).values(**values))

    def agents(self, administration: str | None = None) -> list[Row[Any]]:
        query = select(t.agents).order_by(t.agents.c.administration, t.agents.c.id)
        if administration is not None:
            query = query.where(t.agents.c.administration == administration)
        return list(self._session.execute(query).all())

    # Policies and routing
    def four_eyes(self, administration: str) -> bool:
        return bool(
            self._session.scalar(
                select(t.policies.c.four_eyes).where(t.policies.c.administration == administration)
            )
        )

    def set_four_eyes(self, administration: str, required: bool, now: datetime) -> None:
        self._session.execute(
            delete(t.policies).where(t.policies.c.administration == administration)
        )
        self._session.execute(
            insert(t.policies).values(
                administration=administration, four_eyes=required, updated_at=now
            )
        )

    def need_to_know_teams(self, administration: str) -> frozenset[str]:
        return frozenset(
            self._session.scalars(
                select(t.teams.c.team).where(
                    t.teams.c.administration == administration, t.teams.c.need_to_know.is_(True)
                )
            )
        )

    def set_need_to_know(
        self, administration: str, team: str, need_to_know: bool, now: datetime
    ) -> None:
        self._session.execute(
            delete(t.teams).where(
                t.teams.c.administration == administration, t.teams.c.team == team
            )
        )
        self._session.execute(
            insert(t.teams).values(
                administration=administration, team=team, need_to_know=need_to_know, updated_at=now
            )
        )

    def may_see(self, agent: Row[Any], team: str | None) -> bool:
        """Whether an agent (their row) may see a dossier of this team."""
        return (
            team is None
            or team in agent.teams
            or team not in self.need_to_know_teams(agent.administration)
        )

    def team_for(self, administration: str, algorithm_id: str) -> str | None:
        return self._session.scalar(
            select(t.routes.c.team).where(
                t.routes.c.administration == administration, t.routes.c.algorithm_id == algorithm_id
            )
        )

    def set_route(self, administration: str, algorithm_id: str, team: str | None) -> None:
        self._session.execute(
            delete(t.routes).where(
                t.routes.c.administration == administration, t.routes.c.algorithm_id == algorithm_id
            )
        )
        if team:
            self._session.execute(
                insert(t.routes).values(
                    administration=administration, algorithm_id=algorithm_id, team=team
                )
            )

    # Letters and e-mails to send
    def dispatch(self, **values: Any) -> None:
        self._session.execute(insert(t.dispatches).values(**values))

    def due_emails(self, now: datetime, limit: int) -> list[Row[Any]]:
        query = (
            select(t.dispatches)
            .where(
                t.dispatches.c.channel == "email",
                t.dispatches.c.status == "pending",
                t.dispatches.c.next_attempt_at <= now,
            )
            .order_by(t.dispatches.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self._session.execute(query).all())

    def update_dispatch(self, dispatch_id: int, **values: Any) -> None:
        self._session.execute(
            update(t.dispatches).where(t.dispatches.c.id == dispatch_id).values(**values)
        )

    def dispatch_by_id(
        self, administration: str, dispatch_id: int, hidden_teams: Collection[str] = ()
    ) -> Row[Any] | None:
        return self._session.execute(
            _of_visible_appeals(
                select(t.dispatches).where(
                    t.dispatches.c.administration == administration,
                    t.dispatches.c.id == dispatch_id,
                ),
                hidden_teams,
            )
        ).one_or_none()

    def dispatches(
        self, administration: str, limit: int = 200, hidden_teams: Collection[str] = ()
    ) -> list[Row[Any]]:
        columns = [c for c in t.dispatches.c if c.name != "attachment"]
        return list(
            self._session.execute(
                _of_visible_appeals(
                    select(*columns).where(t.dispatches.c.administration == administration),
                    hidden_teams,
                )
                .order_by(t.dispatches.c.id.desc())
                .limit(limit)
            ).all()
        )

    def dispatches_of(self, appeal_pk: int) -> list[Row[Any]]:
        columns = [c for c in t.dispatches.c if c.name not in ("attachment", "body")]
        return list(
            self._session.execute(
                select(*columns)
                .where(t.dispatches.c.appeal_id == appeal_pk)
                .order_by(t.dispatches.c.id)
            ).all()
        )

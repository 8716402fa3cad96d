"""Reports of errors in the public register, as the algorithm's owners work on them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.appeals.adapters.tables import register_reports as r


class RegisterReports:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, **values: Any) -> None:
        """Record a report once (a redelivered event changes nothing)."""
        if self.get(values["administration"], values["public_id"]) is None:
            self._session.execute(insert(r).values(**values))

    def get(self, administration: str, public_id: str) -> Row[Any] | None:
        return self._session.execute(
            select(r).where(r.c.administration == administration, r.c.public_id == public_id)
        ).one_or_none()

    def of_administration(self, administration: str) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(r)
                .where(r.c.administration == administration)
                .order_by(r.c.filed_at.desc())
                .limit(500)
            ).all()
        )

    def update(self, public_id: str, **values: Any) -> None:
        self._session.execute(update(r).where(r.c.public_id == public_id).values(**values))

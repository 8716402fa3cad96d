"""Queries on explainer's tables, one small repository per kind of record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.explainer.adapters import tables as t

PARKED, EXPLAINED = "parked", "explained"


class AlgorithmRepository:
    """Remembers each version for the transaction: a batch of decisions shares a few."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._seen: dict[tuple[str, str], Row[Any] | None] = {}

    def get(self, algorithm_id: str, version: str) -> Row[Any] | None:
        key = (algorithm_id, version)
        if key not in self._seen:
            self._seen[key] = self._session.execute(select(t.algorithm_versions).where(
                t.algorithm_versions.c.algorithm_id == algorithm_id,
                t.algorithm_versions.c.version == version)).one_or_none()
        return self._seen[key]

    def save(self, document: dict[str, Any], revision: int, now: datetime) -> None:
        values = {"administration": document["administration"], "revision": revision,
                  "document": document, "received_at": now}
        existing = self.get(document["id"], document["version"])
        self._seen.pop((document["id"], document["version"]), None)
        if existing is None:
            self._session.execute(insert(t.algorithm_versions).values(
                algorithm_id=document["id"], version=document["version"], **values))
        else:
            self._session.execute(update(t.algorithm_versions)
                                  .where(t.algorithm_versions.c.id == existing.id)
                                  .values(**values))


class DecisionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, administration: str, decision_id: str) -> Row[Any] | None:
        return self._session.execute(select(t.decisions).where(
            t.decisions.c.administration == administration,
            t.decisions.c.decision_id == decision_id)).one_or_none()

    def by_reference(self, reference: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.decisions).where(t.decisions.c.reference == reference)).one_or_none()

    def clashing(self, administration: str, decision_id: str, reference: str) -> list[Row[Any]]:
        """Decisions with this id or this reference: one query for what ingest must check."""
        d = t.decisions
        columns = [d.c.administration, d.c.decision_id, d.c.reference]
        query = select(*columns).where(
            ((d.c.administration == administration) & (d.c.decision_id == decision_id))
            | (d.c.reference == reference))
        return list(self._session.execute(query).all())

    def add(self, **values: Any) -> Row[Any]:
        return self._session.execute(insert(t.decisions).values(**values)
                                     .returning(*t.decisions.c)).one()

    def superseded_by(self, row: Row[Any]) -> list[Row[Any]]:
        """The decisions that replace this one."""
        return list(self._session.execute(select(t.decisions).where(
            t.decisions.c.administration == row.administration,
            t.decisions.c.supersedes == row.decision_id).order_by(t.decisions.c.id)).all())

    def set_status(self, pk: int, status: str) -> None:
        self._session.execute(update(t.decisions).where(t.decisions.c.id == pk)
                              .values(status=status))

    def explainable(self, key: tuple[str, str] | None = None,
                    limit: int = 500) -> list[Row[Any]]:
        """Parked decisions whose algorithm version has arrived since."""
        d, a = t.decisions, t.algorithm_versions
        query = (select(d).join(a, (a.c.algorithm_id == d.c.algorithm_id)
                                & (a.c.version == d.c.algorithm_version))
                 .where(d.c.status == PARKED))
        if key is not None:
            query = query.where(d.c.algorithm_id == key[0], d.c.algorithm_version == key[1])
        return list(self._session.execute(query.order_by(d.c.id).limit(limit)).all())

    def explained(self, key: tuple[str, str] | None = None, reference: str | None = None,
                  after_pk: int = 0, limit: int = 500) -> list[Row[Any]]:
        """Explained decisions, by primary key from `after_pk`: one page at a time."""
        d = t.decisions
        query = select(d).where(d.c.status == EXPLAINED, d.c.id > after_pk)
        if key is not None:
            query = query.where(d.c.algorithm_id == key[0], d.c.algorithm_version == key[1])
        if reference is not None:
            query = query.where(d.c.reference == reference)
        return list(self._session.execute(query.order_by(d.c.id).limit(limit)).all())


class ExplanationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def latest(self, decision_pk: int) -> Row[Any] | None:
        return self._session.execute(
            select(t.explanations).where(t.explanations.c.decision_pk == decision_pk)
            .order_by(t.explanations.c.version.desc()).limit(1)).one_or_none()

    def version(self, decision_pk: int, version: int) -> Row[Any] | None:
        return self._session.execute(select(t.explanations).where(
            t.explanations.c.decision_pk == decision_pk,
            t.explanations.c.version == version)).one_or_none()

    def history(self, decision_pk: int) -> list[Row[Any]]:
        """Every version, oldest first, without the documents."""
        e = t.explanations
        columns = [e.c.id, e.c.version, e.c.reason, e.c.template, e.c.generated_at,
                   e.c.readability]
        query = select(*columns).where(e.c.decision_pk == decision_pk).order_by(e.c.version)
        return list(self._session.execute(query).all())

    def add(self, **values: Any) -> int:
        """Insert a new version; there is no update: a generated explanation is frozen."""
        return int(self._session.execute(insert(t.explanations).values(**values)
                                         .returning(t.explanations.c.id)).scalar_one())

    def latest_templates(self, decision_pks: list[int]) -> dict[int, tuple[str, int]]:
        """For each decision, the template and algorithm revision of its latest explanation."""
        e = t.explanations
        newest = (select(e.c.decision_pk, func.max(e.c.version).label("version"))
                  .where(e.c.decision_pk.in_(decision_pks)).group_by(e.c.decision_pk)
                  .subquery())
        rows = self._session.execute(
            select(e.c.decision_pk, e.c.template, e.c.algorithm_revision)
            .join(newest, (e.c.decision_pk == newest.c.decision_pk)
                  & (e.c.version == newest.c.version))).all()
        return {row.decision_pk: (row.template, row.algorithm_revision) for row in rows}


class TemplateRepository:
    """Remembers the current template of each version for the transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._current: dict[tuple[str, str], Row[Any] | None] = {}

    def current(self, key: tuple[str, str]) -> Row[Any] | None:
        if key not in self._current:
            self._current[key] = self._session.execute(
                select(t.templates).where(t.templates.c.algorithm_id == key[0],
                                          t.templates.c.algorithm_version == key[1])
                .order_by(t.templates.c.version.desc()).limit(1)).one_or_none()
        return self._current[key]

    def history(self, key: tuple[str, str]) -> list[Row[Any]]:
        return list(self._session.execute(
            select(t.templates).where(t.templates.c.algorithm_id == key[0],
                                      t.templates.c.algorithm_version == key[1])
            .order_by(t.templates.c.version)).all())

    def add(self, **values: Any) -> int:
        self._current.pop((values["algorithm_id"], values["algorithm_version"]), None)
        return int(self._session.execute(insert(t.templates).values(**values)
                                         .returning(t.templates.c.id)).scalar_one())


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def of(self, decision_pk: int) -> Row[Any] | None:
        return self._session.execute(select(t.communication_requests).where(
            t.communication_requests.c.decision_pk == decision_pk)).one_or_none()

    def add(self, **values: Any) -> None:
        self._session.execute(insert(t.communication_requests).values(**values))

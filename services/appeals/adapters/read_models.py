"""What appeals keeps of other services' events: algorithm versions, decisions, explanations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.appeals.adapters import tables as t
from shared.db import insert_rows


def _key(administration: str, algorithm_id: str, version: str) -> tuple[Any, ...]:
    table = t.algorithms
    return (
        table.c.administration == administration,
        table.c.algorithm_id == algorithm_id,
        table.c.version == version,
    )


class ReadModels:
    def __init__(self, session: Session) -> None:
        self._session = session

    # Algorithm versions
    def algorithm(
        self, administration: str, algorithm_id: str, version: str
    ) -> dict[str, Any] | None:
        """An administration's algorithm version (ids are each administration's own)."""
        document = self._session.scalar(
            select(t.algorithms.c.document).where(*_key(administration, algorithm_id, version))
        )
        return dict(document) if document is not None else None

    def save_algorithm(self, document: dict[str, Any], revision: int, now: datetime) -> bool:
        """Keep the latest revision of a version; an older or equal one changes nothing."""
        table = t.algorithms
        key = (document["administration"], document["id"], document["version"])
        current = self._session.execute(
            select(table.c.id, table.c.revision).where(*_key(*key))
        ).one_or_none()
        values = {"revision": revision, "document": document, "received_at": now}
        if current is None:
            self._session.execute(
                insert(table).values(
                    administration=key[0], algorithm_id=key[1], version=key[2], **values
                )
            )
            return True
        if revision <= current.revision:
            return False
        self._session.execute(update(table).where(table.c.id == current.id).values(**values))
        return True

    def algorithm_names(self, administration: str) -> dict[str, str]:
        rows = self._session.execute(
            select(t.algorithms.c.algorithm_id, t.algorithms.c.document).where(
                t.algorithms.c.administration == administration
            )
        )
        return {row.algorithm_id: row.document.get("name", row.algorithm_id) for row in rows}

    # Decisions
    def decision(self, reference: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.decisions).where(t.decisions.c.reference == reference)
        ).one_or_none()

    def decision_by_id(self, administration: str, decision_id: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.decisions).where(
                t.decisions.c.administration == administration,
                t.decisions.c.decision_id == decision_id,
            )
        ).one_or_none()

    def add_decisions(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Insert at once the decisions not kept yet (one lookup, one COPY on PostgreSQL);
        return those inserted. A redelivered event, or the same decision twice in the batch,
        is kept once."""
        wanted = {row["reference"] for row in rows}
        kept = set(
            self._session.scalars(
                select(t.decisions.c.reference).where(t.decisions.c.reference.in_(sorted(wanted)))
            )
        )
        new: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["reference"] not in kept:
                new.setdefault(row["reference"], row)
        insert_rows(self._session, t.decisions, list(new.values()))
        for row in new.values():
            if row.get("supersedes"):
                self._session.execute(
                    update(t.decisions)
                    .where(
                        t.decisions.c.administration == row["administration"],
                        t.decisions.c.decision_id == row["supersedes"],
                    )
                    .values(superseded_by=row["decision_id"])
                )
        return list(new.values())

    # Explanations
    def explanation(self, reference: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.explanations).where(t.explanations.c.reference == reference)
        ).one_or_none()

    def save_explanations(self, rows: list[dict[str, Any]]) -> None:
        """Keep the newest version of each decision's explanation, for a batch: one lookup,
        the first versions inserted at once, the newer ones updated."""
        newest: dict[str, dict[str, Any]] = {}
        for row in rows:
            held = newest.get(row["reference"])
            if held is None or (row["version"] or 0) >= (held["version"] or 0):
                newest[row["reference"]] = row
        e = t.explanations
        current = {
            reference: version
            for reference, version in self._session.execute(
                select(e.c.reference, e.c.version).where(e.c.reference.in_(sorted(newest)))
            )
        }
        insert_rows(self._session, e, [r for ref, r in newest.items() if ref not in current])
        for reference, row in newest.items():
            if reference in current and (row["version"] or 0) >= (current[reference] or 0):
                values = {k: v for k, v in row.items() if k != "reference"}
                self._session.execute(update(e).where(e.c.reference == reference).values(**values))

    def readability_by_version(self, administration: str, target: float) -> list[Row[Any]]:
        """Readability of the explanations of each algorithm version (the newest version of
        each decision's explanation): how many, mean, lowest, and how many score below
        `target`. Counted in the database: an administration may have millions of them."""
        score = t.explanations.c.data["readability"]["score"].as_float()
        decisions = t.decisions
        return list(
            self._session.execute(
                select(
                    decisions.c.algorithm_id,
                    decisions.c.algorithm_version,
                    func.count(score).label("explained"),
                    func.avg(score).label("mean"),
                    func.min(score).label("lowest"),
                    func.count(case((score < target, 1))).label("below_target"),
                )
                .join(t.explanations, t.explanations.c.reference == decisions.c.reference)
                .where(decisions.c.administration == administration)
                .group_by(decisions.c.algorithm_id, decisions.c.algorithm_version)
                .order_by(decisions.c.algorithm_id, decisions.c.algorithm_version)
            )
        )

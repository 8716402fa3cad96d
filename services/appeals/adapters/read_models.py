"""What appeals keeps of other services' events: algorithm versions, decisions, explanations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.appeals.adapters import tables as t


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

    def add_decision(self, **values: Any) -> bool:
        """Insert once; a redelivered or replayed event finds its decision already kept."""
        if self.decision(values["reference"]) is not None:
            return False
        self._session.execute(insert(t.decisions).values(**values))
        if values.get("supersedes"):
            self._session.execute(
                update(t.decisions)
                .where(
                    t.decisions.c.administration == values["administration"],
                    t.decisions.c.decision_id == values["supersedes"],
                )
                .values(superseded_by=values["decision_id"])
            )
        return True

    # Explanations
    def explanation(self, reference: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.explanations).where(t.explanations.c.reference == reference)
        ).one_or_none()

    def save_explanation(
        self,
        reference: str,
        administration: str,
        explanation_id: str | None,
        version: int | None,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        """Keep the newest version of a decision's explanation."""
        current = self.explanation(reference)
        values = {
            "administration": administration,
            "explanation_id": explanation_id,
            "version": version,
            "data": data,
            "received_at": now,
        }
        if current is None:
            self._session.execute(insert(t.explanations).values(reference=reference, **values))
        elif (version or 0) >= (current.version or 0):
            self._session.execute(
                update(t.explanations)
                .where(t.explanations.c.reference == reference)
                .values(**values)
            )

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

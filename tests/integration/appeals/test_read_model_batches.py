"""appeals' read models of decisions and explanations, kept a consumer batch at a time (one
lookup, one insert), on SQLite and on PostgreSQL (COPY)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.appeals.adapters import tables as t
from services.appeals.bootstrap import bootstrap
from services.appeals.service_layer.read_model import (
    on_decisions_logged,
    on_explanations_generated,
)
from shared.config import Settings
from shared.contracts.messages import ExplanationGenerated, Readability
from shared.migrations import upgrade
from tests.support import builders

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.infra)])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    name = f"appeals_{uuid.uuid4().hex[:10]}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / name}.db"
    else:
        postgres = request.getfixturevalue("postgres")
        postgres.create_database(name)
        url = str(postgres.url(name))
    app = bootstrap(
        Settings(
            secret_key="test-secret-key-that-is-long-enough-0123456789",
            transport="memory",
            database_urls={"appeals": url},
        )
    )
    upgrade("appeals", app.engine)
    yield app
    app.engine.dispose()


def explanation(reference: str, version: int, score: float = 75.0) -> ExplanationGenerated:
    """As appeals' consumer parses it from the wire (its `data` kept whole)."""
    built = ExplanationGenerated(
        administration=builders.ADMINISTRATION,
        reference=reference,
        decision_id=f"D-{reference}",
        explanation_id=version,
        version=version,
        reason="Première explication de la décision.",
        mention_explicite="…",
        motif=None,
        public_url=f"http://explicite.test/d/{reference}",
        readability=Readability("kandel-moles", score),
        template="default:v2",
        algorithm={"id": "creche", "version": "2026.1", "revision": 1},
        supersedes=None,
    )
    return replace(built, data=built.to_event().data)


def test_a_batch_keeps_each_decision_once_and_links_a_revision_in_the_same_batch(service):
    first = builders.decision(1)
    revised = builders.decision(2, supersedes=first["decision_id"])
    batch = [
        builders.logged(first, "D-AAAAA-00001"),
        builders.logged(first, "D-AAAAA-00001"),  # redelivered within the batch
        builders.logged(revised, "D-AAAAA-00002"),
    ]
    with service.uow() as uow:
        assert on_decisions_logged(batch, uow, NOW) == {}
        uow.commit()
    with service.uow() as uow:  # a later redelivery changes nothing
        on_decisions_logged(batch[:1], uow, NOW)
        uow.commit()
        rows = uow.session.execute(select(t.decisions).order_by(t.decisions.c.reference)).all()
    assert [r.reference for r in rows] == ["D-AAAAA-00001", "D-AAAAA-00002"]
    assert rows[0].superseded_by == revised["decision_id"]
    assert rows[0].decided_at.tzinfo is not None and rows[0].contact == first["subject"]["contact"]


def test_a_batch_keeps_the_newest_version_of_each_explanation(service):
    with service.uow() as uow:
        on_explanations_generated(
            [explanation("D-B1", 1), explanation("D-B1", 2, 80.0), explanation("D-B2", 1)],
            uow,
            NOW,
        )
        uow.commit()
    with service.uow() as uow:  # an older version arriving late, a newer one for D-B2
        on_explanations_generated([explanation("D-B1", 1), explanation("D-B2", 3, 90.0)], uow, NOW)
        uow.commit()
        rows = uow.session.execute(select(t.explanations).order_by(t.explanations.c.reference))
        kept = {r.reference: (r.version, r.data["readability"]["score"]) for r in rows}
    assert kept == {"D-B1": (2, 80.0), "D-B2": (3, 90.0)}

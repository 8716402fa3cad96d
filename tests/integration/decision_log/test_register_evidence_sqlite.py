"""The register's figures on SQLite, which gives back naive datetimes: compared with an aware
`now`, an appeal still open past its legal deadline used to raise TypeError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.decision_log.bootstrap import bootstrap
from services.decision_log.service_layer.register import evidence
from shared.config import Settings
from shared.migrations import upgrade

KEY = ("ville-exemple", "creche-attribution", "2026.1")


def test_open_appeals_past_their_deadline_count_as_missed_on_sqlite(tmp_path: Path):
    settings = Settings(
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        transport="memory",
        database_urls={"decision_log": f"sqlite:///{tmp_path / 'decision_log.db'}"},
    )
    app = bootstrap(settings)
    upgrade("decision_log", app.engine)
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    with app.uow() as uow:
        for n in range(12):
            uow.register.save_appeal(
                KEY[0],
                f"R-{n:05d}",
                algorithm_id=KEY[1],
                algorithm_version=KEY[2],
                received_at=now - timedelta(days=90),
                legal_due_at=now - timedelta(days=29),
            )
        uow.commit()
    with app.uow() as uow:
        figures = evidence(uow, KEY, now)
    app.engine.dispose()
    assert figures.appeals.deadlines_missed.startswith("12")

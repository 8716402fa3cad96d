"""The audit trail under concurrent readers: entries recorded without a lock, sealed into one
chain by concurrent sealers, none lost, none chained twice, the chain intact."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, select, update
from sqlalchemy.orm import Session, sessionmaker

from shared import audit
from shared.db import make_engine

READERS, ENTRIES_EACH, SEALERS = 8, 60, 3


def _trail(engine: Engine) -> audit.AuditTables:
    metadata = MetaData()
    tables = audit.define_audit_tables(metadata)
    metadata.create_all(engine)
    return tables


def _read_and_seal_concurrently(engine: Engine, tables: audit.AuditTables) -> None:
    sessions = sessionmaker(engine)
    failures: list[BaseException] = []
    readers_done = threading.Event()

    def reader(number: int) -> None:
        try:
            for i in range(ENTRIES_EACH):
                with sessions() as session:
                    audit.record(
                        session,
                        tables,
                        actor=f"agent:r{number}",
                        administration="ville-exemple",
                        action="read",
                        subject=f"explanation:D-{number}-{i}",
                        purpose="test",
                    )
                    if i % 10 == 9:  # a reading whose transaction fails leaves no entry
                        session.rollback()
                        continue
                    session.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    def sealer() -> None:
        try:
            while not readers_done.is_set():
                with sessions() as session:
                    audit.seal_all(session, tables)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    readers = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    sealers = [threading.Thread(target=sealer) for _ in range(SEALERS)]
    for thread in [*sealers, *readers]:
        thread.start()
    for thread in readers:
        thread.join()
    readers_done.set()
    for thread in sealers:
        thread.join()
    assert failures == []


def _check(engine: Engine, tables: audit.AuditTables) -> None:
    with Session(engine) as session:
        audit.seal_all(session, tables)
        assert audit.pending(session, tables) == 0
        report = audit.verify(session, tables, "audit:test")
        subjects = session.scalars(select(tables.entries.c.subject)).all()
    kept = READERS * ENTRIES_EACH * 9 // 10
    assert report.intact, report.breaks
    assert report.records == report.head_seq == kept
    assert len(subjects) == len(set(subjects)) == kept
    # Sealed entries are tamper-evident.
    with engine.begin() as connection:
        connection.execute(
            update(tables.entries)
            .where(tables.entries.c.seq == kept // 2)
            .values(purpose="something else")
        )
    with Session(engine) as session:
        report = audit.verify(session, tables, "audit:test")
    assert [b.seq for b in report.breaks] == [kept // 2]


def test_sealing_on_sqlite(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    tables = _trail(engine)
    _read_and_seal_concurrently(engine, tables)
    _check(engine, tables)


@pytest.mark.infra
def test_sealing_on_postgresql(postgres):
    database = f"audit_{uuid.uuid4().hex[:6]}"
    postgres.create_database(database)
    engine = make_engine(postgres.url(database))
    tables = _trail(engine)
    _read_and_seal_concurrently(engine, tables)
    _check(engine, tables)
    engine.dispose()


def test_an_entry_is_pending_until_sealed_and_readers_see_only_sealed_ones(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.sqlite'}")
    tables = _trail(engine)
    with Session(engine) as session:
        audit.record(
            session,
            tables,
            actor="usager",
            administration="ville-exemple",
            action="read",
            subject="explanation:D-1",
            purpose="test",
        )
        session.commit()
        assert audit.pending(session, tables) == 1
        assert audit.entries(session, tables, "ville-exemple") == []
        assert audit.verify(session, tables, "audit:test").records == 0
        assert audit.seal_all(session, tables) == 1
        [entry] = audit.entries(session, tables, "ville-exemple")
        assert entry["seq"] == 1 and entry["subject"] == "explanation:D-1"
        assert audit.seal_all(session, tables) == 0

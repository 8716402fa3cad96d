"""The audit trail: who read a dossier, an explanation or personal data, when, what and why.

Each service keeps its own trail in its own database, hash-chained like the decision log, so
that an entry changed or removed afterwards is detected. Auditors read their
administration's entries and the chain's verification at `/api/v1/audit/<service>`.

Recording and chaining are two steps. A reading appends its entry in its own transaction, with
no lock: readers never queue behind one another. The service's worker then *seals* the entries
in the order they became visible (every `SEAL_SECONDS`), under the lock of the chain's head:
sequence number, previous hash, hash. An entry is kept if and only if the reading's transaction
commits; it is tamper-evident once sealed, normally within a second or two. Auditors' reads and
`explicite verify` seal what is pending first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from shared.auth.principal import Principal
from shared.chain import GENESIS, ChainReport, link_hash, verify_chain
from shared.db import UnitOfWork
from shared.messaging.tables import BigId

log = logging.getLogger(__name__)

# How often a service's worker seals the entries recorded since the last time.
SEAL_SECONDS = 1.0
# Entries sealed per transaction; a longer backlog is sealed in several.
SEAL_BATCH = 5000


@dataclass(frozen=True)
class AuditTables:
    entries: Table
    head: Table


def define_audit_tables(metadata: MetaData) -> AuditTables:
    entries = Table(
        "audit_trail",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        # Null until the entry is sealed into the chain.
        Column("seq", Integer, nullable=True, unique=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", String(160), nullable=False),
        Column("administration", String(64), nullable=False, index=True),
        Column("action", String(40), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("purpose", String(300), nullable=False),
        Column("prev_hash", String(64), nullable=True),
        Column("hash", String(64), nullable=True),
    )
    # One row, locked while entries are sealed: the trail never forks.
    head = Table(
        "audit_trail_head",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("seq", Integer, nullable=False),
        Column("hash", String(64), nullable=False),
    )
    return AuditTables(entries, head)


def actor_of(principal: Principal) -> str:
    """`agent:<id>`, `usager`, `producer:<key id>`: never a secret, never a name."""
    if principal.kind == "usager":
        return "usager"
    return f"{principal.kind}:{principal.id}" if principal.id else principal.kind


def _hashed(entry: Mapping[str, Any]) -> dict[str, Any]:
    at = entry["at"] if entry["at"].tzinfo else entry["at"].replace(tzinfo=UTC)
    return {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        **{k: entry[k] for k in ("actor", "administration", "action", "subject", "purpose")},
    }


@dataclass(frozen=True)
class Reading:
    """What one entry says: an action on a subject of an administration, and why."""

    administration: str
    action: str
    subject: str
    purpose: str


def record(
    session: Session,
    tables: AuditTables,
    *,
    actor: str,
    administration: str,
    action: str,
    subject: str,
    purpose: str,
    at: datetime | None = None,
) -> None:
    """Append an entry in the caller's transaction (it is kept only if that commits).

    No lock is taken: the entry is chained later by `seal`.
    """
    record_many(session, tables, actor, [Reading(administration, action, subject, purpose)], at)


def record_many(
    session: Session,
    tables: AuditTables,
    actor: str,
    readings: list[Reading],
    at: datetime | None = None,
) -> None:
    """Append one entry per reading (a list of 500 dossiers: 500 entries, one statement)."""
    when = at or datetime.now(UTC)
    session.execute(
        insert(tables.entries),
        [
            {
                "at": when,
                "actor": actor[:160],
                "administration": r.administration,
                "action": r.action,
                "subject": r.subject[:200],
                "purpose": r.purpose[:300],
            }
            for r in readings
        ],
    )


def seal(session: Session, tables: AuditTables, limit: int = SEAL_BATCH) -> int:
    """Chain the entries not sealed yet, in the order of their ids; the caller commits.

    The head is locked first, so that two sealers never chain the same entries: the second
    one reads the pending entries only once the first has committed. With nothing pending,
    nothing is locked: the worker's call every second then writes nothing.
    """
    if not pending(session, tables):
        return 0
    head = _locked_head(session, tables)
    rows = session.execute(
        select(tables.entries)
        .where(tables.entries.c.seq.is_(None))
        .order_by(tables.entries.c.id)
        .limit(limit)
    ).all()
    if not rows:  # another sealer took them while this one waited for the lock
        return 0
    seq, prev = head
    links = []
    for row in rows:
        seq += 1
        hash_ = link_hash(seq, prev, _hashed(dict(row._mapping)))
        links.append({"entry_id": row.id, "seq": seq, "prev_hash": prev, "hash": hash_})
        prev = hash_
    session.execute(
        update(tables.entries)
        .where(tables.entries.c.id == bindparam("entry_id"))
        .values(seq=bindparam("seq"), prev_hash=bindparam("prev_hash"), hash=bindparam("hash"))
        .execution_options(synchronize_session=False),
        links,
    )
    session.execute(update(tables.head).where(tables.head.c.id == 1).values(seq=seq, hash=prev))
    return len(links)


def _locked_head(session: Session, tables: AuditTables) -> tuple[int, str]:
    """The head's (seq, hash), locked until the transaction ends; created the first time."""
    query = select(tables.head.c.seq, tables.head.c.hash).where(tables.head.c.id == 1)
    head = session.execute(query.with_for_update()).one_or_none()
    if head is None:
        try:  # two first sealers: one creates the head, the other then waits for its lock
            with session.begin_nested():
                session.execute(insert(tables.head).values(id=1, seq=0, hash=GENESIS))
        except IntegrityError:
            pass
        head = session.execute(query.with_for_update()).one()
    return head.seq, head.hash


def seal_all(session: Session, tables: AuditTables) -> int:
    """Seal every pending entry, in as many transactions as it takes."""
    total = 0
    while True:
        sealed = seal(session, tables)
        session.commit()
        total += sealed
        if sealed < SEAL_BATCH:
            return total


def pending(session: Session, tables: AuditTables) -> int:
    """How many entries wait to be sealed."""
    return int(
        session.scalar(
            select(func.count()).select_from(tables.entries).where(tables.entries.c.seq.is_(None))
        )
        or 0
    )


def sealer(uow: Callable[[], UnitOfWork], tables: AuditTables) -> Callable[[], None]:
    """The worker's periodic job that seals its service's trail."""

    def seal_audit_trail() -> None:
        try:
            with uow() as work:
                sealed = seal_all(work.session, tables)
        except DBAPIError as exc:  # the database is away: the next round seals
            log.warning("audit trail not sealed: %s", type(exc.orig).__name__)
            return
        if sealed:
            log.debug("audit entries sealed", extra={"count": sealed})

    return seal_audit_trail


def entries(
    session: Session,
    tables: AuditTables,
    administration: str,
    *,
    limit: int = 100,
    before_seq: int | None = None,
) -> list[dict[str, Any]]:
    query = (
        select(tables.entries)
        .where(tables.entries.c.administration == administration, tables.entries.c.seq.is_not(None))
        .order_by(tables.entries.c.seq.desc())
        .limit(limit)
    )
    if before_seq is not None:
        query = query.where(tables.entries.c.seq < before_seq)
    return [
        {
            "seq": r.seq,
            "at": _hashed(dict(r._mapping))["at"],
            "actor": r.actor,
            "action": r.action,
            "subject": r.subject,
            "purpose": r.purpose,
        }
        for r in session.execute(query)
    ]


def verify(session: Session, tables: AuditTables, name: str) -> ChainReport:
    """Recompute every sealed entry's hash, follow the links, compare with the head."""
    rows = session.execute(
        select(tables.entries)
        .where(tables.entries.c.seq.is_not(None))
        .order_by(tables.entries.c.seq)
        .execution_options(yield_per=1000)
    )
    links = ((r.seq, r.prev_hash, r.hash, r.subject, _hashed(dict(r._mapping))) for r in rows)
    head = session.execute(select(tables.head.c.seq, tables.head.c.hash)).one_or_none()
    return verify_chain(name, links, (head.seq, head.hash) if head else None)

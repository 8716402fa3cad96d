"""The audit trail: who read a dossier, an explanation or personal data, when, what and why.

Each service keeps its own trail in its own database, hash-chained like the decision log, so
that an entry changed or removed afterwards is detected. Auditors read their
administration's entries and the chain's verification at `/api/v1/audit/<service>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.orm import Session

from shared.auth.principal import Principal
from shared.chain import GENESIS, ChainReport, link_hash, verify_chain
from shared.messaging.tables import BigId


@dataclass(frozen=True)
class AuditTables:
    entries: Table
    head: Table


def define_audit_tables(metadata: MetaData) -> AuditTables:
    entries = Table(
        "audit_trail", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("seq", Integer, nullable=False, unique=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", String(160), nullable=False),
        Column("administration", String(64), nullable=False, index=True),
        Column("action", String(40), nullable=False),
        Column("subject", String(200), nullable=False),
        Column("purpose", String(300), nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
    )
    # One row, locked while an entry is appended: the trail never forks.
    head = Table(
        "audit_trail_head", metadata,
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
    return {"at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            **{k: entry[k] for k in ("actor", "administration", "action", "subject", "purpose")}}


def record(session: Session, tables: AuditTables, *, actor: str, administration: str,
           action: str, subject: str, purpose: str, at: datetime | None = None) -> None:
    """Append an entry in the caller's transaction (it is kept only if that commits)."""
    head = session.execute(select(tables.head.c.seq, tables.head.c.hash)
                           .where(tables.head.c.id == 1).with_for_update()).one_or_none()
    seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
    entry = {"at": at or datetime.now(UTC), "actor": actor[:160],
             "administration": administration, "action": action, "subject": subject[:200],
             "purpose": purpose[:300]}
    hash_ = link_hash(seq + 1, prev, _hashed(entry))
    session.execute(insert(tables.entries).values(seq=seq + 1, prev_hash=prev, hash=hash_,
                                                  **entry))
    if head is None:
        session.execute(insert(tables.head).values(id=1, seq=seq + 1, hash=hash_))
    else:
        session.execute(update(tables.head).where(tables.head.c.id == 1)
                        .values(seq=seq + 1, hash=hash_))


def entries(session: Session, tables: AuditTables, administration: str, *,
            limit: int = 100, before_seq: int | None = None) -> list[dict[str, Any]]:
    query = (select(tables.entries).where(tables.entries.c.administration == administration)
             .order_by(tables.entries.c.seq.desc()).limit(limit))
    if before_seq is not None:
        query = query.where(tables.entries.c.seq < before_seq)
    return [{"seq": r.seq, "at": _hashed(dict(r._mapping))["at"], "actor": r.actor,
             "action": r.action, "subject": r.subject, "purpose": r.purpose}
            for r in session.execute(query)]


def verify(session: Session, tables: AuditTables, name: str) -> ChainReport:
    """Recompute every entry's hash, follow the links, compare with the head."""
    rows = session.execute(select(tables.entries).order_by(tables.entries.c.seq)
                           .execution_options(yield_per=1000))
    links = ((r.seq, r.prev_hash, r.hash, r.subject, _hashed(dict(r._mapping))) for r in rows)
    head = session.execute(select(tables.head.c.seq, tables.head.c.hash)).one_or_none()
    return verify_chain(name, links, (head.seq, head.hash) if head else None)

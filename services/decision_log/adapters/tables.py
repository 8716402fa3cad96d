"""decision_log's own tables; no other service reads them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.audit import define_audit_tables
from shared.auth.revocations import define_session_table
from shared.db import JsonType
from shared.messaging.tables import BigId, define_messaging_tables
from shared.ratelimit import define_rate_table
from shared.tlog.store import define_tlog_tables

metadata = MetaData()
messaging = define_messaging_tables(metadata)
audit = define_audit_tables(metadata)
# Each administration's log as a Merkle tree, its checkpoints and their witnesses.
tlog = define_tlog_tables(metadata)
# Agents' sessions revoked, from appeals' events: such a session is refused here too.
agent_sessions = define_session_table(metadata)

algorithm_versions = Table(
    "algorithm_versions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("algorithm_id", String(128), nullable=False),
    Column("version", String(128), nullable=False),
    Column("administration", String(64), nullable=False, index=True),
    Column("document", JsonType, nullable=False),
    Column("status", String(20), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("registered_by", String(128), nullable=False),
    # Set by the first decision logged with this version: from then on it is immutable.
    Column("first_used_at", DateTime(timezone=True)),
    Column("retired_at", DateTime(timezone=True)),
    # Ids are each administration's own: two may register the same id, neither blocks the other.
    UniqueConstraint("administration", "algorithm_id", "version", name="uq_algorithm_versions_key"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("administration", String(64), nullable=False),
    Column("decision_id", String(128), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("reference", String(16), nullable=False, unique=True),
    Column("access_code_hash", String(64), nullable=False),
    Column("algorithm_id", String(128), nullable=False),
    Column("algorithm_version", String(128), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("automation", String(10), nullable=False),
    Column("outcome_code", String(128), nullable=False),
    Column("favourable", Boolean, nullable=False),
    Column("supersedes", String(128)),
    # The decision as sent, without contact details, which live apart and can be purged.
    Column("body", JsonType, nullable=False),
    Column("content_digest", String(64), nullable=False),
    Column("contact_digest", String(64)),
    Column("channel", String(10), nullable=False),
    Column("producer", String(128), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("replay_status", String(20), nullable=False),
    Column("replay_detail", JsonType, nullable=False),
    UniqueConstraint("administration", "decision_id"),
    UniqueConstraint("administration", "seq"),
    Index("ix_decisions_algorithm", "administration", "algorithm_id", "algorithm_version"),
)

contacts = Table(
    "subject_contacts",
    metadata,
    Column("decision_pk", BigId, ForeignKey("decisions.id"), primary_key=True),
    Column("contact", JsonType),
    Column("purged_at", DateTime(timezone=True)),
)

chain_heads = Table(
    "chain_heads",
    metadata,
    Column("administration", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("producer", String(128)),
    Column("producer_administration", String(64)),
    Column("administration", String(64), index=True),
    Column("decision_id", String(128)),
    Column("event_id", String(128)),
    Column("category", String(30), nullable=False, index=True),
    Column("reasons", JsonType, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolution", Text),
    # "amqp <producer> <message id> <body sha256>": a redelivered message finds its item here
    # (the worker keeps no inbox for decisions); NULL for what came over HTTP or from a replay.
    Column("delivery_key", Text),
    UniqueConstraint("delivery_key", name="uq_quarantine_delivery_key"),
)

producers = Table(
    "producers",
    metadata,
    Column("amqp_user", String(128), primary_key=True),
    Column("administration", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("prefix", String(12), primary_key=True),
    Column("key_hash", String(64), nullable=False),
    Column("administration", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("scopes", JsonType, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

# The register's read model of appeals, kept from appeals' events (`appeal.acknowledged`,
# `appeal.decided`): what the public register says of each version in practice. An event may
# arrive before the other; each fills its own columns.
register_appeals = Table(
    "register_appeals",
    metadata,
    Column("administration", String(64), primary_key=True),
    Column("appeal_id", String(16), primary_key=True),
    Column("algorithm_id", String(128)),
    Column("algorithm_version", String(128)),
    Column("received_at", DateTime(timezone=True)),
    Column("legal_due_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("outcome", String(12)),
    Column("overturned", Boolean),
    Index("ix_register_appeals_version", "administration", "algorithm_id", "algorithm_version"),
)

# Reports of an error in a register entry: what the public sees of them (the message itself
# travels to appeals, where the algorithm's owners answer, and is not kept here).
register_reports = Table(
    "register_reports",
    metadata,
    Column("public_id", String(16), primary_key=True),
    Column("administration", String(64), nullable=False),
    Column("algorithm_id", String(128), nullable=False),
    Column("algorithm_version", String(128), nullable=False),
    Column("topic", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("answer", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_register_reports_version", "administration", "algorithm_id", "algorithm_version"),
)

# Attempts counted in the database, so that the report form's limits hold across processes.
rate_events = define_rate_table(metadata)

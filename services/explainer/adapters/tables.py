"""explainer's own tables: read models of the registry and the log, and what it produces."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.audit import define_audit_tables
from shared.auth.revocations import define_session_table
from shared.db import JsonType, NullableJson
from shared.messaging.tables import BigId, define_messaging_tables
from shared.ratelimit import define_rate_table

metadata = MetaData()
messaging = define_messaging_tables(metadata)
audit = define_audit_tables(metadata)
# Agents' sessions revoked, from appeals' events: such a session is refused here too.
agent_sessions = define_session_table(metadata)

# The registry as announced by algorithm.registered: the latest revision of each version.
algorithm_versions = Table(
    "algorithm_versions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("algorithm_id", String(128), nullable=False),
    Column("version", String(128), nullable=False),
    Column("administration", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("document", JsonType, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # Ids are each administration's own.
    UniqueConstraint("administration", "algorithm_id", "version", name="uq_algorithm_versions_key"),
)

# Decisions as announced by decision.logged: never the access code, only its digest, and no
# contact details, which the explainer has no use for.
decisions = Table(
    "decisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("access_code_hash", String(64), nullable=False),
    Column("administration", String(64), nullable=False),
    Column("decision_id", String(128), nullable=False),
    Column("algorithm_id", String(128), nullable=False),
    Column("algorithm_version", String(128), nullable=False),
    Column("body", JsonType, nullable=False),
    Column("replay", JsonType, nullable=False),
    Column("supersedes", String(128)),
    Column("log_seq", Integer),
    Column("log_hash", String(64)),
    Column("channel", String(10), nullable=False),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # "parked" until its algorithm version is known, then "explained".
    Column("status", String(10), nullable=False),
    UniqueConstraint("administration", "decision_id"),
    Index(
        "ix_decisions_algorithm_status",
        "administration",
        "algorithm_id",
        "algorithm_version",
        "status",
    ),
    Index("ix_decisions_supersedes", "administration", "supersedes"),
)

# Every revision of every version, as announced: an explanation built at its first reading
# uses the revision it was generated with, even after an amendment.
algorithm_revisions = Table(
    "algorithm_revisions",
    metadata,
    Column("administration", String(64), primary_key=True),
    Column("algorithm_id", String(128), primary_key=True),
    Column("version", String(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("document", JsonType, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

# The readability of a wording (an algorithm version's revision with the default wording or
# a custom template), measured on the first document written with it: what
# explanation.generated announces (targets.md: « a French readability score reported for every
# template »). Each document's own score is stored with it once built.
wording_readability = Table(
    "wording_readability",
    metadata,
    Column("administration", String(64), primary_key=True),
    Column("algorithm_id", String(128), primary_key=True),
    Column("version", String(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("template", String(64), primary_key=True),
    Column("score", Float, nullable=False),
    Column("measured_on", String(16), nullable=False),  # the reference of that first document
)

# Explanations are frozen: a new version is a new row with its reason, never an update.
explanations = Table(
    "explanations",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("decision_pk", BigId, ForeignKey("decisions.id"), nullable=False),
    Column("reference", String(16), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("template", String(64), nullable=False),
    Column("algorithm_revision", Integer, nullable=False),
    # The explanation of the decision this one supersedes, when there is one.
    Column("previous_explanation_id", BigId, ForeignKey("explanations.id")),
    # The text, for the PDF and the API, is derived from the document: not stored twice.
    # NULL until the first reading for the default wording: the document is then built from
    # the row's frozen inputs (the decision, `algorithm_revision`, `template`, the day of
    # `generated_at`) and stored, byte-identical to what building it at once gives
    # (services/explainer/service_layer/generation.py `materialize`). Its readability comes
    # with it; the event announced the wording's (`wording_readability`).
    Column("document", NullableJson),
    Column("mention", Text, nullable=False),
    Column("readability", Float),
    Column("generated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("decision_pk", "version"),
)

# Custom wordings of an algorithm version, versioned; the newest applies to new explanations.
templates = Table(
    "explanation_templates",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("algorithm_id", String(128), nullable=False),
    Column("algorithm_version", String(128), nullable=False),
    Column("administration", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sections", JsonType, nullable=False),
    Column("note", Text, nullable=False),
    Column("registered_by", String(128), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "administration",
        "algorithm_id",
        "algorithm_version",
        "version",
        name="uq_explanation_templates_key",
    ),
)

# Formal requests for communication (R311-3-1-2): one per decision, with its deadline.
communication_requests = Table(
    "communication_requests",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("decision_pk", BigId, ForeignKey("decisions.id"), nullable=False, unique=True),
    Column("reference", String(16), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("deadline", Date, nullable=False),
    Column("requested_by", String(128), nullable=False),
    Column("explanation_id", BigId, ForeignKey("explanations.id"), nullable=False),
)

# Failed sign-ins, counted by every web process.
rate_events = define_rate_table(metadata)

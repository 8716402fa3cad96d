"""appeals' own tables; no other service reads them.

Decisions, algorithm versions and explanations are read models kept from events; appeals,
their history, attachments, alarms and letters are this service's record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
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
from sqlalchemy.types import TypeDecorator

from shared.audit import define_audit_tables
from shared.db import JsonType
from shared.messaging.tables import BigId, define_messaging_tables
from shared.ratelimit import define_rate_table


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on PostgreSQL and SQLite alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


metadata = MetaData()
messaging = define_messaging_tables(metadata)
audit = define_audit_tables(metadata)

# Read models
algorithms = Table(
    "algorithms",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("algorithm_id", String(128), nullable=False),
    Column("version", String(128), nullable=False),
    Column("administration", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("document", JsonType, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    # Ids are each administration's own.
    UniqueConstraint("administration", "algorithm_id", "version", name="uq_algorithms_key"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("administration", String(64), nullable=False),
    Column("decision_id", String(128), nullable=False),
    Column("algorithm_id", String(128), nullable=False),
    Column("algorithm_version", String(128), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("decided_by", String(128)),
    Column("outcome_code", String(128), nullable=False),
    Column("favourable", Boolean, nullable=False),
    Column("supersedes", String(128)),
    Column("superseded_by", String(128)),
    Column("body", JsonType, nullable=False),
    # Needed to answer the person and to send a revised decision; personal data.
    Column("contact", JsonType),
    Column("replay", JsonType, nullable=False),
    Column("public_url", String(300), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    UniqueConstraint("administration", "decision_id"),
)

explanations = Table(
    "explanations",
    metadata,
    Column("reference", String(16), primary_key=True),
    Column("administration", String(64), nullable=False),
    Column("explanation_id", String(128)),
    Column("version", Integer),
    Column("data", JsonType, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

# Agents and how their administration works
agents = Table(
    "agents",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("administration", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254)),
    Column("roles", JsonType, nullable=False),
    Column("teams", JsonType, nullable=False),
    # Other ids back offices give this agent in `decided_by` (independence rule).
    Column("aliases", JsonType, nullable=False),
    # What a letter they sign says of them (CRPA L212-1): first name, name, quality, and the
    # delegation under which they sign (« Par délégation du maire, arrêté n° … »).
    Column("first_name", String(100)),
    Column("last_name", String(100)),
    Column("quality", String(200)),
    Column("delegation", String(300)),
    Column("password_hash", String(200), nullable=False),
    # Incremented when every session of the agent must end (sign-out, new password,
    # disabled account); each session cookie holds the value it was signed in with.
    Column("session_generation", Integer, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("disabled_at", UtcDateTime),
    Column("last_login_at", UtcDateTime),
)

policies = Table(
    "administration_policies",
    metadata,
    Column("administration", String(64), primary_key=True),
    Column("four_eyes", Boolean, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Teams whose dossiers only their members see (`need_to_know`), as the administration says.
teams = Table(
    "teams",
    metadata,
    Column("administration", String(64), primary_key=True),
    Column("team", String(64), primary_key=True),
    Column("need_to_know", Boolean, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

routes = Table(
    "routes",
    metadata,
    Column("administration", String(64), primary_key=True),
    Column("algorithm_id", String(128), primary_key=True),
    Column("team", String(64), nullable=False),
)

# Appeals
appeals = Table(
    "appeals",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("public_id", String(16), nullable=False, unique=True),
    Column("administration", String(64), nullable=False),
    Column("reference", String(16), nullable=False, index=True),
    Column("decision_id", String(128), nullable=False),
    Column("algorithm_id", String(128), nullable=False),
    Column("algorithm_version", String(128), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("filed_by", String(128), nullable=False),
    Column("status", String(24), nullable=False),
    Column("team", String(64)),
    Column("assignee", String(128)),
    Column("received_at", UtcDateTime, nullable=False),
    Column("legal_due_at", UtcDateTime, nullable=False),
    Column("implicit_rejection_on", Date),
    Column("measure_final_on", Date),
    Column("internal_due_at", UtcDateTime),
    Column("escalation_level", Integer, nullable=False),
    Column("answer_by", String(10), nullable=False),
    Column("contact", JsonType, nullable=False),
    Column("grounds", JsonType, nullable=False),
    # Timeliness: the date that counts (a letter's postmark, else receipt), and whether the
    # filing was within the route's delay (None: no delay applies).
    Column("filed_on", Date),
    Column("postmarked_on", Date),
    Column("in_time", Boolean),
    # The day the person says they received the decision, recorded by an agent when the back
    # office gave no notification date (service_layer/timeliness.py).
    Column("decision_received_on", Date),
    Column("written", Boolean),
    # The route followed (`domain.routing.Routing`), frozen at filing, so that the letters
    # never change afterwards; older appeals froze the registry's `appeal` block here.
    Column("policy", JsonType, nullable=False),
    Column("service", JsonType, nullable=False),
    Column("decision_label", String(300), nullable=False),
    Column("decided_by_initial", String(128)),
    Column("draft", JsonType),
    Column("drafted_by", String(128)),
    Column("drafted_at", UtcDateTime),
    Column("outcome", String(12)),
    Column("facts", Text),
    Column("law", Text),
    Column("answers", JsonType),
    Column("corrections", JsonType),
    Column("new_outcome_code", String(128)),
    Column("new_outcome_label", String(300)),
    Column("revised_decision_id", String(128)),
    Column("revised_reference", String(16)),
    Column("decided_by", String(128)),
    Column("validated_by", String(128)),
    Column("decided_at", UtcDateTime),
    Column("examined_seconds", Integer),
    # The evidence of examination: the recomputation with the person's values, the
    # attachments opened, the targeted four-eyes confirmation (domain/examination.py).
    Column("examination", JsonType),
    Column("main_reason", Text),
    Column("decided_by_body", String(300)),
    Column("deliberated_on", Date),
    Column("reexamine_by", Date),
    Column("validation_reasons", Text),
    Index("ix_appeals_queue", "administration", "status"),
)

history = Table(
    "appeal_history",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("appeal_id", BigId, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", JsonType, nullable=False),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("appeal_id", BigId, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("filename", String(120), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
)

# Every opening of a dossier by an agent: evidence of examination, and an audit trail.
accesses = Table(
    "dossier_accesses",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("appeal_id", BigId, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("agent_id", String(128), nullable=False),
    Column("administration", String(64), nullable=False),
    Column("what", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

alarms = Table(
    "alarms",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("appeal_id", BigId, ForeignKey("appeals.id"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("level", Integer, nullable=False),
    Column("audience", String(20), nullable=False),
    Column("fired_at", UtcDateTime),
    Column("cancelled_at", UtcDateTime),
    Index("ix_alarms_due", "fired_at", "cancelled_at", "due_at"),
)

# Letters and e-mails to send after commit: the worker sends e-mails, agents post letters.
dispatches = Table(
    "dispatches",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("appeal_id", BigId, ForeignKey("appeals.id"), index=True),
    Column("administration", String(64), nullable=False),
    Column("letter", String(20), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("recipient", String(500), nullable=False),
    Column("reply_to", String(254)),
    # The service that writes (« Service petite enfance de Ville-Exemple »): the From's name.
    Column("sender_name", String(200)),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment_name", String(120)),
    Column("attachment", LargeBinary),
    Column("status", String(12), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Index("ix_dispatches_pending", "status", "next_attempt_at"),
)

# Reports of an error in the public register (decision_log serves it), for the algorithm's
# owners: the person's message stays here; the status and the public answer travel back.
register_reports = Table(
    "register_reports",
    metadata,
    Column("public_id", String(16), primary_key=True),
    Column("administration", String(64), nullable=False, index=True),
    Column("algorithm_id", String(128), nullable=False),
    Column("algorithm_version", String(128), nullable=False),
    Column("topic", String(20), nullable=False),
    Column("message", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("answer", Text),
    Column("answered_by", String(128)),
    Column("filed_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Attempts counted in the database, so that limits hold across gunicorn workers.
rate_events = define_rate_table(metadata)

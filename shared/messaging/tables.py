"""Messaging tables every service keeps in its own database: outbox, inbox, dead letters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from shared.db import JsonType

# SQLite only autoincrements INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table
    failures: Table
    dead_letters: Table


def define_messaging_tables(metadata: MetaData) -> MessagingTables:
    """Add the messaging tables to a service's metadata."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("message_id", String(64), nullable=False, unique=True),
        Column("exchange", String(100), nullable=False),
        Column("routing_key", String(255), nullable=False),
        Column("type", String(100), nullable=False),
        Column("schema", String(100), nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("headers", JsonType),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    # Messages already handled, per queue: redeliveries after a crash change nothing.
    inbox = Table(
        "inbox",
        metadata,
        Column("queue", String(100), primary_key=True),
        Column("message_id", String(100), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )
    # The last error of a message that failed; the dead letter shows it as its reason.
    failures = Table(
        "message_failures",
        metadata,
        Column("queue", String(100), primary_key=True),
        Column("message_id", String(100), primary_key=True),
        Column("attempts", Integer, nullable=False),
        Column("last_error", Text, nullable=False),
        Column("last_failed_at", DateTime(timezone=True), nullable=False),
    )
    dead_letters = Table(
        "dead_letters",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("queue", String(100), nullable=False, index=True),
        Column("message_id", String(100), nullable=False),
        Column("type", String(100)),
        Column("routing_key", String(255), nullable=False),
        Column("user_id", String(100)),
        Column("headers", JsonType, nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("reason", Text, nullable=False),
        Column("status", String(20), nullable=False, default="pending", index=True),
        Column("received_at", DateTime(timezone=True), nullable=False),
        Column("replayed_at", DateTime(timezone=True)),
    )
    return MessagingTables(outbox, inbox, failures, dead_letters)

"""Agents' sessions revoked, as every service knows them.

An agent's account carries a session generation (appeals, where agents live, keeps it). Each
session cookie holds the generation it was signed in with; signing out, a new password or a
disabled account increments it and announces `agent.sessions-revoked` with the new value.
decision_log and the explainer keep the latest generation of each agent from these events
(they read no other service's database) and refuse a session signed with an older one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.orm import Session

from shared.auth.principal import Principal
from shared.contracts.events import InvalidMessage
from shared.contracts.sessions import AgentSessionsRevoked
from shared.db import UnitOfWork
from shared.messaging import topology
from shared.messaging.consumer import BatchSettings, MessageConsumer, Route, one_at_a_time
from shared.messaging.message import Delivery
from shared.messaging.tables import MessagingTables


def define_session_table(metadata: MetaData) -> Table:
    """The latest session generation announced for each agent (none: never revoked)."""
    return Table(
        "agent_sessions",
        metadata,
        Column("agent_id", String(128), primary_key=True),
        Column("administration", String(64), nullable=False),
        Column("generation", Integer, nullable=False),
        Column("revoked_at", DateTime(timezone=True), nullable=False),
    )


def record_revocation(session: Session, table: Table, revoked: AgentSessionsRevoked) -> None:
    """Keep the newest generation of the agent; an older one arriving late changes nothing."""
    agent_id, generation = revoked.agent_id, revoked.generation
    current = session.execute(
        select(table.c.generation, table.c.administration)
        .where(table.c.agent_id == agent_id)
        .with_for_update()
    ).one_or_none()
    values = {
        "administration": revoked.administration,
        "generation": generation,
        "revoked_at": revoked.revoked_at or datetime.now(UTC),
    }
    if current is None:
        session.execute(insert(table).values(agent_id=agent_id, **values))
    elif generation > current.generation:
        session.execute(update(table).where(table.c.agent_id == agent_id).values(**values))


def is_current(session: Session, table: Table, principal: Principal) -> bool:
    """Whether the agent's session was signed in after the last revocation announced."""
    latest = session.scalar(select(table.c.generation).where(table.c.agent_id == principal.id))
    return latest is None or principal.generation >= latest


def session_checker(uow: Callable[[], UnitOfWork], table: Table) -> Callable[[Principal], bool]:
    """What `set_agent_session_check` wants, from a service's read model."""

    def check(principal: Principal) -> bool:
        with uow() as work:
            return is_current(work.session, table, principal)

    return check


def revocation_consumer(
    service: str,
    messaging: MessagingTables,
    uow: Callable[[], UnitOfWork],
    table: Table,
    appeals_user: str,
    batches: BatchSettings,
) -> MessageConsumer[AgentSessionsRevoked, UnitOfWork]:
    """The service's consumer of `agent.sessions-revoked`, trusted from appeals only."""

    def parse(delivery: Delivery) -> AgentSessionsRevoked:
        if delivery.user_id != appeals_user:
            raise InvalidMessage(f"agent.sessions-revoked from {delivery.user_id}, not appeals")
        return AgentSessionsRevoked.from_delivery(delivery)

    def on_revoked(revoked: AgentSessionsRevoked, work: UnitOfWork) -> None:
        record_revocation(work.session, table, revoked)

    spec = topology.QueueSpec(service, topology.AGENT_SESSIONS_REVOKED)
    return MessageConsumer(
        Route(spec.name, parse, one_at_a_time(on_revoked)), uow, messaging, batches
    )

"""Dead letters: kept in the service's database with their reason, listed and replayed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row

from shared.db import UnitOfWork
from shared.messaging import topology
from shared.messaging.consumer import BatchSettings, MessageConsumer, Route, one_at_a_time
from shared.messaging.message import (
    SCHEMA_HEADER,
    Delivery,
    OutgoingMessage,
    jsonable_headers,
    without_secrets,
)
from shared.messaging.tables import MessagingTables

REPLAY_HEADER = "x-explicite-replay"
# The producer of a replayed message: trusted only when the replaying service published it.
ORIGINAL_USER_HEADER = "x-explicite-original-user"


def _death(delivery: Delivery) -> dict[str, Any]:
    deaths = delivery.headers.get("x-death") or [{}]
    return dict(deaths[0]) if isinstance(deaths, list) and deaths else {}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def dead_letter_key(delivery: Delivery) -> str:
    """A replayed message that dies again is a new dead letter, not a duplicate."""
    return f"{delivery.dedup_id}#{delivery.headers.get(REPLAY_HEADER, 0)}"


def store_dead_letter(tables: MessagingTables) -> Callable[[Delivery, UnitOfWork], None]:
    """A handler for `<service>.dead-letter`: one row per dead message, with its last error."""

    def handle(delivery: Delivery, uow: UnitOfWork) -> None:
        death = _death(delivery)
        queue = _text(death.get("queue") or delivery.routing_key)
        why = _text(death.get("reason", "unknown"))
        failures = tables.failures
        failure = uow.session.execute(
            select(failures.c.attempts, failures.c.last_error).where(
                failures.c.queue == queue, failures.c.message_id == delivery.dedup_id
            )
        ).one_or_none()
        reason = why
        if failure is not None:
            reason += f" after {failure.attempts} failed attempts; last error: {failure.last_error}"
        uow.session.execute(
            insert(tables.dead_letters).values(
                queue=queue,
                message_id=delivery.dedup_id,
                type=delivery.type,
                routing_key=_text((death.get("routing-keys") or [delivery.routing_key])[0]),
                user_id=delivery.user_id,
                headers=jsonable_headers(delivery.headers),
                body=without_secrets(delivery.body),
                reason=reason,
                status="pending",
                received_at=uow.clock(),
            )
        )

    return handle


def _as_is(delivery: Delivery) -> Delivery:
    """A dead message is kept whatever it holds: nothing to parse."""
    return delivery


def dead_letter_consumer(
    service: str,
    tables: MessagingTables,
    uow_factory: Callable[[], UnitOfWork],
    settings: BatchSettings | None = None,
) -> MessageConsumer[Delivery, UnitOfWork]:
    route = Route(
        topology.dead_letter_queue(service),
        _as_is,
        one_at_a_time(store_dead_letter(tables)),
        dedup_key=dead_letter_key,
    )
    return MessageConsumer(route, uow_factory, tables, settings)


def list_dead_letters(
    uow: UnitOfWork, tables: MessagingTables, status: str | None = "pending", limit: int = 100
) -> list[Row[Any]]:
    query = select(tables.dead_letters).order_by(tables.dead_letters.c.id).limit(limit)
    if status is not None:
        query = query.where(tables.dead_letters.c.status == status)
    return list(uow.session.execute(query).all())


def replay_dead_letter(uow: UnitOfWork, tables: MessagingTables, dead_letter_id: int) -> bool:
    """Send a dead letter back to the queue it died in, through the outbox; once."""
    table = tables.dead_letters
    row = uow.session.execute(select(table).where(table.c.id == dead_letter_id)).one_or_none()
    if row is None or row.status != "pending":
        return False
    headers = {
        k: v
        for k, v in dict(row.headers).items()
        if not k.startswith("x-death")
        and not k.startswith("x-first-death")
        and not k.startswith("x-last-death")
        and k != "x-delivery-count"
    }
    headers[REPLAY_HEADER] = int(headers.get(REPLAY_HEADER, 0)) + 1
    if row.user_id:
        headers.setdefault(ORIGINAL_USER_HEADER, row.user_id)
    schema = headers.pop(SCHEMA_HEADER, None) or "unknown"
    # The original message id keeps the consumer's deduplication meaningful.
    message_id = row.message_id if not row.message_id.startswith("sha256:") else None
    uow.publish(
        OutgoingMessage(
            exchange="",
            routing_key=row.queue,
            body=row.body,
            message_id=message_id or f"replay-{row.id}",
            type=row.type or "unknown",
            schema=str(schema),
            headers=headers,
        )
    )
    uow.session.execute(
        update(table)
        .where(table.c.id == dead_letter_id)
        .values(status="replayed", replayed_at=datetime.now(UTC))
    )
    return True


def describe(row: Row[Any]) -> dict[str, Any]:
    """A dead letter as an operator reads it."""
    try:
        body: Any = json.loads(row.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = row.body[:200].decode("utf-8", "replace")
    return {
        "id": row.id,
        "queue": row.queue,
        "message_id": row.message_id,
        "type": row.type,
        "reason": row.reason,
        "status": row.status,
        "received_at": row.received_at.isoformat(),
        "body": body,
    }

"""Messages as the services see them, whatever the transport."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

SCHEMA_HEADER = "schema"
# What travels to the broker but must never rest in a table: decision.logged's access code.
_SECRETS = re.compile(rb'("access_code"\s*:\s*)"[^"\\]*"')


def without_secrets(body: bytes) -> bytes:
    """The body as it may be kept (a dead letter): its access codes replaced by null."""
    return _SECRETS.sub(rb"\1null", body)


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to publish persistently, with the properties contract v1 requires."""

    exchange: str
    routing_key: str
    body: bytes
    message_id: str
    type: str
    schema: str
    user_id: str | None = None
    headers: dict[str, Any] = field(default_factory=dict)
    content_type: str = "application/json"


@dataclass(frozen=True)
class Delivery:
    """A message received from a queue, not yet acknowledged."""

    queue: str
    delivery_tag: int
    body: bytes
    routing_key: str
    exchange: str = ""
    message_id: str | None = None
    type: str | None = None
    user_id: str | None = None
    content_type: str | None = None
    headers: dict[str, Any] = field(default_factory=dict)
    redelivered: bool = False

    @property
    def schema(self) -> str | None:
        value = self.headers.get(SCHEMA_HEADER)
        return value.decode() if isinstance(value, bytes) else value

    @property
    def delivery_count(self) -> int:
        """Failed deliveries so far, as counted by the quorum queue."""
        return int(self.headers.get("x-delivery-count") or 0)

    @property
    def dedup_id(self) -> str:
        """The id consumers deduplicate on: the message id, or the body's digest without one."""
        if self.message_id:
            return self.message_id
        return "sha256:" + hashlib.sha256(self.body).hexdigest()


def jsonable_headers(headers: dict[str, object]) -> dict[str, object]:
    """AMQP headers may hold bytes and timestamps; keep them readable in a JSON column."""

    def convert(value: object) -> object:
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        return str(value)

    return {str(k): convert(v) for k, v in headers.items()}

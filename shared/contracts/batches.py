"""Events that travel many to a message: `decisions.logged`, `explanations.generated`.

At 500 decisions a second, one message per `decision.logged` and per `explanation.generated`
was most of the broker's work and a large share of every worker's (`make bench`, docs/
benchmark.md): each message is routed to quorum queues, confirmed, then parsed, deduplicated
in an inbox row and acknowledged on every consuming side. A transaction of decision_log logs a
consumer batch of decisions, one of the explainer explains one: what such a transaction
announces for one administration now leaves as one message, whose `data.items` are the `data`
of the single events, in order:

    {"schema": "decisions.logged.v1", "event": "decisions.logged", "administration": …,
     "event_id": …, "occurred_at": …, "data": {"count": 2, "items": [{…}, {…}]}}

The services consume these. The single events stay contract v1 for back offices: a deployment
keeps publishing them for the administrations whose back office binds them
(`EXPLICITE_SINGLE_EVENTS`, every administration by default); a back office may bind the
batch event instead (docs/contract.md).

Consumers take both forms (a dead letter replayed, a retired queue emptied, carry single
events), and refuse an item alone: the others of its message are handled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from shared.contracts.events import Event, InvalidMessage
from shared.messaging import topology
from shared.messaging.message import Delivery, OutgoingMessage

# The single event, and the name of its batch.
BATCH_OF = {
    topology.DECISION_LOGGED: topology.DECISIONS_LOGGED,
    topology.EXPLANATION_GENERATED: topology.EXPLANATIONS_GENERATED,
}
ITEM_OF = {batch: single for single, batch in BATCH_OF.items()}
# Items per message: a consumer batch (250 by default) fits in one; beyond, messages of at
# most this many keep each under about a megabyte (a decision.logged is 1.5-2 kB).
MAX_ITEMS = 500

C = TypeVar("C")


@dataclass(frozen=True)
class RefusedItem:
    """An item that cannot be handled, kept as a single event of its own (a dead letter)."""

    reason: str
    message_id: str
    type: str
    body: bytes


@dataclass(frozen=True)
class Announcement:
    """An event staged by a transaction, with the headers its message needs."""

    event: Event
    headers: Mapping[str, Any] = field(default_factory=dict)


def batch_messages(
    announced: Iterable[Announcement], singles: Callable[[str], bool]
) -> Iterator[OutgoingMessage]:
    """The messages of what one transaction announced, in order: for each event name, administration
    and headers, one batch message per MAX_ITEMS items; and each single event too where
    `singles(administration)` says its back office binds them. Events without a batch form
    leave as they are."""
    groups: dict[tuple[str, str, tuple[tuple[str, Any], ...]], list[Event]] = {}
    for announcement in announced:
        event = announcement.event
        headers = tuple(sorted(announcement.headers.items()))
        if event.name not in BATCH_OF:
            yield _message(event, dict(headers))
            continue
        groups.setdefault((event.name, event.administration, headers), []).append(event)
    for (name, administration, headers), events in groups.items():
        for start in range(0, len(events), MAX_ITEMS):
            chunk = events[start : start + MAX_ITEMS]
            batch = Event(
                BATCH_OF[name],
                administration,
                {"count": len(chunk), "items": [event.data for event in chunk]},
                occurred_at=max(event.occurred_at for event in chunk),
            )
            yield _message(batch, dict(headers))
        if singles(administration):
            for event in events:
                yield _message(event, dict(headers))


def _message(event: Event, headers: dict[str, Any]) -> OutgoingMessage:
    message = event.to_message()
    return replace(message, headers=headers) if headers else message


def unpack(
    delivery: Delivery, single: str, parse: Callable[[Event], C]
) -> Sequence[C | RefusedItem]:
    """The items of a batch message (or the one event of a single message), each parsed by its
    single event's contract. An item that does not parse is refused alone, with its reason;
    a message that is no event of either form raises InvalidMessage (refused whole)."""
    event = Event.from_delivery(delivery)
    if event.name == single:
        return [parse(event)]
    if ITEM_OF.get(event.name) != single:
        raise InvalidMessage(f"expected a {single} or {BATCH_OF[single]} event, got {event.name}")
    items = event.data.get("items")
    if not isinstance(items, list) or not items:
        raise InvalidMessage("data.items must be a non-empty list of events' data")
    if event.data.get("count") != len(items):
        raise InvalidMessage(
            f"data.count ({event.data.get('count')}) differs from the items ({len(items)})"
        )
    parsed: list[C | RefusedItem] = []
    for position, data in enumerate(items):
        # The message's id: an item has one of its own only when refused (below), the same
        # on every delivery of the message.
        item = Event(
            single,
            event.administration,
            data if isinstance(data, dict) else {},
            event_id=event.event_id,
            occurred_at=event.occurred_at,
        )
        try:
            if not isinstance(data, dict):
                raise InvalidMessage("an item is not a JSON object")
            parsed.append(parse(item))
        except InvalidMessage as invalid:
            own_id = str(uuid.uuid5(uuid.UUID(event.event_id), str(position)))
            parsed.append(
                refused(replace(item, event_id=own_id), f"item {position}: {invalid.reason}")
            )
    return parsed


def refused(event: Event, reason: str) -> RefusedItem:
    """An item kept as the single event it stands for, to be seen and replayed alone."""
    return RefusedItem(reason, event.event_id, event.name, event.to_json())

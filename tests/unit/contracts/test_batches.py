"""Events that travel many to a message (shared/contracts/batches.py): what a commit sends,
and what a consumer reads back of it, item by item."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.decision_log.service_layer.access_codes import KEY_HEADER, AccessCodes
from shared.auth.tokens import derived_access_code
from shared.contracts import batches
from shared.contracts.batches import Announcement, RefusedItem, batch_messages, unpack
from shared.contracts.events import Event, InvalidMessage
from shared.contracts.messages import DecisionLogged
from shared.messaging import topology
from shared.messaging.message import Delivery, OutgoingMessage, without_secrets
from shared.samples import generate_decisions
from tests.support import builders


def logged(n: int, administration: str = "ville-exemple") -> Event:
    decision = generate_decisions(1, seed=n)[0]
    decision["administration"] = administration
    return builders.logged(decision, f"D-0000{n % 10}-BATCH", seq=n).to_event()


def delivered(message: OutgoingMessage) -> Delivery:
    return Delivery(
        queue="q",
        delivery_tag=1,
        body=message.body,
        routing_key=message.routing_key,
        message_id=message.message_id,
        type=message.type,
    )


def test_one_message_per_administration_with_the_items_in_order() -> None:
    events = [logged(1), logged(2, "region-exemple"), logged(3), logged(4)]
    messages = list(batch_messages([Announcement(e) for e in events], lambda _: False))
    assert [(m.type, m.routing_key) for m in messages] == [
        ("decisions.logged", "decisions.logged.ville-exemple"),
        ("decisions.logged", "decisions.logged.region-exemple"),
    ]
    first = json.loads(messages[0].body)
    assert first["schema"] == "decisions.logged.v1" and messages[0].schema == "decisions.logged.v1"
    assert first["data"]["count"] == 3
    assert first["data"]["items"] == [events[0].data, events[2].data, events[3].data]


def test_the_single_events_follow_where_the_back_office_binds_them() -> None:
    events = [logged(1), logged(2, "region-exemple")]
    messages = list(
        batch_messages([Announcement(e) for e in events], lambda a: a == "region-exemple")
    )
    assert [m.routing_key for m in messages] == [
        "decisions.logged.ville-exemple",
        "decisions.logged.region-exemple",
        "decision.logged.region-exemple",
    ]
    assert json.loads(messages[-1].body)["data"] == events[1].data


def test_other_events_leave_alone_and_headers_separate_batches() -> None:
    other = Event(topology.DECISION_QUARANTINED, "ville-exemple", {"quarantine_id": 1})
    announced = [
        Announcement(logged(1), {KEY_HEADER: "k1"}),
        Announcement(other),
        Announcement(logged(2), {KEY_HEADER: "k2"}),
    ]
    messages = list(batch_messages(announced, lambda _: False))
    assert [m.type for m in messages] == [
        "decision.quarantined",
        "decisions.logged",
        "decisions.logged",
    ]
    assert [m.headers for m in messages[1:]] == [{KEY_HEADER: "k1"}, {KEY_HEADER: "k2"}]


def test_a_large_batch_is_cut_into_messages_of_at_most_max_items(monkeypatch: Any) -> None:
    monkeypatch.setattr(batches, "MAX_ITEMS", 2)
    messages = list(batch_messages([Announcement(logged(n)) for n in range(5)], lambda _: False))
    assert [json.loads(m.body)["data"]["count"] for m in messages] == [2, 2, 1]


def test_a_consumer_reads_back_each_item_as_its_single_event() -> None:
    events = [logged(1), logged(2)]
    [message] = batch_messages([Announcement(e) for e in events], lambda _: False)
    items = unpack(delivered(message), topology.DECISION_LOGGED, DecisionLogged.from_event)
    assert all(isinstance(item, DecisionLogged) for item in items)
    assert [i.to_event().data for i in items if isinstance(i, DecisionLogged)] == [
        e.data for e in events
    ]


def test_a_single_event_is_read_as_one_item() -> None:
    event = logged(1)
    [item] = unpack(
        delivered(event.to_message()), topology.DECISION_LOGGED, DecisionLogged.from_event
    )
    assert isinstance(item, DecisionLogged) and item.reference == event.data["reference"]


def test_an_item_that_does_not_parse_is_refused_alone_as_a_single_event() -> None:
    broken = logged(2)
    broken.data["reference"] = "not-a-reference"
    [message] = batch_messages(
        [Announcement(e) for e in (logged(1), broken, logged(3))], lambda _: False
    )
    items = unpack(delivered(message), topology.DECISION_LOGGED, DecisionLogged.from_event)
    assert [type(item).__name__ for item in items] == [
        "DecisionLogged",
        "RefusedItem",
        "DecisionLogged",
    ]
    refused = items[1]
    assert isinstance(refused, RefusedItem)
    assert refused.reason.startswith("item 1: invalid decision.logged data")
    single = json.loads(refused.body)
    assert single["event"] == "decision.logged" and single["data"] == broken.data
    # Refused the same way on every delivery: a redelivered batch gives the same dead letter.
    again = unpack(delivered(message), topology.DECISION_LOGGED, DecisionLogged.from_event)
    assert isinstance(again[1], RefusedItem) and again[1].message_id == refused.message_id


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"items": []}, "non-empty list"),
        ({"items": "x"}, "non-empty list"),
        ({"count": 5}, "data.count"),
    ],
)
def test_a_batch_that_is_not_one_is_refused_whole(change: dict[str, Any], reason: str) -> None:
    [message] = batch_messages([Announcement(logged(1))], lambda _: False)
    body = json.loads(message.body)
    body["data"].update(change)
    spoiled = OutgoingMessage(**{**message.__dict__, "body": json.dumps(body).encode()})
    with pytest.raises(InvalidMessage, match=reason):
        unpack(delivered(spoiled), topology.DECISION_LOGGED, DecisionLogged.from_event)


def test_another_event_is_refused() -> None:
    other = Event(topology.EXPLANATIONS_GENERATED, "ville-exemple", {"count": 0, "items": []})
    with pytest.raises(InvalidMessage, match=r"expected a decision\.logged or decisions\.logged"):
        unpack(delivered(other.to_message()), topology.DECISION_LOGGED, DecisionLogged.from_event)


def test_the_relay_fills_in_each_items_access_code_and_a_dead_letter_keeps_none() -> None:
    codes = AccessCodes({"k1": "s" * 32})
    events = [logged(1), logged(2)]
    [message] = batch_messages(
        [Announcement(e, {KEY_HEADER: "k1"}) for e in events], lambda _: False
    )
    delivered_message = codes.deliver(message)
    assert KEY_HEADER not in delivered_message.headers
    items = json.loads(delivered_message.body)["data"]["items"]
    assert [i["access_code"] for i in items] == [
        derived_access_code("s" * 32, e.data["reference"]) for e in events
    ]
    kept = json.loads(without_secrets(delivered_message.body))["data"]["items"]
    assert [i["access_code"] for i in kept] == [None, None]

"""Upgrading from one message per event: the retired queues are emptied into the queues that
replaced them, nothing lost, then deleted; on a fresh broker nothing happens."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pika
import pytest

from shared.messaging import topology
from shared.messaging.amqp import AmqpTransport

pytestmark = pytest.mark.infra

PASSWORD = "retire-password"


@pytest.fixture
def vhost(rabbitmq: Any) -> str:
    """A virtual host of its own, and an operator's user on it: the other tests' queues apart."""
    name = f"retire-{uuid.uuid4().hex[:8]}"
    rabbitmq.ctl("add_vhost", name)
    rabbitmq.add_user(name, PASSWORD)
    rabbitmq.set_permissions(name, ".*", ".*", ".*", vhost=name)
    return name


def test_a_retired_queue_is_emptied_into_its_successor_then_deleted(rabbitmq: Any, vhost: str):
    url = rabbitmq.amqp_url(vhost, PASSWORD, vhost)
    retired, successor = topology.RETIRED_QUEUES[0]
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for name, kind in topology.EXCHANGES.items():
        channel.exchange_declare(name, exchange_type=kind, durable=True)
    # The earlier release's queue, bound as it was, holding three decisions not yet handled.
    channel.queue_declare(retired.name, durable=True, arguments=retired.arguments)
    channel.queue_bind(retired.name, retired.exchange, routing_key=retired.binding_key)
    channel.confirm_delivery()
    for n in range(3):
        channel.basic_publish(
            topology.EVENTS_EXCHANGE,
            "decision.logged.ville-exemple",
            json.dumps({"n": n}).encode(),
            pika.BasicProperties(message_id=f"m-{n}", type="decision.logged", delivery_mode=2),
        )
    connection.close()

    AmqpTransport(url).declare_topology()

    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    moved = []
    while True:
        method, properties, body = channel.basic_get(successor.name, auto_ack=True)
        if method is None:
            break
        moved.append((properties.message_id, properties.type, json.loads(body)))
    assert moved == [(f"m-{n}", "decision.logged", {"n": n}) for n in range(3)]
    with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="NOT_FOUND"):
        connection.channel().queue_declare(retired.name, passive=True)
    connection.close()
    # Declared again (every process declares the topology): no retired queue comes back.
    AmqpTransport(url).declare_topology()
    connection = pika.BlockingConnection(pika.URLParameters(url))
    with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="NOT_FOUND"):
        connection.channel().queue_declare(retired.name, passive=True)
    connection.close()

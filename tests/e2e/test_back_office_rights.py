"""A back office publishes only its own administration's decisions and hears only its events."""

from __future__ import annotations

import pika
import pytest

from shared.samples import generate_decisions

pytestmark = pytest.mark.infra


def test_a_back_office_gets_the_reference_and_access_code_of_its_decision(running_system):
    back_office = running_system.back_offices["ville-exemple"]
    decision = next(
        d for d in generate_decisions(10, seed=42) if d["administration"] == "ville-exemple"
    )
    result = back_office.publish([decision])
    assert result.confirmed == [decision["event_id"]]
    logged = back_office.wait_event(
        "decision.logged", lambda data: data["decision"]["decision_id"] == decision["decision_id"]
    )
    assert logged["reference"].startswith("D-") and len(logged["access_code"]) == 14


def test_a_back_office_cannot_publish_for_another_administration(running_system):
    back_office = running_system.back_offices["ville-exemple"]
    other = next(
        d for d in generate_decisions(10, seed=43) if d["administration"] == "region-exemple"
    )
    result = back_office.publish([other])
    assert result.failed == [other["event_id"]] and not result.confirmed


def test_a_back_office_cannot_listen_to_another_administration(running_system):
    back_office = running_system.back_offices["ville-exemple"]
    connection = pika.BlockingConnection(pika.URLParameters(back_office.url))
    channel = connection.channel()
    queue = "backoffice.ville-exemple.spy"
    channel.queue_declare(queue, exclusive=True)
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        channel.queue_bind(queue, "explicite.events", "decision.logged.region-exemple")
    assert refused.value.reply_code == 403
    connection.close()

"""The declared topology is contract v1's: names, quorum queues, limits, dead-lettering."""

from __future__ import annotations

import pytest

from shared.messaging import topology
from shared.messaging.memory import MemoryBroker
from shared.messaging.message import Delivery


def test_queue_names_follow_service_dot_event():
    names = {spec.name for spec in topology.QUEUES}
    assert "decision_log.decision-recorded" in names
    assert "explainer.decisions-logged" in names
    assert all(spec.service in ("decision_log", "explainer", "appeals") for spec in topology.QUEUES)


@pytest.mark.parametrize("spec", topology.QUEUES, ids=lambda s: s.name)
def test_every_queue_is_quorum_with_a_delivery_limit_and_dead_letters(spec):
    arguments = spec.arguments
    assert arguments["x-queue-type"] == "quorum"
    assert arguments["x-delivery-limit"] == topology.DELIVERY_LIMIT > 0
    assert arguments["x-dead-letter-exchange"] == topology.DEAD_EXCHANGE
    assert topology.topic_matches(f"{spec.service}.#", arguments["x-dead-letter-routing-key"])


def test_routing_keys_reach_their_queue_and_only_it():
    broker = MemoryBroker()
    broker.declare_topology()
    delivery = Delivery(queue="", delivery_tag=0, body=b"{}", routing_key="")
    routed = broker.route(topology.DECISIONS_EXCHANGE, "decision.recorded.ville-exemple", delivery)
    assert routed and broker.depth("decision_log.decision-recorded") == 1
    assert broker.depth("explainer.decisions-logged") == 0
    broker.route(topology.EVENTS_EXCHANGE, "decisions.logged.ville-exemple", delivery)
    assert broker.depth("explainer.decisions-logged") == 1
    assert broker.depth("appeals.decisions-logged") == 1
    # The single events are for back offices: no service queue takes them any more.
    assert not broker.route(topology.EVENTS_EXCHANGE, "decision.logged.ville-exemple", delivery)
    assert not broker.route(topology.EVENTS_EXCHANGE, "appeal.filed.ville-exemple", delivery)


def test_retired_queues_are_neither_declared_nor_bound_and_each_has_a_successor():
    names = {spec.name for spec in topology.QUEUES}
    for retired, successor in topology.RETIRED_QUEUES:
        assert retired.name not in names
        assert successor in topology.QUEUES
        assert retired.service == successor.service


@pytest.mark.parametrize(
    ("pattern", "key", "expected"),
    [
        ("decision.logged.*", "decision.logged.ville-exemple", True),
        ("decision.logged.*", "decision.logged", False),
        ("decision.logged.*", "decision.logged.a.b", False),
        ("explainer.#", "explainer.decision-logged", True),
        ("explainer.#", "explainer", True),
        ("#", "anything.at.all", True),
        ("*.logged.#", "decision.logged", True),
    ],
)
def test_topic_matching(pattern, key, expected):
    assert topology.topic_matches(pattern, key) is expected

"""A three-node RabbitMQ cluster keeps a quorum queue working when one node is killed."""

import json
import time
import uuid

import pika
import pika.exceptions
import pytest

from tests.support.processes import RabbitMQCluster

pytestmark = [pytest.mark.infra, pytest.mark.slow]

PERSISTENT = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)


def publish_until_confirmed(connection, queue: str, body: bytes, timeout: float = 30) -> None:
    """Publish until confirmed, on a fresh channel each time.

    While a new leader is being elected the queue nacks; on RabbitMQ 3.10 a channel that got
    such a nack keeps nacking that queue for good, so retrying on the same channel never ends.
    """
    deadline = time.monotonic() + timeout
    while True:
        channel = connection.channel()
        channel.confirm_delivery()
        try:
            channel.basic_publish("", queue, body, PERSISTENT, mandatory=True)
            return
        except pika.exceptions.NackError:
            if time.monotonic() > deadline:
                raise
            channel.close()
            time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with RabbitMQCluster(tmp_path_factory.mktemp("rabbitmq-cluster"), size=3) as cluster:
        yield cluster


def test_quorum_queue_keeps_working_without_one_node(cluster):
    running = json.loads(cluster.nodes[2].ctl("cluster_status", "--formatter", "json"))
    assert sorted(running["running_nodes"]) == sorted(node.node_name for node in cluster.nodes)

    user, password = f"producer-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    cluster.nodes[0].add_user(user, password)
    cluster.nodes[0].set_permissions(user, ".*", ".*", ".*")
    urls = cluster.amqp_urls(user, password)
    queue = f"test.cluster.{uuid.uuid4().hex[:8]}"

    # Declared on node 0, whose member becomes the leader: killing it forces an election.
    with pika.BlockingConnection(pika.URLParameters(urls[0])) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        arguments = {"x-queue-type": "quorum", "x-delivery-limit": 5}
        channel.queue_declare(queue, durable=True, arguments=arguments)
        time.sleep(1)  # let node 0 save the queue's registration (see test_processes.py)
        channel.basic_publish("", queue, b"before", PERSISTENT, mandatory=True)

    cluster.kill_node(0)

    with pika.BlockingConnection(pika.URLParameters(urls[1])) as connection:
        publish_until_confirmed(connection, queue, b"after")
        channel = connection.channel()
        bodies = []
        for method, _properties, body in channel.consume(queue, inactivity_timeout=15):
            assert method is not None, f"only {bodies} arrived"
            bodies.append(body)
            channel.basic_ack(method.delivery_tag)
            if len(bodies) == 2:
                break
        channel.cancel()
    assert bodies == [b"before", b"after"]

    cluster.start_node(0)
    running = json.loads(cluster.nodes[1].ctl("cluster_status", "--formatter", "json"))
    assert cluster.nodes[0].node_name in running["running_nodes"]

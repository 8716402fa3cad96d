"""The real-server fixtures work: users, quorum queues, and data surviving a crash."""

import time
import uuid

import pika
import pika.exceptions
import pytest

pytestmark = pytest.mark.infra

PERSISTENT = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def producer_url(rabbitmq):
    user, password = unique("producer"), uuid.uuid4().hex
    rabbitmq.add_user(user, password)
    rabbitmq.set_permissions(user, ".*", ".*", ".*")
    return rabbitmq.amqp_url(user, password)


def connect(url: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.URLParameters(f"{url}?connection_attempts=1"))


def declare_quorum_queue(channel, delivery_limit: int = 5) -> str:
    queue = unique("test.quorum")
    arguments = {"x-queue-type": "quorum", "x-delivery-limit": delivery_limit}
    channel.queue_declare(queue, durable=True, arguments=arguments)
    return queue


def next_delivery(channel, queue: str):
    """The next message on the queue, waiting up to 10 s (a recovering queue may need it)."""
    for delivery in channel.consume(queue, inactivity_timeout=10):
        channel.cancel()
        return delivery
    raise AssertionError("unreachable")


def test_created_user_publishes_and_consumes_through_a_quorum_queue(producer_url):
    with connect(producer_url) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        queue = declare_quorum_queue(channel, delivery_limit=1)
        channel.basic_publish("", queue, b"decision-1", PERSISTENT, mandatory=True)

        method, properties, body = next_delivery(channel, queue)
        assert body == b"decision-1"
        assert properties.delivery_mode == pika.DeliveryMode.Persistent.value
        channel.basic_nack(method.delivery_tag, requeue=True)

        # Only a quorum queue counts deliveries, so this proves the queue type took effect.
        method, properties, body = next_delivery(channel, queue)
        assert properties.headers["x-delivery-count"] == 1
        channel.basic_nack(method.delivery_tag, requeue=True)

        # Past the delivery limit the message is dropped (no dead-letter exchange here).
        assert channel.queue_declare(queue, passive=True).method.message_count == 0


def test_wrong_password_is_refused(rabbitmq, producer_url):
    wrong = rabbitmq.amqp_url(producer_url.split("//")[1].split(":")[0], "not-the-password")
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        connect(wrong)


def test_confirmed_message_survives_kill_9_of_the_broker(rabbitmq, producer_url):
    with connect(producer_url) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        queue = declare_quorum_queue(channel)
        # RabbitMQ 3.10 (Ra 2.2) saves a new quorum queue's registration to disk up to 0.5 s
        # after declaring it: killed sooner, the node restarts with the queue leaderless.
        time.sleep(1)
        channel.basic_publish("", queue, b"confirmed-before-crash", PERSISTENT, mandatory=True)

    rabbitmq.kill()
    assert not rabbitmq.running
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        connect(producer_url)
    rabbitmq.start()

    with connect(producer_url) as connection:
        channel = connection.channel()
        method, _properties, body = next_delivery(channel, queue)
        assert body == b"confirmed-before-crash"
        channel.basic_ack(method.delivery_tag)
        assert channel.queue_declare(queue, passive=True).method.message_count == 0


def test_committed_row_survives_immediate_stop_of_postgres(postgres):
    database = unique("test_crash").replace("-", "_")
    postgres.create_database(database)
    postgres.create_database(database)  # idempotent
    postgres.psql(
        "CREATE TABLE decision (id int PRIMARY KEY, outcome text);"
        "INSERT INTO decision VALUES (1, 'accordée');",
        database,
    )

    postgres.stop_immediately()
    assert not postgres.running
    with pytest.raises(RuntimeError, match="psql"):
        postgres.psql("SELECT 1")
    postgres.start()

    assert postgres.psql("SELECT id, outcome FROM decision", database) == "1|accordée\n"
    postgres.drop_database(database)
    assert database not in postgres.psql("SELECT datname FROM pg_database").split()

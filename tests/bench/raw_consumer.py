"""A consumer that only acks: the project's AMQP consumer channel, prefetch and batches as the
workers use them, no database. Run by bench_broker.py as its own process, like a worker.

Prints `ready`, then `acked <count> <time.time()>` after each multiple ack.
"""

from __future__ import annotations

import sys
import time

import pika

from shared.messaging.amqp import AmqpConsumerChannel


def main(url: str, queue: str, total: int, prefetch: int, batch: int, wait_ms: int) -> None:
    channel = AmqpConsumerChannel(pika.URLParameters(url), queue, prefetch)
    print("ready", flush=True)
    acked = 0
    try:
        while acked < total:
            deliveries = channel.next_batch(batch, wait_ms / 1000, 1.0)
            if deliveries:
                channel.ack(deliveries[-1].delivery_tag, multiple=True)
                acked += len(deliveries)
                print(f"acked {acked} {time.time():.6f}", flush=True)
    finally:
        channel.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(arg) for arg in sys.argv[3:7]))

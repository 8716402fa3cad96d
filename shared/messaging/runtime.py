"""Choosing the transport and building a service worker from settings."""

from __future__ import annotations

from shared.config import Settings
from shared.messaging.consumer import BatchSettings
from shared.messaging.transport import Transport


def batch_settings(settings: Settings) -> BatchSettings:
    return BatchSettings(
        prefetch=settings.consumer_prefetch,
        batch_size=settings.consumer_batch_size,
        batch_wait=settings.consumer_batch_wait_ms / 1000,
    )


def amqp_transport(settings: Settings) -> Transport:
    """The production transport; the embedded mode builds its MemoryTransport itself."""
    from shared.messaging.amqp import AmqpTransport

    return AmqpTransport(settings.amqp_url)

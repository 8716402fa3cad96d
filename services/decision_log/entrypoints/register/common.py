"""What the register's pages and exports share: the entries and their addresses."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort

from services.decision_log.domain.register.entries import Addresses, Entry
from services.decision_log.entrypoints.api import service
from services.decision_log.service_layer import register


def addresses() -> Addresses:
    return Addresses(service().settings.public_url)


def now() -> datetime:
    return datetime.now(UTC)


def entries(administration: str | None = None, algorithm_id: str | None = None) -> list[Entry]:
    with service().uow() as uow:
        return register.entries(
            uow, now(), administration=administration, algorithm_id=algorithm_id
        )


def versions_of(administration: str, algorithm_id: str) -> list[Entry]:
    """An algorithm's public versions, oldest first; 404 when it has none."""
    from services.decision_log.domain.register.entries import versions_in_order

    found = versions_in_order(entries(administration, algorithm_id))
    if not found:
        abort(404)
    return found

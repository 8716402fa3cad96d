"""The three services, seen through the one shape they share: bootstrap, web app, worker."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from flask import Flask
from sqlalchemy import Engine

from shared import audit
from shared.config import SERVICES, Settings
from shared.db import UnitOfWork
from shared.messaging.outbox import OutboxRelay
from shared.messaging.transport import Transport
from shared.messaging.worker import Worker


class Container(Protocol):
    """What every service's bootstrap returns."""

    settings: Settings
    engine: Engine
    relay: OutboxRelay

    def uow(self) -> UnitOfWork: ...


class Bootstrap(Protocol):
    """A service's bootstrap: its own knobs (`config`) read from the environment if not given."""

    def __call__(
        self, settings: Settings, engine: Engine | None = None, *, config: Any = None
    ) -> Container: ...


@dataclass(frozen=True)
class Service:
    name: str
    bootstrap: Bootstrap
    create_app: Callable[[Settings, Container], Flask]
    build_worker: Callable[[Container, Transport], Worker]
    messaging: Any  # the service's MessagingTables


def load(name: str) -> Service:
    """Import a service's entry points by convention."""
    if name not in SERVICES:
        raise KeyError(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
    base = f"services.{name}"
    bootstrap = importlib.import_module(f"{base}.bootstrap")
    web = importlib.import_module(f"{base}.entrypoints.web")
    consumer = importlib.import_module(f"{base}.entrypoints.consumer")
    tables = importlib.import_module(f"{base}.adapters.tables")

    def build_worker(container: Container, transport: Transport) -> Worker:
        """The service's worker, which also seals the service's audit trail."""
        worker: Worker = consumer.build_worker(container, transport)
        sealing = (audit.SEAL_SECONDS, audit.sealer(container.uow, tables.audit))
        return replace(worker, periodic=[*worker.periodic, sealing])

    return Service(name, bootstrap.bootstrap, web.create_app, build_worker, tables.messaging)


def available() -> list[Service]:
    """The three services, in the order they are started."""
    return [load(name) for name in SERVICES]

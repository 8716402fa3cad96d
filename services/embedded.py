"""The embedded default: every service in one process, on SQLite and the in-process broker."""

from __future__ import annotations

import functools
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http import wsgi as gunicorn_wsgi

from services import catalog, openapi
from services.catalog import Container
from services.decision_log.config import DecisionLogConfig
from shared.config import Settings
from shared.log import configure_logging
from shared.messaging.memory import MemoryBroker, MemoryTransport
from shared.messaging.transport import Transport
from shared.messaging.worker import Worker
from shared.migrations import upgrade
from shared.tlog.keys import create_key_file
from shared.web.gateway import PathDispatcher

log = logging.getLogger(__name__)


def embedded_settings(data_dir: Path, public_url: str) -> Settings:
    """SQLite files and a secret key kept in `data_dir`; the in-process transport.

    The directory is the owner's alone (0700): it holds personal data, the secret key and the
    e-mails caught for the demonstration.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return Settings(
        secret_key=key_file.read_text().strip(),
        transport="memory",
        database_urls={
            name: f"sqlite:///{(data_dir / f'{name}.db').resolve()}"
            for name in ("decision_log", "explainer", "appeals")
        },
        public_url=public_url,
        consumer_batch_wait_ms=5,
        outbox_poll_ms=50,
        log_format="text",
    )


def embedded_configs(data_dir: Path, settings: Settings) -> dict[str, Any]:
    """decision_log's own knobs in the embedded mode, whatever the environment says: a signing
    key for the transparency log kept in `data_dir` (created at first start), checkpoints every
    5 s. The other services read theirs from the environment, as elsewhere."""
    log_key = data_dir / "log_signing_key"
    if not log_key.exists():
        create_key_file(log_key, "explicite-embedded")
    return {
        "decision_log": replace(
            DecisionLogConfig.from_env(settings, {}),
            log_key_files=(str(log_key.resolve()),),
            # Someone trying the system gets a receipt at once rather than within the minute.
            log_checkpoint_seconds=5,
        )
    }


@dataclass
class Embedded:
    """A running system: its services, workers and the one WSGI app (and broker if embedded)."""

    settings: Settings
    broker: MemoryBroker | None
    containers: dict[str, Container] = field(default_factory=dict)
    apps: dict[str, Flask] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)
    # A service's own knobs (its `config`), when not read from the environment.
    configs: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def wsgi(self) -> PathDispatcher:
        # The public origin's merged API document is the composition's, served beside the
        # services as the distributed deployment's gateway serves it.
        document = openapi.document_app(self.apps)
        return PathDispatcher(self.apps, overrides={openapi.PATH: document})

    def transport(self, user: str) -> MemoryTransport:
        assert self.broker is not None, "only the embedded mode has an in-process broker"
        return MemoryTransport(self.broker, user)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop.set()
        for worker in self.workers:
            worker.join(timeout=5)


def start(settings: Settings, configs: dict[str, Any] | None = None) -> Embedded:
    """Every service on the in-process broker, each publishing as its own user."""
    broker = MemoryBroker()
    broker.declare_topology()
    system = Embedded(settings, broker, configs=dict(configs or {}))
    start_services(system, lambda name: system.transport(settings.service_user(name)))
    return system


def start_services(system: Embedded, transport_for: Callable[[str], Transport]) -> None:
    """Migrate each service's database, start its worker and build its web app.

    The embedded mode and the end-to-end tests share this; only the transport differs.
    """
    for service in catalog.available():
        container = service.bootstrap(system.settings, config=system.configs.get(service.name))
        upgrade(service.name, container.engine)
        worker = service.build_worker(container, transport_for(service.name))
        worker.start()
        system.containers[service.name] = container
        system.workers.append(worker)
        system.apps[service.name] = service.create_app(system.settings, container)


# The path without its query string (which may carry a reference): as deploy/gunicorn.conf.py.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class EmbeddedServer(BaseApplication):  # type: ignore[misc]
    """`explicite run` served by gunicorn, as production is: not a development server.

    One worker process, since the embedded system is one process (its in-process broker and
    workers live beside the web apps); threads serve the requests. The system starts in the
    worker, after the fork, and stops with it.
    """

    def __init__(
        self,
        host: str,
        port: int,
        build: Callable[[], Embedded],
        announce: Callable[[Embedded], None],
    ) -> None:
        self._bind = f"{host}:{port}"
        self._build = build
        self._announce = announce
        self._system: Embedded | None = None
        super().__init__()

    def load_config(self) -> None:
        for name, value in {
            "bind": self._bind,
            "workers": 1,
            "worker_class": "gthread",
            "threads": 8,
            "accesslog": "-",
            "errorlog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "graceful_timeout": 10,
            # No runtime control socket: one process, and two runs on one
            # machine would share its default path in the home directory.
            "control_socket_disable": True,
            "worker_exit": self._stop,
        }.items():
            self.cfg.set(name, value)

    def load(self) -> PathDispatcher:
        # No software name or version in the answers: nothing to look a known flaw up by.
        gunicorn_wsgi.SERVER = "Explicite"
        self._system = self._build()
        self._announce(self._system)
        return self._system.wsgi

    def _stop(self, _server: object, _worker: object) -> None:
        if self._system is not None:
            self._system.stop()


def main(
    host: str = "127.0.0.1", port: int = 8000, data_dir: Path = Path("var"), samples: bool = True
) -> None:
    """`explicite run`: start everything, load the samples, print what to try, serve."""
    from services.demo import load_demo

    # Every file this process creates (databases, their journals, caught e-mails) is the
    # owner's alone, whatever the shell's umask.
    os.umask(0o077)
    settings = embedded_settings(data_dir, f"http://{host}:{port}")
    configs = embedded_configs(data_dir, settings)
    configure_logging(settings.log_level, settings.log_format)

    def announce(system: Embedded) -> None:
        banner = load_demo(system) if samples else None
        print(f"\nExplicite fonctionne sur {settings.public_url}/", flush=True)
        if banner:
            print(banner, flush=True)
        print("Arrêt : Ctrl+C\n", flush=True)

    EmbeddedServer(host, port, lambda: start(settings, configs), announce).run()


def wait_for(predicate: object, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll `predicate()` until true or `timeout`; the embedded mode is asynchronous too."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return False

"""The system a benchmark run measures: real RabbitMQ and PostgreSQL, and the services' processes.

Everything of a run lives in a RabbitMQ vhost and databases of its own, with users of its own,
so a run can share servers with a test session (the smoke test does) or start its own.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pika
from sqlalchemy import Engine, create_engine, text

from services import catalog
from services.decision_log.bootstrap import bootstrap
from services.decision_log.service_layer.producers import register_amqp_producer
from services.decision_log.service_layer.registry import register_algorithm
from shared.config import SERVICES, Settings
from shared.messaging import definitions
from shared.migrations import upgrade
from shared.samples import SAMPLE_ALGORITHMS, SAMPLE_PRODUCERS
from tests.support.processes import PostgresServer, RabbitMQServer, free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-secret-key-" + "0123456789" * 4


class DurablePostgresServer(PostgresServer):
    """The test fixture's server with fsync and full-page writes back on, as in production.

    The fixture turns them off to be quick; a benchmark that skipped the flushes would flatter
    every commit.
    """

    @staticmethod
    def _as_postgres(argv: list[str]) -> list[str]:
        durable = {"fsync=off": "fsync=on", "full_page_writes=off": "full_page_writes=on"}
        return PostgresServer._as_postgres([durable.get(arg, arg) for arg in argv])


class BenchSystem:
    """A vhost with the production definitions (own users), databases, the services' processes."""

    def __init__(
        self,
        base_dir: Path,
        rabbitmq: RabbitMQServer,
        postgres: PostgresServer,
        tuning: dict[str, str] | None = None,
    ) -> None:
        self.base_dir = base_dir
        self.rabbitmq, self.postgres = rabbitmq, postgres
        self.explainer_workers = 1
        self.decision_log_workers = 2
        self.tuning = dict(tuning or {})
        suffix = uuid.uuid4().hex[:6]
        self.vhost = f"bench-{suffix}"
        self.admin = f"bench-admin-{suffix}"
        self.service_users = {
            name: f"bench-svc-{name.replace('_', '-')}-{suffix}" for name in SERVICES
        }
        # The sample back offices, under names of this run.
        self.producers = {f"{user}-{suffix}": adm for user, adm in SAMPLE_PRODUCERS.items()}
        self.user_of = {adm: user for user, adm in self.producers.items()}
        self.databases = {name: f"bench_{suffix}_{name}" for name in SERVICES}
        users = [*self.service_users.values(), *self.producers, self.admin]
        self.passwords = {user: secrets.token_hex(12) for user in users}
        self.settings = Settings(
            secret_key=SECRET_KEY,
            service_users=self.service_users,
            database_urls={name: postgres.url(db) for name, db in self.databases.items()},
        )
        self._engines: dict[str, Engine] = {}
        self._children: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """Load the definitions into the run's vhost; create and migrate its databases."""
        rendered = definitions.render(
            self.service_users,
            self.producers,
            self.passwords,
            admin=(self.admin, self.passwords[self.admin]),
        )
        path = self.base_dir / "definitions.json"
        path.write_text(json.dumps(_in_vhost(rendered, self.vhost)))
        self.rabbitmq.import_definitions(path)
        for name in self.databases.values():
            self.postgres.create_database(name)
        for service in catalog.available():
            upgrade(service.name, self.engine(service.name))

    def stop(self) -> None:
        for child in self._children:
            stop_process(child)
        for engine in self._engines.values():
            engine.dispose()

    # Connections
    def amqp_url(self, user: str) -> str:
        return self.rabbitmq.amqp_url(user, self.passwords[user], self.vhost)

    def admin_channel(self) -> Any:
        connection = pika.BlockingConnection(pika.URLParameters(self.amqp_url(self.admin)))
        return connection.channel()

    def engine(self, service: str) -> Engine:
        if service not in self._engines:
            self._engines[service] = create_engine(self.settings.database_url(service), pool_size=2)
        return self._engines[service]

    def scalar(self, service: str, sql: str, **params: Any) -> Any:
        with self.engine(service).connect() as connection:
            return connection.execute(text(sql), params).scalar()

    def server_roots(self) -> dict[str, int]:
        """The root process of each server's tree (for CPU accounting)."""
        return {
            "rabbitmq": self.rabbitmq._proc.pid,  # type: ignore[union-attr]
            "postgresql": self.postgres._proc.pid,
        }  # type: ignore[union-attr]

    # The services
    def env(self, service: str) -> dict[str, str]:
        """The environment of docs/operations.md for one service's processes."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("EXPLICITE_")}
        env.update(
            {
                "EXPLICITE_SECRET_KEY": SECRET_KEY,
                "EXPLICITE_AMQP_URL": self.amqp_url(self.service_users[service]),
                "EXPLICITE_PUBLIC_URL": "http://explicite.bench",
                "EXPLICITE_LOG_FORMAT": "json",
                "EXPLICITE_LOG_LEVEL": "WARNING",
                **{
                    f"EXPLICITE_{name.upper()}_DATABASE_URL": url
                    for name, url in self.settings.database_urls.items()
                },
                **{
                    f"EXPLICITE_{name.upper()}_AMQP_USER": user
                    for name, user in self.service_users.items()
                },
                **self.tuning,
            }
        )
        return env

    def register_samples(self) -> None:
        """The sample algorithms and this run's back offices, as `explicite` commands would."""
        app = bootstrap(self.settings, engine=self.engine("decision_log"))
        with app.uow() as uow:
            for document in SAMPLE_ALGORITHMS:
                register_algorithm(
                    uow, document, administration=document["administration"], by="bench"
                )
            for user, administration in self.producers.items():
                register_amqp_producer(uow, user, administration)
            uow.commit()

    def spawn(
        self, argv: list[str], service: str, log_name: str, extra_env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = open(self.base_dir / f"{log_name}.log", "ab")  # noqa: SIM115 - the child keeps it
        child = subprocess.Popen(
            argv,
            env={**self.env(service), **(extra_env or {})},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._children.append(child)
        return child

    def worker(self, service: str) -> subprocess.Popen[bytes]:
        """`explicite worker <service>`, the production worker process."""
        return self.spawn(
            [sys.executable, "-m", "services.cli", "worker", service], service, f"worker-{service}"
        )

    def free_port(self) -> int:
        return free_port()


def _in_vhost(rendered: dict[str, Any], vhost: str) -> dict[str, Any]:
    """Definitions rendered for "/" moved to another vhost."""
    moved = {
        key: [{**item, "vhost": vhost} if "vhost" in item else item for item in value]
        if isinstance(value, list)
        else value
        for key, value in rendered.items()
    }
    moved["vhosts"] = [{"name": vhost}]
    return moved


def stop_process(child: subprocess.Popen[Any], timeout: float = 15) -> None:
    """SIGTERM (a worker finishes its batch and closes), then SIGKILL if it lingers."""
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def own_servers(
    base_dir: Path, *, fsync: bool = True
) -> Iterator[tuple[RabbitMQServer, PostgresServer]]:
    """A RabbitMQ node and a PostgreSQL server of the run's own, on private ports."""
    rabbitmq = RabbitMQServer(base_dir / "rabbitmq")
    postgres = (DurablePostgresServer if fsync else PostgresServer)(base_dir / "postgres")
    try:
        rabbitmq.start()
        postgres.start()
        yield rabbitmq, postgres
    finally:
        postgres.close()
        rabbitmq.stop()


def wait_for(
    predicate: Callable[[], bool], timeout: float, interval: float = 0.02, what: str = "condition"
) -> float:
    """Poll until `predicate()`; return the time.time() at which it held."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s")
        time.sleep(interval)
    return time.time()

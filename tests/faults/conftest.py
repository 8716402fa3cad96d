"""Servers of the fault tests' own: they get killed, so no other test shares them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.processes import PostgresServer, RabbitMQServer

# `make test` runs the "ci" scale; `make test-faults` the "full" one.
SCALE = os.environ.get("EXPLICITE_FAULTS_SCALE", "ci")


@pytest.fixture(scope="module")
def own_rabbitmq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitMQServer]:
    with RabbitMQServer(tmp_path_factory.mktemp("faults-rabbitmq")) as server:
        yield server


@pytest.fixture(scope="module")
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    with PostgresServer(tmp_path_factory.mktemp("faults-postgres")) as server:
        yield server


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:6]


def add_service_user(broker: Any, user: str, password: str) -> None:
    broker.add_user(user, password)
    broker.set_permissions(user, ".*", ".*", ".*")


def add_back_office(broker: Any, user: str, password: str) -> None:
    broker.add_user(user, password)
    broker.set_permissions(user, "^$", "^explicite\\.decisions$", "^$")

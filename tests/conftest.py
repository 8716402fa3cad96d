"""Session fixtures: real RabbitMQ and PostgreSQL servers, started only for tests that ask."""

import pytest

from tests.support.processes import PostgresServer, RabbitMQServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: starts several servers or waits on timeouts; deselect with -m 'not slow'"
    )
    config.addinivalue_line(
        "markers", "faults: kills servers and workers on purpose (make test-faults: full run)"
    )


@pytest.fixture(scope="session")
def rabbitmq(tmp_path_factory: pytest.TempPathFactory):
    """A RabbitMQ node on private ports; tests declare their own uniquely named queues."""
    with RabbitMQServer(tmp_path_factory.mktemp("rabbitmq")) as server:
        yield server


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory):
    """A PostgreSQL server on a private port; tests create their own databases."""
    with PostgresServer(tmp_path_factory.mktemp("postgres")) as server:
        yield server

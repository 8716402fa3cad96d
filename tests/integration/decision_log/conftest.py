"""decision_log over a real SQLite database (the embedded adapter), migrated by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.decision_log.bootstrap import DecisionLog, bootstrap
from services.decision_log.config import DecisionLogConfig
from services.decision_log.service_layer.producers import register_amqp_producer
from services.decision_log.service_layer.registry import register_algorithm
from shared.config import Settings
from shared.migrations import upgrade
from tests.support import builders

SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        secret_key=SECRET,
        transport="memory",
        database_urls={"decision_log": f"sqlite:///{tmp_path / 'dl.db'}"},
        public_url="http://explicite.test",
    )


@pytest.fixture
def config(settings: Settings) -> DecisionLogConfig:
    """decision_log's own knobs, as an empty environment gives them."""
    return DecisionLogConfig.from_env(settings, {})


@pytest.fixture
def decision_log(settings: Settings, config: DecisionLogConfig) -> Iterator[DecisionLog]:
    service = bootstrap(settings, config=config)
    upgrade("decision_log", service.engine)
    with service.uow() as uow:
        register_algorithm(
            uow, builders.algorithm(), administration=builders.ADMINISTRATION, by="test"
        )
        register_amqp_producer(uow, "bo-ville-test", builders.ADMINISTRATION)
        register_amqp_producer(uow, "bo-autre", "autre-ville")
        uow.commit()
    yield service
    service.engine.dispose()

"""Each service's migrations build exactly the tables its code declares."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from services import catalog
from shared.db import make_engine
from shared.migrations import is_current, upgrade

SERVICES = [service.name for service in catalog.available()]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_tables(service: str, tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(service, engine)
    assert is_current(service, engine)
    metadata = importlib.import_module(f"services.{service}.adapters.tables").metadata
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


@pytest.mark.infra
@pytest.mark.parametrize("service", SERVICES)
def test_migrations_run_on_postgresql(service: str, postgres):
    import uuid

    database = f"migrations_{service}_{uuid.uuid4().hex[:6]}"
    postgres.create_database(database)
    engine = make_engine(postgres.url(database))
    upgrade(service, engine)
    metadata = importlib.import_module(f"services.{service}.adapters.tables").metadata
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []

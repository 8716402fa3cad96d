"""Alembic, driven from code: each service migrates its own database."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, create_engine, pool

_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(service: str, engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_ROOT / "services" / service / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade(service: str, engine: Engine) -> None:
    """Bring the service's database to the latest revision."""
    command.upgrade(alembic_config(service, engine), "head")


def is_current(service: str, engine: Engine) -> bool:
    """Whether the database is at the latest revision (readiness)."""
    script = ScriptDirectory.from_config(alembic_config(service, engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())


def run_migrations(metadata: MetaData) -> None:
    """The body of each service's `migrations/env.py`."""
    config = context.config
    engine = config.attributes.get("engine")
    if engine is None:  # the alembic command line: the URL comes from -x url=...
        url = context.get_x_argument(as_dictionary=True)["url"]
        engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

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
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


# SQLite's unique constraints created without a name: batch mode names them by this convention.
_UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def replace_unnamed_unique(
    table: str, columns: list[str], name: str, new_columns: list[str]
) -> None:
    """In a migration: replace a unique constraint created without a name by a named one.

    PostgreSQL named it itself (`<table>_<columns>_key`, cut to 63 characters); SQLite did not
    name it at all.
    """
    from alembic import op
    from sqlalchemy import inspect

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        found = next(
            str(c["name"])
            for c in inspect(bind).get_unique_constraints(table)
            if c["column_names"] == columns
        )
        op.drop_constraint(found, table, type_="unique")
        op.create_unique_constraint(name, table, new_columns)
        return
    with op.batch_alter_table(table, naming_convention=_UNNAMED) as batch_op:
        batch_op.drop_constraint(f"uq_{table}_{'_'.join(columns)}", type_="unique")
        batch_op.create_unique_constraint(name, new_columns)

"""Alembic environment of appeals."""

from services.appeals.adapters.tables import metadata
from shared.migrations import run_migrations

run_migrations(metadata)

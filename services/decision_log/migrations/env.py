"""Alembic environment of decision_log."""

from services.decision_log.adapters.tables import metadata
from shared.migrations import run_migrations

run_migrations(metadata)

"""Alembic environment of explainer."""

from services.explainer.adapters.tables import metadata
from shared.migrations import run_migrations

run_migrations(metadata)

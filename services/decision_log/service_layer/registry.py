"""Registering algorithm versions and changing their status; announcing both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.contracts.algorithm import STATUSES, load_registration
from shared.contracts.messages import AlgorithmRegistered
from shared.decision_model import load_algorithm_model


class RegistryConflict(Exception):
    """The version is already used by logged decisions: it can no longer change."""


class RegistryForbidden(Exception):
    """The caller may not register algorithms for that administration."""


@dataclass(frozen=True)
class Registered:
    document: dict[str, Any]
    revision: int
    created: bool


def register_algorithm(
    uow: DecisionLogUnitOfWork, payload: dict[str, Any], *, administration: str, by: str
) -> Registered:
    """Validate (raises ValidationError) and save a version for the caller's administration."""
    document = load_registration(payload)
    if document["administration"] != administration:
        raise RegistryForbidden(f"you may only register algorithms of {administration}")
    _check_runnable(document)
    # Ids are each administration's own: another's version with the same id is another entry.
    existing = uow.algorithms.row(administration, document["id"], document["version"])
    if existing is not None and existing.first_used_at is not None:
        raise RegistryConflict(
            f"{document['id']} {document['version']} is used by logged decisions since "
            f"{existing.first_used_at:%Y-%m-%d}; register a new version instead"
        )
    revision = uow.algorithms.save(document, by, datetime.now(UTC))
    _announce(uow, document, revision)
    return Registered(document, revision, existing is None)


def _check_runnable(document: dict[str, Any]) -> None:
    """A model run by an engine (OpenFisca) is registered only where that engine runs at the
    version named: every registered version can then be replayed and explained here."""
    _criteria, model = load_algorithm_model(document["criteria"], document["model"])
    engine_errors = getattr(model, "engine_errors", None)
    errors = engine_errors() if engine_errors is not None else {}
    if errors:
        raise ValidationError({"model": errors})


def change_status(
    uow: DecisionLogUnitOfWork, administration: str, algorithm_id: str, version: str, status: str
) -> dict[str, Any] | None:
    """Put a version in use or retire it; the rest of the entry stays as registered.

    None when the administration has no such version (another's is not looked at).
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    row = uow.algorithms.row(administration, algorithm_id, version)
    if row is None:
        return None
    document = uow.algorithms.set_status(row, status, datetime.now(UTC))
    _announce(uow, document, int(row.revision) + 1)
    return document


def _announce(uow: DecisionLogUnitOfWork, document: dict[str, Any], revision: int) -> None:
    # The explainer and appeals keep their own copy of the registry from these events.
    uow.publish(AlgorithmRegistered(document["administration"], document, revision).to_message())

"""What the typed contracts of shared/contracts/ have in common beyond messages.py: the
loading of an event's data with the reason of a refusal, and the algorithm's key."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError

from shared.contracts.events import Event, InvalidMessage
from shared.contracts.fields import Identifier
from shared.contracts.messages import _Contract, reason

Contract = _Contract


class Loose(Schema):
    """Tolerant of fields it does not know: an event may grow (docs/contract.md)."""

    class Meta:
        unknown = EXCLUDE


class AlgorithmKeySchema(Loose):
    id = Identifier(required=True)
    version = Identifier(required=True)


def load_data(event: Event, schema: Schema) -> dict[str, Any]:
    """The event's data checked against its schema, or InvalidMessage saying why."""
    try:
        return dict(schema.load(event.data))
    except ValidationError as exc:
        raise InvalidMessage(f"invalid {event.name} data: {reason(exc)}") from exc


def expect(event: Event, name: str) -> Event:
    if event.name != name:
        raise InvalidMessage(f"expected a {name} event, got {event.name}")
    return event


def iso(moment: date | datetime | None) -> str | None:
    """A date or a timestamp as the events carry it (ISO 8601), None kept."""
    return None if moment is None else moment.isoformat()

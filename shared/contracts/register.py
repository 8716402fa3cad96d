"""The messages of the public register, shared by their producers and consumers.

- `register-report.filed` (decision_log → appeals): a person reports an error in an entry;
- `register-report.updated` (appeals → decision_log): the owners' status and public answer;
- what the register reads of appeals' `appeal.acknowledged` and `appeal.decided` to publish
  how each version fares (unknown fields ignored: those events carry more).
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from shared.contracts.events import Event, InvalidMessage
from shared.contracts.fields import AwareDateTime, Identifier, SafeText

# What a report may be about, as the form offers it.
TOPICS = {
    "finalite": "La finalité ou la description",
    "textes": "Les textes cités",
    "donnees": "Les données utilisées ou leur origine",
    "calcul": "Le calcul : critères, points, poids ou seuils",
    "contact": "Le service responsable ou ses coordonnées",
    "chiffres": "Les chiffres publiés",
    "autre": "Autre chose",
}
# Where a report stands, as the public reads it on the entry.
STATUSES = {
    "received": "Reçu, pas encore examiné",
    "in_review": "En cours d'examen",
    "corrected": "Erreur reconnue : l'entrée a été corrigée",
    "unfounded": "Examiné : l'entrée était exacte",
}
ANSWERED = ("corrected", "unfounded")
MESSAGE_MIN, MESSAGE_MAX = 20, 2000
ANSWER_MIN, ANSWER_MAX = 20, 2000
PUBLIC_ID_PATTERN = r"^S-[0-9A-Z]{5}-[0-9A-Z]{5}$"


class _AlgorithmKey(Schema):
    class Meta:
        unknown = EXCLUDE

    id = Identifier(required=True)
    version = Identifier(required=True)


class ReportSchema(Schema):
    """What the public form sends (decision_log validates it before anything is written)."""

    class Meta:
        unknown = EXCLUDE

    topic = fields.String(required=True, validate=validate.OneOf(list(TOPICS)))
    message = SafeText(required=True, min_length=MESSAGE_MIN, max_length=MESSAGE_MAX)


class ReportFiledSchema(ReportSchema):
    class Meta:
        unknown = RAISE

    report_id = fields.String(required=True, validate=validate.Regexp(PUBLIC_ID_PATTERN))
    algorithm = fields.Nested(_AlgorithmKey, required=True)
    filed_at = AwareDateTime(required=True)


class ReportUpdatedSchema(Schema):
    class Meta:
        unknown = RAISE

    report_id = fields.String(required=True, validate=validate.Regexp(PUBLIC_ID_PATTERN))
    status = fields.String(required=True, validate=validate.OneOf(list(STATUSES)))
    answer = SafeText(load_default=None, allow_none=True, max_length=ANSWER_MAX)
    updated_at = AwareDateTime(required=True)


class AppealAcknowledgedSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    appeal_id = fields.String(required=True, validate=validate.Length(min=1, max=16))
    algorithm = fields.Nested(_AlgorithmKey, required=True)
    received_at = AwareDateTime(required=True)
    legal_due_at = AwareDateTime(required=True)


class AppealDecidedSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    appeal_id = fields.String(required=True, validate=validate.Length(min=1, max=16))
    outcome = fields.String(
        required=True, validate=validate.OneOf(["maintained", "amended", "annulled"])
    )
    decided_at = AwareDateTime(required=True)
    # Set by appeals, which owns the rule (annulled, or amended to another result).
    overturned = fields.Boolean(load_default=None, allow_none=True)


def load_event_data(event: Event, schema: Schema) -> dict[str, Any]:
    """The event's data checked against its schema, or InvalidMessage saying why."""
    try:
        return dict(schema.load(event.data))
    except ValidationError as exc:
        raise InvalidMessage(f"invalid {event.name}: {exc.messages}") from exc

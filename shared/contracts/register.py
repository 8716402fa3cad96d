"""The messages of the public register, shared by their producers and consumers.

- `register-report.filed` (decision_log → appeals): a person reports an error in an entry;
- `register-report.updated` (appeals → decision_log): the owners' status and public answer.

What the register reads of appeals' `appeal.acknowledged` and `appeal.decided`, to publish how
each version fares, is defined with those events in shared/contracts/appeals.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Self

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from shared.contracts.base import AlgorithmKeySchema, Contract, expect, load_data
from shared.contracts.events import Event
from shared.contracts.fields import AwareDateTime, SafeText
from shared.messaging import topology
from shared.messaging.message import Delivery

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
    algorithm = fields.Nested(AlgorithmKeySchema, required=True)
    filed_at = AwareDateTime(required=True)


class ReportUpdatedSchema(Schema):
    class Meta:
        unknown = RAISE

    report_id = fields.String(required=True, validate=validate.Regexp(PUBLIC_ID_PATTERN))
    status = fields.String(required=True, validate=validate.OneOf(list(STATUSES)))
    answer = SafeText(load_default=None, allow_none=True, max_length=ANSWER_MAX)
    updated_at = AwareDateTime(required=True)


_FILED, _UPDATED = ReportFiledSchema(), ReportUpdatedSchema()


@dataclass(frozen=True, kw_only=True)
class RegisterReportFiled(Contract):
    """`register-report.filed` (decision_log → appeals): a person reports an error in an entry,
    for its owners to read and answer in the console."""

    administration: str
    report_id: str
    algorithm_id: str
    algorithm_version: str
    topic: str
    message: str
    filed_at: datetime

    def to_event(self) -> Event:
        return Event(
            topology.REGISTER_REPORT_FILED,
            self.administration,
            {
                "report_id": self.report_id,
                "algorithm": {"id": self.algorithm_id, "version": self.algorithm_version},
                "topic": self.topic,
                "message": self.message,
                "filed_at": self.filed_at.isoformat(),
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.REGISTER_REPORT_FILED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.REGISTER_REPORT_FILED), _FILED)
        algorithm = data.pop("algorithm")
        return cls(
            administration=event.administration,
            algorithm_id=algorithm["id"],
            algorithm_version=algorithm["version"],
            **data,
        )


@dataclass(frozen=True, kw_only=True)
class RegisterReportUpdated(Contract):
    """`register-report.updated` (appeals → decision_log): the owners' status, and the answer
    the public reads on the entry."""

    administration: str
    report_id: str
    status: str
    answer: str | None
    updated_at: datetime

    def to_event(self) -> Event:
        return Event(
            topology.REGISTER_REPORT_UPDATED,
            self.administration,
            {
                "report_id": self.report_id,
                "status": self.status,
                "answer": self.answer,
                "updated_at": self.updated_at.isoformat(),
            },
        )

    @classmethod
    def from_delivery(cls, delivery: Delivery) -> Self:
        return cls.from_event(Event.from_delivery(delivery, topology.REGISTER_REPORT_UPDATED))

    @classmethod
    def from_event(cls, event: Event) -> Self:
        data = load_data(expect(event, topology.REGISTER_REPORT_UPDATED), _UPDATED)
        return cls(administration=event.administration, **data)

"""An algorithm version as registered: what it is for, on what law, data and model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.decision_model import CriterionDef, DecisionModel, load_algorithm_model


@dataclass(frozen=True)
class AlgorithmVersion:
    """A registered version, with its executable model loaded."""

    document: dict[str, Any]
    criteria: tuple[CriterionDef, ...]
    model: DecisionModel
    registered_at: datetime
    first_used_at: datetime | None
    retired_at: datetime | None

    @property
    def key(self) -> tuple[str, str, str]:
        """(administration, id, version): ids are each administration's own."""
        return self.administration, self.document["id"], self.document["version"]

    @property
    def administration(self) -> str:
        return str(self.document["administration"])

    @property
    def status(self) -> str:
        return str(self.document["status"])

    @property
    def automation_allowed(self) -> str:
        return str(self.document["automation_allowed"])

    @classmethod
    def from_document(
        cls,
        document: dict[str, Any],
        *,
        registered_at: datetime,
        first_used_at: datetime | None = None,
        retired_at: datetime | None = None,
    ) -> AlgorithmVersion:
        criteria, model = load_algorithm_model(document["criteria"], document["model"])
        return cls(document, tuple(criteria), model, registered_at, first_used_at, retired_at)

"""What the explainer is asked to do, whatever the channel that asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RecordAlgorithm:
    """Keep this revision of an algorithm version, unless a newer one is already kept."""

    document: dict[str, Any]
    revision: int


@dataclass(frozen=True)
class RecordDecision:
    """Keep a logged decision and explain it, now or once its algorithm version is known."""

    administration: str
    decision: dict[str, Any]
    reference: str
    access_code_hash: str
    replay: dict[str, Any]
    log_seq: int | None
    log_hash: str | None
    channel: str
    logged_at: datetime

    @property
    def decision_id(self) -> str:
        return str(self.decision["decision_id"])

    @property
    def algorithm_key(self) -> tuple[str, str, str]:
        """(administration, id, version): the version of the decision's own administration."""
        algorithm = self.decision["algorithm"]
        return self.administration, str(algorithm["id"]), str(algorithm["version"])

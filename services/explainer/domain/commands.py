"""What the explainer is asked to do, whatever the channel that asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.contracts.messages import DecisionLogged


@dataclass(frozen=True)
class RecordAlgorithm:
    """Keep this revision of an algorithm version, unless a newer one is already kept."""

    document: dict[str, Any]
    revision: int


# Keep a logged decision and explain it, now or once its algorithm version is known: the
# command is the event itself, as its contract reads it.
RecordDecision = DecisionLogged

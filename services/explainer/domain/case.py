"""What an explanation is made from: the algorithm version as registered and one decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from shared.decision_model import (
    CriterionDef,
    DecisionModel,
    Evaluation,
    InvalidValues,
    NotEvaluable,
    evaluate,
    load_algorithm_model,
)
from shared.french import PARIS
from shared.routes import Recourse, load_recourse


@dataclass(frozen=True)
class Algorithm:
    """An algorithm version as the explainer keeps it, with its executable model loaded."""

    document: dict[str, Any]
    revision: int
    criteria: tuple[CriterionDef, ...]
    model: DecisionModel

    @classmethod
    def from_document(cls, document: dict[str, Any], revision: int) -> Algorithm:
        criteria, model = load_algorithm_model(document["criteria"], document["model"])
        return cls(document, revision, tuple(criteria), model)

    @property
    def key(self) -> tuple[str, str, str]:
        """(administration, id, version): ids are each administration's own."""
        return (str(self.document["administration"]), str(self.document["id"]),
                str(self.document["version"]))

    @property
    def name(self) -> str:
        return str(self.document["name"])

    @property
    def service(self) -> dict[str, str]:
        return dict(self.document["responsible_service"])

    @property
    def data_sources(self) -> list[dict[str, Any]]:
        return [dict(source) for source in self.document.get("data_sources") or ()]

    @property
    def data_protection_officer(self) -> dict[str, Any] | None:
        officer = self.document.get("data_protection_officer")
        return dict(officer) if officer else None

    @property
    def register_url_path(self) -> str:
        """Where the public register shows this version (see `register_url`)."""
        return register_path(*self.key)

    def criterion(self, code: str) -> CriterionDef | None:
        return next((c for c in self.criteria if c.code == code), None)

    def label(self, code: str) -> str:
        """The criterion's public label (its code if the registry does not declare it)."""
        criterion = self.criterion(code)
        return criterion.label if criterion else code


def register_path(administration: str, algorithm_id: str, version: str) -> str:
    """The path of an algorithm version's entry in the public register (CRPA L312-1-3).

    The one place in the explainer that knows the register's addresses: the mention explicite
    and the explanation link to it. Ids are each administration's own, so the address names
    the administration, as decision_log's register serves it
    (services/decision_log/domain/register/entries.py, `Addresses.version`).
    """
    return f"/register/{administration}/{algorithm_id}/{version}"


def fixed(criterion: CriterionDef) -> bool:
    """Never something to ask the person to change: the registry says it cannot change, or it
    touches a ground of discrimination (Code pénal 225-1). A wrong value in the file can
    still be reported."""
    return not criterion.changeable or criterion.protected_ground is not None


@dataclass(frozen=True)
class Case:
    """One decision to explain, with everything the document says about it."""

    algorithm: Algorithm
    decision: dict[str, Any]
    reference: str
    base_url: str
    replay: dict[str, Any]
    supersedes_reference: str | None = None

    @property
    def page_url(self) -> str:
        return f"{self.base_url}/d/{self.reference}"

    @property
    def contest_url(self) -> str:
        return f"{self.page_url}/contester"

    @property
    def register_url(self) -> str:
        return f"{self.base_url}{self.algorithm.register_url_path}"

    @property
    def decided_on(self) -> date:
        """The decision date, in Paris: the notification date unless the letter says later."""
        moment = datetime.fromisoformat(self.decision["decided_at"])
        return moment.astimezone(PARIS).date() if moment.tzinfo else moment.date()

    @property
    def notified_on(self) -> date | None:
        """The day the person received the decision, when the back office gave it."""
        value = self.decision.get("notified_on")
        return date.fromisoformat(value) if isinstance(value, str) else value

    @cached_property
    def recourse(self) -> Recourse:
        """How this decision is contested: the registry's route model."""
        return load_recourse(self.algorithm.document)

    @property
    def outcome(self) -> dict[str, Any]:
        return dict(self.decision["outcome"])

    @property
    def favourable(self) -> bool:
        return bool(self.outcome["favourable"])

    @property
    def fully_automated(self) -> bool:
        return self.decision.get("automation") == "full"

    @property
    def human_role(self) -> str:
        return str(self.algorithm.document.get("human_role") or "un agent de l'administration")

    @property
    def values(self) -> dict[str, Any]:
        return {c["code"]: c["value"] for c in self.decision["criteria"]}

    @property
    def sources(self) -> dict[str, str | None]:
        return {c["code"]: c.get("source") for c in self.decision["criteria"]}

    @property
    def contributions(self) -> dict[str, Decimal]:
        return {c["code"]: Decimal(str(c["contribution"])) for c in self.decision["criteria"]
                if c.get("contribution") is not None}

    @cached_property
    def evaluation(self) -> Evaluation | None:
        """The registered model applied to the person's values; None when it cannot be."""
        try:
            return evaluate(self.algorithm.model, self.algorithm.criteria, self.values)
        except (NotEvaluable, InvalidValues):
            return None

    @property
    def divergent(self) -> bool:
        return self.replay.get("status") == "divergent"

    @property
    def departure_reasons(self) -> str | None:
        """Why the people who decided departed from the algorithm's result, as the back office
        gave them (decision.v1 `departure_reasons`)."""
        reasons = self.decision.get("departure_reasons")
        return str(reasons).strip() or None if reasons else None

"""An explanation as pages and the API show it, for those allowed to read it, and nobody else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Row

from services.explainer.adapters import tables as t
from services.explainer.domain.document import ExplanationDocument
from services.explainer.service_layer.access import may_read
from services.explainer.service_layer.requests import CommunicationRequest, recorded_request
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared import audit
from shared.audit import actor_of
from shared.auth.principal import Principal
from shared.auth.tokens import normalize_reference


@dataclass(frozen=True)
class ExplanationView:
    decision: Row[Any]
    explanation: Row[Any] | None  # None while the decision waits for its algorithm version
    history: list[Row[Any]]
    request: CommunicationRequest | None
    replaces: Row[Any] | None
    replaced_by: list[Row[Any]]

    @property
    def document(self) -> ExplanationDocument | None:
        if self.explanation is None:
            return None
        return ExplanationDocument.from_json(dict(self.explanation.document))

    @property
    def latest_version(self) -> int:
        return int(self.history[-1].version) if self.history else 0


def read_explanation(uow: ExplainerUnitOfWork, reference: str, principal: Principal,
                     version: int | None = None) -> ExplanationView | None:
    """The view, or None alike when the reference is unknown and when it is not theirs."""
    decision = uow.decisions.by_reference(normalize_reference(reference))
    if decision is None or not may_read(uow, principal, decision):
        return None
    # Every reading of a person's explanation leaves a trace, theirs included (the caller
    # commits it).
    audit.record(uow.session, t.audit, actor=actor_of(principal),
                 administration=decision.administration, action="read",
                 subject=f"explanation:{decision.reference}",
                 purpose=("lecture par la personne concernée" if principal.kind == "usager"
                          else "lecture par un agent de l'administration"))
    explanation = (uow.explanations.version(decision.id, version) if version is not None
                   else uow.explanations.latest(decision.id))
    if version is not None and explanation is None:
        return None
    replaces = (uow.decisions.find(decision.administration, decision.supersedes)
                if decision.supersedes else None)
    return ExplanationView(decision, explanation, uow.explanations.history(decision.id),
                           recorded_request(uow, decision), replaces,
                           uow.decisions.superseded_by(decision))

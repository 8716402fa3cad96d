"""explainer's unit of work: one transaction over its repositories and its outbox."""

from __future__ import annotations

from typing import Self

from services.explainer.adapters.repository import (
    AlgorithmRepository,
    DecisionRepository,
    ExplanationRepository,
    RequestRepository,
    TemplateRepository,
)
from shared.db import UnitOfWork


class ExplainerUnitOfWork(UnitOfWork):
    algorithms: AlgorithmRepository
    decisions: DecisionRepository
    explanations: ExplanationRepository
    templates: TemplateRepository
    requests: RequestRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.algorithms = AlgorithmRepository(self.session)
        self.decisions = DecisionRepository(self.session)
        self.explanations = ExplanationRepository(self.session)
        self.templates = TemplateRepository(self.session)
        self.requests = RequestRepository(self.session)
        return self

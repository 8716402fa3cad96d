"""explainer's unit of work: one transaction over its repositories and its outbox."""

from __future__ import annotations

from typing import Self

from services.explainer.adapters.repository import (
    AlgorithmRepository,
    DecisionRepository,
    ExplanationRepository,
    RequestRepository,
    TemplateRepository,
    WordingRepository,
    draw_ids,
)
from shared.db import UnitOfWork, is_postgresql


class ExplainerUnitOfWork(UnitOfWork):
    algorithms: AlgorithmRepository
    decisions: DecisionRepository
    explanations: ExplanationRepository
    templates: TemplateRepository
    requests: RequestRepository
    wordings: WordingRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.algorithms = AlgorithmRepository(self.session)
        self.decisions = DecisionRepository(self.session)
        self.explanations = ExplanationRepository(self.session)
        self.templates = TemplateRepository(self.session)
        self.requests = RequestRepository(self.session)
        self.wordings = WordingRepository(self.session)
        self._staging = False
        return self

    def stage_writes(self, expected: int = 0) -> None:
        """Stage the decisions and explanations added from now on, and write them together at
        the commit (decisions first: explanations refer to them). For a batch of about
        `expected` decisions: on PostgreSQL, their ids are drawn now, in one round trip.
        """
        if self._staging:
            return
        self._staging = True
        decision_ids: list[int] = []
        explanation_ids: list[int] = []
        if expected and is_postgresql(self.session):
            decision_ids, explanation_ids = draw_ids(self.session, expected)
        self.decisions.stage(self.staging, decision_ids, expected)
        self.explanations.stage(self.staging, explanation_ids, expected)

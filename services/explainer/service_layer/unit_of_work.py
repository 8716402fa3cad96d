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
from shared.db import UnitOfWork, before_commit


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
        self._staging = False
        return self

    def stage_writes(self) -> None:
        """Stage the decisions and explanations added from now on, and write them together at
        the commit (decisions first: explanations refer to them). For a consumer batch."""
        if self._staging:
            return
        self._staging = True
        self.decisions.stage()
        self.explanations.stage()
        before_commit(self.session, self._write_staged)

    def _write_staged(self) -> None:
        self.decisions.write_staged()
        self.explanations.write_staged()

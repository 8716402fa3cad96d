"""decision_log's unit of work: one transaction over its repositories and its outbox."""

from __future__ import annotations

from typing import Self

from services.decision_log.adapters.register import RegisterRepository
from services.decision_log.adapters.repository import (
    AlgorithmRepository,
    ChainRepository,
    DecisionRepository,
    ProducerRepository,
    QuarantineRepository,
)
from services.decision_log.adapters.tables import tlog
from shared.db import UnitOfWork
from shared.tlog.checkpoints import CheckpointStore
from shared.tlog.store import NodeStore


class DecisionLogUnitOfWork(UnitOfWork):
    algorithms: AlgorithmRepository
    decisions: DecisionRepository
    chain: ChainRepository
    quarantine: QuarantineRepository
    producers: ProducerRepository
    tree: NodeStore
    checkpoints: CheckpointStore
    register: RegisterRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.algorithms = AlgorithmRepository(self.session)
        self.decisions = DecisionRepository(self.session, self.staging)
        self.chain = ChainRepository(self.session, self.staging)
        self.quarantine = QuarantineRepository(self.session)
        self.producers = ProducerRepository(self.session)
        self.tree = NodeStore(self.session, tlog, self.staging)
        self.checkpoints = CheckpointStore(self.session, tlog)
        self.register = RegisterRepository(self.session)
        return self

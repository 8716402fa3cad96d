"""appeals' unit of work: one transaction over its records, read models and outbox."""

from __future__ import annotations

from typing import Self

from services.appeals.adapters.office import Office
from services.appeals.adapters.read_models import ReadModels
from services.appeals.adapters.records import AppealRecords
from services.appeals.adapters.register_reports import RegisterReports
from shared.db import UnitOfWork


class AppealsUnitOfWork(UnitOfWork):
    appeals: AppealRecords
    read: ReadModels
    office: Office
    reports: RegisterReports

    def __enter__(self) -> Self:
        super().__enter__()
        self.appeals = AppealRecords(self.session)
        self.read = ReadModels(self.session)
        self.office = Office(self.session)
        self.reports = RegisterReports(self.session)
        return self

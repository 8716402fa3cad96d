"""The public register: its entries with their figures, and the read models it keeps from
appeals' events (how each version fares, the answers to error reports)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.decision_log.domain.register.entries import Entry
from services.decision_log.domain.register.evidence import Evidence, compute
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.contracts.appeals import AppealAcknowledged, AppealDecided
from shared.contracts.register import RegisterReportUpdated

YEAR = timedelta(days=365)


def entries(
    uow: DecisionLogUnitOfWork,
    now: datetime,
    *,
    administration: str | None = None,
    algorithm_id: str | None = None,
) -> list[Entry]:
    """Every public version (in use or retired: past versions stay published)."""
    rows = uow.algorithms.listing(public_only=True, administration=administration)
    if algorithm_id is not None:
        rows = [r for r in rows if r.algorithm_id == algorithm_id]
    recent = uow.register.decisions_since(now - YEAR)
    usage = uow.algorithms.usage_counts()
    return [
        Entry(
            row.document,
            row.revision,
            row.registered_at,
            row.retired_at,
            decisions_last_year=recent.get(_key(row), 0),
            decisions_logged=usage.get(_key(row), 0),
        )
        for row in rows
    ]


def evidence(uow: DecisionLogUnitOfWork, key: tuple[str, str, str], now: datetime) -> Evidence:
    return compute(uow.register.decision_years(key), uow.register.appeals(key), now)


def on_appeal_acknowledged(appeal: AppealAcknowledged, uow: DecisionLogUnitOfWork) -> None:
    uow.register.save_appeal(
        appeal.administration,
        appeal.appeal_id,
        algorithm_id=appeal.algorithm_id,
        algorithm_version=appeal.algorithm_version,
        received_at=_utc(appeal.received_at),
        legal_due_at=_utc(appeal.legal_due_at),
    )


def on_appeal_decided(appeal: AppealDecided, uow: DecisionLogUnitOfWork) -> None:
    uow.register.save_appeal(
        appeal.administration,
        appeal.appeal_id,
        decided_at=_utc(appeal.decided_at),
        outcome=appeal.outcome,
        overturned=appeal.overturned,
    )


def on_report_updated(report: RegisterReportUpdated, uow: DecisionLogUnitOfWork) -> None:
    uow.register.update_report(
        report.administration,
        report.report_id,
        _utc(report.updated_at),
        status=report.status,
        answer=report.answer,
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _key(row: Any) -> tuple[str, str, str]:
    return row.administration, row.algorithm_id, row.version

"""Verifying the hash chains of the log."""

from __future__ import annotations

from services.decision_log.service_layer.ingest import hashed_part
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.chain import ChainReport, verify_chain


def verify_log(
    uow: DecisionLogUnitOfWork, administrations: list[str] | None = None
) -> list[ChainReport]:
    """Recompute every record's hash from its stored columns and follow every link."""
    reports = []
    for administration in administrations or uow.decisions.administrations():
        links = (
            (row.seq, row.prev_hash, row.hash, row.decision_id, hashed_part(dict(row._mapping)))
            for row in uow.decisions.links(administration)
        )
        reports.append(verify_chain(administration, links, uow.chain.stored_head(administration)))
    return reports


def report_json(report: ChainReport) -> dict[str, object]:
    return {
        "administration": report.chain,
        "intact": report.intact,
        "records": report.records,
        "head_seq": report.head_seq,
        "breaks": [
            {"seq": b.seq, "decision_id": b.label, "problem": b.problem} for b in report.breaks
        ],
    }

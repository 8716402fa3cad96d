"""« Signaler une erreur »: a person reports an error in a register entry, without an account.

The report is recorded here for its public status, and travels with its message to appeals,
where the algorithm's owners read and answer it in the agents' console.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError

from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.auth.tokens import new_report_id
from shared.contracts.register import RegisterReportFiled, ReportSchema
from shared.ratelimit import Limit, RateLimiter

# A person reporting errors writes a few at most; more from one address is a flood.
PER_ADDRESS = Limit("register-report-ip", 5, timedelta(hours=1))
# Owners can read some dozens a day per entry; beyond, the form waits.
PER_ENTRY = Limit("register-report-entry", 30, timedelta(days=1))
_FORM = ReportSchema()


class ReportInvalid(Exception):
    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__("invalid report")
        self.fields = fields


class TooManyReports(Exception):
    """A rate limit was reached; nothing was recorded."""


def report_error(
    uow: DecisionLogUnitOfWork,
    limiter: RateLimiter,
    key: tuple[str, str, str],
    form: dict[str, Any],
    address: str,
    now: datetime,
) -> str:
    """Record the report and announce it to appeals (outbox); its public id."""
    try:
        report = _FORM.load(form)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"form": exc.messages}
        raise ReportInvalid(dict(messages)) from exc
    checks = [(PER_ADDRESS, address), (PER_ENTRY, "/".join(key))]
    if limiter.refusal(uow.session, checks, now) is not None:
        raise TooManyReports()
    limiter.hit(uow.session, checks, now)
    administration, algorithm_id, version = key
    report_id = new_report_id()
    uow.register.add_report(
        public_id=report_id,
        administration=administration,
        algorithm_id=algorithm_id,
        algorithm_version=version,
        topic=report["topic"],
        status="received",
        answer=None,
        created_at=now,
        updated_at=now,
    )
    uow.publish(
        RegisterReportFiled(
            administration=administration,
            report_id=report_id,
            algorithm_id=algorithm_id,
            algorithm_version=version,
            topic=report["topic"],
            message=report["message"],
            filed_at=now,
        ).to_message()
    )
    return report_id

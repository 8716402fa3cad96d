"""Every event of contract v1 that is not decision.logged, algorithm.registered, decision.revised
or explanation.generated, as its producer publishes it from fixed inputs.

The producers are called themselves (with stand-ins for their unit of work), so that the wire
test compares what they publish today with `events_v1.json`, captured from the producers
before they were given typed contracts: the format must not change (docs/contract.md).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any
from unittest import mock

from shared.messaging.message import OutgoingMessage

NOW = datetime(2027, 3, 4, 9, 30, 15, 123456, tzinfo=UTC)
ADMINISTRATION = "ville-exemple"


class Recorder:
    """A stand-in unit of work: every other call answers a MagicMock."""

    def __init__(self, **answers: Any) -> None:
        self.mock = mock.MagicMock()
        for path, value in answers.items():
            target = self.mock
            *parents, last = path.split(".")
            for name in parents:
                target = getattr(target, name)
            getattr(target, last).return_value = value
        self.published: list[OutgoingMessage] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.mock, name)

    def publish(self, message: OutgoingMessage) -> None:
        self.published.append(message)


def _appeal_filed_and_acknowledged(recours: bool) -> list[OutgoingMessage]:
    from services.appeals.service_layer import filing

    uow = Recorder()
    decision = SimpleNamespace(
        reference="D-ABCDE-12345",
        decision_id="dec-2027-0001",
        algorithm_id="creche-attribution",
        algorithm_version="2027.1",
    )
    grounds = [SimpleNamespace(criterion="revenus"), SimpleNamespace(criterion=None)]
    deadlines = SimpleNamespace(
        implicit_rejection_on=date(2027, 5, 4) if recours else None,
        measure_final_on=None if recours else date(2027, 3, 14),
        internal_due_at=datetime(2027, 4, 3, 16, 0, tzinfo=UTC) if recours else None,
        legal_due_at=datetime(2027, 5, 3, 21, 59, 59, tzinfo=UTC),
    )
    filing._announce(
        uow,  # type: ignore[arg-type]
        ADMINISTRATION,
        "R-0042" if recours else "R-0043",
        decision,
        "recours" if recours else "observations",
        "online" if recours else "post",
        grounds if recours else [],
        deadlines,
        NOW,
        True if recours else None,
    )
    return uow.published


def _appeal_assigned() -> list[OutgoingMessage]:
    from services.appeals.service_layer import review

    uow = Recorder()
    appeal = SimpleNamespace(
        administration=ADMINISTRATION,
        public_id="R-0042",
        reference="D-ABCDE-12345",
        team="petite-enfance",
    )
    review._assigned(uow, appeal, "agent-b", "agent-a", NOW)  # type: ignore[arg-type]
    return uow.published


def _appeal_decided(outcome: str, validated_by: str | None) -> list[OutgoingMessage]:
    from services.appeals.service_layer import review

    uow = Recorder(**{"read.decision": SimpleNamespace(outcome_code="refus")})
    appeal = SimpleNamespace(
        id=7,
        administration=ADMINISTRATION,
        public_id="R-0042",
        reference="D-ABCDE-12345",
        decision_id="dec-2027-0001",
        algorithm_id="creche-attribution",
        algorithm_version="2027.1",
    )
    stored = {
        "outcome": outcome,
        "facts": "f",
        "law": "l",
        "answers": {},
        "corrections": {},
        "new_outcome_code": None,
        "new_outcome_label": None,
        "examined_seconds": 60,
    }
    with mock.patch.object(review, "send_to_person"):
        review._finalise(
            uow,  # type: ignore[arg-type]
            appeal,
            stored,
            "agent-b",
            validated_by,
            NOW,
            "http://x",
        )
    return uow.published


def _register_report_filed() -> list[OutgoingMessage]:
    from services.decision_log.service_layer import reports

    uow = Recorder()
    limiter = mock.MagicMock()
    limiter.refusal.return_value = None
    with mock.patch.object(reports, "new_report_id", return_value="S-ABCDE-12345"):
        reports.report_error(
            uow,  # type: ignore[arg-type]
            limiter,
            (ADMINISTRATION, "creche-attribution", "2027.1"),
            {
                "topic": "calcul",
                "message": "Le barème publié n'est pas celui appliqué cette année.",
            },
            "192.0.2.1",
            NOW,
        )
    return uow.published


def _register_report_updated(status: str, answer: str) -> list[OutgoingMessage]:
    from services.appeals.domain.rules import Agent
    from services.appeals.service_layer import register_reports

    uow = Recorder(**{"reports.get": SimpleNamespace(public_id="S-ABCDE-12345")})
    agent = Agent("agent-a", ADMINISTRATION, frozenset({"algorithm_owner"}), frozenset())
    register_reports.answer_report(
        uow,  # type: ignore[arg-type]
        agent,
        "S-ABCDE-12345",
        status,
        answer,
        NOW,
    )
    return uow.published


def _explanation_requested() -> list[OutgoingMessage]:
    from services.explainer.service_layer import requests

    uow = Recorder(
        **{
            "requests.of": None,
            "explanations.latest": SimpleNamespace(id=11, version=2),
        }
    )
    decision = SimpleNamespace(
        id=3,
        reference="D-ABCDE-12345",
        decision_id="dec-2027-0001",
        administration=ADMINISTRATION,
    )
    context = mock.MagicMock()
    context.now.return_value = NOW
    requests.request_communication(uow, decision, "usager", context)  # type: ignore[arg-type]
    return uow.published


def _decision_quarantined() -> list[OutgoingMessage]:
    from services.decision_log.domain import validation as v
    from services.decision_log.service_layer import ingest

    uow = Recorder(**{"quarantine.add": (5, True)})
    context = mock.MagicMock()
    context.now.return_value = NOW
    producer = v.Producer("amqp", "svc-ville", ADMINISTRATION)
    rejection = v.Rejection(
        "invalid",
        {"criteria.0.value": ["Not a valid number."], "decided_at": ["In the future."]},
        administration=ADMINISTRATION,
        decision_id="dec-2027-0001",
        event_id="6f1c2f0e-3b51-4d1c-9a55-8f2f8f7d2a10",
    )
    item = ingest.Received(producer, b"{}")
    ingest.quarantine(uow, item, rejection, context)  # type: ignore[arg-type]
    return uow.published


def _agent_sessions_revoked() -> list[OutgoingMessage]:
    from services.appeals.service_layer import agents

    uow = Recorder(
        **{"office.agent": SimpleNamespace(administration=ADMINISTRATION, session_generation=3)}
    )
    agents.end_sessions(uow, "agent-a", "password")  # type: ignore[arg-type]
    return uow.published


def published() -> dict[str, list[OutgoingMessage]]:
    """Each case's messages, as its producer publishes them."""
    return {
        "appeal.filed+acknowledged (recours)": _appeal_filed_and_acknowledged(True),
        "appeal.filed+acknowledged (observations)": _appeal_filed_and_acknowledged(False),
        "appeal.assigned": _appeal_assigned(),
        "appeal.decided (annulled, validated)": _appeal_decided("annulled", "agent-c"),
        "appeal.decided (maintained)": _appeal_decided("maintained", None),
        "register-report.filed": _register_report_filed(),
        "register-report.updated (answered)": _register_report_updated(
            "corrected", "  Le barème a été corrigé sur l'entrée du registre.  "
        ),
        "register-report.updated (in review)": _register_report_updated("in_review", ""),
        "explanation.requested": _explanation_requested(),
        "decision.quarantined": _decision_quarantined(),
        "agent.sessions-revoked": _agent_sessions_revoked(),
    }


def on_the_wire(message: OutgoingMessage) -> dict[str, Any]:
    """What a consumer sees of a message, but the event's id and time (new at each call)."""
    body = json.loads(message.body)
    del body["event_id"], body["occurred_at"]
    return {
        "exchange": message.exchange,
        "routing_key": message.routing_key,
        "type": message.type,
        "schema": message.schema,
        "body": body,
    }


def capture() -> dict[str, list[dict[str, Any]]]:
    return {case: [on_the_wire(m) for m in messages] for case, messages in published().items()}


if __name__ == "__main__":
    print(json.dumps(capture(), ensure_ascii=False, indent=1, sort_keys=True))

"""ExpliciteClient: validate each decision locally, publish it over AMQP, fall back to HTTP."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from shared.client.http import Accepted, HttpSender, Refused
from shared.client.report import SendReport, Sent
from shared.contracts.decision import SCHEMA, DecisionRecordedSchema, flatten_errors
from shared.messaging.amqp import AmqpTransport
from shared.messaging.message import OutgoingMessage
from shared.messaging.topology import DECISION_RECORDED, DECISIONS_EXCHANGE, routing_key
from shared.messaging.transport import Publisher, TransportError

BATCH_SIZE = 500


@dataclass(frozen=True)
class _Ready:
    """A decision that passed local validation, serialised once for either channel."""

    decision_id: str
    administration: str
    event_id: str
    body: bytes


class ExpliciteClient:
    """Sends `decision.v1` bodies; each send opens its connections and closes them at the end."""

    def __init__(
        self,
        amqp_url: str | None = None,
        http_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 30,
        *,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        if not amqp_url and not http_url:
            raise ValueError("give amqp_url, http_url or both")
        # Parsing the URLs now makes a malformed one fail here, not in the middle of a send.
        self._transport = AmqpTransport(amqp_url) if amqp_url else None
        self._http_url, self._api_key = http_url, api_key
        self._timeout, self._retries, self._backoff = timeout, retries, backoff

    def send(self, decisions: Iterable[dict[str, Any]]) -> SendReport:
        """Validate, then send by batches of 500: AMQP first when configured, else HTTP."""
        report = SendReport()
        seen: set[str] = set()
        publisher = self._transport.publisher() if self._transport else None
        http = (
            HttpSender(self._http_url, self._api_key, self._timeout, self._retries, self._backoff)
            if self._http_url
            else None
        )
        try:
            for batch in _batches(decisions):
                ready = [
                    item
                    for position, decision in batch
                    if (item := _prepare(decision, position, seen, report))
                ]
                unsent = [(item, "") for item in ready]
                if publisher is not None and ready:
                    unsent, broker_down = self._publish(publisher, ready, report)
                    if broker_down:  # don't wait for a dead broker once per batch
                        publisher.close()
                        publisher = None
                for item, why in unsent:
                    if http is None:
                        report.failed.append((item.decision_id, why))
                    else:
                        _post(http, item, why, report)
        finally:
            if publisher is not None:
                publisher.close()
            if http is not None:
                http.close()
        return report

    def _publish(
        self, publisher: Publisher, ready: list[_Ready], report: SendReport
    ) -> tuple[list[tuple[_Ready, str]], bool]:
        """Publish with confirms; return what was not taken in charge, and if the broker is gone."""
        messages = [
            OutgoingMessage(
                exchange=DECISIONS_EXCHANGE,
                routing_key=routing_key(DECISION_RECORDED, item.administration),
                body=item.body,
                message_id=item.event_id,
                type=DECISION_RECORDED,
                schema=SCHEMA,
            )
            for item in ready
        ]
        try:
            result = publisher.publish(messages, timeout=self._timeout)
        except TransportError as exc:
            return [(item, f"AMQP : {exc}") for item in ready], True
        confirmed, returned = set(result.confirmed), set(result.returned)
        unsent = []
        for item, message in zip(ready, messages, strict=True):
            if item.event_id in confirmed:
                report.add_sent(Sent(item.decision_id, "amqp"))
            elif item.event_id in returned:
                # Confirmed but routed nowhere: the broker dropped it, nobody will log it.
                unsent.append(
                    (
                        item,
                        "AMQP : message rendu par le courtier, aucune file n'est "
                        f"liée à {message.routing_key}",
                    )
                )
            else:
                unsent.append((item, "AMQP : publication non confirmée par le courtier"))
        return unsent, False


def _batches(decisions: Iterable[Any]) -> Iterator[list[tuple[int, Any]]]:
    numbered = enumerate(decisions, start=1)
    while batch := list(itertools.islice(numbered, BATCH_SIZE)):
        yield batch


def _prepare(decision: Any, position: int, seen: set[str], report: SendReport) -> _Ready | None:
    """The decision ready to send, or None once its rejection is in the report."""
    name = decision.get("decision_id") if isinstance(decision, dict) else None
    name = name if isinstance(name, str) and name else f"n° {position}"
    try:
        loaded = DecisionRecordedSchema().load(decision)
        body = json.dumps(decision, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ValidationError as exc:
        reasons = flatten_errors(exc.messages)
    except (TypeError, ValueError) as exc:
        reasons = {"body": [f"is not JSON-serialisable: {exc}"]}
    else:
        if loaded["event_id"] not in seen:
            seen.add(loaded["event_id"])
            return _Ready(loaded["decision_id"], loaded["administration"], loaded["event_id"], body)
        reasons = {"event_id": ["appears twice in this send: give each decision its own"]}
    report.rejected.append((name, reasons))
    return None


def _post(http: HttpSender, item: _Ready, amqp_why: str, report: SendReport) -> None:
    outcome = http.post(item.body)
    if isinstance(outcome, Accepted):
        answer = outcome.answer
        report.add_sent(
            Sent(
                item.decision_id,
                "http",
                answer.get("reference"),
                answer.get("access_code"),
                answer.get("public_url"),
            )
        )
    elif isinstance(outcome, Refused):
        report.rejected.append((item.decision_id, outcome.reasons))
    else:
        report.failed.append(
            (item.decision_id, f"{amqp_why} ; {outcome.why}" if amqp_why else outcome.why)
        )

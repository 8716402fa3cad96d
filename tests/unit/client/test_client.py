"""The client validates locally and sends over HTTP to a real (tiny, local) server."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shared.client import ExpliciteClient, Sent
from shared.samples import generate_decisions

START = datetime.fromisoformat("2026-11-20T12:00:00+01:00")


class FakeDecisionLog(BaseHTTPRequestHandler):
    """Answers like decision_log: 202 for most, 400 for `BAD` ids, 500 for `BOOM` ids;
    `FLAKY` ids fail once with 503 then succeed."""

    received: list[tuple[str, str | None, dict[str, Any]]]
    failed_once: set[str]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, self.headers.get("Authorization"), body))
        decision_id = body["decision_id"]
        if "BAD" in decision_id:
            self._answer(
                400,
                {
                    "error": {
                        "code": "invalid",
                        "message": "The decision was not logged",
                        "fields": {"outcome.code": ["must be one of: accord"]},
                    }
                },
            )
        elif "BOOM" in decision_id or (
            "FLAKY" in decision_id and decision_id not in self.failed_once
        ):
            self.failed_once.add(decision_id)
            self._answer(
                503 if "FLAKY" in decision_id else 500,
                {"error": {"code": "internal_error", "message": "Désolé"}},
            )
        else:
            self._answer(
                202,
                {
                    "status": "logged",
                    "decision_id": decision_id,
                    "reference": f"REF-{decision_id[-4:]}",
                    "access_code": "K7Q-2MX",
                    "public_url": "http://explicite.test/d/REF",
                },
            )

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[FakeDecisionLog]]]:
    handler = type("Handler", (FakeDecisionLog,), {"received": [], "failed_once": set()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def decisions(*suffixes: str) -> list[dict[str, Any]]:
    """Valid sample decisions, renamed so that the fake server knows how to answer each."""
    generated = generate_decisions(len(suffixes), start=START)
    for decision, suffix in zip(generated, suffixes, strict=True):
        decision["decision_id"] += f"-{suffix}" if suffix else ""
    return generated


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_invalid_decision_is_rejected_with_its_fields_and_not_sent(server) -> None:
    url, handler = server
    valid, invalid = decisions("", "")
    invalid["outcome"]["favourable"] = "yes"
    del invalid["subject"]
    resent = {**valid, "decision_id": "CRECHE-2026-999999"}  # same event id as `valid`
    report = ExpliciteClient(http_url=url, api_key="k").send(
        [valid, invalid, "not an object", resent]
    )
    assert [s.decision_id for s in report.sent] == [valid["decision_id"]]
    (name, reasons), (position, other), (twice, duplicate) = report.rejected
    assert name == invalid["decision_id"]
    assert set(reasons) == {"outcome.favourable", "subject"}
    assert position == "n° 3" and "body" in other
    assert twice == "CRECHE-2026-999999" and set(duplicate) == {"event_id"}
    assert [body["decision_id"] for _, _, body in handler.received] == [valid["decision_id"]]


def test_accepted_decisions_keep_their_reference_and_access_code(server) -> None:
    url, handler = server
    sent = decisions("", "")
    report = ExpliciteClient(http_url=url, api_key="secret-key").send(sent)
    assert report.ok and report.by_channel == {"http": 2}
    first = sent[0]["decision_id"]
    assert report.sent[0] == Sent(
        first, "http", f"REF-{first[-4:]}", "K7Q-2MX", "http://explicite.test/d/REF"
    )
    assert {(path, auth) for path, auth, _ in handler.received} == {
        ("/api/v1/decisions", "Bearer secret-key")
    }
    assert [body for _, _, body in handler.received] == sent


def test_a_4xx_is_a_rejection_with_the_server_fields(server) -> None:
    url, _ = server
    report = ExpliciteClient(http_url=url).send(decisions("BAD"))
    assert report.rejected == [
        (report.rejected[0][0], {"outcome.code": ["must be one of: accord"]})
    ]
    assert report.rejected[0][0].endswith("-BAD") and not report.sent and not report.failed


def test_a_5xx_is_retried_then_reported_as_failed(server) -> None:
    url, handler = server
    sent = decisions("BOOM", "FLAKY")
    boom, flaky = (decision["decision_id"] for decision in sent)
    report = ExpliciteClient(http_url=url, backoff=0.01).send(sent)
    assert [s.decision_id for s in report.sent] == [flaky]
    ((failed_id, why),) = report.failed
    assert failed_id == boom and "HTTP 500" in why and "4 tentatives" in why
    assert len(handler.received) == 4 + 2  # 1 + 3 retries for BOOM, 2 tries for FLAKY
    assert "1 décision(s) envoyée(s) (HTTP : 1), 0 refusée(s), 1 en échec." in report.summary()


def test_unreachable_broker_falls_back_to_http(server) -> None:
    url, _ = server
    client = ExpliciteClient(
        amqp_url=f"amqp://guest:guest@127.0.0.1:{closed_port()}/", http_url=url, timeout=5
    )
    report = client.send(decisions("", ""))
    assert report.by_channel == {"http": 2} and report.ok


def test_unreachable_everything_is_failed_not_lost() -> None:
    client = ExpliciteClient(
        http_url=f"http://127.0.0.1:{closed_port()}", retries=1, backoff=0.01, timeout=2
    )
    report = client.send(decisions(""))
    ((failed_id, why),) = report.failed
    assert failed_id.startswith("TRANSPORT-") and not report.sent
    assert "ConnectionError" in why and "2 tentatives" in why


def test_a_client_needs_somewhere_to_send() -> None:
    with pytest.raises(ValueError):
        ExpliciteClient()

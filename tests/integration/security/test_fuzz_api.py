"""The HTTP API fuzzed from its own OpenAPI document with schemathesis, as an anonymous
caller, a producer and an administrator: no 5xx, answers as documented, bad input refused."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.integration.security.world import World, agent_session

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance,negative_data_rejection")
REPORTS = Path("test-artifacts/schemathesis")


@pytest.fixture(scope="module")
def origin(world: World) -> Iterator[str]:
    """The whole public origin served over HTTP, as schemathesis wants a URL."""
    server = make_server("127.0.0.1", 0, world.system.wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def headers_of(world: World, who: str) -> list[str]:
    if who == "producer":
        return [f"Authorization: Bearer {world.api_key}"]
    if who == "admin":
        app = world.system.apps["explainer"]
        signer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        cookie = signer.dumps({**agent_session("admin"), "csrf": "fuzz-csrf"})
        return [f"Cookie: explicite_session={cookie}", "X-CSRF-Token: fuzz-csrf"]
    return []


@pytest.mark.parametrize("who", ["anybody", "producer", "admin"])
def test_the_api_keeps_its_contract(world: World, origin: str, who: str):
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{who}.xml"
    command = [str(Path(sys.executable).with_name("schemathesis")), "run",
               f"{origin}/api/v1/openapi.json", "--checks", CHECKS, "--max-examples", "20",
               "--seed", "20261124", "--warnings", "off", "--report", "junit",
               "--report-junit-path", str(report)]
    for header in headers_of(world, who):
        command += ["--header", header]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                            check=False)
    summary = [line for line in result.stdout.splitlines() if "generated" in line]
    print(f"\nschemathesis as {who}: {summary}")
    assert result.returncode == 0, result.stdout[-6000:]

"""The HTTP API fuzzed from its own OpenAPI document with schemathesis, as an anonymous
caller, a producer and an administrator: no 5xx, answers as documented, bad input refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.integration.security.world import World, agent_session

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance,negative_data_rejection"
)
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
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{origin}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        "20",
        "--seed",
        "20261124",
        "--warnings",
        "off",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    for header in headers_of(world, who):
        command += ["--header", header]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    summary = [line for line in result.stdout.splitlines() if "generated" in line]
    print(f"\nschemathesis as {who}: {summary}")
    assert result.returncode == 0, result.stdout[-6000:]


def hostile_bodies(limit: int, properties: list[str]) -> dict[str, bytes]:
    """What schemathesis does not generate: deep nesting and huge lists, to the size limit."""
    deep = 20_000
    bodies = {
        "deep arrays": b"[" * deep + b"]" * deep,
        "deep objects": b'{"a":' * deep + b"1" + b"}" * deep,
        "a huge list": b"[" + b",".join([b"{}"] * (limit // 3 - 1)) + b"]",
    }
    for name in properties:
        for count in (2_000, 15_000):  # under the value count, then over it
            bodies[f"{count} items in {name}"] = json.dumps(
                {name: [{}] * count}, separators=(",", ":")
            ).encode()
    return bodies


@pytest.mark.parametrize("who", ["anybody", "producer", "admin"])
def test_deep_nesting_and_huge_lists_on_every_endpoint(world: World, who: str):
    """Every operation that takes a body answers 4xx, fast and briefly, whatever it gets."""
    from werkzeug.test import Client

    from tests.integration.security.test_access_matrix import fill

    client = Client(world.system.wsgi)
    headers = dict(h.split(": ", 1) for h in headers_of(world, who) if not h.startswith("Cookie"))
    for header in headers_of(world, who):
        if header.startswith("Cookie: "):
            name, _, value = header[len("Cookie: ") :].partition("=")
            client.set_cookie(name, value, domain="localhost")
    spec = client.get("/api/v1/openapi.json").get_json()
    components = spec.get("components", {}).get("schemas", {})
    cases, wrong = 0, []
    for path, operations in spec["paths"].items():
        rule = re.sub(r"\{(\w+)\}", r"<\1>", path)
        for method, operation in operations.items():
            if method.upper() not in ("POST", "PUT", "PATCH", "DELETE"):
                continue
            schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            schema = components.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
            limit = (
                14 * 2**20
                if path.startswith("/api/v1/appeals")
                else world.system.settings.max_body_bytes
            )
            for name, body in hostile_bodies(limit, sorted(schema.get("properties", {}))).items():
                started = time.perf_counter()
                answer = client.open(
                    fill(rule, world.own),
                    method=method.upper(),
                    data=body,
                    content_type="application/json",
                    headers=headers,
                )
                elapsed = time.perf_counter() - started
                cases += 1
                if (
                    not 400 <= answer.status_code < 500
                    or elapsed > 1
                    or len(answer.get_data()) > 20_000
                ):
                    wrong.append((method, path, name, answer.status_code, round(elapsed, 2)))
    print(f"\nhostile bodies as {who}: {cases} cases, {len(wrong)} failures")
    assert cases > 40 and not wrong, wrong

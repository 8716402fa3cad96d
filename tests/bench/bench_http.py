"""(d) HTTP through gunicorn under wrk: the explanation API and page, as usagers read them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pika
import requests

from shared.messaging import topology
from tests.bench import load, profile
from tests.bench.cpu import CpuMeter
from tests.bench.system import ROOT, BenchSystem, stop_process, wait_for

SCRIPT = Path(__file__).with_name("wrk_targets.lua")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Gunicorn:
    """A service's web process as deployed: deploy/gunicorn.conf.py, env of operations.md."""

    def __init__(self, system: BenchSystem, service: str) -> None:
        self.port = system.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "deploy/gunicorn.conf.py",
            f"services.{service}.entrypoints.web:create_app()",
        ]
        self.process = system.spawn(
            argv, service, f"gunicorn-{service}", {"GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        )
        wait_for(self._ready, 60, interval=0.2, what=f"gunicorn for {service}")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("gunicorn exited; see its log in the run directory")
        try:
            return requests.get(f"{self.url}/healthz", timeout=1).ok
        except requests.RequestException:
            return False

    def stop(self) -> None:
        stop_process(self.process)


def usagers(system: BenchSystem, count: int, first_seed: int, timeout: float) -> list[str]:
    """Publish `count` decisions; return their references and access codes once explained.

    The codes travel only in decision_log's events (a back office prints them on the notice):
    a queue of the bench's own catches them, bound to decisions.logged as a back office may.
    """
    connection = pika.BlockingConnection(pika.URLParameters(system.amqp_url(system.admin)))
    channel = connection.channel()
    queue = f"bench.usagers-{uuid.uuid4().hex[:6]}"
    channel.queue_declare(queue, exclusive=True)
    channel.queue_bind(queue, topology.EVENTS_EXCHANGE, f"{topology.DECISIONS_LOGGED}.*")
    messages = load.made(count, first_seed, system.user_of)
    load.publish({user: system.amqp_url(user) for user in messages}, messages, chunk=50)
    codes: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while len(codes) < count and time.monotonic() < deadline:
        method, _properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            connection.sleep(0.05)
            continue
        for data in json.loads(body)["data"]["items"]:
            codes[data["reference"]] = data["access_code"]
    connection.close()
    wanted = list(codes)
    wait_for(
        lambda: (
            system.scalar(
                "explainer",
                "SELECT count(*) FROM explanations WHERE reference = ANY(:wanted)",
                wanted=wanted,
            )
            >= len(codes)
        ),
        timeout,
        interval=0.1,
        what="explanations of the usagers' decisions",
    )
    return [f"{reference}\t{code}" for reference, code in codes.items()]


def sign_in(base_url: str, reference: str, code: str) -> str:
    """What a person does on the home page; returns the session cookie it gets."""
    with requests.Session() as browser:
        page = browser.get(f"{base_url}/", timeout=10)
        token = CSRF.search(page.text)
        if token is None:
            raise RuntimeError("no CSRF token on the home page")
        answer = browser.post(
            f"{base_url}/",
            data={"reference": reference, "code": code, "csrf_token": token.group(1)},
            allow_redirects=False,
            timeout=10,
        )
        if answer.status_code != 303:
            raise RuntimeError(f"sign-in refused ({answer.status_code})")
        return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


def wrk(
    url: str, targets: list[str], rate: int, seconds: int, connections: int, workdir: Path
) -> dict[str, Any]:
    """One wrk run (one thread: the machine's other core serves); its JSON summary."""
    path = workdir / f"targets-{uuid.uuid4().hex[:6]}.txt"
    path.write_text("\n".join(targets) + "\n")
    argv = [
        shutil.which("wrk") or "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(SCRIPT),
        url,
        "--",
        str(path),
        str(rate),
    ]
    done = subprocess.run(
        argv, capture_output=True, text=True, check=True, cwd=ROOT, timeout=seconds + 60
    )
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    seconds_run = summary["duration_us"] / 1e6
    errors = sum(
        summary[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return {
        "requests": summary["requests"],
        "rate": round(summary["requests"] / seconds_run),
        "p50_ms": summary["p50_us"] / 1000,
        "p90_ms": summary["p90_us"] / 1000,
        "p99_ms": summary["p99_us"] / 1000,
        "max_ms": summary["max_us"] / 1000,
        "errors": errors,
        "status_errors": summary["status_errors"],
    }


CONNECTIONS = 16


def metered(meter: CpuMeter, *args: Any) -> dict[str, Any]:
    """One wrk run (`wrk`'s arguments) with the CPU each process tree spent per request
    during it (µs): gunicorn's workers, PostgreSQL's backends, RabbitMQ, the services' workers
    (wrk itself and the bench apart)."""
    before = meter.snapshot()
    result = wrk(*args)
    spent = meter.since(before)
    spent.pop("bench (publishers)", None)
    result["cpu_us_per_request"] = {
        name: round(seconds * 1e6 / max(result["requests"], 1)) for name, seconds in spent.items()
    }
    return result


def run(
    system: BenchSystem,
    rate: int,
    seconds: int,
    warmup_seconds: int,
    people_count: int,
    first_seed: int,
    timeout: float,
    profile_to: Path | None = None,
    first_readers: int = 0,
    cpu_roots: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Needs the workers of decision_log and explainer running (decisions get explained);
    `cpu_roots`: their processes, whose CPU per request is counted with gunicorn's.

    After a warm-up (`people_count` people reading theirs): `first_readers` people each
    opening their explanation for the first time (the document is built then:
    docs/explainer.md), one request each, at the same rate; as many whose documents were
    built ahead; then the `people_count` people reading theirs again and again (API and
    page)."""
    connections = CONNECTIONS
    people = [line.split("\t") for line in usagers(system, people_count, first_seed, timeout)]
    newcomers = (
        [line.split("\t") for line in usagers(system, first_readers, first_seed + 50_000, timeout)]
        if first_readers
        else []
    )
    # Others again, whose documents `explicite explanations materialize --follow` builds
    # before they read (docs/operations.md): what a first reading costs when it only reads.
    ahead = (
        [line.split("\t") for line in usagers(system, first_readers, first_seed + 90_000, timeout)]
        if first_readers
        else []
    )
    if ahead and not built_ahead(system, [reference for reference, _ in ahead], timeout):
        ahead = []  # a commit before the builder existed: nothing to report
    server = Gunicorn(system, "explainer")
    # The CPU of every process per request: gunicorn and the servers, and the services'
    # workers (`cpu_roots`), which run beside it as deployed.
    meter = CpuMeter({"gunicorn": server.process.pid, **system.server_roots(), **(cpu_roots or {})})
    first = first_ahead = None
    try:
        cookies = [sign_in(server.url, reference, code) for reference, code in people]
        targets = [
            line
            for (reference, _), cookie in zip(people, cookies, strict=True)
            for line in (f"/api/v1/explanations/{reference}\t{cookie}", f"/d/{reference}\t{cookie}")
        ]
        # A deployed server is warm (its templates compiled, its connections open, the
        # algorithm versions read): every measured run comes after this warm-up, first
        # readings included (before 7 December 2026 they were the cold server's first load).
        wrk(server.url, targets, rate, warmup_seconds, connections, system.base_dir)
        if newcomers:
            once = _once(server.url, newcomers)
            first = metered(
                meter,
                server.url,
                once,
                rate,
                max(1, len(once) // rate),
                connections,
                system.base_dir,
            )
            first["people"] = len(once)
        if ahead:
            first_ahead = metered(
                meter,
                server.url,
                _once(server.url, ahead),
                rate,
                max(1, len(ahead) // rate),
                connections,
                system.base_dir,
            )
            first_ahead["people"] = len(ahead)
        measured = metered(meter, server.url, targets, rate, seconds, connections, system.base_dir)
        # The same server and tool on a route that does nothing: what HTTP itself costs here.
        baseline = wrk(server.url, ["/healthz"], rate, seconds, connections, system.base_dir)
        # py-spy samples every gunicorn worker 200 times a second: on 2 cores that alone
        # changes the figures, so it watches a run of its own, after the measured ones.
        profiled = None
        recorder = (
            profile.record(server.process.pid, profile_to, subprocesses=True)
            if profile_to
            else None
        )
        if recorder is not None:
            profiled = wrk(
                server.url, targets, rate, max(seconds // 2, 1), connections, system.base_dir
            )
            profile.stop(recorder)
    finally:
        server.stop()
    return {
        "target_rate": rate,
        "connections": connections,
        "workers": _workers(system),
        "explanations": measured,
        **({"first_readings": first} if first else {}),
        **({"first_readings_built_ahead": first_ahead} if first_ahead else {}),
        "healthz": baseline,
        **({"explanations_under_py_spy": profiled} if profiled else {}),
    }


def _once(base_url: str, people: list[list[str]]) -> list[str]:
    """Each person signed in, then one request each: the page or the API, in turn."""
    cookies = [sign_in(base_url, reference, code) for reference, code in people]
    return [
        f"/api/v1/explanations/{reference}\t{cookie}" if n % 2 else f"/d/{reference}\t{cookie}"
        for n, ((reference, _), cookie) in enumerate(zip(people, cookies, strict=True))
    ]


def built_ahead(system: BenchSystem, references: list[str], timeout: float) -> bool:
    """Run `explicite explanations materialize --follow` until these documents are built;
    False when the command does not exist (it exits at once)."""
    builder = system.spawn(
        [sys.executable, "-m", "services.cli", "explanations", "materialize", "--follow"],
        "explainer",
        "builder-explainer",
    )

    def built() -> bool:
        if builder.poll() is not None:
            raise RuntimeError("the builder exited")
        unbuilt = system.scalar(
            "explainer",
            "SELECT count(*) FROM explanations WHERE reference = ANY(:wanted) AND document IS NULL",
            wanted=references,
        )
        return bool(unbuilt == 0)

    try:
        wait_for(built, timeout, interval=0.2, what="documents built ahead")
    except RuntimeError:
        return False
    finally:
        stop_process(builder)
    return True


def _workers(system: BenchSystem) -> str:
    return system.env("explainer").get("GUNICORN_WORKERS", "deploy default (2 × cores + 1)")

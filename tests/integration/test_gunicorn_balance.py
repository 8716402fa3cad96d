"""deploy/gunicorn.conf.py spreads kept-alive connections over its workers.

On one listening socket shared by every worker, the worker that happens to be awake accepts
most of the connections opened at once: with a client that keeps its connections (wrk, a
reverse proxy's pool), one gthread worker then serves nearly every request, behind its two
threads and its GIL, while the others idle (docs/benchmark.md, 8 December 2026, 03:30).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
CONNECTIONS = 32


def app(environ: dict, start_response):  # type: ignore[no-untyped-def]
    """Each answer names the worker that gave it, after a few ms of work, as a reading does."""
    deadline = time.perf_counter() + 0.003
    while time.perf_counter() < deadline:
        pass
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _serve(port: int, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        **extra_env,
    }
    argv = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "deploy/gunicorn.conf.py",
        "--access-logfile",
        "/dev/null",
        "tests.integration.test_gunicorn_balance:app",
    ]
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _get(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/")
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def _workers_of_kept_connections(port: int) -> Counter[str]:
    """While the server is busy, open CONNECTIONS connections at once and keep each for
    20 requests; how many connections each worker served."""
    busy = threading.Event()

    def load() -> None:  # a stream of requests, as before a measured run: one worker is awake
        while not busy.is_set():
            _get(port)

    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(0.3)
    start = threading.Barrier(CONNECTIONS)
    served: list[str] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        start.wait()
        connection.connect()
        workers = set()
        for _ in range(20):
            connection.request("GET", "/")
            workers.add(connection.getresponse().read().decode())
        connection.close()
        assert len(workers) == 1  # a kept-alive connection stays with its worker
        served.append(workers.pop())

    clients = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    busy.set()
    loader.join()
    assert len(served) == CONNECTIONS
    return Counter(served)


def _listening_sockets(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (/proc/net/tcp: state 0A is LISTEN)."""
    local = f"0100007F:{port:04X}"
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if line.split()[1] == local and line.split()[3] == "0A")


def _started(port: int, reuse_port: str) -> subprocess.Popen[bytes]:
    server = _serve(port, {"GUNICORN_REUSE_PORT": reuse_port})
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(port)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
    time.sleep(1)  # every worker up and listening
    return server


@pytest.mark.parametrize(("reuse_port", "sockets"), [("1", WORKERS), ("0", 1)])
def test_each_worker_listens_on_a_socket_of_its_own(reuse_port: str, sockets: int) -> None:
    """Deployed: one socket per worker, between which the kernel spreads the connections;
    GUNICORN_REUSE_PORT=0: the one socket that every worker accepts from."""
    port = free_port()
    server = _started(port, reuse_port)
    try:
        assert _listening_sockets(port) == sockets
    finally:
        server.terminate()
        server.wait(30)


def test_kept_alive_connections_are_spread_over_the_workers() -> None:
    port = free_port()
    server = _started(port, "1")
    try:
        per_worker = _workers_of_kept_connections(port)
    finally:
        server.terminate()
        server.wait(30)
    # Spread by the kernel over the 4 workers (8 connections each on average); on the shared
    # socket one worker often took 13 to 16 of 16.
    assert len(per_worker) == WORKERS and max(per_worker.values()) <= CONNECTIONS // 2, per_worker

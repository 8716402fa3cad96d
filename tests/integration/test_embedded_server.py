"""The embedded server is a production one (gunicorn), shows no software version, serves no
metrics to the public, logs no query string, and keeps its data directory to its owner."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from services.embedded import embedded_settings
from tests.support.processes import free_port


def test_make_run_serves_through_gunicorn_without_version_metrics_or_query_strings(tmp_path: Path):
    """`explicite run`, as `make run` starts it: a production WSGI server, not Werkzeug's."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("explicite")),
        "run",
        "--port",
        str(port),
        "--data-dir",
        str(tmp_path / "var"),
        "--no-samples",
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as server:
        try:
            origin = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    # Bound before the worker is up: the first answer waits for its start.
                    page = requests.get(f"{origin}/?reference=D-SECRT-12345", timeout=60)
                    break
                except requests.ConnectionError:
                    assert server.poll() is None and time.monotonic() < deadline
                    time.sleep(0.2)
            assert page.status_code == 200 and page.headers["Server"] == "Explicite"
            assert requests.get(f"{origin}/metrics", timeout=10).status_code == 404
            document = requests.get(f"{origin}/api/v1/openapi.json", timeout=10)
            assert document.status_code == 200 and "/api/v1/appeals" in document.json()["paths"]
        finally:
            server.send_signal(signal.SIGINT)
            output, _ = server.communicate(timeout=30)
    assert "gunicorn" in output.lower() and "development server" not in output.lower()
    assert '"GET /"' in output and "D-SECRT-12345" not in output and "reference=" not in output


def test_the_data_directory_is_the_owners_alone(tmp_path: Path):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    embedded_settings(data_dir, "http://127.0.0.1")
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600

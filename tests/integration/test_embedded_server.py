"""The embedded server shows no software version, serves no metrics to the public, logs no
query string, and keeps its data directory to its owner (issue 11)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from services.embedded import Embedded, EmbeddedRequestHandler, embedded_settings, start


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Embedded]:
    running = start(embedded_settings(tmp_path_factory.mktemp("embedded") / "var",
                                      "http://127.0.0.1"))
    yield running
    running.stop()


def test_no_version_no_public_metrics_no_query_string_in_the_log(system: Embedded, caplog):
    server = make_server("127.0.0.1", 0, system.wsgi, threaded=True,
                         request_handler=EmbeddedRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            page = requests.get(f"{origin}/?reference=D-SECRT-12345", timeout=10)
            assert page.status_code == 200 and page.headers["Server"] == "Explicite"
            assert requests.get(f"{origin}/metrics", timeout=10).status_code == 404
    finally:
        server.shutdown()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert '"GET /"' in logged and "D-SECRT-12345" not in logged and "reference=" not in logged


def test_the_data_directory_is_the_owners_alone(tmp_path: Path):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    embedded_settings(data_dir, "http://127.0.0.1")
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600

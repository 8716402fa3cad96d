"""The whole system, embedded (SQLite, in-process broker, real workers), with the samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import Client

from services.demo import register_samples
from services.embedded import Embedded, embedded_configs, embedded_settings, start

PUBLIC_URL = "http://explicite.test"


@pytest.fixture
def system(tmp_path: Path) -> Iterator[Embedded]:
    settings = embedded_settings(tmp_path / "data", PUBLIC_URL)
    running = start(settings, embedded_configs(tmp_path / "data", settings))
    register_samples(running)
    yield running
    running.stop()


@pytest.fixture
def client(system: Embedded) -> Client:
    return Client(system.wsgi)


def csrf_of(client: Client, path: str) -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)

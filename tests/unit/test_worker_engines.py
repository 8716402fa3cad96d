"""`explicite worker` builds its service without the pool's check of each connection before
use (its loops retry a batch on a lost connection); every other process keeps the check."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from services import catalog, cli
from shared.config import SERVICES, Settings

URL = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected to


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_engine_pre_pings_as_its_settings_say(service: str) -> None:
    loaded = catalog.load(service)
    for pre_ping in (True, False):
        settings = Settings(secret_key="x" * 40, database_urls={service: URL}, db_pre_ping=pre_ping)
        app = loaded.bootstrap(settings)
        try:
            assert app.engine.pool._pre_ping is pre_ping
        finally:
            app.engine.dispose()


def test_the_worker_command_turns_the_check_off(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Settings] = []

    class Service:
        def bootstrap(self, settings: Settings) -> Any:
            built.append(settings)
            return settings

        def build_worker(self, _app: Any, _transport: Any) -> Any:
            return argparse.Namespace(run_forever=lambda: None)

    monkeypatch.setattr(catalog, "load", lambda _name: Service())
    monkeypatch.setattr("shared.messaging.runtime.amqp_transport", lambda _settings: None)
    monkeypatch.setenv("EXPLICITE_SECRET_KEY", "x" * 40)
    assert cli.cmd_worker(argparse.Namespace(service="explainer")) == 0
    [settings] = built
    assert settings.db_pre_ping is False
    assert Settings.from_env({"EXPLICITE_SECRET_KEY": "x" * 40}).db_pre_ping is True

"""The one place where decision_log's adapters are chosen and wired."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.decision_log.adapters.tables import messaging, rate_events
from services.decision_log.config import DecisionLogConfig
from services.decision_log.service_layer.access_codes import AccessCodes
from services.decision_log.service_layer.ingest import IngestContext
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.config import Settings
from shared.db import make_engine
from shared.messaging.outbox import OutboxRelay
from shared.ratelimit import RateLimiter
from shared.tlog.keys import load_keys
from shared.tlog.note import Signer

SERVICE = "decision_log"


@dataclass
class DecisionLog:
    """decision_log's wired dependencies, shared by its web app, worker and commands."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    relay: OutboxRelay
    context: IngestContext
    limiter: RateLimiter
    config: DecisionLogConfig
    # The keys that sign checkpoints (EXPLICITE_LOG_KEY_FILE); none: no checkpoint is issued.
    log_keys: list[Signer] = field(default_factory=list)

    def uow(self) -> DecisionLogUnitOfWork:
        return DecisionLogUnitOfWork(
            self.sessions,
            messaging.outbox,
            after_commit=self.relay.wake.set,
            clock=self.context.now,
            single_events=self.settings.keeps_single_events,
        )


def bootstrap(
    settings: Settings, engine: Engine | None = None, *, config: DecisionLogConfig | None = None
) -> DecisionLog:
    config = config or DecisionLogConfig.from_env(settings)
    engine = engine or make_engine(
        settings.database_url(SERVICE),
        pool_size=settings.db_pool_size,
        pre_ping=settings.db_pre_ping,
    )
    codes = AccessCodes(config.code_keys(settings.secret_key))
    relay = OutboxRelay(
        engine,
        messaging,
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_ms / 1000,
        prepare=codes.deliver,
    )
    context = IngestContext(
        settings.secret_key,
        settings.public_url,
        codes,
        timedelta(seconds=config.future_tolerance_seconds),
    )
    return DecisionLog(
        settings,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        relay,
        context,
        RateLimiter(rate_events, settings.secret_key),
        config,
        load_keys(config.log_key_files),
    )

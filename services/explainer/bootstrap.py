"""The one place where explainer's adapters are chosen and wired."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.explainer.adapters.tables import messaging, rate_events
from services.explainer.service_layer.context import ExplainerContext
from services.explainer.service_layer.unit_of_work import ExplainerUnitOfWork
from shared.config import Settings
from shared.db import make_engine
from shared.messaging.outbox import OutboxRelay
from shared.ratelimit import RateLimiter

SERVICE = "explainer"


@dataclass(frozen=True)
class ExplainerConfig:
    """The explainer's own knobs, read from the environment (docs/operations.md).

    The accessibility statement (/accessibilite, loi n° 2005-102, article 47): the audit in
    a sentence (date, auditor, rate), and how a person reports a problem of accessibility.
    The conformity status and the publisher stay in Settings: every service's footer says the
    status, and the register names the publisher in its exports.
    """

    accessibility_audit: str = ""
    accessibility_contact: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ExplainerConfig:
        env = dict(os.environ if env is None else env)
        return cls(
            accessibility_audit=env.get("EXPLICITE_ACCESSIBILITY_AUDIT", ""),
            accessibility_contact=env.get("EXPLICITE_ACCESSIBILITY_CONTACT", ""),
        )


@dataclass
class Explainer:
    """explainer's wired dependencies, shared by its web app, worker and commands."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    relay: OutboxRelay
    context: ExplainerContext
    limiter: RateLimiter
    config: ExplainerConfig = field(default_factory=ExplainerConfig)

    def uow(self) -> ExplainerUnitOfWork:
        return ExplainerUnitOfWork(
            self.sessions,
            messaging.outbox,
            after_commit=self.relay.wake.set,
            clock=self.context.now,
            single_events=self.settings.keeps_single_events,
        )


def bootstrap(
    settings: Settings, engine: Engine | None = None, *, config: ExplainerConfig | None = None
) -> Explainer:
    engine = engine or make_engine(
        settings.database_url(SERVICE),
        pool_size=settings.db_pool_size,
        pre_ping=settings.db_pre_ping,
    )
    relay = OutboxRelay(
        engine,
        messaging,
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_ms / 1000,
    )
    context = ExplainerContext(settings.secret_key, settings.public_url)
    return Explainer(
        settings,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        relay,
        context,
        RateLimiter(rate_events, settings.secret_key),
        config or ExplainerConfig.from_env(),
    )

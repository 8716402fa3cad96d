"""The one place where appeals' adapters are chosen and wired: database, clock, mail."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from services.appeals.adapters.mail import MailCatcher, Mailer, SmtpMailer
from services.appeals.adapters.tables import messaging, rate_events
from services.appeals.domain.deadlines import Clock
from services.appeals.service_layer.unit_of_work import AppealsUnitOfWork
from shared.config import Settings, number
from shared.db import make_engine
from shared.messaging.outbox import OutboxRelay
from shared.ratelimit import RateLimiter

SERVICE = "appeals"
CATCHER = "catcher"
log = logging.getLogger(__name__)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AppealsConfig:
    """appeals' own knobs, read from the environment (documented in docs/appeals.md).

    E-mail: an SMTP URL (smtp://host:port), or a local catcher that never delivers; how often
    the deadline scheduler and the mail sender run; what counts as a suspiciously short
    examination of a dossier.
    """

    smtp_url: str = CATCHER
    mail_from: str = "Explicite <ne-pas-repondre@explicite.invalid>"
    mail_dir: Path | None = None
    scheduler_seconds: float = 30.0
    mail_seconds: float = 2.0
    short_examination_seconds: int = 120
    # How long the read models' consumers (decisions.logged, explanations.generated) gather a
    # batch after its first message. Off the path of the explanation to the person: a longer
    # wait than the services' (EXPLICITE_CONSUMER_BATCH_WAIT_MS) makes far fewer, larger
    # transactions (docs/benchmark.md, CPU at 500/s); a decision is contestable here that much
    # later, well before anyone can read the letter that tells of it.
    read_model_batch_wait_ms: int = 500

    @classmethod
    def from_env(cls, settings: Settings, env: Mapping[str, str] | None = None) -> AppealsConfig:
        env = dict(os.environ if env is None else env)
        folder = env.get("EXPLICITE_MAIL_DIR") or _beside_database(settings)
        return cls(
            smtp_url=env.get("EXPLICITE_SMTP_URL") or CATCHER,
            mail_from=env.get("EXPLICITE_MAIL_FROM") or cls.mail_from,
            mail_dir=Path(folder) if folder else None,
            scheduler_seconds=number(
                env, "EXPLICITE_APPEALS_SCHEDULER_SECONDS", cls.scheduler_seconds
            ),
            mail_seconds=number(env, "EXPLICITE_APPEALS_MAIL_SECONDS", cls.mail_seconds),
            short_examination_seconds=int(
                number(
                    env,
                    "EXPLICITE_APPEALS_SHORT_EXAMINATION_SECONDS",
                    cls.short_examination_seconds,
                )
            ),
            read_model_batch_wait_ms=int(
                number(env, "EXPLICITE_APPEALS_READ_MODEL_WAIT_MS", cls.read_model_batch_wait_ms)
            ),
        )


def _beside_database(settings: Settings) -> str | None:
    """In the embedded mode, caught e-mails go to `mails/` next to the SQLite file."""
    url = settings.database_urls.get(SERVICE, "")
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return str(Path(database).parent / "mails") if database else None


@dataclass
class Appeals:
    """appeals' wired dependencies, shared by its web app, worker and commands."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    relay: OutboxRelay
    config: AppealsConfig
    limiter: RateLimiter
    clock: Clock = system_clock
    _mailer: Mailer | None = None
    catcher: MailCatcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def uow(self) -> AppealsUnitOfWork:
        return AppealsUnitOfWork(
            self.sessions, messaging.outbox, after_commit=self.relay.wake.set, clock=self.clock
        )

    def now(self) -> datetime:
        return self.clock()

    def mailer(self) -> Mailer:
        """The SMTP adapter; the local catcher starts on first use when no server is set."""
        with self._lock:
            if self._mailer is None:
                url = self.config.smtp_url
                if url == CATCHER:
                    if self.settings.transport == "amqp":
                        log.warning(
                            "EXPLICITE_SMTP_URL is not set: e-mails are caught locally "
                            "and never delivered",
                            extra={"folder": self.config.mail_dir},
                        )
                    self.catcher = MailCatcher(self.config.mail_dir).start()
                    url = self.catcher.url
                self._mailer = SmtpMailer(url)
            return self._mailer


def bootstrap(
    settings: Settings,
    engine: Engine | None = None,
    *,
    clock: Clock | None = None,
    mailer: Mailer | None = None,
    config: AppealsConfig | None = None,
) -> Appeals:
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
    return Appeals(
        settings,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        relay,
        config or AppealsConfig.from_env(settings),
        RateLimiter(rate_events, settings.secret_key),
        clock or system_clock,
        _mailer=mailer,
    )

"""Settings read from the environment: what every process needs (a service's own knobs live
with the service: appeals' AppealsConfig, decision_log's DecisionLogConfig, the explainer's
ExplainerConfig)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal

SERVICES = ("decision_log", "explainer", "appeals")

Transport = Literal["amqp", "memory"]


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed."""


def _int(env: dict[str, str], name: str, default: int) -> int:
    return int(number(env, name, default))


def number(env: dict[str, str], name: str, default: float) -> float:
    """The variable `name` as a number of the default's type, or the default when unset."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw) if isinstance(default, float) else int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its environment."""

    secret_key: str
    transport: Transport = "amqp"
    amqp_url: str = "amqp://guest:guest@localhost:5672/%2F"
    database_urls: dict[str, str] = field(default_factory=dict)
    service_users: dict[str, str] = field(default_factory=dict)
    public_url: str = "http://localhost:8000"
    # Throughput knobs: measured defaults, see docs/operations.md.
    consumer_prefetch: int = 500
    consumer_batch_size: int = 250
    consumer_batch_wait_ms: int = 20
    outbox_batch_size: int = 500
    outbox_poll_ms: int = 100
    db_pool_size: int = 5
    # A pooled connection is checked (a round trip) before each use, so that a web request
    # never meets a connection the database closed. The workers do without (`explicite worker`
    # turns it off): their loops treat a lost connection as the database being down and retry
    # the batch, and the check was a round trip more per transaction, a fixed cost that a
    # small batch pays in full (docs/benchmark.md).
    db_pre_ping: bool = True
    max_body_bytes: int = 64 * 1024
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"
    # Proxies in front of the web processes (the gateway): their X-Forwarded-For entries are
    # trusted to give the client's address, which rate limits count by. 0: none.
    trusted_proxies: int = 0
    # Contact details (and other personal data beside the decision record) are purged this
    # many days after the decision or, for a contestation, after it was decided. 0: never.
    personal_data_retention_days: int = 730
    # The RGAA conformity status ("non", "partiellement", "totalement" conforme), which only
    # an audit establishes: every page's footer says it. Who publishes the service: the
    # accessibility statement (the explainer's, with its own knobs in ExplainerConfig) and the
    # register's exports name it.
    accessibility_status: Literal["non", "partiellement", "totalement"] = "non"
    accessibility_publisher: str = ""
    # Administrations whose back office binds the single `decision.logged` and
    # `explanation.generated` (contract v1): those events are published for them beside the
    # batch events the services consume (shared/contracts/batches.py). "*": every one.
    single_events: tuple[str, ...] = ("*",)

    def keeps_single_events(self, administration: str) -> bool:
        return "*" in self.single_events or administration in self.single_events

    def database_url(self, service: str) -> str:
        try:
            return self.database_urls[service]
        except KeyError:
            name = f"EXPLICITE_{service.upper()}_DATABASE_URL"
            raise ConfigurationError(f"{name} is not set") from None

    def service_user(self, service: str) -> str:
        """The AMQP user a service connects as; others trust events by this name."""
        return self.service_users.get(service, f"svc-{service.replace('_', '-')}")

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        secret = env.get("EXPLICITE_SECRET_KEY", "")
        if len(secret) < 32:
            raise ConfigurationError("EXPLICITE_SECRET_KEY must be set to at least 32 characters")
        transport = env.get("EXPLICITE_TRANSPORT", "amqp")
        if transport not in ("amqp", "memory"):
            raise ConfigurationError("EXPLICITE_TRANSPORT must be 'amqp' or 'memory'")
        log_format = env.get("EXPLICITE_LOG_FORMAT", "json")
        if log_format not in ("json", "text"):
            raise ConfigurationError("EXPLICITE_LOG_FORMAT must be 'json' or 'text'")
        urls = {
            service: env[f"EXPLICITE_{service.upper()}_DATABASE_URL"]
            for service in SERVICES
            if env.get(f"EXPLICITE_{service.upper()}_DATABASE_URL")
        }
        users = {
            service: env[f"EXPLICITE_{service.upper()}_AMQP_USER"]
            for service in SERVICES
            if env.get(f"EXPLICITE_{service.upper()}_AMQP_USER")
        }
        accessibility = env.get("EXPLICITE_ACCESSIBILITY_STATUS", cls.accessibility_status)
        if accessibility not in ("non", "partiellement", "totalement"):
            raise ConfigurationError(
                "EXPLICITE_ACCESSIBILITY_STATUS must be 'non', 'partiellement' or 'totalement'"
            )
        return cls(
            secret_key=secret,
            service_users=users,
            transport=transport,  # type: ignore[arg-type]
            amqp_url=env.get("EXPLICITE_AMQP_URL", cls.amqp_url),
            database_urls=urls,
            public_url=env.get("EXPLICITE_PUBLIC_URL", cls.public_url).rstrip("/"),
            consumer_prefetch=_int(env, "EXPLICITE_CONSUMER_PREFETCH", cls.consumer_prefetch),
            consumer_batch_size=_int(env, "EXPLICITE_CONSUMER_BATCH_SIZE", cls.consumer_batch_size),
            consumer_batch_wait_ms=_int(
                env, "EXPLICITE_CONSUMER_BATCH_WAIT_MS", cls.consumer_batch_wait_ms
            ),
            outbox_batch_size=_int(env, "EXPLICITE_OUTBOX_BATCH_SIZE", cls.outbox_batch_size),
            outbox_poll_ms=_int(env, "EXPLICITE_OUTBOX_POLL_MS", cls.outbox_poll_ms),
            db_pool_size=_int(env, "EXPLICITE_DB_POOL_SIZE", cls.db_pool_size),
            max_body_bytes=_int(env, "EXPLICITE_MAX_BODY_BYTES", cls.max_body_bytes),
            log_format=log_format,  # type: ignore[arg-type]
            log_level=env.get("EXPLICITE_LOG_LEVEL", cls.log_level),
            trusted_proxies=_int(env, "EXPLICITE_TRUSTED_PROXIES", cls.trusted_proxies),
            personal_data_retention_days=_int(
                env, "EXPLICITE_PERSONAL_DATA_RETENTION_DAYS", cls.personal_data_retention_days
            ),
            accessibility_status=accessibility,  # type: ignore[arg-type]
            accessibility_publisher=env.get("EXPLICITE_ACCESSIBILITY_PUBLISHER", ""),
            single_events=tuple(
                part.strip()
                for part in env.get("EXPLICITE_SINGLE_EVENTS", "*").split(",")
                if part.strip()
            ),
        )

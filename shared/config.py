"""Settings read from the environment: what every process needs (a service's own knobs live
with the service, e.g. appeals' AppealsConfig)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

from shared.auth.tokens import keyed_digest

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
    max_body_bytes: int = 64 * 1024
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"
    # Clock skew tolerated on decided_at before a decision counts as dated in the future.
    future_tolerance_seconds: int = 300
    # Proxies in front of the web processes (the gateway): their X-Forwarded-For entries are
    # trusted to give the client's address, which rate limits count by. 0: none.
    trusted_proxies: int = 0
    # The transparency log (docs/transparency.md): Ed25519 private keys in the signed-note
    # format, each signing every checkpoint (two during a rotation); how often at most a
    # checkpoint is issued; the origin naming this deployment's logs (default: the public URL's
    # host and path, then /log). No key: no checkpoint, and the worker says so.
    log_key_files: tuple[str, ...] = ()
    log_checkpoint_seconds: float = 60.0
    log_origin: str = ""
    # Contact details (and other personal data beside the decision record) are purged this
    # many days after the decision or, for a contestation, after it was decided. 0: never.
    personal_data_retention_days: int = 730
    # The RGAA conformity status ("non", "partiellement", "totalement" conforme), which only
    # an audit establishes: every page's footer says it. Who publishes the service: the
    # accessibility statement (the explainer's, with its own knobs in ExplainerConfig) and the
    # register's exports name it.
    accessibility_status: Literal["non", "partiellement", "totalement"] = "non"
    accessibility_publisher: str = ""
    # The keys access codes are derived with, by id; the first is the one used for new
    # decisions, the others only deliver codes issued before a rotation (docs/security.md).
    # Empty: one key derived from the secret key.
    access_code_keys: tuple[tuple[str, str], ...] = ()

    def database_url(self, service: str) -> str:
        try:
            return self.database_urls[service]
        except KeyError:
            name = f"EXPLICITE_{service.upper()}_DATABASE_URL"
            raise ConfigurationError(f"{name} is not set") from None

    def service_user(self, service: str) -> str:
        """The AMQP user a service connects as; others trust events by this name."""
        return self.service_users.get(service, f"svc-{service.replace('_', '-')}")

    def log_origin_for(self, administration: str) -> str:
        """The checkpoint origin (and key name) of an administration's log."""
        prefix = self.log_origin or (
            f"{urlsplit(self.public_url).netloc}{urlsplit(self.public_url).path}/log"
        )
        return f"{prefix.rstrip('/')}/{administration}"

    def code_keys(self) -> dict[str, str]:
        """Access-code keys by id, the current one first."""
        if self.access_code_keys:
            return dict(self.access_code_keys)
        return {"s": keyed_digest(self.secret_key, "access-code-key", "s")}

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
            log_key_files=tuple(
                name.strip()
                for name in env.get("EXPLICITE_LOG_KEY_FILE", "").split(",")
                if name.strip()
            ),
            log_checkpoint_seconds=number(
                env, "EXPLICITE_LOG_CHECKPOINT_SECONDS", cls.log_checkpoint_seconds
            ),
            log_origin=env.get("EXPLICITE_LOG_ORIGIN", ""),
            access_code_keys=_code_keys(env.get("EXPLICITE_ACCESS_CODE_KEYS", "")),
        )


def _code_keys(raw: str) -> tuple[tuple[str, str], ...]:
    """`id:secret,id:secret` (the current key first) as pairs."""
    keys = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key_id, _, secret = item.partition(":")
        if not key_id.isalnum() or len(key_id) > 16 or len(secret) < 32:
            raise ConfigurationError(
                "EXPLICITE_ACCESS_CODE_KEYS must be id:secret pairs, "
                "ids of letters or digits, secrets of 32+ characters"
            )
        keys.append((key_id, secret))
    return tuple(keys)

"""decision_log's own knobs, read from the environment (docs/operations.md): what no other
service reads. Settings (shared/config.py) keeps what every process needs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from shared.auth.tokens import keyed_digest
from shared.config import ConfigurationError, Settings, number


@dataclass(frozen=True)
class DecisionLogConfig:
    """The transparency log (docs/transparency.md): Ed25519 private keys in the signed-note
    format, each signing every checkpoint (two during a rotation); how often at most a
    checkpoint is issued; the origin naming this deployment's logs (from_env: the public URL's
    host and path, then /log). No key: no checkpoint, and the worker says so.

    The keys access codes are derived with, by id; the first is the one used for new
    decisions, the others only deliver codes issued before a rotation (docs/security.md).
    Empty: one key derived from the secret key.

    The clock skew tolerated on decided_at before a decision counts as dated in the future.
    """

    log_origin: str
    log_key_files: tuple[str, ...] = ()
    log_checkpoint_seconds: float = 60.0
    access_code_keys: tuple[tuple[str, str], ...] = ()
    future_tolerance_seconds: int = 300

    def log_origin_for(self, administration: str) -> str:
        """The checkpoint origin (and key name) of an administration's log."""
        return f"{self.log_origin.rstrip('/')}/{administration}"

    def code_keys(self, secret_key: str) -> dict[str, str]:
        """Access-code keys by id, the current one first."""
        if self.access_code_keys:
            return dict(self.access_code_keys)
        return {"s": keyed_digest(secret_key, "access-code-key", "s")}

    @classmethod
    def from_env(
        cls, settings: Settings, env: Mapping[str, str] | None = None
    ) -> DecisionLogConfig:
        env = dict(os.environ if env is None else env)
        public = urlsplit(settings.public_url)
        return cls(
            log_origin=env.get("EXPLICITE_LOG_ORIGIN") or f"{public.netloc}{public.path}/log",
            log_key_files=tuple(
                name.strip()
                for name in env.get("EXPLICITE_LOG_KEY_FILE", "").split(",")
                if name.strip()
            ),
            log_checkpoint_seconds=number(
                env, "EXPLICITE_LOG_CHECKPOINT_SECONDS", cls.log_checkpoint_seconds
            ),
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

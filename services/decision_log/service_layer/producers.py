"""Producers' credentials: AMQP users and API keys, each bound to one administration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.auth.principal import PRODUCER_SCOPES, Principal
from shared.auth.tokens import api_key_prefix, hash_api_key, new_api_key, same_digest
from shared.db import as_utc

# Writing the last use on every request would turn reads into writes; once an hour is enough
# to tell which keys are still in use before revoking one.
_LAST_USED_RESOLUTION = timedelta(hours=1)


def register_amqp_producer(uow: DecisionLogUnitOfWork, amqp_user: str, administration: str) -> None:
    uow.producers.add_amqp_user(amqp_user, administration, datetime.now(UTC))


def create_api_key(
    uow: DecisionLogUnitOfWork,
    administration: str,
    name: str,
    scopes: tuple[str, ...] = ("decisions:write",),
) -> str:
    """Return a new key, shown once; only its digest is kept. Several may be live at once."""
    unknown = set(scopes) - set(PRODUCER_SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    key, prefix = new_api_key()
    uow.producers.add_api_key(
        prefix=prefix,
        key_hash=hash_api_key(key),
        administration=administration,
        name=name,
        scopes=list(scopes),
        created_at=datetime.now(UTC),
    )
    return key


def revoke_api_key(uow: DecisionLogUnitOfWork, prefix: str) -> bool:
    row = uow.producers.api_key(prefix)
    if row is None or row.revoked_at is not None:
        return False
    uow.producers.update_api_key(prefix, revoked_at=datetime.now(UTC))
    return True


def resolve_api_key(uow: DecisionLogUnitOfWork, key: str) -> Principal | None:
    """The producer behind a key, or None if it is malformed, unknown or revoked."""
    prefix = api_key_prefix(key)
    row = uow.producers.api_key(prefix) if prefix else None
    if row is None or row.revoked_at is not None:
        return None
    if not same_digest(row.key_hash, hash_api_key(key)):
        return None
    now = datetime.now(UTC)
    last = None if row.last_used_at is None else as_utc(row.last_used_at)
    if last is None or now - last > _LAST_USED_RESOLUTION:
        uow.producers.update_api_key(prefix, last_used_at=now)  # type: ignore[arg-type]
        uow.commit()
    return Principal(
        "producer",
        id=f"api-key:{prefix}",
        administration=row.administration,
        roles=frozenset(row.scopes),
    )

"""Ingest: a decision is logged once, set aside with its reasons, or found to be a resend."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.decision_log.domain import validation as v
from services.decision_log.service_layer.access_codes import KEY_HEADER, AccessCodes
from services.decision_log.service_layer.replaying import batch_key, replay_batch, replay_case
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.auth.tokens import hash_access_code, new_reference
from shared.chain import canonical, canonical_object, digest, link_canonical
from shared.contracts.fields import ADMINISTRATION_PATTERN
from shared.contracts.messages import DecisionLogged
from shared.contracts.notices import DecisionDivergent, DecisionQuarantined
from shared.db import as_utc
from shared.decision_model import EngineUnavailable, NotEvaluable, Replay, replay_many

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestContext:
    secret_key: str
    public_url: str
    codes: AccessCodes
    future_tolerance: timedelta = timedelta(minutes=5)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock()


@dataclass(frozen=True)
class Logged:
    reference: str
    access_code: str
    seq: int
    replay_status: str


@dataclass(frozen=True)
class Duplicate:
    reference: str


@dataclass(frozen=True)
class Quarantined:
    quarantine_id: int
    category: str
    reasons: dict[str, list[str]]


Outcome = Logged | Duplicate | Quarantined


@dataclass(frozen=True)
class Received:
    """A decision to log, as its producer sent it: bytes from a back office, or the object
    itself from inside another event (appeals' revisions), never encoded only to be decoded."""

    producer: v.Producer
    raw: bytes = b""
    decoded: Any = None
    # The producer's message as the broker delivered it (producer, message id, body digest):
    # filed in quarantine once, however often it is delivered. None for what no broker
    # redelivers.
    delivery_key: str | None = None

    @property
    def body(self) -> bytes:
        """The bytes a quarantine record keeps."""
        if self.raw or self.decoded is None:
            return self.raw
        return json.dumps(self.decoded, ensure_ascii=False, default=str).encode()

    def parse(self) -> dict[str, Any] | v.Rejection:
        if self.decoded is not None:
            return v.check_object(self.decoded)
        return v.parse_body(self.raw)


def ingest(
    uow: DecisionLogUnitOfWork, raw: bytes, producer: v.Producer, context: IngestContext
) -> Outcome:
    """Handle one received decision inside the caller's transaction."""
    return ingest_batch(uow, [Received(producer, raw)], context)[0]


def ingest_batch(
    uow: DecisionLogUnitOfWork, batch: Sequence[Received], context: IngestContext
) -> list[Outcome]:
    """Handle received decisions, in order, inside the caller's transaction.

    In two steps, so that two writers overlap. First, without any lock, what a decision needs
    but its place in the chain: the decisions it may repeat or supersede, looked up at once;
    its checks and replay; its reference, access code and the encoding of its record. Then its
    administration's chain head is locked (all of the batch's at once, in a fixed order, so
    that two writers never deadlock) and each decision takes its place: sequence number,
    hash, tree leaf. The lock is held until the commit, which sends the staged writes
    together; with the encoding done before it, the locked part is a few microseconds per
    decision plus the writes (docs/benchmark.md). Two writers logging the same decision at
    once: the second's commit fails on the unique key and its batch is retried one by one,
    where it is found logged.
    """
    parsed = [item.parse() for item in batch]
    bodies = [body for body in parsed if not isinstance(body, v.Rejection)]
    uow.decisions.prefetch(list(_lookups(bodies)))
    uow.algorithms.prefetch(_algorithm_keys(bodies))
    # Models that compute many cases at once (OpenFisca) replay the batch's decisions together.
    replayed = replay_batch(bodies, uow.algorithms.get)
    prepared = [
        _ingest_one(uow, item, body, context, replayed)
        for item, body in zip(batch, parsed, strict=True)
    ]
    uow.chain.lock(p.record["administration"] for p in prepared if isinstance(p, _Placing))
    return [_place(uow, p, context) if isinstance(p, _Placing) else p for p in prepared]


@dataclass
class _Placing:
    """A decision to log, prepared: all but its place in its administration's chain."""

    record: dict[str, Any]  # the decisions row; seq, prev_hash and hash filled in by _place
    hashed: bytes  # canonical(hashed_part(record)), what the chain entry covers
    checked: v.ValidDecision
    code_key: str
    access_code: str


def _ingest_one(
    uow: DecisionLogUnitOfWork,
    item: Received,
    parsed: dict[str, Any] | v.Rejection,
    context: IngestContext,
    replayed: Mapping[Hashable, Replay],
) -> Outcome | _Placing:
    producer = item.producer
    if isinstance(parsed, v.Rejection):
        return quarantine(uow, item, parsed, context)
    checked = v.check_decision(
        parsed, producer, uow.algorithms.get, context.now(), context.future_tolerance
    )
    if isinstance(checked, v.Rejection):
        return quarantine(uow, item, checked, context)
    existing = uow.decisions.find(checked.administration, checked.decision_id)
    if existing is not None:
        if existing.content_digest == digest(checked.content):
            return Duplicate(existing.reference)
        return quarantine(uow, item, _conflict(existing, checked), context)
    supersedes = checked.body.get("supersedes")
    if supersedes and uow.decisions.find(checked.administration, supersedes) is None:
        return quarantine(
            uow,
            item,
            v.Rejection(
                v.UNKNOWN_SUPERSEDES,
                {
                    "supersedes": [
                        f"no decision {supersedes} is logged for {checked.administration}"
                    ]
                },
                checked.administration,
                checked.decision_id,
                checked.body["event_id"],
            ),
            context,
        )
    return _prepare(uow, checked, producer, context, replayed)


def _lookups(bodies: Iterable[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """(administration, decision_id) of each decision and of the one it supersedes; bodies
    that are not decisions are left to _ingest_one, which files them with their reasons."""
    for body in bodies:
        if not isinstance(body.get("administration"), str):
            continue
        for key in ("decision_id", "supersedes"):
            if isinstance(body.get(key), str):
                yield body["administration"], body[key]


def _algorithm_keys(bodies: Iterable[dict[str, Any]]) -> Iterator[tuple[str, str, str]]:
    """(administration, id, version) of each decision's algorithm, where the body names one;
    the others are refused by check_decision, with their reasons."""
    for body in bodies:
        algorithm = body.get("algorithm")
        if isinstance(algorithm, dict):
            key = (body.get("administration"), algorithm.get("id"), algorithm.get("version"))
            if all(isinstance(part, str) for part in key):
                yield key  # type: ignore[misc]


def _conflict(existing: Any, checked: v.ValidDecision) -> v.Rejection:
    changed = sorted(k for k, value in checked.content.items() if existing.body.get(k) != value)
    return v.Rejection(
        v.CONFLICT,
        {
            "decision_id": [
                f"{checked.decision_id} is already logged (reference {existing.reference}) with a "
                f"different content (fields: {', '.join(changed) or 'contact'}); the logged "
                "decision is unchanged. Send a correction as a new decision with supersedes."
            ]
        },
        checked.administration,
        checked.decision_id,
        checked.body["event_id"],
    )


def _replay(
    checked: v.ValidDecision, replayed: Mapping[Hashable, Replay]
) -> tuple[str, dict[str, Any]]:
    """Recompute the outcome from the criteria with the registered model: taken from the
    batch's replays when its model replayed the batch together, else replayed now."""
    algorithm, body = checked.algorithm, checked.body
    case = replay_case(body)
    # Only a model that replays a batch together has its decisions in `replayed`: the others
    # are not looked up there (the key encodes the values: a tenth of a replay's cost).
    result = replayed.get(batch_key(body, case)) if algorithm.model.batched else None
    try:
        if result is None:
            [result] = replay_many(algorithm.model, algorithm.criteria, [case])
    except NotEvaluable:
        return "not_replayable", {"reason": "no executable model (opaque)"}
    except EngineUnavailable as error:
        return "not_replayable", {"reason": str(error)}
    detail: dict[str, Any] = {"differences": list(result.differences)}
    evaluation = getattr(result, "evaluation", None)
    if evaluation is not None:
        detail["expected_outcome"] = evaluation.outcome_code
        if evaluation.score is not None:
            detail["expected_score"] = str(evaluation.score)
        if evaluation.amount is not None:
            detail["expected_amount"] = str(evaluation.amount)
    return result.status, detail


def _prepare(
    uow: DecisionLogUnitOfWork,
    checked: v.ValidDecision,
    producer: v.Producer,
    context: IngestContext,
    replayed: Mapping[Hashable, Replay],
) -> _Placing:
    """Everything of a decision to log that does not depend on its place in the chain."""
    now = context.now()
    administration, body = checked.administration, checked.body
    replay_status, replay_detail = _replay(checked, replayed)
    reference = new_reference()
    code_key, access_code = context.codes.issue(reference)
    encoded_body = canonical(body)
    record = {
        "administration": administration,
        "decision_id": checked.decision_id,
        "event_id": body["event_id"],
        "reference": reference,
        "access_code_hash": hash_access_code(context.secret_key, access_code),
        "algorithm_id": body["algorithm"]["id"],
        "algorithm_version": body["algorithm"]["version"],
        "automation": body["automation"],
        "outcome_code": body["outcome"]["code"],
        "favourable": body["outcome"]["favourable"],
        "supersedes": body.get("supersedes"),
        "body": body,
        "content_digest": digest(checked.content),
        "contact_digest": digest(checked.contact) if checked.contact else None,
        "channel": producer.channel,
        "producer": producer.identity or "",
        "received_at": now,
        "replay_status": replay_status,
        "replay_detail": replay_detail,
        "decided_at": datetime.fromisoformat(body["decided_at"]),
    }
    placing = _Placing(
        record,
        hashed_canonical(record, encoded_body),
        checked,
        code_key,
        access_code,
    )
    # Staged now, so that a later decision of the batch finds it (a repeat, a correction); its
    # place in the chain is filled in by _place, before the commit writes it.
    uow.decisions.add(record, checked.contact, encoded_body.decode())
    return placing


def _place(uow: DecisionLogUnitOfWork, placing: _Placing, context: IngestContext) -> Logged:
    """The decision's place in its administration's chain, whose head this transaction holds."""
    record, checked = placing.record, placing.checked
    administration, body = checked.administration, checked.body
    seq, prev_hash = uow.chain.head(administration)
    seq += 1
    entry = link_canonical(seq, prev_hash, placing.hashed)
    hash_ = hashlib.sha256(entry).hexdigest()
    record.update(seq=seq, prev_hash=prev_hash, hash=hash_)
    uow.chain.advance(administration, seq, hash_, record["received_at"])
    uow.tree.append(administration, seq - 1, entry)
    if checked.algorithm.first_used_at is None:
        uow.algorithms.mark_used(checked.algorithm.key, record["received_at"])
    replay_status, replay_detail = record["replay_status"], record["replay_detail"]
    logged = DecisionLogged(
        administration=administration,
        decision=body,
        contact=checked.contact,
        reference=record["reference"],
        access_code_hash=record["access_code_hash"],
        public_url=f"{context.public_url}/d/{record['reference']}",
        replay={"status": replay_status, **replay_detail},
        log_seq=seq,
        log_hash=hash_,
        channel=record["channel"],
    )
    # With the batch's others of this administration: one `decisions.logged` message.
    uow.announce(logged.to_event(), {KEY_HEADER: placing.code_key})
    if replay_status == "divergent":
        uow.publish(
            DecisionDivergent.of(
                administration, body, record["reference"], replay_detail
            ).to_message()
        )
        log.warning(
            "divergent decision",
            extra={"administration": administration, "decision_id": checked.decision_id},
        )
    return Logged(record["reference"], placing.access_code, seq, replay_status)


def hashed_part(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the chain hash covers; built from stored columns, so verification can redo it."""
    received = as_utc(record["received_at"])
    return {
        "administration": record["administration"],
        "decision_id": record["decision_id"],
        "event_id": record["event_id"],
        "reference": record["reference"],
        "access_code_hash": record["access_code_hash"],
        "body": record["body"],
        "contact_digest": record["contact_digest"],
        "channel": record["channel"],
        "producer": record["producer"],
        "received_at": received.astimezone(UTC).isoformat(timespec="microseconds"),
        "replay_status": record["replay_status"],
        "replay_detail": record["replay_detail"],
    }


def hashed_canonical(record: Mapping[str, Any], encoded_body: bytes) -> bytes:
    """canonical(hashed_part(record)), given the body's canonical bytes: the same bytes
    (tests/unit/test_chain.py), without encoding the body again."""
    members = {key: canonical(value) for key, value in hashed_part(record).items() if key != "body"}
    return canonical_object({**members, "body": encoded_body})


def quarantine(
    uow: DecisionLogUnitOfWork,
    item: Received,
    rejection: v.Rejection,
    context: IngestContext,
) -> Quarantined:
    """Keep what could not be logged, with its reasons, and say so to whom sent it; once for
    a message however often the broker delivers it."""
    producer = item.producer
    administration = _filed_under(producer, rejection)
    item_id, filed = uow.quarantine.add(
        received_at=context.now(),
        channel=producer.channel,
        producer=producer.identity,
        producer_administration=producer.administration,
        administration=administration,
        decision_id=rejection.decision_id,
        event_id=rejection.event_id,
        category=rejection.category,
        reasons=rejection.reasons,
        body=item.body,
        status="pending",
        attempts=1,
        delivery_key=item.delivery_key,
    )
    if not filed:
        log.info("decision already quarantined", extra={"quarantine_id": item_id})
        return Quarantined(item_id, rejection.category, rejection.reasons)
    log.info(
        "decision quarantined",
        extra={
            "quarantine_id": item_id,
            "category": rejection.category,
            "administration": administration,
            "decision_id": rejection.decision_id,
        },
    )
    if administration is not None and _is_slug(administration):
        uow.publish(
            DecisionQuarantined(
                administration=administration,
                quarantine_id=item_id,
                category=rejection.category,
                decision_id=rejection.decision_id,
                event_id=rejection.event_id,
                reasons=rejection.reasons,
            ).to_message()
        )
    return Quarantined(item_id, rejection.category, rejection.reasons)


def _filed_under(producer: v.Producer, rejection: v.Rejection) -> str | None:
    """The administration whose quarantine keeps the item: the authenticated producer's.

    What the body claims is believed only from a trusted service (appeals' revisions). A
    producer refused for another administration fills its own quarantine, never the other's;
    an unknown or unauthenticated sender's item is the operators' alone.
    """
    if producer.administration:
        return producer.administration
    trusted = producer.administration is None and producer.identity is not None
    return rejection.administration if trusted else None


def _is_slug(value: str) -> bool:
    return re.match(ADMINISTRATION_PATTERN, value) is not None

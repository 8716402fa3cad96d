"""What the transparency log proves against someone with write access to the database, on
PostgreSQL: a history rewritten wholesale (every hash and node recomputed, new checkpoints
signed with the log's own key) passes every internal check, and is caught by the outsiders
who kept something: a witness's checkpoint, a person's receipt."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from services.decision_log.adapters import tables as t
from services.decision_log.bootstrap import DecisionLog, bootstrap
from services.decision_log.config import DecisionLogConfig
from services.decision_log.domain.validation import Producer
from services.decision_log.service_layer.audit import verify_log
from services.decision_log.service_layer.ingest import Received, hashed_part, ingest_batch
from services.decision_log.service_layer.producers import register_amqp_producer
from services.decision_log.service_layer.registry import register_algorithm
from services.decision_log.service_layer.transparency import (
    build_missing_trees,
    issue_checkpoints,
    log_key,
    receipt_for,
    verify_tree,
)
from shared.chain import GENESIS, link_hash
from shared.config import Settings
from shared.migrations import upgrade
from shared.tlog.checkpoint import Checkpoint
from shared.tlog.checkpoints import StoredCheckpoint
from shared.tlog.keys import create_key_file
from shared.tlog.merkle import ProofError, consistency_proof
from shared.tlog.note import ED25519, Signer, parse_note
from shared.tlog.receipt import Receipt, check_against, check_receipt
from shared.tlog.witness import WitnessRefusal, WitnessState, witness
from tests.support import builders

pytestmark = pytest.mark.infra

ADMINISTRATION = builders.ADMINISTRATION
PRODUCER = Producer("amqp", "bo-ville-test", ADMINISTRATION)
PUBLIC_URL = "https://explicite.test"


@pytest.fixture
def service(postgres, tmp_path: Path) -> Iterator[DecisionLog]:
    database = f"tlog_{uuid.uuid4().hex[:8]}"
    postgres.create_database(database)
    key = tmp_path / "log_signing_key"
    create_key_file(key, "explicite.test")
    settings = Settings(
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        transport="memory",
        database_urls={"decision_log": postgres.url(database)},
        public_url=PUBLIC_URL,
    )
    env = {"EXPLICITE_LOG_KEY_FILE": str(key), "EXPLICITE_LOG_CHECKPOINT_SECONDS": "0"}
    app = bootstrap(settings, config=DecisionLogConfig.from_env(settings, env))
    upgrade("decision_log", app.engine)
    with app.uow() as uow:
        register_algorithm(uow, builders.algorithm(), administration=ADMINISTRATION, by="test")
        register_amqp_producer(uow, "bo-ville-test", ADMINISTRATION)
        uow.commit()
    yield app
    app.engine.dispose()


def log_batch(app: DecisionLog, numbers: range) -> list[str]:
    """As the worker does: one consumer batch, one transaction, nodes written with COPY."""
    bodies = [json.dumps(builders.decision(n, revenu=900 + n)).encode() for n in numbers]
    with app.uow() as uow:
        outcomes = ingest_batch(uow, [Received(PRODUCER, body) for body in bodies], app.context)
        references = [outcome.reference for outcome in outcomes]
        uow.commit()
    return references


def sign(app: DecisionLog) -> StoredCheckpoint:
    with app.uow() as uow:
        issue_checkpoints(uow, app.config, app.log_keys, datetime.now(UTC))
        uow.commit()
        latest = uow.checkpoints.latest(ADMINISTRATION)
    assert latest is not None
    return latest


def receipts(app: DecisionLog, references: list[str]) -> list[Receipt]:
    with app.uow() as uow:
        return [
            receipt_for(uow, uow.decisions.by_reference(r), app.config, app.log_keys, PUBLIC_URL)
            for r in references
        ]


def proofs_of(app: DecisionLog) -> Callable[[int, int], list[bytes]]:
    def fetch(old: int, new: int) -> list[bytes]:
        with app.uow() as uow:
            return consistency_proof(old, new, uow.tree.reader(ADMINISTRATION))

    return fetch


def rewrite_history(app: DecisionLog, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """What someone with write access can do: change the records, renumber them, recompute
    every chain hash and the head, rebuild every node, drop the old checkpoints."""
    with app.engine.begin() as connection:
        rows = [
            dict(r._mapping)
            for r in connection.execute(
                select(t.decisions)
                .where(t.decisions.c.administration == ADMINISTRATION)
                .order_by(t.decisions.c.seq)
            )
        ]
        change(rows)
        prev = GENESIS
        for seq, row in enumerate(rows, start=1):
            row.update(seq=-seq, prev_hash=prev)  # negative first: (administration, seq) unique
            row["hash"] = link_hash(seq, prev, hashed_part({**row, "seq": seq}))
            prev = row["hash"]
        kept = [row["id"] for row in rows]
        connection.execute(delete(t.contacts).where(t.contacts.c.decision_pk.not_in(kept)))
        connection.execute(
            delete(t.decisions).where(
                t.decisions.c.administration == ADMINISTRATION, t.decisions.c.id.not_in(kept)
            )
        )
        for row in rows:
            connection.execute(
                update(t.decisions)
                .where(t.decisions.c.id == row["id"])
                .values(
                    seq=row["seq"], prev_hash=row["prev_hash"], hash=row["hash"], body=row["body"]
                )
            )
        connection.execute(
            update(t.decisions)
            .where(t.decisions.c.administration == ADMINISTRATION)
            .values(seq=-t.decisions.c.seq)
        )
        connection.execute(
            update(t.chain_heads)
            .where(t.chain_heads.c.administration == ADMINISTRATION)
            .values(seq=len(rows), hash=prev)
        )
        connection.execute(delete(t.tlog.nodes).where(t.tlog.nodes.c.log == ADMINISTRATION))
        connection.execute(delete(t.tlog.cosignatures))
        connection.execute(delete(t.tlog.checkpoints))
        build_missing_trees(connection)


def internal_checks_pass(app: DecisionLog) -> None:
    with app.uow() as uow:
        assert all(r.intact for r in verify_log(uow, [ADMINISTRATION]))
        assert verify_tree(uow, ADMINISTRATION).problems == ()


def refused_by_outsiders(
    app: DecisionLog, state: WitnessState, signer: Signer, kept: list[Receipt]
) -> None:
    new = sign(app)
    key = log_key(app.config, app.log_keys, ADMINISTRATION)
    with pytest.raises(WitnessRefusal):
        witness(state, signer, key, new.note, proofs_of(app))
    published = Checkpoint.from_text(parse_note(new.note).text)
    for receipt in kept:
        held = check_receipt(receipt, key).checkpoint  # still a valid, signed receipt...
        proof = proofs_of(app)(held.size, published.size) if held.size < published.size else []
        with pytest.raises(ProofError):  # ...of a history the log no longer shows
            check_against(held, published, proof)


@pytest.fixture
def watched(service: DecisionLog, tmp_path: Path):
    """60 decisions in three batches, a checkpoint after each, a witness that saw them, and
    the receipts people downloaded."""
    references = []
    state = WitnessState(tmp_path / "witness")
    signer = state.signer("asso.example/temoin")
    key = log_key(service.config, service.log_keys, ADMINISTRATION)
    for start in (1, 21, 41):
        references += log_batch(service, range(start, start + 20))
        witness(state, signer, key, sign(service).note, proofs_of(service))
    kept = receipts(service, references)
    for receipt in kept:
        check_receipt(receipt, key)
    return state, signer, kept, references


def test_a_history_rewritten_wholesale_is_caught_by_the_witness_and_every_receipt(service, watched):
    state, signer, kept, _ = watched

    def reverse_decision_7(rows: list[dict[str, Any]]) -> None:
        outcome = rows[6]["body"]["outcome"]
        rows[6]["body"] = {
            **rows[6]["body"],
            "outcome": {
                **outcome,
                "favourable": not outcome["favourable"],
                "code": "refus" if outcome["favourable"] else "attribution",
            },
        }

    rewrite_history(service, reverse_decision_7)
    internal_checks_pass(service)  # nothing inside the database can tell
    refused_by_outsiders(service, state, signer, kept)


def test_a_deleted_row_is_detected(service, watched):
    state, signer, kept, references = watched
    with service.engine.begin() as connection:
        victim = connection.scalar(
            select(t.decisions.c.id).where(t.decisions.c.reference == references[30])
        )
        connection.execute(delete(t.contacts).where(t.contacts.c.decision_pk == victim))
        connection.execute(delete(t.decisions).where(t.decisions.c.id == victim))
    with service.uow() as uow:  # removed alone: the chain and the tree both say so
        assert not verify_log(uow, [ADMINISTRATION])[0].intact
        assert verify_tree(uow, ADMINISTRATION).problems
    rewrite_history(service, lambda rows: None)  # then everything recomputed around the gap
    internal_checks_pass(service)
    with service.uow() as uow:
        assert uow.tree.size(ADMINISTRATION) == 59
    log_batch(service, range(61, 63))  # and the log grows again, to hide the shrinking
    refused_by_outsiders(service, state, signer, kept)


def test_a_reordered_row_is_detected(service, watched):
    state, signer, kept, _ = watched

    def swap(rows: list[dict[str, Any]]) -> None:
        rows[10], rows[11] = rows[11], rows[10]

    rewrite_history(service, swap)
    internal_checks_pass(service)
    refused_by_outsiders(service, state, signer, kept)


def test_a_forked_view_is_detected(service, watched):
    """Two checkpoints of the same size signed by the same key: shown to different people."""
    state, signer, kept, _ = watched
    with service.uow() as uow:
        latest = uow.checkpoints.latest(ADMINISTRATION)
    assert latest is not None
    origin = Checkpoint.from_text(parse_note(latest.note).text).origin
    other_root = bytes(32)
    text = Checkpoint(origin, latest.size, other_root).text
    forked = (
        text + "\n" + Signer(origin, ED25519, service.log_keys[0].private_key).signature_line(text)
    )
    key = log_key(service.config, service.log_keys, ADMINISTRATION)
    with pytest.raises(WitnessRefusal, match="réécrite"):
        witness(state, signer, key, forked, proofs_of(service))
    published = Checkpoint.from_text(parse_note(forked).text)
    with pytest.raises(ProofError, match="same"):
        check_against(check_receipt(kept[-1], key).checkpoint, published, [])


def test_the_log_refuses_to_sign_over_a_rewritten_tree(service, watched):
    """Unless the old checkpoints are deleted too, the log itself will not sign the new
    tree: it proves each new head from the last one it signed."""
    with service.engine.begin() as connection:  # the node of the first 32 leaves, rewritten
        connection.execute(
            update(t.tlog.nodes).where(t.tlog.nodes.c.leaf == 31).values(hashes=bytes(6 * 32))
        )
    log_batch(service, range(61, 63))
    with service.uow() as uow:
        before = uow.checkpoints.latest(ADMINISTRATION)
        assert issue_checkpoints(uow, service.config, service.log_keys, datetime.now(UTC)) == []
        assert uow.checkpoints.latest(ADMINISTRATION) == before


def test_two_workers_signing_at_once_issue_one_checkpoint(service):
    """Several decision_log worker processes each run the checkpoint job: the second waits for
    the first's transaction, then finds its checkpoint (without the lock it would insert the
    same size and fail on the unique index, or sign twice within the interval)."""
    log_batch(service, range(1, 6))
    sign(service)
    log_batch(service, range(6, 11))
    first_signed, errors, issued = threading.Event(), [], []

    def first() -> None:
        with service.uow() as uow:
            issued.extend(
                issue_checkpoints(uow, service.config, service.log_keys, datetime.now(UTC))
            )
            first_signed.set()
            time.sleep(0.5)  # the other worker tries while this transaction is open
            uow.commit()

    def second() -> None:
        first_signed.wait(10)
        try:
            with service.uow() as uow:
                issued.extend(
                    issue_checkpoints(uow, service.config, service.log_keys, datetime.now(UTC))
                )
                uow.commit()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert [checkpoint.size for checkpoint in issued] == [10]
    with service.uow() as uow:
        checkpoints = t.tlog.checkpoints
        sizes = uow.session.scalars(
            select(checkpoints.c.size)
            .where(checkpoints.c.log == ADMINISTRATION)
            .order_by(checkpoints.c.size)
        ).all()
    assert sizes == [5, 10]

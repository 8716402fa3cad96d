"""Each administration's log as a transparency log (docs/transparency.md).

The leaves are the hash chain's records, in order: leaf i is record i + 1 as its chain hash
covers it (`shared.chain.link_entry`), so the tree and the chain prove the same bytes. Ingest
appends them (`uow.tree.append`); the worker signs checkpoints; anyone can check a receipt.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from services.decision_log.adapters import tables as t
from services.decision_log.config import DecisionLogConfig
from services.decision_log.service_layer.ingest import hashed_part
from services.decision_log.service_layer.unit_of_work import DecisionLogUnitOfWork
from shared.chain import link_entry
from shared.tlog.checkpoints import StoredCheckpoint
from shared.tlog.merkle import HASH_SIZE, Frontier, inclusion_proof, leaf_hash, tree_root
from shared.tlog.note import ED25519, Signer, Verifier
from shared.tlog.receipt import Receipt
from shared.tlog.store import TreeInconsistent

log = logging.getLogger(__name__)


def entry_of(row: Mapping[str, Any]) -> bytes:
    """A logged decision's leaf, rebuilt from its stored columns."""
    return link_entry(row["seq"], row["prev_hash"], hashed_part(row))


def log_key(config: DecisionLogConfig, keys: Sequence[Signer], administration: str) -> Verifier:
    """The public key that signs an administration's checkpoints (the first key's)."""
    return Verifier(config.log_origin_for(administration), ED25519, keys[0].verifier.public_key)


def issue_checkpoints(
    uow: DecisionLogUnitOfWork, config: DecisionLogConfig, keys: Sequence[Signer], now: datetime
) -> list[StoredCheckpoint]:
    """Sign the head of every log that grew, at most once per `log_checkpoint_seconds`."""
    issued = []
    every = timedelta(seconds=config.log_checkpoint_seconds)
    for administration in uow.session.scalars(
        select(t.chain_heads.c.administration).order_by(t.chain_heads.c.administration)
    ):
        try:
            checkpoint = uow.checkpoints.issue(
                uow.tree, administration, config.log_origin_for(administration), keys, now, every
            )
        except TreeInconsistent:
            log.critical(
                "checkpoint refused: the stored tree does not extend the last checkpoint",
                extra={"administration": administration},
                exc_info=True,
            )
            continue
        if checkpoint is not None:
            issued.append(checkpoint)
    return issued


class NotYetCheckpointed(LookupError):
    """The decision is logged, but no checkpoint covers it yet."""


def receipt_for(
    uow: DecisionLogUnitOfWork,
    row: Any,
    config: DecisionLogConfig,
    keys: Sequence[Signer],
    public_url: str,
) -> Receipt:
    """The decision's entry, its inclusion proof and the latest checkpoint, cosignatures
    included: all that someone needs to check, without trusting us, that it was logged."""
    checkpoint = uow.checkpoints.latest(row.administration)
    if checkpoint is None or checkpoint.size < row.seq:
        raise NotYetCheckpointed(row.reference)
    index = row.seq - 1
    return Receipt(
        reference=row.reference,
        administration=row.administration,
        entry=entry_of(row._mapping),
        index=index,
        proof=inclusion_proof(index, checkpoint.size, uow.tree.reader(row.administration)),
        checkpoint=checkpoint.cosigned_note,
        log_key=log_key(config, keys, row.administration).vkey if keys else "",
        checkpoint_url=(f"{public_url}/api/v1/log/{row.administration}/checkpoint"),
    )


@dataclass(frozen=True)
class TreeReport:
    administration: str
    leaves: int
    problems: tuple[str, ...]


def verify_tree(uow: DecisionLogUnitOfWork, administration: str) -> TreeReport:
    """Check each stored leaf against its record and each stored node against the leaves
    (rebuilt from the stored leaves, so that one altered record is reported once); then
    check that the latest checkpoint's root is the stored tree's at its size."""
    problems: list[str] = []
    frontier, stored = Frontier(), uow.tree.rows(administration)
    for row in uow.decisions.links(administration):
        index = frontier.size
        found = next(stored, None)
        if found is None or found[0] != index:
            problems.append(f"leaf {index} (record {row.seq}) is missing from the tree")
            break
        leaf = found[1][:HASH_SIZE]
        if leaf != leaf_hash(entry_of(dict(row._mapping))):
            problems.append(f"leaf {index} does not match record {row.seq} ({row.decision_id})")
        if b"".join(frontier.append(leaf)) != found[1]:
            problems.append(f"the nodes completed by leaf {index} are not its leaves' hashes")
    if next(stored, None) is not None:
        problems.append("the tree holds more leaves than the log has records")
    checkpoint = uow.checkpoints.latest(administration)
    if checkpoint is not None and not problems:
        if checkpoint.size > frontier.size:
            problems.append(
                f"the checkpoint of {checkpoint.size} leaves covers records that are gone"
            )
        elif tree_root(checkpoint.size, uow.tree.reader(administration)) != checkpoint.root:
            problems.append(f"the tree no longer has the root signed at {checkpoint.size} leaves")
    return TreeReport(administration, frontier.size, tuple(problems))


def build_missing_trees(connection: Connection) -> dict[str, int]:
    """Give every administration whose records have no tree yet its tree (the migration that
    turned the hash chains into transparency logs); the records are not touched."""
    built = {}
    with_tree = set(connection.scalars(select(t.tlog.nodes.c.log).distinct()))
    for administration in connection.scalars(select(t.chain_heads.c.administration)):
        if administration in with_tree:
            continue
        frontier, rows = Frontier(), []
        for row in connection.execute(
            select(t.decisions)
            .where(t.decisions.c.administration == administration)
            .order_by(t.decisions.c.seq)
            .execution_options(yield_per=1000)
        ):
            index = frontier.size
            rows.append(
                {
                    "log": administration,
                    "leaf": index,
                    "hashes": b"".join(frontier.append(leaf_hash(entry_of(dict(row._mapping))))),
                }
            )
            if len(rows) == 1000:
                connection.execute(insert(t.tlog.nodes), rows)
                rows = []
        if rows:
            connection.execute(insert(t.tlog.nodes), rows)
        built[administration] = frontier.size
    return built

"""Where a service keeps its transparency logs: node rows, checkpoints, witnesses, cosignatures.

One row per leaf holds the hashes that leaf completed (`Frontier.append`): its own, then each
perfect subtree it closed. A proof reads at most two rows per level of the tree, in one query,
and an append reads the frontier (one row per set bit of the size) once per batch: nothing
ever scans the log.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from shared.db import Staging, insert_rows
from shared.messaging.tables import BigId
from shared.tlog.merkle import (
    HASH_SIZE,
    Frontier,
    Node,
    NodeReader,
    leaf_hash,
    node_row,
    perfect_subtrees,
    read_rows,
)


@dataclass(frozen=True)
class TlogTables:
    nodes: Table
    checkpoints: Table
    cosignatures: Table
    witnesses: Table


def define_tlog_tables(metadata: MetaData) -> TlogTables:
    nodes = Table(
        "tlog_nodes",
        metadata,
        Column("log", String(64), primary_key=True),
        Column("leaf", BigInteger, primary_key=True, autoincrement=False),
        Column("hashes", LargeBinary, nullable=False),
    )
    checkpoints = Table(
        "tlog_checkpoints",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("log", String(64), nullable=False),
        Column("size", BigInteger, nullable=False),
        Column("root", LargeBinary(HASH_SIZE), nullable=False),
        # The signed note as issued, the log's signature lines included.
        Column("note", Text, nullable=False),
        Column("issued_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("log", "size"),
    )
    witnesses = Table(
        "tlog_witnesses",
        metadata,
        Column("name", String(200), primary_key=True),
        Column("vkey", Text, nullable=False),
        Column("added_at", DateTime(timezone=True), nullable=False),
        Column("revoked_at", DateTime(timezone=True)),
    )
    cosignatures = Table(
        "tlog_cosignatures",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("checkpoint_id", BigId, ForeignKey(checkpoints.c.id), nullable=False),
        Column("witness", String(200), nullable=False),
        Column("line", Text, nullable=False),
        Column("signed_at", DateTime(timezone=True), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("checkpoint_id", "witness"),
    )
    return TlogTables(nodes, checkpoints, cosignatures, witnesses)


class TreeInconsistent(RuntimeError):
    """The stored tree does not extend what the log already committed to."""


class NodeStore:
    """The trees of one service's logs: append leaves, read nodes."""

    def __init__(self, session: Session, tables: TlogTables, staging: Staging) -> None:
        self._session = session
        self._nodes = tables.nodes
        self._staging = staging
        # Leaves appended in this transaction, per log: (first index, leaf hashes).
        self._staged: dict[str, tuple[int, list[bytes]]] = {}

    def append(self, log: str, index: int, entry: bytes) -> None:
        """Append `entry` as leaf `index` of `log`; written with the batch, before the commit.

        The caller holds the log's head locked, so that indexes follow one another.
        """
        self._staging.hold(self)
        first, leaves = self._staged.setdefault(log, (index, []))
        if index != first + len(leaves):
            raise TreeInconsistent(f"{log}: leaf {index} appended after {first + len(leaves)}")
        leaves.append(leaf_hash(entry))

    def drop(self) -> None:
        self._staged = {}

    def write(self) -> None:
        staged, self._staged = self._staged, {}
        rows = []
        frontiers = self._frontiers({log: first for log, (first, _) in staged.items()})
        for log, (first, leaves) in sorted(staged.items()):
            frontier = frontiers[log]
            for offset, leaf in enumerate(leaves):
                rows.append(
                    {"log": log, "leaf": first + offset, "hashes": b"".join(frontier.append(leaf))}
                )
        insert_rows(self._session, self._nodes, rows)

    def _frontiers(self, sizes: Mapping[str, int]) -> dict[str, Frontier]:
        """The frontier of each log at its size, read in one query for all the logs."""
        nodes = {log: perfect_subtrees(0, size) for log, size in sizes.items()}
        wanted = sorted({(log, node_row(node)) for log, of_log in nodes.items() for node in of_log})
        rows: dict[str, dict[int, bytes]] = {log: {} for log in sizes}
        if wanted:
            c = self._nodes.c
            for log, leaf, hashes in self._session.execute(
                select(c.log, c.leaf, c.hashes).where(tuple_(c.log, c.leaf).in_(wanted))
            ):
                rows[log][int(leaf)] = bytes(hashes)
        return {log: Frontier.read(size, read_rows(rows[log])) for log, size in sizes.items()}

    def reader(self, log: str) -> NodeReader:
        """A NodeReader for `log`: one query for the rows that hold the nodes asked for."""

        def read(nodes: Collection[Node]) -> Mapping[Node, bytes]:
            wanted = sorted({node_row(node) for node in nodes})
            rows = dict(
                self._session.execute(
                    select(self._nodes.c.leaf, self._nodes.c.hashes).where(
                        self._nodes.c.log == log, self._nodes.c.leaf.in_(wanted)
                    )
                ).all()
            )
            return read_rows(rows)(nodes)

        return read

    def size(self, log: str) -> int:
        """Leaves stored for `log` (the last leaf's index plus one)."""
        last = self._session.scalar(
            select(func.max(self._nodes.c.leaf)).where(self._nodes.c.log == log)
        )
        return 0 if last is None else int(last) + 1

    def rows(self, log: str) -> Iterator[tuple[int, bytes]]:
        """Every node row of `log` in leaf order, streamed (for a full verification)."""
        result = self._session.execute(
            select(self._nodes.c.leaf, self._nodes.c.hashes)
            .where(self._nodes.c.log == log)
            .order_by(self._nodes.c.leaf)
            .execution_options(yield_per=2000)
        )
        for leaf, hashes in result:
            yield int(leaf), bytes(hashes)

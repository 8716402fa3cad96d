"""Issuing checkpoints and receiving witnesses' cosignatures, on a service's own tables.

A checkpoint is signed only after the stored tree was proved, from its own nodes, to extend
the previous checkpoint: a log never signs two views of its history (c2sp.org/tlog-checkpoint:
"A log MUST not sign any checkpoint which is inconsistent with any checkpoint it previously
signed"), even if someone rewrote its tables in between.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from shared.db import lock_names
from shared.tlog.checkpoint import Checkpoint
from shared.tlog.merkle import ProofError, consistency_proof, tree_root, verify_consistency
from shared.tlog.note import COSIGNATURE_V1, ED25519, NoteError, Signer, Verifier, parse_note
from shared.tlog.store import NodeStore, TlogTables, TreeInconsistent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredCheckpoint:
    id: int
    size: int
    root: bytes
    note: str  # as the log signed it
    issued_at: datetime
    cosignatures: tuple[tuple[str, datetime, str], ...] = ()  # (witness, signed at, line)

    @property
    def cosigned_note(self) -> str:
        """The note with every witness's cosignature line appended."""
        return self.note + "".join(line for _, _, line in self.cosignatures)


class UnknownCheckpoint(LookupError):
    """The log never issued the checkpoint a witness cosigned."""


class NotCosigned(NoteError):
    """No valid cosignature of a registered witness on the checkpoint."""


class CheckpointStore:
    def __init__(self, session: Session, tables: TlogTables) -> None:
        self._session = session
        self._t = tables

    def latest(self, log: str) -> StoredCheckpoint | None:
        found = self.listing(log, limit=1)
        return found[0] if found else None

    def listing(
        self, log: str, *, limit: int, before_size: int | None = None, min_size: int = 0
    ) -> list[StoredCheckpoint]:
        """The latest checkpoints of `log`, newest first, with their cosignatures."""
        c = self._t.checkpoints
        query = (
            select(c)
            .where(c.c.log == log, c.c.size >= min_size)
            .order_by(c.c.size.desc())
            .limit(limit)
        )
        if before_size is not None:
            query = query.where(c.c.size < before_size)
        rows = self._session.execute(query).all()
        lines: dict[int, list[tuple[str, datetime, str]]] = {row.id: [] for row in rows}
        if rows:
            s = self._t.cosignatures
            for row in self._session.execute(
                select(s).where(s.c.checkpoint_id.in_(lines)).order_by(s.c.witness)
            ):
                lines[row.checkpoint_id].append((row.witness, _utc(row.signed_at), row.line))
        return [
            StoredCheckpoint(
                row.id,
                int(row.size),
                bytes(row.root),
                row.note,
                _utc(row.issued_at),
                tuple(lines[row.id]),
            )
            for row in rows
        ]

    def witnesses(self) -> list[Verifier]:
        w = self._t.witnesses
        return [
            Verifier.from_vkey(vkey)
            for vkey in self._session.scalars(
                select(w.c.vkey).where(w.c.revoked_at.is_(None)).order_by(w.c.name)
            )
        ]

    def add_witness(self, vkey: str, now: datetime) -> Verifier:
        verifier = Verifier.from_vkey(vkey)
        if verifier.kind != COSIGNATURE_V1:
            raise NoteError("a witness key is a cosignature/v1 key (type 0x04)")
        w = self._t.witnesses
        if self._session.scalar(select(w.c.name).where(w.c.name == verifier.name)) is None:
            self._session.execute(
                insert(w).values(name=verifier.name, vkey=verifier.vkey, added_at=now)
            )
        else:
            self._session.execute(
                update(w)
                .where(w.c.name == verifier.name)
                .values(vkey=verifier.vkey, added_at=now, revoked_at=None)
            )
        return verifier

    def revoke_witness(self, name: str, now: datetime) -> bool:
        w = self._t.witnesses
        return bool(
            self._session.execute(
                update(w).where(w.c.name == name, w.c.revoked_at.is_(None)).values(revoked_at=now)
            ).rowcount  # type: ignore[attr-defined]
        )

    def issue(
        self,
        nodes: NodeStore,
        log: str,
        origin: str,
        keys: Sequence[Signer],
        now: datetime,
        every: timedelta,
    ) -> StoredCheckpoint | None:
        """Sign the tree's current head if it grew and the last checkpoint is `every` old.

        Several worker processes may try at once: the first signs, the others then find its
        checkpoint (one per `every`, never two of the same size)."""
        lock_names(self._session, [f"tlog-checkpoint:{log}"])
        size, last = nodes.size(log), self.latest(log)
        if last is not None and (size <= last.size or now - last.issued_at < every):
            if size < last.size:
                raise TreeInconsistent(f"{log}: {size} leaves, {last.size} already signed")
            return None
        if size == 0:
            return None
        read = nodes.reader(log)
        root = tree_root(size, read)
        if last is not None:
            try:
                verify_consistency(
                    last.size, size, last.root, root, consistency_proof(last.size, size, read)
                )
            except ProofError as exc:
                raise TreeInconsistent(
                    f"{log}: the tree of {size} leaves does not extend "
                    f"the checkpoint of {last.size}: {exc}"
                ) from exc
        text = Checkpoint(origin, size, root).text
        note = (
            text
            + "\n"
            + "".join(Signer(origin, ED25519, key.private_key).signature_line(text) for key in keys)
        )
        checkpoint_id = self._session.execute(
            insert(self._t.checkpoints)
            .values(log=log, size=size, root=root, note=note, issued_at=now)
            .returning(self._t.checkpoints.c.id)
        ).scalar_one()
        return StoredCheckpoint(int(checkpoint_id), size, root, note, now)

    def accept_cosignatures(self, log: str, message: str, now: datetime) -> list[str]:
        """Store the registered witnesses' cosignatures found on one of `log`'s checkpoints.

        NotCosigned if none is there or one does not verify, NoteError for a malformed
        note; UnknownCheckpoint if the log never
        issued that checkpoint (a witness shown another view of the log).
        """
        note = parse_note(message)
        checkpoint = Checkpoint.from_text(note.text)
        stored = next(
            iter(
                self.listing(
                    log, limit=1, before_size=checkpoint.size + 1, min_size=checkpoint.size
                )
            ),
            None,
        )
        if stored is None or not stored.note.startswith(note.text + "\n"):
            raise UnknownCheckpoint(
                f"{log} issued no checkpoint {checkpoint.size} with that root hash"
            )
        known = {w for w, _, _ in stored.cosignatures}
        accepted = []
        for witness in self.witnesses():
            try:
                timestamp = note.verified_by(witness)
            except NoteError as exc:
                raise NotCosigned(str(exc)) from exc
            if not timestamp:
                continue
            accepted.append(witness.name)
            if witness.name not in known:
                line = next(
                    s.line
                    for s in note.signatures
                    if (s.name, s.key_id) == (witness.name, witness.key_id)
                )
                self._session.execute(
                    insert(self._t.cosignatures).values(
                        checkpoint_id=stored.id,
                        witness=witness.name,
                        line=line,
                        signed_at=datetime.fromtimestamp(timestamp, UTC),
                        received_at=now,
                    )
                )
        if not accepted:
            raise NotCosigned("no cosignature from a registered witness")
        logger.info("cosignatures received", extra={"log": log, "witnesses": ", ".join(accepted)})
        return accepted


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)

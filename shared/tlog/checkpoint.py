"""Checkpoints (c2sp.org/tlog-checkpoint): a log's signed tree head.

```
explicite.example.fr/log/ville-exemple
20852
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— explicite.example.fr/log/ville-exemple Az3grlgt…
```
Origin, tree size (decimal, no leading zero), root hash (base64); no extension line.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from shared.tlog.merkle import HASH_SIZE, ProofError, verify_consistency
from shared.tlog.note import Note, NoteError, Verifier, parse_note

_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    @property
    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise NoteError("a checkpoint is three or more non-empty lines")
        origin, size, root = lines[:3]
        if not _SIZE.fullmatch(size):
            raise NoteError(f"malformed tree size {size!r}")
        try:
            digest = base64.b64decode(root, validate=True)
        except ValueError:
            raise NoteError("malformed root hash") from None
        if len(digest) != HASH_SIZE:
            raise NoteError("malformed root hash")
        return cls(origin, int(size), digest)


def open_checkpoint(message: str, log_key: Verifier) -> tuple[Checkpoint, Note]:
    """Parse a signed checkpoint and check the log's signature; NoteError if it fails."""
    note = parse_note(message)
    checkpoint = Checkpoint.from_text(note.text)
    if checkpoint.origin != log_key.name:
        raise NoteError(f"the checkpoint is for {checkpoint.origin!r}, not {log_key.name!r}")
    if note.verified_by(log_key) is None:
        raise NoteError(f"the checkpoint is not signed by {log_key.vkey}")
    return checkpoint, note


def check_extends(older: Checkpoint, newer: Checkpoint, proof: list[bytes]) -> None:
    """Raise ProofError unless `newer` is `older` with leaves appended (same origin)."""
    if older.origin != newer.origin:
        raise ProofError(f"{older.origin!r} and {newer.origin!r} are different logs")
    verify_consistency(older.size, newer.size, older.root, newer.root, proof)

"""A witness: remembers the last checkpoint it verified of one log, cosigns only what extends it.

An outside body (an association, the Défenseur des droits) runs `explicite witness` from
time to time. Each run fetches the log's latest checkpoint, checks the log's signature, asks
for a consistency proof from the checkpoint it holds, and only then cosigns
(c2sp.org/tlog-cosignature) and keeps the new one. A log that rewrote its history, shows a
smaller tree, or two different trees of the same size, is refused, and the witness keeps the
evidence.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from shared.tlog.checkpoint import Checkpoint, check_extends, open_checkpoint
from shared.tlog.keys import create_key_file, load_keys
from shared.tlog.merkle import ProofError
from shared.tlog.note import COSIGNATURE_V1, NoteError, Signer, Verifier, parse_note

ProofFetcher = Callable[[int, int], list[bytes]]


class WitnessRefusal(RuntimeError):
    """The log showed something a witness must not cosign."""


@dataclass(frozen=True)
class WitnessState:
    """What a witness keeps in its directory: its key, the log's key, the last checkpoint."""

    directory: Path

    def signer(self, name: str) -> Signer:
        path = self.directory / "witness_key"
        if not path.exists():
            return create_key_file(path, name, COSIGNATURE_V1)
        return load_keys([path], COSIGNATURE_V1)[0]

    def log_key(self) -> Verifier | None:
        path = self.directory / "log_key"
        return Verifier.from_vkey(path.read_text()) if path.exists() else None

    def pin_log_key(self, key: Verifier) -> None:
        _write(self.directory / "log_key", key.vkey + "\n")

    def last(self) -> str | None:
        path = self.directory / "checkpoint"
        return path.read_text() if path.exists() else None

    def keep(self, message: str) -> None:
        _write(self.directory / "checkpoint", message)

    def keep_evidence(self, message: str, why: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = self.directory / f"refused-{stamp}.txt"
        _write(path, f"{why}\n\n{message}")
        return path


def _write(path: Path, text: str) -> None:
    """Replace the file at once: a crash leaves the old state or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def witness(
    state: WitnessState,
    signer: Signer,
    log_key: Verifier,
    published: str,
    fetch_proof: ProofFetcher,
) -> tuple[Checkpoint, str]:
    """Check `published` against what the witness holds; return it and the cosignature line.

    The new checkpoint is kept before the cosignature is given out (c2sp.org/tlog-witness).
    """
    try:
        checkpoint, note = open_checkpoint(published, log_key)
    except NoteError as exc:
        raise WitnessRefusal(f"la signature du journal n'est pas valable : {exc}") from exc
    held = state.last()
    if held is not None:
        previous = Checkpoint.from_text(parse_note(held).text)
        why = None
        if checkpoint.size < previous.size:
            why = (
                f"le journal montre {checkpoint.size} entrées alors qu'il en avait signé "
                f"{previous.size} : il a retiré des entrées"
            )
        else:
            proof = (
                fetch_proof(previous.size, checkpoint.size)
                if checkpoint.size > previous.size
                else []
            )
            try:
                check_extends(previous, checkpoint, proof)
            except ProofError as exc:
                why = (
                    f"le journal de {checkpoint.size} entrées ne prolonge pas celui de "
                    f"{previous.size} entrées déjà vu : son histoire a été réécrite ({exc})"
                )
        if why is not None:
            evidence = state.keep_evidence(published + "\n" + held, why)
            raise WitnessRefusal(f"{why}. Les deux points de contrôle sont gardés dans {evidence}.")
    state.keep(str(note))
    return checkpoint, signer.signature_line(checkpoint.text)

"""The log's signing keys: files holding one private key in the signed-note format."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from shared.tlog.note import ED25519, Signer


def create_key_file(path: Path, name: str, kind: int = ED25519) -> Signer:
    """Write a new private key readable by its owner only; never overwrite one."""
    signer = Signer.generate(name, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(signer.skey + "\n")
    return signer


def load_keys(paths: Iterable[str | Path], kind: int | None = None) -> list[Signer]:
    return [Signer.from_skey(Path(path).read_text(), kind) for path in paths]

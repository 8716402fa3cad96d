"""Receipts: a decision's log entry with its proof (c2sp.org/tlog-proof), and their check.

A receipt is a small JSON file. `entry` holds the exact bytes the log hashed (the decision's
record, as canonical JSON); `proof` is a c2sp.org/tlog-proof: the leaf's index, the inclusion
proof, then the signed checkpoint with any witness's cosignatures. The fingerprint printed on
the letter is the start of SHA-256(entry), which is also the record's hash in the chain.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from shared.tlog.checkpoint import Checkpoint, check_extends, open_checkpoint
from shared.tlog.merkle import HASH_SIZE, ProofError, leaf_hash, verify_inclusion
from shared.tlog.note import NoteError, Verifier

FORMAT = "explicite-receipt/v1"
TLOG_PROOF = "c2sp.org/tlog-proof@v1"
ABOUT = (
    "Ce fichier prouve que votre décision est inscrite dans le journal public des "
    "décisions, tel qu'il a été signé. Toute personne peut le vérifier, sans nous faire "
    "confiance, avec le programme verifier-recu.py publié avec Explicite."
)


def fingerprint(chain_hash_hex: str) -> str:
    """16 hexadecimal digits in groups of four: short enough to print and to compare."""
    return " ".join(chain_hash_hex[i : i + 4].upper() for i in range(0, 16, 4))


class ReceiptError(ValueError):
    """A receipt that is malformed or does not prove what it says."""


@dataclass(frozen=True)
class Receipt:
    reference: str
    administration: str
    entry: bytes
    index: int
    proof: list[bytes]
    checkpoint: str  # the signed note, cosignatures included
    log_key: str
    checkpoint_url: str

    def to_json(self) -> dict[str, Any]:
        lines = [
            TLOG_PROOF,
            f"index {self.index}",
            *(base64.b64encode(h).decode() for h in self.proof),
        ]
        return {
            "format": FORMAT,
            "about": ABOUT,
            "reference": self.reference,
            "administration": self.administration,
            "fingerprint": fingerprint(hashlib.sha256(self.entry).hexdigest()),
            "log_key": self.log_key,
            "checkpoint_url": self.checkpoint_url,
            "entry": self.entry.decode(),
            "proof": "\n".join(lines) + "\n\n" + self.checkpoint,
        }

    @classmethod
    def from_json(cls, document: Any) -> Receipt:
        try:
            if document["format"] != FORMAT:
                raise ReceiptError(f"not an {FORMAT} receipt")
            head, _, checkpoint = document["proof"].partition("\n\n")
            lines = head.split("\n")
            if lines[0] != TLOG_PROOF or not lines[1].startswith("index "):
                raise ReceiptError("the proof is not a c2sp.org/tlog-proof")
            proof = [base64.b64decode(line, validate=True) for line in lines[2:]]
            if any(len(h) != HASH_SIZE for h in proof):
                raise ReceiptError("the proof holds a hash of the wrong length")
            return cls(
                str(document["reference"]),
                str(document["administration"]),
                document["entry"].encode(),
                int(lines[1].removeprefix("index ")),
                proof,
                checkpoint,
                str(document.get("log_key", "")),
                str(document.get("checkpoint_url", "")),
            )
        except ReceiptError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise ReceiptError(f"malformed receipt ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class ReceiptCheck:
    checkpoint: Checkpoint
    record: dict[str, Any]
    fingerprint: str
    witnesses: tuple[str, ...]


def check_receipt(
    receipt: Receipt, log_key: Verifier, witnesses: tuple[Verifier, ...] = ()
) -> ReceiptCheck:
    """ReceiptError unless the entry is leaf `index` of the tree the log key signed."""
    try:
        checkpoint, note = open_checkpoint(receipt.checkpoint, log_key)
        verify_inclusion(
            leaf_hash(receipt.entry), receipt.index, checkpoint.size, receipt.proof, checkpoint.root
        )
        cosigned = tuple(w.name for w in witnesses if note.verified_by(w))
        record = json.loads(receipt.entry)
    except (NoteError, ProofError, ValueError) as exc:
        raise ReceiptError(str(exc)) from exc
    if (
        record.get("record", {}).get("reference") != receipt.reference
        or record.get("seq") != receipt.index + 1
    ):
        raise ReceiptError("the entry is not the record of this decision")
    return ReceiptCheck(
        checkpoint, record, fingerprint(hashlib.sha256(receipt.entry).hexdigest()), cosigned
    )


def check_against(
    receipt_checkpoint: Checkpoint, published: Checkpoint, proof: list[bytes]
) -> None:
    """ProofError unless the published checkpoint and the receipt's are one history: the
    later one extends the earlier one (`proof` between them, empty for the same size)."""
    older, newer = sorted((receipt_checkpoint, published), key=lambda c: c.size)
    check_extends(older, newer, proof)

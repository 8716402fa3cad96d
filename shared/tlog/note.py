"""Signed notes (c2sp.org/signed-note), Ed25519 keys and cosignatures (c2sp.org/tlog-cosignature).

A note is UTF-8 text ending in a newline, a blank line, then signature lines
`— <key name> base64(key ID || signature)`. The key ID is the first four bytes of
SHA-256(key name || 0x0A || signature type || public key): 0x01 for an Ed25519 signature of
the text, 0x04 for a timestamped Ed25519 cosignature, which signs
`cosignature/v1\\ntime <T>\\n` followed by the text. Keys are written as Go's
golang.org/x/mod/sumdb/note writes them, so that other tools read them:
`PRIVATE+KEY+<name>+<hex key ID>+base64(type || seed)` and `<name>+<hex key ID>+base64(type ||
public key)` (a *vkey*).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import time
from dataclasses import dataclass, field
from typing import Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
_SIG_PREFIX = "\u2014 "
# c2sp.org/signed-note: verifiers must accept at least 16 signatures; more is refused.
MAX_SIGNATURES = 64


class NoteError(ValueError):
    """A note, key or signature that is malformed or does not verify."""


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("not base64") from None


def key_id(name: str, kind: int, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


@dataclass(frozen=True)
class Verifier:
    """A public key under a name, for one signature type."""

    name: str
    kind: int
    public_key: bytes

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.kind, self.public_key)

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{material}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Self:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]) or len(parts[1]) != 8:
            raise NoteError(f"malformed verifier key {vkey!r}")
        material = _b64decode(parts[2])
        verifier = cls(parts[0], material[0], material[1:]) if material else None
        if (
            verifier is None
            or verifier.kind not in (ED25519, COSIGNATURE_V1)
            or len(verifier.public_key) != 32
        ):
            raise NoteError("only Ed25519 keys (types 0x01 and 0x04) are supported")
        if f"{verifier.key_id:08x}" != parts[1].lower():
            raise NoteError("the verifier key's ID does not match its name and key")
        return verifier

    def verify(self, text: str, signature: bytes) -> int | None:
        """The cosignature's timestamp (0 for a plain signature) if valid, else None."""
        timestamp, message = 0, text.encode()
        if self.kind == COSIGNATURE_V1:
            if len(signature) != 72:
                return None
            timestamp, signature = struct.unpack(">Q", signature[:8])[0], signature[8:]
            message = cosigned_message(text, timestamp)
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return None
        return timestamp


@dataclass(frozen=True)
class Signer:
    name: str
    kind: int
    private_key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls, name: str, kind: int = ED25519) -> Self:
        if not _valid_name(name):
            raise NoteError(f"invalid key name {name!r}")
        return cls(name, kind, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str, kind: int | None = None) -> Self:
        """Read a private key; `kind` chooses the signature type (the key's own by default)."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not _valid_name(parts[2]):
            raise NoteError("malformed private key")
        material = _b64decode(parts[4])
        if len(material) != 33 or material[0] not in (ED25519, COSIGNATURE_V1):
            raise NoteError("only Ed25519 private keys are supported")
        signer = cls(parts[2], material[0], Ed25519PrivateKey.from_private_bytes(material[1:]))
        if f"{signer.verifier.key_id:08x}" != parts[3].lower():
            raise NoteError("the private key's ID does not match its name and key")
        return cls(signer.name, kind or signer.kind, signer.private_key)

    @property
    def skey(self) -> str:
        seed = self.private_key.private_bytes_raw()
        material = base64.b64encode(bytes([self.kind]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id:08x}+{material}"

    @property
    def verifier(self) -> Verifier:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, self.kind, public)

    def signature_line(self, text: str, timestamp: int | None = None) -> str:
        """`— <name> base64(key ID || signature)` for the note text `text`."""
        if self.kind == COSIGNATURE_V1:
            stamp = int(time.time()) if timestamp is None else timestamp
            signature = struct.pack(">Q", stamp) + self.private_key.sign(
                cosigned_message(text, stamp)
            )
        else:
            signature = self.private_key.sign(text.encode())
        payload = self.verifier.key_id.to_bytes(4, "big") + signature
        return f"{_SIG_PREFIX}{self.name} {base64.b64encode(payload).decode()}\n"


@dataclass(frozen=True)
class SignatureLine:
    name: str
    key_id: int
    signature: bytes
    line: str


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[SignatureLine, ...]

    def verified_by(self, verifier: Verifier) -> int | None:
        """The timestamp of this key's valid signature (0 if not a cosignature), else None.

        A signature under the key's name and ID that does not verify makes the whole note
        untrustworthy (c2sp.org/signed-note: clients should reject it): NoteError.
        """
        for sig in self.signatures:
            if (sig.name, sig.key_id) == (verifier.name, verifier.key_id):
                timestamp = verifier.verify(self.text, sig.signature)
                if timestamp is None:
                    raise NoteError(f"the signature of {verifier.name} does not verify")
                return timestamp
        return None

    def with_lines(self, lines: str) -> Note:
        """The same text with more signature lines (a witness's answer, say)."""
        return parse_note(self.text + "\n" + "".join(s.line for s in self.signatures) + lines)

    def __str__(self) -> str:
        return self.text + "\n" + "".join(sig.line for sig in self.signatures)


def sign_note(text: str, *signers: Signer) -> Note:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    return parse_note(text + "\n" + "".join(s.signature_line(text) for s in signers))


def parse_note(message: str) -> Note:
    """Split a note into its text and signature lines; nothing is verified yet."""
    if any(c < " " and c != "\n" for c in message):
        raise NoteError("a note holds no control character other than newline")
    split = message.rfind("\n\n")
    if split < 0 or not message.endswith("\n"):
        raise NoteError("a note ends with a blank line then signature lines")
    text, lines = message[: split + 1], message[split + 2 :].splitlines(keepends=True)
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note has 1 to {MAX_SIGNATURES} signature lines")
    signatures = []
    for line in lines:
        name, _, b64 = line.rstrip("\n").removeprefix(_SIG_PREFIX).partition(" ")
        payload = _b64decode(b64) if line.startswith(_SIG_PREFIX) else b""
        if not _valid_name(name) or len(payload) < 5:
            raise NoteError(f"malformed signature line {line!r}")
        signatures.append(
            SignatureLine(name, int.from_bytes(payload[:4], "big"), payload[4:], line)
        )
    return Note(text, tuple(signatures))

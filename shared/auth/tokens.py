"""Secrets handed to people and machines: API keys, access references and access codes.

API keys and access codes are long random secrets, so a keyed SHA-256 digest is enough to
store them safely and fast enough to check at ingest rate; passwords, chosen by people, are
hashed with argon2 instead (see `shared.auth.passwords`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford's base 32: no I, L, O, U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})

API_KEY_PREFIX = "exk"


def _random_chars(count: int) -> str:
    """`count` characters drawn uniformly: the alphabet has 32 symbols, so each is 5 bits of
    one draw from the system's generator (not one draw per character: ingest makes two
    such strings per decision)."""
    bits = secrets.randbits(5 * count)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(count))


def _grouped(chars: str, size: int) -> str:
    return "-".join(chars[i : i + size] for i in range(0, len(chars), size))


def new_reference() -> str:
    """A decision's public reference, printed on the letter: `D-XXXXX-XXXXX` (50 bits)."""
    return "D-" + _grouped(_random_chars(10), 5)


def new_report_id() -> str:
    """A report of an error in the public register: `S-XXXXX-XXXXX`, read on the entry."""
    return "S-" + _grouped(_random_chars(10), 5)


def new_access_code() -> str:
    """A random access code: 12 characters, 60 bits, `XXXX-XXXX-XXXX`."""
    return _grouped(_random_chars(12), 4)


def derived_access_code(key: str, reference: str) -> str:
    """A decision's access code: 60 bits of HMAC-SHA256(key, reference), `XXXX-XXXX-XXXX`.

    Derived, never drawn: whoever holds the key (decision_log only) can say it again when it
    must be delivered, so it is never stored; without the key, it is as unguessable as a
    random one.
    """
    digest = hmac.new(
        key.encode(), b"access-code\x00" + reference.encode(), hashlib.sha256
    ).digest()
    bits = int.from_bytes(digest[:8], "big") >> 4  # 60 bits, 5 per character
    return _grouped("".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(11, -1, -1)), 4)


def normalize_code(value: str) -> str:
    """Accept what a person types: lowercase, spaces, hyphens, O for 0, I or L for 1."""
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum()).translate(_CONFUSABLE)
    return cleaned


def normalize_reference(value: str) -> str:
    cleaned = normalize_code(value)
    if cleaned.startswith("D") and len(cleaned) == 11:
        cleaned = cleaned[1:]
    return "D-" + _grouped(cleaned, 5) if len(cleaned) == 10 else value.strip().upper()


def keyed_digest(secret_key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` under a key derived from the secret key for one purpose."""
    key = hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def hash_access_code(secret_key: str, code: str) -> str:
    return keyed_digest(secret_key, "access-code", normalize_code(code))


def new_api_key() -> tuple[str, str]:
    """Return (key, prefix): `exk_<prefix>_<secret>`; the prefix finds the stored digest."""
    prefix = secrets.token_hex(6)
    return f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def api_key_prefix(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())

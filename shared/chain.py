"""Hash chains: each record's SHA-256 covers its content and the previous hash (tamper-evident)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared import jsoncodec

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, no NaN; what the standard
    library writes (the verifier under tools/ rebuilds it with nothing else)."""
    return jsoncodec.canonical(value)


def canonical_object(members: Mapping[str, bytes]) -> bytes:
    """canonical() of an object whose members are already canonical: the same bytes, so that
    a large member (a decision's body) is encoded once for several digests."""
    return (
        b"{"
        + b",".join(canonical(key) + b":" + value for key, value in sorted(members.items()))
        + b"}"
    )


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def link_entry(seq: int, prev_hash: str, record: Mapping[str, Any]) -> bytes:
    """Record number `seq` chained to `prev_hash`, as the bytes its hash covers: also the
    entry a transparency log keeps as its leaf (shared/tlog)."""
    return link_canonical(seq, prev_hash, canonical(record))


def link_canonical(seq: int, prev_hash: str, record: bytes) -> bytes:
    """link_entry() of a record already in canonical form: `canonical({"seq", "prev",
    "record"})` written out, keys in their sorted order, so that a writer can encode the
    record before it knows its place in the chain (and hold the chain's lock only for this)."""
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise TypeError("seq must be an integer")
    return b'{"prev":' + canonical(prev_hash) + b',"record":' + record + b',"seq":%d}' % seq


def link_hash(seq: int, prev_hash: str, record: Mapping[str, Any]) -> str:
    """The hash of record number `seq`, chained to `prev_hash`."""
    return hashlib.sha256(link_entry(seq, prev_hash, record)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where and how a chain stopped being trustworthy; `label` names the record."""

    seq: int
    label: str | None
    problem: str


@dataclass(frozen=True)
class ChainReport:
    chain: str
    records: int
    head_seq: int
    breaks: tuple[ChainBreak, ...]

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify_chain(
    chain: str,
    links: Iterable[tuple[int, str, str, str | None, Mapping[str, Any]]],
    head: tuple[int, str] | None,
) -> ChainReport:
    """Check links ordered by seq: (seq, prev_hash, hash, label, hashed record).

    A changed record fails its own hash; a deleted one leaves a gap in the sequence; a
    deleted tail no longer reaches the head kept in its own table.
    """
    breaks: list[ChainBreak] = []
    expected_seq, expected_prev, count = 1, GENESIS, 0
    for seq, prev_hash, stored_hash, label, record in links:
        count += 1
        if seq != expected_seq:
            breaks.append(
                ChainBreak(expected_seq, None, f"records {expected_seq} to {seq - 1} are missing")
            )
        elif prev_hash != expected_prev:
            breaks.append(ChainBreak(seq, label, "does not link to the previous record"))
        if link_hash(seq, prev_hash, record) != stored_hash:
            breaks.append(ChainBreak(seq, label, "content does not match its hash"))
        expected_seq, expected_prev = seq + 1, stored_hash
    head_seq = head[0] if head else 0
    if head is not None and (head[0] != expected_seq - 1 or head[1] != expected_prev):
        breaks.append(
            ChainBreak(
                head[0],
                None,
                f"the chain ends at record {expected_seq - 1} but its head "
                f"says {head[0]}: records were removed or added",
            )
        )
    if head is None and count:
        breaks.append(ChainBreak(0, None, "the chain has records but no head"))
    return ChainReport(chain, count, head_seq, tuple(breaks))

"""RFC 9162 Merkle trees: hashes, tree heads, inclusion and consistency proofs.

Everything here is pure: a tree's nodes come from a `NodeReader` the caller supplies, so the
same code proves from a database table, from memory, or from a witness's own copy.

A *node* is a perfect subtree, named `(level, index)`: the 2**level leaves starting at leaf
index * 2**level. Those are the only hashes a log ever needs to keep: every subtree hash an
RFC 9162 proof lists (`MTH(D[a:b])`) is folded from the perfect subtrees covering [a, b).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

Node = tuple[int, int]
NodeReader = Callable[[Collection[Node]], Mapping[Node, bytes]]

HASH_SIZE = 32
# RFC 9162 2.1.1: the hash of an empty tree is the hash of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof does not prove what it claims."""


class MissingNode(LookupError):
    """A node the tree should hold is not there (a truncated or damaged node table)."""


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 2.1.1: MTH({d}) = HASH(0x00 || d)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 2.1.1: HASH(0x01 || MTH(left) || MTH(right))."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_subtrees(start: int, end: int) -> list[Node]:
    """[start, end) as aligned perfect subtrees, left to right, largest first."""
    nodes = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length()
        while (1 << level) > end - start:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def range_hash(start: int, end: int, nodes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[start:end]) for a subtree of an RFC 9162 tree: its perfect parts, folded from
    the right (the left part of an RFC 9162 subtree is always the largest power of two)."""
    if start == end:
        return EMPTY_ROOT
    parts = [nodes[node] for node in perfect_subtrees(start, end)]
    folded = parts[-1]
    for part in reversed(parts[:-1]):
        folded = node_hash(part, folded)
    return folded


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 9162 2.1.3.1 PATH(m, D[n]), as the ranges whose MTH it lists, leaf's sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    ranges, start, end = [], 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """RFC 9162 2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), as ranges, deepest first.

    Empty when there is nothing to prove: an empty old tree, or the same size.
    """
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from {old} to {new} leaves")
    if old in (0, new):
        return []
    ranges, start, end, m, complete = [], 0, new, old, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    return ranges[::-1]


def resolve(ranges: Sequence[tuple[int, int]], read: NodeReader) -> list[bytes]:
    """The hashes of these ranges, from one read of the perfect subtrees they need."""
    wanted = {node for start, end in ranges for node in perfect_subtrees(start, end)}
    nodes = read(wanted) if wanted else {}
    return [range_hash(start, end, nodes) for start, end in ranges]


def tree_root(size: int, read: NodeReader) -> bytes:
    return resolve([(0, size)], read)[0] if size else EMPTY_ROOT


def inclusion_proof(index: int, size: int, read: NodeReader) -> list[bytes]:
    return resolve(inclusion_ranges(index, size), read)


def consistency_proof(old: int, new: int, read: NodeReader) -> list[bytes]:
    return resolve(consistency_ranges(old, new), read)


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 2.1.3.2, step by step; raise ProofError unless `leaf` is leaf `index` of the
    tree of `size` leaves whose head is `root`."""
    if index >= size or index < 0:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    if r != root:
        raise ProofError("the inclusion proof does not lead to the root hash")


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 2.1.4.2; raise ProofError unless the tree of `new` leaves extends the tree of
    `old` leaves. Its precondition 0 < old < new leaves two cases with nothing to prove,
    which must come with an empty proof (as c2sp.org/tlog-witness requires): an empty old
    tree, and the same size with the same root."""
    if old < 0 or old > new:
        raise ProofError(f"a tree of {old} leaves cannot precede one of {new}")
    if old == 0 or old == new:
        if proof:
            raise ProofError("nothing to prove, yet the proof is not empty")
        if old == 0 and old_root != EMPTY_ROOT:
            raise ProofError("an empty tree has another root hash")
        if old == new and old_root != new_root:
            raise ProofError(f"two different root hashes for the same {old} leaves")
        return
    path = list(proof)
    if not path:
        raise ProofError("the consistency proof is empty")
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root hash")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root hash")


class Frontier:
    """The perfect subtrees covering [0, size), largest first: all an append needs to know.

    `append` returns what one new leaf completes: its own hash (level 0), then the hash of
    every node it closes, level by level. A log stores that as the leaf's node row.
    """

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self.size = size
        self.hashes = list(hashes)
        if len(self.hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} frontier nodes")

    @classmethod
    def read(cls, size: int, read: NodeReader) -> Frontier:
        nodes = perfect_subtrees(0, size)
        found = read(nodes) if nodes else {}
        return cls(size, [found[node] for node in nodes])

    def append(self, leaf: bytes) -> list[bytes]:
        completed, folded, index = [leaf], leaf, self.size
        while index & 1:
            folded = node_hash(self.hashes.pop(), folded)
            completed.append(folded)
            index >>= 1
        self.hashes.append(folded)
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        folded = self.hashes[-1]
        for part in reversed(self.hashes[:-1]):
            folded = node_hash(part, folded)
        return folded


def node_row(node: Node) -> int:
    """The leaf whose append completed this node: where a log keeps it (see Frontier)."""
    level, index = node
    return ((index + 1) << level) - 1


def read_rows(rows: Mapping[int, bytes]) -> NodeReader:
    """A NodeReader over node rows kept by leaf (each the concatenation of `append`'s list)."""

    def read(nodes: Collection[Node]) -> dict[Node, bytes]:
        found = {}
        for node in nodes:
            row = rows.get(node_row(node), b"")
            found[node] = row[node[0] * HASH_SIZE : (node[0] + 1) * HASH_SIZE]
            if len(found[node]) != HASH_SIZE:
                raise MissingNode(node)
        return found

    return read

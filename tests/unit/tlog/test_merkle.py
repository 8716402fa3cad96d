"""RFC 9162 trees: known answers, a literal reading of the RFC, and every size up to 3,000."""

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.tlog.merkle import (
    EMPTY_ROOT,
    Frontier,
    MissingNode,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    perfect_subtrees,
    read_rows,
    tree_root,
    verify_consistency,
    verify_inclusion,
)


class MemoryTree:
    """A tree kept as the node rows a log stores: one row per leaf (see Frontier.append)."""

    def __init__(self) -> None:
        self.frontier = Frontier()
        self.rows: dict[int, bytes] = {}
        self.leaves: list[bytes] = []
        self.read = read_rows(self.rows)

    def append(self, entry: bytes) -> None:
        index = self.frontier.size
        self.leaves.append(leaf_hash(entry))
        self.rows[index] = b"".join(self.frontier.append(leaf_hash(entry)))


# The RFC 6962 reference vectors used by Certificate Transparency and transparency-dev/merkle
# (testonly/constants.go, cmd/proofgen/main.go): eight leaves and the root of each prefix.
INPUTS = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
# (leaf index, tree size, proof), indices 0-based.
INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


@pytest.fixture(scope="module")
def reference() -> MemoryTree:
    tree = MemoryTree()
    for entry in INPUTS:
        tree.append(entry)
    return tree


def test_roots_match_the_reference_vectors(reference):
    assert ROOTS[0] == EMPTY_ROOT
    for size, root in enumerate(ROOTS):
        assert tree_root(size, reference.read) == root


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
def test_inclusion_proofs_match_the_reference_vectors(reference, index, size, expected):
    proof = inclusion_proof(index, size, reference.read)
    assert [p.hex() for p in proof] == expected
    verify_inclusion(reference.leaves[index], index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_vectors(reference, old, new, expected):
    proof = consistency_proof(old, new, reference.read)
    assert [p.hex() for p in proof] == expected
    verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


# RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 read literally, on lists of leaf hashes.
def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


@pytest.fixture(scope="module")
def big() -> MemoryTree:
    tree = MemoryTree()
    for i in range(3000):
        tree.append(i.to_bytes(4, "big"))
    return tree


def test_every_proof_of_small_trees_is_the_rfc_one(big):
    for size in range(1, 70):
        leaves = big.leaves[:size]
        assert tree_root(size, big.read) == mth(leaves)
        for m in range(size):
            assert inclusion_proof(m, size, big.read) == path(m, leaves)
        for old in range(1, size):
            assert consistency_proof(old, size, big.read) == subproof(old, leaves, True)


def test_every_size_up_to_3000_proves_inclusion_and_consistency(big):
    draw = random.Random(9162)
    frontier = Frontier()
    for size in range(1, 3001):
        frontier.append(big.leaves[size - 1])
        root = tree_root(size, big.read)
        assert frontier.root() == root
        for index in {0, size - 1, draw.randrange(size)}:
            verify_inclusion(
                big.leaves[index], index, size, inclusion_proof(index, size, big.read), root
            )
        old = draw.randrange(size + 1)
        verify_consistency(
            old, size, tree_root(old, big.read), root, consistency_proof(old, size, big.read)
        )
        assert Frontier.read(size, big.read).hashes == frontier.hashes


def flip(value: bytes, position: int, bit: int) -> bytes:
    position %= len(value)
    return value[:position] + bytes([value[position] ^ (1 << bit)]) + value[position + 1 :]


@settings(max_examples=400, deadline=None)
@given(size=st.integers(1, 3000), data=st.data(), bit=st.integers(0, 7))
def test_an_altered_byte_breaks_an_inclusion_proof(big, size, data, bit):
    index = data.draw(st.integers(0, size - 1))
    entry = index.to_bytes(4, "big")
    proof = inclusion_proof(index, size, big.read)
    root = tree_root(size, big.read)
    verify_inclusion(leaf_hash(entry), index, size, proof, root)
    position = data.draw(st.integers(0, 10_000))
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(flip(entry, position, bit)), index, size, proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(entry), index, size, proof, flip(root, position, bit))
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        altered = [*proof[:which], flip(proof[which], position, bit), *proof[which + 1 :]]
        with pytest.raises(ProofError):
            verify_inclusion(leaf_hash(entry), index, size, altered, root)
        with pytest.raises(ProofError):
            verify_inclusion(leaf_hash(entry), index, size, proof[:-1], root)
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(entry), index, size, [*proof, root], root)


@settings(max_examples=400, deadline=None)
@given(new=st.integers(1, 3000), data=st.data(), bit=st.integers(0, 7))
def test_an_altered_byte_breaks_a_consistency_proof(big, new, data, bit):
    old = data.draw(st.integers(1, new))
    old_root, new_root = tree_root(old, big.read), tree_root(new, big.read)
    proof = consistency_proof(old, new, big.read)
    verify_consistency(old, new, old_root, new_root, proof)
    position = data.draw(st.integers(0, 10_000))
    with pytest.raises(ProofError):
        verify_consistency(old, new, flip(old_root, position, bit), new_root, proof)
    with pytest.raises(ProofError):
        verify_consistency(old, new, old_root, flip(new_root, position, bit), proof)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        altered = [*proof[:which], flip(proof[which], position, bit), *proof[which + 1 :]]
        with pytest.raises(ProofError):
            verify_consistency(old, new, old_root, new_root, altered)
        with pytest.raises(ProofError):
            verify_consistency(old, new, old_root, new_root, proof[:-1])


def test_a_rewritten_history_is_not_consistent_with_the_old_head(big):
    rewritten = MemoryTree()
    for i in range(3000):
        rewritten.append((i if i != 1234 else 99999).to_bytes(4, "big"))
    old_root = tree_root(2000, big.read)
    with pytest.raises(ProofError):
        verify_consistency(
            2000,
            3000,
            old_root,
            tree_root(3000, rewritten.read),
            consistency_proof(2000, 3000, rewritten.read),
        )


def test_trivial_consistency_cases_need_an_empty_proof():
    leaf = leaf_hash(b"x")
    verify_consistency(0, 5, EMPTY_ROOT, leaf, [])
    verify_consistency(3, 3, leaf, leaf, [])
    for args in [
        (0, 5, EMPTY_ROOT, leaf, [leaf]),
        (3, 3, leaf, EMPTY_ROOT, []),
        (0, 0, leaf, leaf, []),
        (4, 3, leaf, leaf, []),
        (2, 3, leaf, leaf, []),
    ]:
        with pytest.raises(ProofError):
            verify_consistency(*args)


def test_a_missing_node_is_reported_not_guessed(big):
    rows = dict(big.rows)
    del rows[2047]  # holds the node of the first 2,048 leaves
    with pytest.raises(MissingNode):
        tree_root(3000, read_rows(rows))


def test_perfect_subtrees_cover_the_range_once():
    for start, end in [(0, 3000), (1024, 3000), (8, 13), (0, 1), (5, 6)]:
        covered = []
        for level, index in perfect_subtrees(start, end):
            covered.extend(range(index << level, (index + 1) << level))
        assert covered == list(range(start, end))

"""A transparency log (RFC 9162 Merkle trees, C2SP signed notes, checkpoints, cosignatures).

Framework-free: `merkle` hashes and proves, `note` signs and verifies, `checkpoint` reads and
writes tree heads. A service stores the nodes and checkpoints in its own tables.
"""

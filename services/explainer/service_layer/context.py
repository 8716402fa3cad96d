"""What the explainer's handlers need besides the database: secrets, clock, limits, a cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.explainer.domain.case import Algorithm
from shared.ratelimit import Limit

# Failed sign-ins allowed in a quarter of an hour, per client address and per reference.
SIGN_IN_PER_ADDRESS = Limit("sign-in-address", 10, timedelta(minutes=15))
# A reference is printed on one letter: a few typing mistakes, never a guessing game.
SIGN_IN_PER_REFERENCE = Limit("sign-in-reference", 5, timedelta(minutes=15))


# How many decisions' what-ifs and dated sections a process keeps. They serve a reading
# (its document built, then its dated sections for the day it is read) and the same person's
# next readings in the minutes after; most people read once. Every entry keeps 20 to 25
# objects alive, which the cyclic collector scans at each full collection: with 2,048 of each,
# 2,000 first readings grew a web process's heap by about 90,000 objects, and each full
# collection then stopped it for 70 to 430 ms, the tail of first readings (docs/benchmark.md,
# 8 December 2026).
WHAT_IFS_KEPT = 64
DATED_KEPT = 256


class Memo:
    """The last results of a pure computation by key, shared by a process's threads."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


class AlgorithmCache:
    """Loaded models by (administration, id, version, revision): loading one validates the whole
    registry entry. Ids are each administration's own: two may share one."""

    def __init__(self, size: int = 256) -> None:
        self._memo = Memo(size)

    def get(self, document: dict[str, Any], revision: int) -> Algorithm:
        key = (
            str(document["administration"]),
            str(document["id"]),
            str(document["version"]),
            revision,
        )
        algorithm: Algorithm = self._memo.get(
            key, lambda: Algorithm.from_document(document, revision)
        )
        return algorithm


@dataclass(frozen=True)
class ExplainerContext:
    secret_key: str
    public_url: str
    algorithms: AlgorithmCache = field(default_factory=AlgorithmCache)
    # A decision's what-ifs, by (reference, algorithm revision): `generation.what_ifs_of`.
    what_ifs: Memo = field(default_factory=lambda: Memo(WHAT_IFS_KEPT))
    # Its dated sections, by (reference, algorithm revision, day): `generation.dated_sections_of`.
    dated: Memo = field(default_factory=lambda: Memo(DATED_KEPT))

    def now(self) -> datetime:
        return datetime.now(UTC)

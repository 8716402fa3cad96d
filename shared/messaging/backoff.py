"""Capped exponential backoff with jitter, for reconnecting to the broker or the database."""

from __future__ import annotations

import random


class Backoff:
    """0.2 s, 0.4 s, 0.8 s … up to `cap`, each with ±25 % jitter so workers don't stampede."""

    def __init__(self, initial: float = 0.2, cap: float = 15.0) -> None:
        self._initial, self._cap = initial, cap
        self._attempt = 0

    def next(self) -> float:
        delay = min(self._cap, self._initial * (2**self._attempt))
        self._attempt += 1
        return delay * random.uniform(0.75, 1.25)  # noqa: S311 - jitter, not security

    def reset(self) -> None:
        self._attempt = 0

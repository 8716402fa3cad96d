"""What a process keeps of the decisions it read: bounded, since the collector walks it."""

from __future__ import annotations

from services.explainer.service_layer.context import (
    DATED_KEPT,
    WHAT_IFS_KEPT,
    ExplainerContext,
    Memo,
)


def test_a_process_keeps_few_decisions_what_ifs_and_dated_sections() -> None:
    context = ExplainerContext("secret", "http://explicite.test")
    for n in range(3_000):
        context.what_ifs.get((f"D-{n}", 1), lambda n=n: [n])
        context.dated.get((f"D-{n}", 1, "2026-12-08"), lambda n=n: {"n": n})
    assert len(context.what_ifs._items) == WHAT_IFS_KEPT <= 64
    assert len(context.dated._items) == DATED_KEPT <= 256
    # The newest stay: the same person's next reading finds them.
    assert context.dated.get(("D-2999", 1, "2026-12-08"), lambda: None) == {"n": 2999}


def test_a_memo_computes_once_per_key_while_kept() -> None:
    memo, calls = Memo(2), []
    for key in ("a", "a", "b", "a", "c", "a"):
        memo.get(key, lambda key=key: calls.append(key) or key)
    assert calls == ["a", "b", "c"]  # "a" read last stays, "b" goes
    memo.get("b", lambda: calls.append("b"))
    assert calls == ["a", "b", "c", "b"]

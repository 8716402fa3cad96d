"""Each gunicorn worker freezes its started heap out of the cyclic collector's walks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# In a process of its own: a frozen heap is for the rest of the process's life.
PROBE = """
import gc, runpy
conf = runpy.run_path("deploy/gunicorn.conf.py")
before = gc.get_freeze_count()
conf["post_worker_init"](None)
print(before, gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_a_worker_freezes_its_heap_once_the_app_is_loaded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, frozen, walked = map(int, done.stdout.split())
    assert before == 0
    # Everything the process held (its modules, gunicorn's settings and what they import) is
    # frozen; a full collection walks only what came after.
    assert frozen > 1_000
    assert walked < frozen / 10


def test_garbage_is_collected_before_the_heap_is_frozen() -> None:
    """Cycles that are already garbage are freed, not frozen for the process's life."""
    probe = """
import gc, weakref
from shared.web.heap import settle_heap
class Node: pass
alive = weakref.WeakSet()
gc.disable()
for _ in range(1000):
    a, b = Node(), Node()
    a.other, b.other = b, a
    alive.add(a)
del a, b
settle_heap()
print(len(alive), gc.get_freeze_count() > 0)
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["0", "True"]

"""A web process's heap, once started: out of the cyclic collector's way."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collect once, then freeze what the started process holds (modules, the app, its
    routes, schemas and templates' environment) in the collector's permanent generation.

    Called by gunicorn in each worker once the app is loaded (deploy/gunicorn.conf.py). A full
    collection walks every tracked object: about 180,000 in a started explainer web process, and
    70 to 430 ms during which none of its threads answers, whatever the request (measured in
    the bench's first readings, docs/benchmark.md, 8 December 2026). Frozen, they
    are never walked again (they live as long as the process anyway), and a full collection
    walks only what requests left alive since. Nothing is leaked: a frozen object is still
    freed when its last reference goes; only a cycle among them would stay, and none of them
    is garbage at start.
    """
    gc.collect()
    gc.freeze()

"""An OpenFisca algorithm beside the points grid: replay, what-ifs and explanation per decision.

Replay: batched as decision_log's consumer replays a batch (one simulation per batch for
OpenFisca), and alone. What-ifs: every criterion's nearest change, unchangeable ones included,
as the explainer asks. Explanation: the whole default document (evaluation with the applied
parameters and trace, what-ifs, every section), as the explainer builds it for one decision.

Measured in a process of its own (`python -m tests.bench.bench_openfisca`), so that the memory
reported is that of a worker which loaded OpenFisca, and the CPU that of this work alone. The
points grid (creche-attribution) is measured in the same process and run, as the baseline.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.french import PARIS

# Decisions per consumer batch, as decision_log's consumer takes them by default.
BATCH = 250
# Explanations built per algorithm (each a whole document: slower than a replay).
EXPLAINED = 20
START = datetime(2026, 11, 20, 12, tzinfo=PARIS)


def run(decisions: int, timeout: float = 600) -> dict[str, Any]:
    """The figures, measured in a fresh interpreter that receives the decisions: the back
    office's own openfisca-france (which computes them) stays out of the worker's memory."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as bodies:
        json.dump(_bodies(decisions), bodies)
        bodies.flush()
        done = subprocess.run(
            [sys.executable, "-m", "tests.bench.bench_openfisca", bodies.name],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    return dict(json.loads(done.stdout))


def _bodies(decisions: int) -> dict[str, list[dict[str, Any]]]:
    from shared.samples.backoffice import bourse_college
    from shared.samples.catalogue import load_sample_algorithms

    creche = next(d for d in load_sample_algorithms() if d["id"] == "creche-attribution")
    return {
        "points_grid": _points_decisions(creche, decisions),
        "openfisca": bourse_college.decisions(decisions, seed=21, start=START),
    }


def rss_mb() -> float:
    """The process's peak resident memory so far, in MB: VmHWM, which starts again at exec
    (getrusage's ru_maxrss keeps the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu_ms_per(count: int, work: Callable[[], Any]) -> float:
    start = time.process_time()
    work()
    return round((time.process_time() - start) / count * 1000, 3)


def measure(bodies: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    from shared.samples import OPENFISCA_SAMPLE
    from shared.samples.catalogue import load_sample_algorithms

    before = rss_mb()
    decisions = len(bodies["openfisca"])
    documents = {d["id"]: d for d in [*load_sample_algorithms(), OPENFISCA_SAMPLE]}
    started = time.perf_counter()
    algorithms = {
        "points_grid": _algorithm(documents["creche-attribution"]),
        "openfisca": _algorithm(documents[OPENFISCA_SAMPLE["id"]]),
    }
    _replay(algorithms["openfisca"], bodies["openfisca"][:1])  # loads openfisca-france
    load_seconds = round(time.perf_counter() - started, 2)
    loaded = rss_mb()
    figures: dict[str, Any] = {}
    for name, algorithm in algorithms.items():
        sample = bodies[name]
        _replay(algorithm, sample[:BATCH])  # warm: numexpr compiles its expressions once
        figures[name] = {
            "replay_batched_ms": _cpu_ms_per(
                len(sample),
                lambda a=algorithm, s=sample: [
                    _replay(a, s[i : i + BATCH]) for i in range(0, len(s), BATCH)
                ],
            ),
            "replay_alone_ms": _cpu_ms_per(
                min(len(sample), 50),
                lambda a=algorithm, s=sample: [_replay(a, [b]) for b in s[:50]],
            ),
            "what_ifs_ms": _cpu_ms_per(
                min(len(sample), 50),
                lambda a=algorithm, s=sample: [_what_ifs(a, b) for b in s[:50]],
            ),
            "explanation_ms": _cpu_ms_per(
                min(len(sample), EXPLAINED),
                lambda n=name, s=sample: [_explain(documents, n, b) for b in s[:EXPLAINED]],
            ),
        }
    return {
        "decisions": decisions,
        "batch": BATCH,
        "openfisca_load_seconds": load_seconds,
        "rss_before_mb": before,
        "rss_openfisca_loaded_mb": loaded,
        "rss_end_mb": rss_mb(),
        **figures,
    }


def _points_decisions(document: dict[str, Any], count: int) -> list[dict[str, Any]]:
    from shared.samples import generate_decisions

    return generate_decisions(count, seed=21, algorithms=[document], start=START)


def _algorithm(document: dict[str, Any]) -> Any:
    from shared.decision_model import load_algorithm_model

    return load_algorithm_model(document["criteria"], document["model"])


def _replay(algorithm: Any, bodies: Sequence[dict[str, Any]]) -> Any:
    from services.decision_log.service_layer.replaying import replay_case
    from shared.decision_model import replay_many

    criteria, model = algorithm
    return replay_many(model, criteria, [replay_case(body) for body in bodies])


def _what_ifs(algorithm: Any, body: dict[str, Any]) -> Any:
    from shared.decision_model import counterfactuals

    criteria, model = algorithm
    return counterfactuals(
        model, criteria, {c["code"]: c["value"] for c in body["criteria"]}, include_fixed=True
    )


def _explain(documents: dict[str, Any], name: str, body: dict[str, Any]) -> Any:
    from services.explainer.domain.case import Algorithm, Case
    from services.explainer.domain.explanation import build_document

    document = documents["creche-attribution" if name == "points_grid" else "bourse-college"]
    algorithm = _ALGORITHMS.setdefault(name, Algorithm.from_document(document, 1))
    return build_document(
        Case(algorithm, body, "D-BENCH", "https://explicite.example", {"status": "consistent"})
    )


_ALGORITHMS: dict[str, Any] = {}


if __name__ == "__main__":
    # A file of decisions: the measured child (see `run`); a number: run it.
    argument = sys.argv[1] if len(sys.argv) > 1 else "500"
    figures = (
        run(int(argument))
        if argument.isdigit()
        else measure(json.loads(Path(argument).read_text(encoding="utf-8")))
    )
    print(json.dumps(figures, indent=2))

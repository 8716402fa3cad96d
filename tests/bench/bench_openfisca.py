"""The cost of an OpenFisca algorithm: loading the country package, computing, tracing, what-ifs.

Run in a process of its own (`python -m tests.bench.bench_openfisca`), so that the memory it
reports is that of a worker which loaded OpenFisca and nothing else heavy.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[2] / "shared/samples/backoffice/bourse-college.json"


def rss_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_of(work: Callable[[], Any]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def measure(decisions: int = 200) -> dict[str, Any]:
    from shared.decision_model.criteria import FAVOURABLE  # noqa: F401 - loads the package
    from shared.decision_model.loading import _load_criteria
    from shared.decision_model.openfisca.schema import OpenFiscaModelSchema

    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    model = OpenFiscaModelSchema().load(document["model"])
    criteria = _load_criteria(document["criteria"])
    before = rss_mb()
    start = time.perf_counter()
    from shared.decision_model.openfisca import applied, runner

    engine_cpu = cpu_of(lambda: runner.engine_of(model))
    load_seconds = time.perf_counter() - start
    loaded = rss_mb()

    import random

    from shared.samples.backoffice.bourse_college import household

    rng = random.Random(7)
    cases = [_typed(household(rng)) for _ in range(decisions)]
    runner.results(model, cases[:10])  # the first simulation compiles numexpr expressions
    one = min(cpu_of(lambda: runner.results(model, cases[:1])) for _ in range(5))
    many = cpu_of(lambda: runner.results(model, cases))
    results = runner.results(model, cases)
    what_ifs = cpu_of(lambda: runner.changes(model, criteria, cases, results))
    applied_cpu = cpu_of(lambda: applied.applied_parameters(runner.engine_of(model), model,
                                                            cases))
    traced = cpu_of(lambda: _traces(runner.engine_of(model).compute(model, cases, trace=True),
                                    len(cases)))
    return {
        "package": f"{model.package} {model.package_version}",
        "decisions": decisions,
        "load_seconds": round(load_seconds, 2),
        "load_cpu_seconds": round(engine_cpu, 2),
        "rss_before_load_mb": before,
        "rss_after_load_mb": loaded,
        "rss_at_end_mb": rss_mb(),
        "one_case_ms": round(one * 1000, 2),
        "per_case_vectorised_us": round(many / decisions * 1e6, 1),
        "what_ifs_per_decision_ms": round(what_ifs / decisions * 1000, 2),
        "applied_parameters_per_decision_ms": round(applied_cpu / decisions * 1000, 2),
        "trace_per_decision_ms": round(traced / decisions * 1000, 2),
    }


def _traces(computation: Any, count: int) -> list[Any]:
    return [computation.trace(index) for index in range(count)]


def _typed(values: dict[str, int]) -> dict[str, Any]:
    from decimal import Decimal

    return {code: Decimal(value) for code, value in values.items()}


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 200), indent=2))

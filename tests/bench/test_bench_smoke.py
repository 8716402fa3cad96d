"""`make bench` at a very small scale, on the session's servers: every phase runs and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.bench import report
from tests.bench.__main__ import PHASES, SCALES, machine, run
from tests.bench.system import BenchSystem

pytestmark = pytest.mark.infra


def test_the_benchmark_measures_every_phase_and_prints_its_table(
    rabbitmq: Any, postgres: Any, tmp_path: Path
) -> None:
    system = BenchSystem(tmp_path, rabbitmq, postgres)
    system.start()
    try:
        figures = run(system, SCALES["smoke"], PHASES, profile_dir=None)
        about = machine(system)
    finally:
        system.stop()
    assert figures["validation"]["disagreements"] == 0
    assert figures["openfisca"]["openfisca"]["explanation_ms"] > 0
    assert figures["openfisca"]["rss_openfisca_loaded_mb"] > figures["openfisca"]["rss_before_mb"]
    assert figures["raw"]["end_to_end_rate"] > 0 and figures["raw"]["failed"] == 0
    assert figures["ingest"]["logged_exactly_once"] and figures["ingest"]["failed"] == 0
    assert figures["memory"]["decisions"] == 600 and figures["memory"]["rss_peak_mb"] > 0
    assert figures["latency"]["publish_to_explanation"]["p99_ms"] > 0
    http = figures["http"]
    assert "skipped" in http or (
        http["explanations"]["errors"] == 0
        and http["explanations"]["requests"] > 0
        and http["explanations"]["cpu_us_per_request"]["gunicorn"] > 0
        and http["first_readings"]["errors"] == 0
        and http["first_readings_built_ahead"]["errors"] == 0
        and http["first_readings_built_ahead"]["people"] > 0
    )
    assert figures["tlog"]["leaves"] == 3_000 and figures["tlog"]["inclusion_proof_ms"]["p99"] > 0
    result = {"machine": about, "scale": "smoke", "fsync": False, **figures}
    result["goals"] = report.goals(result)
    table = report.table(result)
    assert f"{about['cores']} cores" in table
    assert {g["figure"].split()[0] for g in result["goals"]} >= {"ingest", "publish", "worker"}

"""`python -m tests.bench`: one benchmark run; a JSON report and a table (docs/benchmark.md)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from shared.config import Settings
from shared.messaging import topology
from tests.bench import (
    bench_broker,
    bench_http,
    bench_ingest,
    bench_latency,
    bench_memory,
    bench_openfisca,
    bench_sweep,
    bench_tlog,
    bench_validation,
    load,
    profile,
    report,
)
from tests.bench.system import BenchSystem, own_servers, wait_for

PHASES = ("validation", "openfisca", "raw", "ingest", "memory", "latency", "http", "tlog")
# Not in the default run: `--only sweep` (several minutes), see docs/benchmark.md.
EXTRA_PHASES = ("sweep",)


@dataclass(frozen=True)
class Scale:
    raw: int
    raw_repeats: int
    ingest: int
    warmup: int
    memory: int
    latency_rate: int
    latency_seconds: float
    http_rate: int
    http_seconds: int
    validation: int
    http_warmup_seconds: int = 3
    tlog_leaves: int = 1_000_000
    tlog_probes: int = 1_000
    # Decisions of the OpenFisca phase (its back office computes them first).
    openfisca: int = 500
    usagers: int = 20
    # People who each open their explanation once, during the HTTP phase (first readings).
    first_readers: int = 2000
    # The steady rates tried, in turn, for the highest one where p99 stays within a second.
    rate_steps: tuple[int, ...] = (500, 750, 1000, 1250, 1500, 2000)
    rate_step_seconds: float = 10
    chunk: int = 1000
    timeout: float = 900


SCALES = {
    "smoke": Scale(
        raw=200,
        raw_repeats=1,
        ingest=200,
        warmup=30,
        memory=600,
        latency_rate=50,
        latency_seconds=1,
        http_rate=50,
        http_seconds=1,
        validation=30,
        chunk=50,
        http_warmup_seconds=1,
        usagers=4,
        first_readers=20,
        timeout=120,
        tlog_leaves=3_000,
        tlog_probes=50,
        openfisca=60,
        rate_steps=(50, 100),
        rate_step_seconds=1,
    ),
    "default": Scale(
        raw=20_000,
        raw_repeats=3,
        ingest=20_000,
        warmup=1_000,
        memory=60_000,
        latency_rate=500,
        latency_seconds=30,
        http_rate=200,
        http_seconds=20,
        validation=600,
    ),
    "soak": Scale(
        raw=0,
        raw_repeats=0,
        ingest=0,
        warmup=1_000,
        memory=1_000_000,
        latency_rate=0,
        latency_seconds=0,
        http_rate=0,
        http_seconds=0,
        validation=0,
        timeout=7200,
    ),
}
SOAK_PHASES = ("memory",)
# First seeds of the decisions of each phase: no two phases send the same decision.
SEEDS = {
    "ingest": 1_000,
    "memory": 100_000,
    "latency": 200_000,
    "http": 300_000,
    "warmup": 400_000,
    "sweep": 500_000,
    "rate_steps": 600_000,
}


def run(
    system: BenchSystem, scale: Scale, phases: tuple[str, ...], profile_dir: Path | None
) -> dict[str, Any]:
    """Measure the phases asked for, in an order where each leaves the next a clean system."""
    out: dict[str, Any] = {}
    settings = Settings.from_env({"EXPLICITE_SECRET_KEY": "x" * 32, **system.tuning})
    batches = {
        "prefetch": settings.consumer_prefetch,
        "batch_size": settings.consumer_batch_size,
        "batch_wait_ms": settings.consumer_batch_wait_ms,
    }
    out["settings"] = {
        **batches,
        "outbox_batch_size": settings.outbox_batch_size,
        "db_pool_size": settings.db_pool_size,
        "publish_chunk": scale.chunk,
        "explainer_workers": system.explainer_workers,
        "decision_log_workers": system.decision_log_workers,
        # Administrations whose single decision.logged / explanation.generated are published
        # beside the batch events (EXPLICITE_SINGLE_EVENTS; "" : the back offices bind the
        # batch events, as the bench's do).
        "single_events": ",".join(settings.single_events),
    }
    warmup = load.made(scale.warmup, SEEDS["warmup"], system.user_of)
    if "validation" in phases:
        out["validation"] = bench_validation.run(scale.validation)
    if "openfisca" in phases:  # in a process of its own: its RSS is a worker's with OpenFisca
        out["openfisca"] = bench_openfisca.run(scale.openfisca, scale.timeout)
        _say("openfisca", out["openfisca"])
    if "raw" in phases:
        messages = load.made(scale.raw, SEEDS["ingest"], system.user_of)
        out["raw"] = bench_broker.run(
            system, messages, warmup, scale.chunk, batches, scale.timeout, scale.raw_repeats
        )
        _say("raw", out["raw"])
    system.register_samples()
    if "sweep" in phases:
        out["sweep"] = bench_sweep.run(
            system, max(scale.ingest // 2, 100), SEEDS["sweep"], warmup, scale.chunk, scale.timeout
        )
    worker = system.worker("decision_log")
    decision_log_workers = {"worker": worker.pid}
    for number in range(2, system.decision_log_workers + 1):  # --decision-log-workers
        extra = system.spawn(
            [sys.executable, "-m", "services.cli", "worker", "decision_log"],
            "decision_log",
            f"worker-decision_log-{number}",
        )
        decision_log_workers[f"worker {number}"] = extra.pid
    if "ingest" in phases:
        messages = load.made(scale.ingest, SEEDS["ingest"], system.user_of)
        recorder = profile.record(worker.pid, profile_dir / "ingest.txt") if profile_dir else None
        out["ingest"] = bench_ingest.run(
            system, decision_log_workers, messages, warmup, scale.chunk, scale.timeout
        )
        if recorder is not None and profile_dir is not None:
            profile.stop(recorder)
            out["profile"] = profile.summarize(profile_dir / "ingest.txt")
        _say("ingest", out["ingest"])
    if "memory" in phases:
        out["memory"] = bench_memory.run(
            system, worker.pid, scale.memory, SEEDS["memory"], scale.chunk, scale.timeout
        )
        _say("memory", {k: v for k, v in out["memory"].items() if k != "samples"})
    if "latency" in phases or "http" in phases:
        bench_ingest.purge(system)
        explainer = system.worker("explainer")
        # appeals keeps read models of decision.logged and explanation.generated: its worker
        # runs as deployed, and counts in the CPU of every process.
        appeals = system.worker("appeals")
        roots = {
            **system.server_roots(),
            **{f"decision_log {name}": pid for name, pid in decision_log_workers.items()},
            "explainer worker": explainer.pid,
            "appeals worker": appeals.pid,
        }
        for number in range(2, system.explainer_workers + 1):  # --explainer-workers
            extra = system.spawn(
                [sys.executable, "-m", "services.cli", "worker", "explainer"],
                "explainer",
                f"worker-explainer-{number}",
            )
            roots[f"explainer worker {number}"] = extra.pid
    if "latency" in phases:
        out["latency_settled_after_s"] = settle(system)
        out["latency"] = bench_latency.run(
            system,
            scale.latency_rate,
            scale.latency_seconds,
            SEEDS["latency"],
            scale.warmup,
            scale.timeout,
            cpu_roots=roots,
        )
        out["latency"]["highest_rate_p99_1s"] = bench_latency.highest_rate(
            system,
            scale.rate_steps,
            scale.rate_step_seconds,
            SEEDS["rate_steps"],
            scale.timeout,
        )
        # py-spy at 200 Hz on a worker that needs most of a core at 500/s makes it fall
        # behind: it watches a shorter run of its own, after the measured one.
        recorder = (
            profile.record(explainer.pid, profile_dir / "latency.txt") if profile_dir else None
        )
        if recorder is not None and profile_dir is not None:
            profiled = bench_latency.run(
                system,
                scale.latency_rate,
                max(scale.latency_seconds / 3, 1),
                SEEDS["latency"] + 50_000,
                0,
                scale.timeout,
            )
            profile.stop(recorder)
            out["latency"]["under_py_spy"] = {
                k: profiled[k] for k in ("decisions", "publish_to_explanation")
            }
            out["profile_explainer"] = profile.summarize(profile_dir / "latency.txt")
        _say("latency", out["latency"])
    if "http" in phases:
        out["http_settled_after_s"] = settle(system)
        if shutil.which("wrk") is None:
            out["http"] = {"skipped": "wrk is not installed (make bench installs it)"}
        else:
            out["http"] = bench_http.run(
                system,
                scale.http_rate,
                scale.http_seconds,
                scale.http_warmup_seconds,
                scale.usagers,
                first_seed=SEEDS["http"],
                timeout=scale.timeout,
                profile_to=profile_dir and profile_dir / "http.txt",
                first_readers=scale.first_readers,
                cpu_roots=roots,
            )
            if profile_dir is not None and (profile_dir / "http.txt").exists():
                out["profile_http"] = profile.summarize(
                    profile_dir / "http.txt", within="Flask.wsgi_app"
                )
        _say("http", out["http"])
    if "tlog" in phases:  # last: its million node rows would weigh on the other phases
        out["tlog"] = bench_tlog.run(
            system, scale.tlog_leaves, batches["batch_size"], scale.tlog_probes
        )
        _say("tlog", out["tlog"])
    return out


def settle(system: BenchSystem, timeout: float = 180) -> float:
    """Before a measured phase: wait until the services' queues are empty (the previous
    phase's backlog handled: the rate sweep leaves one), then have PostgreSQL write its dirty
    pages now (CHECKPOINT), not during the next measurement. Each phase then measures its own
    load. Returns the seconds waited; docs/benchmark.md says what a run without it showed."""
    started = time.monotonic()
    channel = system.admin_channel()
    try:

        def drained() -> bool:
            return all(
                channel.queue_declare(spec.name, passive=True).method.message_count == 0
                for spec in topology.QUEUES
            )

        wait_for(drained, timeout, interval=0.5, what="the services' queues emptied")
    finally:
        channel.connection.close()
    system.postgres.psql("CHECKPOINT")
    return round(time.monotonic() - started, 1)


def machine(system: BenchSystem) -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    rabbitmq = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "rabbitmq-server"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "rabbitmq": rabbitmq.split("-")[0] or "?",
        "postgresql": system.scalar("decision_log", "SHOW server_version").split()[0],
    }


def _say(phase: str, figures: dict[str, Any]) -> None:
    print(
        f"[bench] {phase} ({time.monotonic() - _STARTED:.0f} s): {json.dumps(figures)}", flush=True
    )


_STARTED = time.monotonic()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--scale", choices=SCALES, default="default")
    parser.add_argument(
        "--only", help=f"comma-separated phases among {', '.join(PHASES + EXTRA_PHASES)}"
    )
    parser.add_argument("--out", default="bench-report.json", help="JSON report path")
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="PostgreSQL without fsync, as the test fixtures run it",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip py-spy during (b)")
    parser.add_argument(
        "--explainer-workers",
        type=int,
        default=1,
        metavar="N",
        help="explainer worker processes during (c) and (d)",
    )
    parser.add_argument(
        "--decision-log-workers",
        type=int,
        default=2,
        metavar="N",
        help="decision_log worker processes from (b) on, as docker-compose deploys it (2)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="EXPLICITE_X=value",
        help="a setting for the services' processes (repeatable)",
    )
    args = parser.parse_args(argv)
    # Stopped from outside, still stop the servers and workers (the finally clauses below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scale = SCALES[args.scale]
    phases = (
        tuple(args.only.split(","))
        if args.only
        else (SOAK_PHASES if args.scale == "soak" else PHASES)
    )
    # The bench's back offices bind the batch events (decisions.logged, explanations.generated):
    # no single ones unless asked, e.g. --set EXPLICITE_SINGLE_EVENTS='*' (v1 back offices).
    tuning = {"EXPLICITE_SINGLE_EVENTS": "", **dict(item.split("=", 1) for item in args.set)}
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="explicite-bench-") as tmp:
        base = Path(tmp)
        with own_servers(base, fsync=not args.no_fsync) as (rabbitmq, postgres):
            system = BenchSystem(base, rabbitmq, postgres, tuning)
            system.explainer_workers = max(args.explainer_workers, 1)
            system.decision_log_workers = max(args.decision_log_workers, 1)
            system.start()
            try:
                figures = run(system, scale, phases, None if args.no_profile else base)
                about = machine(system)
            finally:
                system.stop()
    result = {
        "machine": about,
        "scale": args.scale,
        "scale_figures": asdict(scale),
        "fsync": not args.no_fsync,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "duration_s": round(time.time() - started),
        **figures,
    }
    result["goals"] = report.goals(result)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(report.table(result))
    print(f"\nJSON report: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

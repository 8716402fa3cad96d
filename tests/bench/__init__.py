"""`make bench`: Explicite's throughput, latency, HTTP and memory against a raw broker baseline.

Run as `python -m tests.bench`; see docs/benchmark.md. Modules are named `bench_*.py` so that
pytest does not collect them; only `test_bench_smoke.py` runs in the normal test session.
"""

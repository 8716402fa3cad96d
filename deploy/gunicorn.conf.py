"""gunicorn settings for every Explicite web process (one per service)."""

import multiprocessing
import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Large bodies are refused by the app with a JSON 413; these bound the request line and headers.
limit_request_line = 8190
limit_request_fields = 100
# The path without its query string: nothing secret ends up in access logs.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each worker listens on a socket of its own (SO_REUSEPORT, Linux): the kernel spreads the
# incoming connections over the workers by address and port. On one shared socket, the worker
# that is awake (the busiest) accepts most of them; a gthread worker then queues their
# requests behind its threads and its GIL while the others idle. In the bench, 93 % of the
# kept-alive requests of the later readings went to one worker of five: p99 73-92 ms against
# a 4-6 ms service time (docs/benchmark.md, 8 December 2026, 03:30).
# GUNICORN_REUSE_PORT=0 goes back to the shared socket (a kernel without SO_REUSEPORT).
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1").lower() not in ("0", "false", "no")


def on_starting(server):
    """Start with an empty multiprocess metrics directory."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def post_worker_init(worker):
    """The app is loaded: freeze what it holds out of the cyclic collector's walks
    (shared/web/heap.py), so that a full collection does not stop the worker for 70-430 ms."""
    from shared.web.heap import settle_heap

    settle_heap()


def child_exit(server, worker):
    """Forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

"""gunicorn settings for clinicbot (used by `make serve` and in production).

Every value can be overridden from the environment (docs/configuration.md, docs/operations.md).

- Workers: ``WEB_CONCURRENCY``, else ``2 x cores + 1`` capped at ``GUNICORN_MAX_WORKERS`` (8):
  the bot is CPU-bound, so more processes than that only add memory.
- gthread workers, 2 threads, and no keep-alive (``GUNICORN_WORKER_CLASS``, ``GUNICORN_THREADS``,
  ``GUNICORN_KEEPALIVE``). A gthread worker keeps a keep-alive connection on the worker that
  accepted it: under a client holding a few connections (a proxy, wrk) one worker got most of
  the traffic while the others idled, and chat throughput varied 5x from run to run
  (bench/http_load.py). Closing after each response lets the kernel spread new connections over
  the workers. Not the sync worker: it would sit on a connection a browser opened ahead of need
  (Chromium preconnects) until the timeout, and the widget's frame stalled in the browser tests.
  The second thread overlaps a request's waits (Redis, database) with another's work; more
  threads add nothing, an answer being Python work that holds the GIL.
- ``max_requests`` with jitter recycles workers one at a time, bounding slow leaks. A new
  worker loads the app and the index (about a second of CPU), so not too often: at 2,000 a
  worker under load restarted every few seconds.
- Prometheus metrics are collected across workers through a shared folder
  (``PROMETHEUS_MULTIPROC_DIR``, created here when unset and emptied at start).
- Logs are one JSON object per line; gunicorn's own access log is off because the
  app writes a JSON access line without query strings (visitor text never reaches logs).
"""

import multiprocessing
import os
import shutil
import tempfile

from web.logs import gunicorn_logconfig


def _int(name: str, default: int) -> int:
    """An integer setting from the environment, with a readable error when it is not one."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, not {value!r}") from exc


def default_workers() -> int:
    """2 x cores + 1, bounded: enough to keep every core busy while one worker waits on IO."""
    return max(1, min(_int("GUNICORN_MAX_WORKERS", 8), multiprocessing.cpu_count() * 2 + 1))


bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = _int("WEB_CONCURRENCY", default_workers())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 2)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 0)
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
preload_app = False
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = gunicorn_logconfig(loglevel)
# Requests with absurd header sizes are refused before they reach the app.
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
# Behind a reverse proxy on the same host, X-Forwarded-* from it are trusted
# by gunicorn; the app's ProxyFix (CLINICBOT_PROXY_COUNT) decides what it believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket defaults to one path per user: two instances on one
# host would fight over it. Use HUP/TERM signals instead (docs/operations.md).
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="clinicbot-metrics-")


def on_starting(server):
    """Start with an empty metrics folder: counters of a previous run must not leak in."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


def child_exit(server, worker):
    """Tell prometheus-client a worker died so its live gauges stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Say when a worker has loaded the app and starts taking requests ("Booting" is only the fork).

    On a busy host a worker can take many seconds from fork to ready; the load tests and
    bench/load.py wait for one such line per worker before sending traffic.
    """
    worker.log.info("Worker ready (pid: %s)", worker.pid)

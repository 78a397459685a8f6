"""gunicorn settings for clinicbot (used by `make serve` and in production).

Every value can be overridden from the environment (see README, "Deployment").

- Workers: ``WEB_CONCURRENCY``, else ``2 x cores + 1`` capped at ``GUNICORN_MAX_WORKERS`` (8):
  the bot is CPU-bound, so more processes than that only add memory.
- One thread per worker (gunicorn's sync worker) unless ``GUNICORN_THREADS`` says otherwise. An
  answer is Python work holding the GIL, so a second thread in a process adds no throughput;
  and gthread workers keep keep-alive connections on the worker that accepted them, which
  under a client holding a few connections (a proxy, wrk) left one worker with most of the
  traffic while the others idled (bench/http_load.py: chat throughput varied 5x from run to
  run). Sync workers take one connection at a time from the shared socket, so the kernel
  spreads the load; the reverse proxy in front (README, "Deployment") buffers slow clients.
- Each worker loads the index once (read-only, no refitting) and swaps in new
  versions between requests; ``preload_app`` stays off so ``kill -HUP <master>``
  re-reads the code and the configuration and replaces the workers gracefully.
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
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
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
# host would fight over it. Use HUP/TERM signals instead (see README).
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

"""Prometheus metrics at /metrics (prometheus-client).

Under gunicorn every worker writes its counters to ``PROMETHEUS_MULTIPROC_DIR``
(set up by gunicorn.conf.py) and /metrics merges them, so a scrape sees the whole
server whichever worker answers. Without that variable (tests, ``flask run``) the
process's own registry is used. Index version and age are read at scrape time
from the live index, so they are right in every mode without multiprocess gauges;
so is ``clinicbot_database_up`` (a trivial query at scrape time). Failed log
writes are counted where they happen (``clinicbot_db_failures_total``, web/db.py).

Labels are bounded: endpoint names come from the URL map (unknown paths are
"none"), triage levels and matched are fixed sets. No visitor text is ever a label.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily

from web import db
from web.health import operator_authorised
from web.live import KEY as INDEX_KEY

bp = Blueprint("metrics", __name__)

#: Latency buckets in seconds: the chat answers in milliseconds, so resolution is there.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUEST_LATENCY = Histogram(
    "clinicbot_request_duration_seconds", "Time to answer a request, by endpoint.",
    ["endpoint", "method", "status_class"], buckets=BUCKETS,
)
ANSWERS = Counter(
    "clinicbot_answers_total", "Chat answers, by triage level and whether articles matched.",
    ["triage_level", "matched"],
)


class IndexCollector:
    """Index version and age of the process answering the scrape."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        """Yield the index metrics (nothing when no index is loaded yet)."""
        holder = self.app.extensions.get(INDEX_KEY)
        index = getattr(holder, "_index", None)
        if index is None:
            return
        info = InfoMetricFamily("clinicbot_index", "The index version this server answers from.")
        info.add_metric([], {"version": index.version, "source": str(index.manifest.get("source", ""))})
        yield info
        created = float(index.manifest.get("created_ts") or 0)
        age = GaugeMetricFamily("clinicbot_index_age_seconds", "Seconds since the live index was built.")
        age.add_metric([], max(0.0, time.time() - created) if created else float("nan"))
        yield age
        sections = GaugeMetricFamily("clinicbot_index_sections", "Sections in the live index.")
        sections.add_metric([], float(index.manifest.get("n_sections", len(index.sections))))
        yield sections


class DatabaseCollector:
    """Whether the database answers now, from the process answering the scrape."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        """Yield clinicbot_database_up (nothing before the database is set up)."""
        if db.KEY not in self.app.extensions:
            return
        up = GaugeMetricFamily("clinicbot_database_up",
                               "1 when the inquiry-log database answers a trivial query and takes writes, else 0.")
        up.add_metric([], 1.0 if db.healthy(self.app) and not db.writes_failing(self.app) else 0.0)
        yield up


def record_answer(answer: dict) -> None:
    """Count one chat answer by its triage level and matched flag."""
    ANSWERS.labels(answer["triage"]["level"], "true" if answer["matched"] else "false").inc()


def _start_timer() -> None:
    g.clinicbot_metrics_started = time.perf_counter()


def _observe(response):
    started = g.pop("clinicbot_metrics_started", None)
    if started is not None and request.endpoint != "metrics.metrics":
        REQUEST_LATENCY.labels(request.endpoint or "none", request.method,
                               f"{response.status_code // 100}xx").observe(time.perf_counter() - started)
    return response


def _registry(app: Flask) -> CollectorRegistry:
    """A registry per app: merged worker files under gunicorn, the live metric objects otherwise."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
        registry.register(ANSWERS)
        registry.register(db.FAILURES)
    registry.register(IndexCollector(app))
    registry.register(DatabaseCollector(app))
    return registry


@bp.get("/metrics")
def metrics():
    """The Prometheus exposition, for operators only (operator_authorised); 404 to anyone else."""
    if not operator_authorised():
        abort(404)
    registry = current_app.extensions["clinicbot.metrics_registry"]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Time every request and expose /metrics (unless METRICS_ENABLED is false)."""
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.extensions["clinicbot.metrics_registry"] = _registry(app)
    if app.config["METRICS_ENABLED"]:
        app.register_blueprint(bp)

"""Liveness (/healthz) and readiness (/readyz) for load balancers and orchestrators.

/healthz answers as long as the process can serve a request: it touches nothing,
so a slow database never gets a healthy worker killed, and says only "ok". /readyz says whether this
instance should receive traffic: the index is loaded and every registered
dependency check passes. Other parts of the app register checks with
``register_check(app, name, fn)``; ``fn()`` returns nothing when healthy and
raises when not. The reason shown is fixed text per check, never an exception
message (those can hold connection strings), and the checks are shown only to
operators (``operator_authorised``: the metrics token in production).
"""

from __future__ import annotations

import hmac
import logging
import time

from flask import Blueprint, Flask, current_app, jsonify, request

from web.live import KEY as INDEX_KEY

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
CHECKS_KEY = "clinicbot.health_checks"
#: A database layer may also expose its own health function under this key.
DB_HEALTH_KEY = "clinicbot.db_health"


def register_check(app: Flask, name: str, check) -> None:
    """Add a readiness check (e.g. "database"); the callable raises when the dependency is down."""
    app.extensions.setdefault(CHECKS_KEY, {})[name] = check


def operator_authorised() -> bool:
    """Whether this request may see operational detail (/metrics, /readyz's checks).

    With METRICS_TOKEN set, only ``Authorization: Bearer <token>`` may; without one,
    anyone may outside production and no one in production: the feed URL, index
    version and request counts by endpoint are a map for an attacker.
    """
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return current_app.config["ENV_NAME"] != "production"
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@bp.get("/healthz")
def healthz():
    """Alive: the process answers. Cheap enough to be the benchmarks' trivial JSON endpoint."""
    return jsonify({"status": "ok"})


def _index_status() -> tuple[bool, dict]:
    holder = current_app.extensions.get(INDEX_KEY)
    try:
        index = holder.get() if holder is not None else None
    except Exception:  # noqa: BLE001 - any load failure means "not ready"; logged with its type
        log.warning("readiness: index not loadable", exc_info=True)
        index = None
    if index is None:
        return False, {"ok": False, "reason": "no index loaded"}
    created = float(index.manifest.get("created_ts") or 0)
    return True, {
        "ok": True,
        "version": index.version,
        "sections": int(index.manifest.get("n_sections", len(index.sections))),
        "age_seconds": round(time.time() - created, 1) if created else None,
    }


@bp.get("/readyz")
def readyz():
    """Ready: index loaded and every registered dependency reachable; 503 otherwise."""
    ready, index_status = _index_status()
    checks = {"index": index_status}
    registered = dict(current_app.extensions.get(CHECKS_KEY, {}))
    if callable(current_app.extensions.get(DB_HEALTH_KEY)):
        registered.setdefault("database", current_app.extensions[DB_HEALTH_KEY])
    for name, check in registered.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - a health check must report, never raise
            log.warning("readiness: %s check failed", name, exc_info=True)
            checks[name] = {"ok": False, "reason": f"{name} unreachable"}
            ready = False
        else:
            checks[name] = {"ok": True}
    body = {"status": "ready" if ready else "unavailable"}
    if operator_authorised():  # the index version, feed and which dependency failed: operators only
        body["checks"] = checks
    response = jsonify(body)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the endpoints (they are exempt from rate limits, see web.limits)."""
    app.register_blueprint(bp)

"""Structured JSON logs that never contain visitor text.

What a visitor types is health information, so nothing here ever reads a
request body or a query string: the access line carries the method, the path
(the route, not the query), the endpoint, the status, the duration, the index
version and a request id. Exception records keep their type and stack frames but
drop the exception's message, because messages can quote the data that caused
them (``KeyError: 'my knee hurts'``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
import uuid

from flask import Flask, g, request

ACCESS_LOGGER = "clinicbot.access"
#: Attributes every LogRecord has; anything else passed via ``extra=`` is a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
#: Request id from the reverse proxy, if it sends one in a sane form.
_REQUEST_ID_HEADER = "X-Request-ID"
_MAX_REQUEST_ID = 64


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the record; exceptions as type plus frames, without their message."""
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _, tb = record.exc_info
            entry["exc_type"] = f"{exc_type.__module__}.{exc_type.__qualname__}"
            entry["stack"] = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
        return json.dumps(entry, ensure_ascii=False, default=str)


def gunicorn_logconfig(level: str = "info") -> dict:
    """gunicorn's ``logconfig_dict``: its own and the app's records as JSON on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "web.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": ["stderr"], "propagate": False},
        },
    }


def _start() -> None:
    g.clinicbot_started = time.perf_counter()
    incoming = request.headers.get(_REQUEST_ID_HEADER, "")
    if incoming and len(incoming) <= _MAX_REQUEST_ID and incoming.replace("-", "").isalnum():
        g.request_id = incoming
    else:
        g.request_id = uuid.uuid4().hex


def _access(response):
    started = g.pop("clinicbot_started", None)
    if started is None:
        return response
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    response.headers.setdefault(_REQUEST_ID_HEADER, g.request_id)
    fields = {
        "request_id": g.request_id,
        "method": request.method,
        "path": request.path[:200],
        "endpoint": request.endpoint or "none",
        "status": response.status_code,
        "duration_ms": duration_ms,
    }
    answer = g.get("clinicbot_answer")
    if answer:
        fields.update(answer)
    logging.getLogger(ACCESS_LOGGER).info("request", extra=fields)
    return response


def note_answer(answer: dict) -> None:
    """Remember the non-identifying facts of an answer (triage level, matched, version) for the access line."""
    g.clinicbot_answer = {
        "triage": answer["triage"]["level"],
        "matched": answer["matched"],
        "n_results": len(answer["results"]),
    }


def init_app(app: Flask) -> None:
    """Write one JSON access line per request.

    Outside gunicorn (``flask run``, tests) the app's loggers keep whatever
    handlers the host configured; under gunicorn ``logconfig_dict`` routes them.
    """
    app.before_request(_start)
    app.after_request(_access)


#: A recurring failure (a full disk, a database refusing writes) is logged at most this often.
THROTTLE_SECONDS = 60.0
_throttle_lock = threading.Lock()


def warn_throttled(app: Flask, logger: logging.Logger, key: str, message: str, *args, exc_info=False) -> bool:
    """Log a warning at most once per THROTTLE_SECONDS per ``key`` and app, saying how many were left out.

    A full disk fails every request the same way: one stack trace a minute says
    so; one per request buries everything else and fills the disk further.
    """
    now = time.monotonic()
    with _throttle_lock:
        seen = app.extensions.setdefault("clinicbot.log_throttle", {})
        last, skipped = seen.get(key, (None, 0))
        if last is not None and now - last < THROTTLE_SECONDS:
            seen[key] = (last, skipped + 1)
            return False
        seen[key] = (now, 0)
    if skipped:
        message += f" ({skipped} more like it in the last minute were not logged)"
    logger.warning(message, *args, exc_info=exc_info)
    return True

"""CPU per request of POST /api/chat vs GET /healthz, in process, through the production app.

    .venv/bin/python -m bench.chat_cpu

The app is made by create_app with the production middleware on: the rate
limiter on Redis (limit set never to trip), metrics, the SQLite inquiry log and
security headers. Every message of bench/http_load.py's distinct list is sent
once; CPU time (not wall time) is reported, so a busy machine does not inflate
it. Complements the wrk benchmark, whose figures on a shared machine are noisy.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.http_load import messages
from bench.server import bundled_index


def main() -> None:
    """Time /healthz, then chat, then /healthz again over the distinct messages."""
    tmp = Path(tempfile.mkdtemp(prefix="clinicbot-chat-cpu-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(tmp / "metrics")
    (tmp / "metrics").mkdir()
    from app import create_app

    app = create_app({"INSTANCE_PATH": str(tmp / "instance"), "INDEX_DIR": str(bundled_index(tmp / "index")),
                      "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                      "RATELIMIT_KEY_PREFIX": f"clinicbot-chat-cpu-{os.getpid()}",
                      "CHAT_RATE_LIMIT": "100000000 per minute"})
    client = app.test_client()
    chat_messages = messages()
    client.post("/api/chat", json={"message": "warm up"})
    client.get("/healthz")

    def cpu_ms(send) -> float:
        started = time.process_time()
        for message in chat_messages:
            response = send(message)
            if response.status_code != 200:
                raise SystemExit(f"{response.status_code}: {response.get_data(as_text=True)[:200]}")
        return (time.process_time() - started) / len(chat_messages) * 1000

    trivial = cpu_ms(lambda _: client.get("/healthz"))
    chat = cpu_ms(lambda message: client.post("/api/chat", json={"message": message}))
    trivial_again = cpu_ms(lambda _: client.get("/healthz"))
    print(f"{len(chat_messages)} distinct messages; load average {os.getloadavg()[0]:.1f}")
    print(f"CPU ms per request: /healthz {trivial:.2f} and {trivial_again:.2f}, /api/chat {chat:.2f}; "
          f"trivial / chat = {min(trivial, trivial_again) / chat:.1%}")


if __name__ == "__main__":
    main()

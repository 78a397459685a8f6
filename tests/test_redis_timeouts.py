"""F16: a frozen Redis costs a request at most about half a second, then the limiter falls back for a while."""

from __future__ import annotations

import time

from tests.appkit import open_app
from tests.services import redis_prefix  # noqa: F401 - fixture
from tests.tcp_proxy import TcpProxy


def test_frozen_redis_costs_a_chat_request_at_most_half_a_second(tmp_path, index_dir, redis_prefix):  # noqa: F811
    url, prefix = redis_prefix
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    with TcpProxy(host, int(port)) as proxy:
        app = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                          "SECRET_KEY": "k", "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{proxy.port}/0",
                          "RATELIMIT_KEY_PREFIX": prefix, "CHAT_RATE_LIMIT": "1000 per minute"})
        client = app.test_client()
        assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200  # connected, counted
        proxy.freeze()
        try:
            times = []
            for _ in range(6):  # bounded: six requests on loopback
                started = time.monotonic()
                assert client.post("/api/chat", json={"message": "knee pain"}).status_code == 200
                times.append(time.monotonic() - started)
        finally:
            proxy.thaw()
    assert max(times) < 0.5 + 0.4, times  # the Redis wait, plus the answer itself on a busy machine
    assert sorted(times)[len(times) // 2] < 0.3, times  # then the limiter stops asking Redis for a while

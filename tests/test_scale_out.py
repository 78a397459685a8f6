"""Two gunicorn instances over one PostgreSQL, one Redis and one index folder behave as one service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from tests.browser.conftest import LiveServer
from tests.feedserver import FeedServer, post_item, rss

ROOT = Path(__file__).resolve().parent.parent


#: Production keeps /readyz's detail for operators: the servers get this token and the test sends it.
METRICS_TOKEN = "scale-out-metrics-token"


def _get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def _chat(url: str, client_ip: str, message: str = "knee pain") -> tuple[int, dict]:
    request = urllib.request.Request(url + "/api/chat", data=json.dumps({"message": message}).encode(),
                                     headers={"Content-Type": "application/json", "X-Forwarded-For": client_ip})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, {"body": json.loads(exc.read()), "retry_after": exc.headers.get("Retry-After")}


def _cli_refresh(env: dict) -> subprocess.CompletedProcess:
    clinicbot = str(Path(sys.executable).parent / "clinicbot")
    return subprocess.run([clinicbot, "refresh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_scale_out_two_instances_share_limit_archive_and_index(tmp_path, postgres_url, redis_prefix):
    redis_url, prefix = redis_prefix
    with FeedServer() as feed:
        feed.serve("/feed/", rss([post_item(n) for n in (3, 2, 1)]), etag='"v1"')
        env = {
            "CLINICBOT_ENV_NAME": "production",
            "CLINICBOT_SECRET_KEY": "scale-out-test-secret",
            "CLINICBOT_METRICS_TOKEN": METRICS_TOKEN,
            "CLINICBOT_FEED": feed.url + "/feed/",
            "CLINICBOT_DATABASE_URL": postgres_url,
            "CLINICBOT_RATELIMIT_STORAGE_URI": redis_url,
            "CLINICBOT_RATELIMIT_KEY_PREFIX": prefix,
            "CLINICBOT_CHAT_RATE_LIMIT": "5 per minute",
            "CLINICBOT_PROXY_COUNT": "1",
            "CLINICBOT_INDEX_DIR": str(tmp_path / "shared-index"),
            "CLINICBOT_INDEX_CHECK_SECONDS": "0.2",
        }
        first = _cli_refresh(dict(os.environ, CLINICBOT_INSTANCE_PATH=str(tmp_path / "cron"), **env))
        assert first.returncode == 0, first.stderr
        servers = [LiveServer(tmp_path / name, env=env) for name in ("a", "b")]
        for server in servers:
            server.env["WEB_CONCURRENCY"] = "2"
        try:
            for server in servers:
                server.start()
            a, b = (server.url for server in servers)

            # Ready, over the same archive database and the same index version.
            ready = [_get(url + "/readyz") for url in (a, b)]
            assert all(r["status"] == "ready" and r["checks"]["archive_database"]["ok"] for r in ready)
            assert ready[0]["checks"]["index"]["version"] == ready[1]["checks"]["index"]["version"]

            # One rate limit: 5 per minute for a client, whichever instance and worker it reaches.
            statuses = [_chat(url, "203.0.113.7")[0] for url in (a, b, a, b, a)]
            assert statuses == [200] * 5
            for url in (a, b):
                status, body = _chat(url, "203.0.113.7")
                assert status == 429, body
                assert body["body"]["error"]["code"] == "rate_limited" and int(body["retry_after"]) >= 1
            assert _chat(b, "203.0.113.8")[0] == 200  # another client is unaffected

            # A refresh from cron (any host) is seen by both instances, without restart and
            # without a failed request while the new version is swapped in.
            feed.serve("/feed/", rss([post_item(n) for n in (4, 3, 2)]), etag='"v2"')
            during: list[int] = []
            stop = threading.Event()

            def traffic() -> None:
                number = 0
                while not stop.is_set():
                    number += 1
                    try:
                        during.append(_chat((a, b)[number % 2], f"192.0.2.{number % 250}")[0])
                    except OSError:  # a refused or dropped connection is a failed request
                        during.append(-1)

            visitor = threading.Thread(target=traffic)
            visitor.start()
            try:
                second = _cli_refresh(dict(os.environ, CLINICBOT_INSTANCE_PATH=str(tmp_path / "cron"), **env))
                time.sleep(1)  # past INDEX_CHECK_SECONDS: the swap happens while traffic flows
            finally:
                stop.set()
                visitor.join(timeout=30)  # each request has its own 10 s timeout
            assert not visitor.is_alive(), "the traffic thread did not stop within 30 s"
            assert second.returncode == 0, second.stderr
            assert during and set(during) <= {200, 429}, during
            assert "1 new" in second.stdout
            new_version = second.stdout.rsplit("live index ", 1)[1].strip()
            deadline = time.monotonic() + 15
            versions: list[str] = []
            while time.monotonic() < deadline:
                versions = [_get(url + "/readyz")["checks"]["index"]["version"] for url in (a, b)]
                if versions == [new_version, new_version]:
                    break
                time.sleep(0.2)
            assert versions == [new_version, new_version]
            for url, ip in ((a, "198.51.100.1"), (b, "198.51.100.2")):
                status, body = _chat(url, ip, "marker4x exercises")
                assert status == 200
                assert body["results"][0]["post_url"].endswith("/post-4")
                status, body = _chat(url, ip, "marker1x exercises")  # left the feed window, kept by the archive
                assert status == 200
                assert body["results"][0]["post_url"].endswith("/post-1")
        finally:
            for server in servers:
                server.stop()
    with psycopg.connect(postgres_url.replace("+psycopg", "")) as conn:
        count = conn.execute("SELECT count(*) FROM clinicbot_archive_posts").fetchone()[0]
    assert count == 4

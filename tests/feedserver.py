"""A feed server on loopback for refresh tests: serves RSS pages, honours ETags, can fail on demand."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def post_item(number: int, title: str | None = None, body: str | None = None) -> dict:
    """One feed item with a stable guid and a date that orders posts newest-first by number."""
    published = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=number)
    return {
        "guid": f"post-{number}",
        "title": title or f"Post {number} about {TOPICS[number % len(TOPICS)]}",
        "link": f"https://clinic.example/blog/post-{number}",
        "published": format_datetime(published),
        "body": body or (f"<h2>What causes {TOPICS[number % len(TOPICS)]} {number}</h2>"
                         f"<p>Post {number} explains {TOPICS[number % len(TOPICS)]} and how marker{number}x "
                         f"exercises help. The marker{number}x exercises are a short daily routine that builds "
                         f"strength gradually, eases pain during everyday activities and helps people return "
                         f"to the sports and hobbies they enjoy without flare-ups.</p>"
                         f"<h2>Treatment</h2><p>Physical therapy for case {number}.</p>"),
    }


TOPICS = ["knee pain", "shoulder impingement", "plantar fasciitis", "tennis elbow", "low back pain", "shin splints"]


def rss(items: list[dict], generator: str = "https://wordpress.org/?v=6.5") -> bytes:
    """An RSS 2.0 document with content:encoded bodies."""
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{i['link']}</link><guid>{i['guid']}</guid>"
        f"<pubDate>{i['published']}</pubDate><content:encoded><![CDATA[{i['body']}]]></content:encoded></item>"
        for i in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Clinic blog</title>'
            f"<link>https://clinic.example/blog</link><generator>{generator}</generator>{entries}"
            f"</channel></rss>").encode()


class FeedServer:
    """Routes "path?query" -> (status, body, headers); unknown routes are 404. Counts requests."""

    def __init__(self):
        self.routes: dict[str, tuple[int, bytes, dict]] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                """Serve a route; 304 when the client already holds the route's ETag."""
                server.requests.append((self.path, dict(self.headers)))
                status, body, headers = server.routes.get(self.path, (404, b"not found", {}))
                if status == 200 and headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                    status, body = 304, b""
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                """Quiet: tests read server.requests instead."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve(self, path: str, body: bytes, status: int = 200, etag: str | None = None) -> None:
        """Answer ``path`` with ``body``."""
        self.routes[path] = (status, body, {"Content-Type": "application/rss+xml", **({"ETag": etag} if etag else {})})

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""The test proxy (tests/tcp_proxy.py) itself: it must forward whatever descriptor number it gets.

A long test session holds over a thousand descriptors; the proxy once waited with select(),
which cannot watch a descriptor numbered 1024 or more, so the load tests' database never answered.
"""

from __future__ import annotations

import os
import resource
import socket
import threading

import pytest

from tests.tcp_proxy import TcpProxy


def _echo_server() -> tuple[socket.socket, int]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.sendall(connection.recv(64))
    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def test_proxy_forwards_when_its_descriptors_are_numbered_past_1024():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1300:
        if hard != resource.RLIM_INFINITY and hard < 1300:
            pytest.skip(f"the descriptor limit ({hard}) is under 1300")
        resource.setrlimit(resource.RLIMIT_NOFILE, (1300, hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    server, port = _echo_server()
    try:
        with TcpProxy("127.0.0.1", port) as proxy:
            assert proxy._listener.fileno() >= 1024
            with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as client:
                client.sendall(b"ping")
                assert client.recv(64) == b"ping"
    finally:
        server.close()
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

"""A small threaded TCP forwarder that a test can cut and restore, to simulate a database outage.

The machine's PostgreSQL is shared with other suites, so it is never stopped;
instead the app is pointed at this proxy. ``cut()`` closes every live
connection (the app sees its connections die mid-use) and stops listening, so new
connections are refused at once, as from a database that is down; ``restore()``
listens again on the same port. ``freeze()`` keeps every connection open and
accepts new ones but forwards nothing (a database server that stopped answering,
whose host still acknowledges packets); ``thaw()`` delivers what was held and
carries on. Loopback only.
"""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    """Forward 127.0.0.1:<port> to ``upstream`` until cut; usable as a context manager."""

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._live: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._flowing = threading.Event()
        self._flowing.set()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> TcpProxy:
        """Listen on a free loopback port and start accepting."""
        self._listen()
        self._thread = threading.Thread(target=self._serve, name="tcp-proxy", daemon=True)
        self._thread.start()
        return self

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener

    @property
    def live_connections(self) -> int:
        """Client and upstream sockets currently open through the proxy."""
        with self._lock:
            return len(self._live)

    def cut(self) -> None:
        """The database "goes away": drop every live connection and refuse new ones."""
        with self._lock:
            listener, self._listener = self._listener, None
            live, self._live = self._live, set()
        if listener is not None:
            listener.close()
        for sock in live:
            _close(sock)

    def restore(self) -> None:
        """The database is back: accept connections again on the same port."""
        if self._listener is None:
            self._listen()

    def freeze(self) -> None:
        """The database stops answering: connections stay open, nothing gets through either way."""
        self._flowing.clear()

    def thaw(self) -> None:
        """The database answers again: what was held is delivered."""
        self._flowing.set()

    def close(self) -> None:
        """Stop for good."""
        self._flowing.set()
        self._stopped.set()
        self.cut()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stopped.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                self._stopped.wait(0.02)
                continue
            try:
                # A timeout on the socket, not select(): select() cannot wait on a descriptor numbered
                # 1024 or more, and a long test session holds that many (the proxy then never accepted).
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by cut() while waiting
                continue
            client.settimeout(None)
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=3)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        with self._lock:
            if self._listener is None:  # cut while connecting
                _close(client)
                _close(upstream)
                return
            self._live.update((client, upstream))
            self.accepted += 1
        for source, target in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._flowing.wait()  # frozen: hold it (the rest waits, acknowledged, in the kernel)
                target.sendall(data)
        except OSError:
            pass  # the other direction or cut() closed a socket: the pair is finished either way
        with self._lock:
            self._live.discard(source)
            self._live.discard(target)
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    """Shut a socket down (waking a thread blocked in recv) and close it."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()

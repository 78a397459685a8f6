"""Write logged chat turns in batches, behind a journal that survives a crash.

A chat request used to write its turn itself: a transaction and a commit per
request, and with several gunicorn workers on one SQLite file, writers queueing
for its lock. That was half the CPU of an answer. Now the request appends the
turn to this worker's journal file (one ``write``, no fsync: the same guarantee
as SQLite's WAL with synchronous=NORMAL, which the log already had) and a
background thread writes what has gathered every ``LOG_FLUSH_SECONDS``, many
turns to a transaction.

Nothing is lost on the way:

- A turn is in the journal before the request answers. A worker that is killed
  (SIGKILL, out of memory, a crash) leaves its journal behind, unlocked; another
  worker (at its start, then every minute) replays it, skipping turns already
  stored (``turns.uid`` is unique), then deletes it.
- A database that is down or refusing: the batch stays queued and is retried
  with back-off; the failures are counted (``clinicbot_db_failures_total``) and
  the queue shows in ``clinicbot_log_pending_turns``. Once the database is back,
  every turn of the outage is written, once.
- A worker that stops (restart, reload, max_requests) writes its queue first,
  for up to ``STOP_SECONDS``; whatever it could not write stays in its journal
  for the next worker.

A journal segment is deleted (or emptied, for the one being written) once all
of its turns are stored. It holds the same redacted text the log keeps, and only
until then. ``LOG_FLUSH_SECONDS = 0`` writes each turn in its request instead
(no journal, no thread): simplest for tests and one-off tools.
"""

from __future__ import annotations

import atexit
import errno
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import Flask
from prometheus_client import Gauge
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from store import inquiries
from store.models import Turn
from web import db
from web.health import register_check
from web.lifecycle import on_close
from web.logs import warn_throttled
from web.retention import maybe_purge

log = logging.getLogger(__name__)

KEY = "clinicbot.turn_writer"
JOURNAL_DIR = "journal"
#: A segment that grows past this is closed and a new one started (deleted once all written).
SEGMENT_BYTES = 1024 * 1024
#: Turns held in memory while the database is away; older ones then wait in their journal
#: segment, which is replayed once this worker has stopped.
MAX_PENDING = 20_000
MAX_BATCH = 500
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)
REPLAY_EVERY_SECONDS = 60.0
STOP_SECONDS = 5.0
DATETIME_FIELDS = ("created_at", "text_expires_at")

PENDING = Gauge("clinicbot_log_pending_turns", "Logged turns journaled but not yet written to the database.",
                multiprocess_mode="livesum")


@dataclass
class Segment:
    """One journal file of this process, locked for as long as the process holds it."""

    path: Path
    fd: int
    size: int = 0
    outstanding: int = 0
    #: Some of its turns were dropped from memory (MAX_PENDING): keep the file for a replay.
    abandoned: bool = False


@dataclass
class Entry:
    uid: str
    turn: dict
    sections: list[dict]
    segment: Segment | None = field(default=None, repr=False)


def encode(uid: str, turn: dict, sections: list[dict]) -> bytes:
    """One journal line."""
    stored = {key: (value.isoformat() if isinstance(value, datetime) else value) for key, value in turn.items()}
    return (json.dumps({"uid": uid, "turn": stored, "sections": sections}, separators=(",", ":")) + "\n").encode()


def decode(line: bytes) -> Entry | None:
    """A journal line back as an entry; None for a line cut short by a crash or otherwise unreadable."""
    try:
        data = json.loads(line)
        turn = dict(data["turn"])
        for key in DATETIME_FIELDS:
            if turn.get(key):
                turn[key] = datetime.fromisoformat(turn[key])
        return Entry(str(data["uid"]), turn, list(data["sections"]))
    except (ValueError, KeyError, TypeError):
        return None


def store(app: Flask, entries: list[Entry]) -> int:
    """Write entries in one transaction, skipping any uid already stored (a replay after a crash).

    Returns how many were new.
    """
    with db.session_scope(app) as session:
        db.fast_commit(session)
        connection = session.connection()
        uids = [entry.uid for entry in entries]
        stored = set(connection.execute(select(Turn.uid).where(Turn.uid.in_(uids))).scalars())
        fresh, seen = [], set()
        for entry in entries:
            if entry.uid not in stored and entry.uid not in seen:
                seen.add(entry.uid)
                fresh.append(({**entry.turn, "uid": entry.uid}, entry.sections))
        inquiries.insert_turns(connection, fresh)
    return len(fresh)


class TurnWriter:
    """The journal and the background writer of one process."""

    def __init__(self, app: Flask, flush_seconds: float):
        self.app = app
        self.flush_seconds = flush_seconds
        self.folder = Path(app.config["LOG_JOURNAL_DIR"] or Path(app.instance_path) / JOURNAL_DIR)
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: list[Entry] = []
        self._segments: list[Segment] = []
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._stopping = threading.Event()
        self._last_replay = 0.0
        #: time.monotonic() of the latest journal write that failed / went through (for /readyz).
        self.journal_failed_at: float | None = None
        self.journal_ok_at: float | None = None

    def journal_failing(self) -> bool:
        """True when the latest journal write failed within a minute: turns are then not crash-proof."""
        failed, ok = self.journal_failed_at, self.journal_ok_at
        return bool(failed and (ok is None or failed > ok) and time.monotonic() - failed < db.WRITE_FAILURE_SECONDS)

    # --- the request side -------------------------------------------------------------

    def submit(self, turn: dict, sections: list[dict]) -> None:
        """Journal one turn and queue it for the next batch.

        When the journal cannot be written (a full disk, an unwritable folder) the turn
        is written to the database in this request instead: queued in memory only, a
        killed worker would lose it. Only if the database refuses too does it wait in memory.
        """
        entry = Entry(uuid.uuid4().hex, turn, sections)
        line = encode(entry.uid, turn, sections)
        with self._lock:
            self._start()
            try:
                segment = self._segment_for(len(line))
                written = os.write(segment.fd, line)
                segment.size += written
                if written != len(line):
                    segment.abandoned = True  # a line cut short ends the segment; the next turn starts another
                    raise OSError(errno.ENOSPC, "journal write cut short")
                segment.outstanding += 1
                entry.segment = segment
            except OSError:
                warn_throttled(self.app, log, "journal", "could not journal a chat turn; writing it directly",
                               exc_info=True)
                db.record_failure("journal")
                self.journal_failed_at = time.monotonic()
            else:
                self.journal_ok_at = time.monotonic()
                self._queue(entry)
        if entry.segment is None:
            try:
                store(self.app, [entry])
                db.note_write(True, self.app)
            except SQLAlchemyError:
                warn_throttled(self.app, log, "log_turn_direct", "could not write an unjournaled turn; "
                               "it waits in memory", exc_info=True)
                db.note_write(False, self.app)
                with self._lock:
                    self._queue(entry)
        self._wake.set()

    def _queue(self, entry: Entry) -> None:
        """Add an entry to the next batch (the caller holds the lock)."""
        self._pending.append(entry)
        if len(self._pending) > MAX_PENDING:
            self._abandon(self._pending.pop(0))
        PENDING.set(len(self._pending))

    def start(self) -> None:
        """Start the writer thread now and have it replay what dead workers left."""
        with self._lock:
            self._start()
        self._wake.set()

    def _start(self) -> None:
        """Start the thread in this process (after a fork, again); replay what dead workers left."""
        if self._pid == os.getpid() and self._thread and self._thread.is_alive():
            return
        if self._pid != os.getpid():
            # A fork copied the parent's queue and open segments: they are the parent's to write.
            self._pending, self._segments = [], []
            self._pid = os.getpid()
            atexit.register(self.stop)
        self._thread = threading.Thread(target=self._run, name="turn-writer", daemon=True)
        self._thread.start()

    def _segment_for(self, size: int) -> Segment:
        current = self._segments[-1] if self._segments else None
        if current is None or current.abandoned or current.size + size > SEGMENT_BYTES:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"turns-{os.getpid()}-{uuid.uuid4().hex[:12]}.jsonl"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            current = Segment(path, fd)
            self._segments.append(current)
        return current

    def _abandon(self, entry: Entry) -> None:
        if entry.segment is not None:
            entry.segment.abandoned = True
        db.record_failure("log_turn_deferred")

    # --- the writer thread ------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        while True:
            woken = self._wake.wait(timeout=REPLAY_EVERY_SECONDS)
            if woken and not failures:
                self._stopping.wait(self.flush_seconds)  # let a batch gather
            if self._stopping.is_set():
                return  # stop() writes what is left
            self._wake.clear()
            try:
                if time.monotonic() - self._last_replay >= REPLAY_EVERY_SECONDS:
                    self.replay_orphans()
                written = self.flush()
                if written:
                    self._maybe_purge()
            except Exception:  # noqa: BLE001 - the thread must outlive any one bad batch or file
                log.exception("the turn writer failed; will retry")
                written = False
            if written:
                failures = 0
            else:
                failures += 1
                self._stopping.wait(RETRY_SECONDS[min(failures, len(RETRY_SECONDS)) - 1])
                self._wake.set()

    def flush(self) -> bool:
        """Write everything queued now; False when the database refused (the queue is kept)."""
        with self._flush_lock:
            return self._flush()

    def _flush(self) -> bool:
        while True:
            with self._lock:
                batch = self._pending[:MAX_BATCH]
            if not batch:
                return True
            try:
                store(self.app, batch)
            except SQLAlchemyError:
                warn_throttled(self.app, log, "log_turn_batch", "could not write %d logged turns; will retry",
                               len(batch), exc_info=True)
                for _ in batch:
                    db.record_failure("log_turn")
                db.note_write(False, self.app)
                return False
            db.note_write(True, self.app)
            with self._lock:
                done = {id(entry) for entry in batch}
                self._pending = [entry for entry in self._pending if id(entry) not in done]
                PENDING.set(len(self._pending))
                for entry in batch:
                    if entry.segment is not None:
                        entry.segment.outstanding -= 1
                self._release_segments()

    def _release_segments(self) -> None:
        """Delete segments whose turns are all written; empty the current one when it is."""
        keep = []
        for i, segment in enumerate(self._segments):
            current = i == len(self._segments) - 1
            if segment.outstanding or segment.abandoned:
                keep.append(segment)
            elif current:
                if segment.size:
                    os.ftruncate(segment.fd, 0)
                    segment.size = 0
                keep.append(segment)
            else:
                os.unlink(segment.path)
                os.close(segment.fd)
        self._segments = keep

    def _maybe_purge(self) -> None:
        with self.app.app_context():
            maybe_purge()

    # --- replay and stop --------------------------------------------------------------

    def replay_orphans(self) -> int:
        """Write the turns of journal segments no live process holds, then delete them; returns turns read."""
        self._last_replay = time.monotonic()
        read = 0
        if not self.folder.is_dir():
            return 0
        for path in sorted(self.folder.glob("turns-*.jsonl")):
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live worker's, or another worker is replaying it
                try:
                    if os.stat(path).st_ino != os.fstat(fd).st_ino:
                        continue  # replayed and deleted while we waited
                except FileNotFoundError:
                    continue
                with os.fdopen(os.dup(fd), "rb") as fh:
                    entries = [entry for entry in map(decode, fh) if entry is not None]
                new = sum(store(self.app, entries[start:start + MAX_BATCH])
                          for start in range(0, len(entries), MAX_BATCH))
                os.unlink(path)
                read += len(entries)
                if entries:
                    log.info("replayed %s: %d logged turns written, %d were already stored",
                             path.name, new, len(entries) - new)
            except SQLAlchemyError:
                log.warning("could not replay %s; will retry", path.name, exc_info=True)
                db.record_failure("log_turn")
                return read
            finally:
                os.close(fd)
        return read

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Write what is queued (for up to ``timeout`` seconds), then close the journal."""
        if self._pid != os.getpid():
            return
        deadline = time.monotonic() + timeout
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        while True:
            try:
                if self.flush():
                    break
            except Exception:  # noqa: BLE001 - stopping: the journal keeps what could not be written
                log.warning("could not write logged turns while stopping", exc_info=True)
                break
            if time.monotonic() + 0.2 >= deadline:
                break
            time.sleep(0.2)
        with self._lock:
            for segment in self._segments:
                if not segment.outstanding and not segment.abandoned:
                    os.unlink(segment.path)
                os.close(segment.fd)
            self._segments = []
            self._pid = None
            self._stopping.clear()
        atexit.unregister(self.stop)  # stopped by its app's close: the exit has nothing left to do


def _journal_check(batched: TurnWriter):
    def check() -> None:
        if batched.journal_failing():
            raise OSError("the turn journal cannot be written")
    return check


def init_app(app: Flask) -> None:
    """Use batched writes when LOG_FLUSH_SECONDS > 0 (the default); else write in the request.

    A journal left by a worker that died is replayed as soon as this one starts.
    """
    seconds = app.config["LOG_FLUSH_SECONDS"]
    batched = TurnWriter(app, seconds) if seconds > 0 else None
    app.extensions[KEY] = batched
    if batched is not None:
        register_check(app, "journal", _journal_check(batched))
        on_close(app, batched.stop)
    if batched is not None and any(batched.folder.glob("turns-*.jsonl")):
        batched.start()  # replay now, not at the first chat request


def writer(app: Flask) -> TurnWriter | None:
    """This app's writer, None when turns are written in the request."""
    return app.extensions.get(KEY)

"""Batched, journaled writes of logged turns (web/turn_writer.py): fast, and nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from store.models import Turn, TurnSection
from tests.appkit import make_app
from web import db, turn_writer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def batched_app(tmp_path, index_dir):
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "test", "LOG_FLUSH_SECONDS": 0.05})
    yield app
    writer = turn_writer.writer(app)
    if writer is not None:
        writer.stop(timeout=2)


def counts(app) -> tuple[int, int]:
    with db.session_scope(app) as session:
        return (session.scalar(select(func.count()).select_from(Turn)),
                session.scalar(select(func.count()).select_from(TurnSection)))


def journal_files(app) -> list[Path]:
    return sorted((Path(app.instance_path) / turn_writer.JOURNAL_DIR).glob("turns-*.jsonl"))


def wait_for(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_chat_turns_are_written_in_batches_with_their_sections(batched_app):
    client = batched_app.test_client()
    messages = ["inner elbow pain when I grip", "my shins ache since I started running more",
                "knee hurts going down stairs", "do you take insurance?"]
    shown = 0
    for message in messages:
        response = client.post("/api/chat", json={"message": message})
        assert response.status_code == 200
        shown += len(response.get_json()["results"])
    assert shown > 0
    assert wait_for(lambda: counts(batched_app) == (len(messages), shown))
    with db.session_scope(batched_app) as session:
        turns = session.scalars(select(Turn).order_by(Turn.id)).all()
        assert [t.text for t in turns] == messages  # nothing to redact here; kept for 30 days
        assert all(t.uid and len(t.uid) == 32 for t in turns)
        assert sum(len(t.sections) for t in turns) == shown
    # Everything written: the journal holds nothing.
    assert all(path.stat().st_size == 0 for path in journal_files(batched_app))


def test_stop_writes_the_queue_and_removes_the_journal(tmp_path, index_dir):
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "t", "LOG_FLUSH_SECONDS": 30})  # the thread would wait 30 s
    client = app.test_client()
    for n in range(5):
        client.post("/api/chat", json={"message": f"sore knee number {n}"})
    assert counts(app)[0] == 0
    assert len(journal_files(app)) == 1 and journal_files(app)[0].stat().st_size > 0
    turn_writer.writer(app).stop(timeout=5)
    assert counts(app)[0] == 5
    assert journal_files(app) == []


CRASHING_WORKER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from tests.appkit import make_app
    app = make_app({{"INSTANCE_PATH": {instance!r}, "INDEX_DIR": {index!r}, "SECRET_KEY": "t",
                      "LOG_FLUSH_SECONDS": 60}})
    client = app.test_client()
    for n in range(7):
        assert client.post("/api/chat", json={{"message": f"my ankle hurts {{n}}"}}).status_code == 200
    os.kill(os.getpid(), signal.SIGKILL)  # before the writer's first batch
""")


def test_a_killed_worker_journal_is_replayed_once_by_the_next(tmp_path, index_dir):
    instance = tmp_path / "instance"
    script = CRASHING_WORKER.format(root=str(ROOT), instance=str(instance), index=str(index_dir))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    orphans = sorted((instance / turn_writer.JOURNAL_DIR).glob("turns-*.jsonl"))
    assert len(orphans) == 1 and len(orphans[0].read_bytes().splitlines()) == 7
    # The next worker replays it as it starts, before any chat request reaches it.
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(instance), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "t", "LOG_FLUSH_SECONDS": 0.05})
    assert wait_for(lambda: counts(app)[0] == 7)
    assert wait_for(lambda: journal_files(app) == [])
    writer = turn_writer.writer(app)
    with db.session_scope(app) as session:
        assert sorted(session.scalars(select(Turn.text))) == [f"my ankle hurts {n}" for n in range(7)]
    assert writer.replay_orphans() == 0 and counts(app)[0] == 7


def test_replay_skips_turns_already_stored_and_a_line_cut_short(batched_app):
    writer = turn_writer.writer(batched_app)
    rows = [({"created_at": None, "channel": "web", "conversation_id": None, "region": "knee",
              "triage_level": "routine", "rule_ids": "", "matched": True, "best_score": 0.5,
              "follow_up_shown": False, "text": f"text {n}", "text_expires_at": None}, []) for n in range(3)]
    from store.models import utcnow

    for turn, _ in rows:
        turn["created_at"] = utcnow()
    entries = [turn_writer.Entry(f"{n:032x}", turn, sections) for n, (turn, sections) in enumerate(rows)]
    # The first turn was written before the crash (the journal was not yet emptied).
    turn_writer.store(batched_app, entries[:1])
    folder = Path(batched_app.instance_path) / turn_writer.JOURNAL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    lines = b"".join(turn_writer.encode(e.uid, e.turn, e.sections) for e in entries)
    (folder / "turns-99999-deadbeef.jsonl").write_bytes(lines + b'{"uid": "cut sh')
    assert writer.replay_orphans() == 3
    with db.session_scope(batched_app) as session:
        assert sorted(session.scalars(select(Turn.text))) == ["text 0", "text 1", "text 2"]
    assert journal_files(batched_app) == []


def test_turns_journaled_before_a_column_existed_go_in_with_newer_ones(batched_app):
    """A worker of the previous release journaled turns without 'intent'; its replacement's batch mixes them."""
    from store.models import utcnow

    base = {"created_at": utcnow(), "channel": "web", "conversation_id": None, "region": None,
            "triage_level": "none", "rule_ids": "", "matched": False, "best_score": 0.0,
            "follow_up_shown": False, "text": None, "text_expires_at": None}
    entries = [turn_writer.Entry("a" * 32, dict(base), []),
               turn_writer.Entry("b" * 32, {**base, "intent": "greeting"}, []),
               turn_writer.Entry("c" * 32, dict(base), [])]
    turn_writer.store(batched_app, entries)
    with db.session_scope(batched_app) as session:
        assert sorted(session.execute(select(Turn.uid, Turn.intent)).all()) == [
            ("a" * 32, None), ("b" * 32, "greeting"), ("c" * 32, None)]


def test_a_journal_a_live_process_holds_is_left_alone(batched_app):
    client = batched_app.test_client()
    writer = turn_writer.writer(batched_app)
    writer.flush_seconds = 30  # keep the turn queued
    client.post("/api/chat", json={"message": "hip pain"})
    other = turn_writer.TurnWriter(batched_app, 0.05)
    assert other.replay_orphans() == 0
    assert len(journal_files(batched_app)) == 1


def test_database_refusing_keeps_the_queue_and_writes_it_once_when_back(batched_app, monkeypatch):
    real_store = turn_writer.store
    refusals = {"left": 2}

    def flaky_store(app, entries):
        if refusals["left"]:
            refusals["left"] -= 1
            raise OperationalError("INSERT", {}, Exception("database is down"))
        return real_store(app, entries)

    monkeypatch.setattr(turn_writer, "store", flaky_store)
    failed_before = db.failure_count()
    writer = turn_writer.writer(batched_app)
    client = batched_app.test_client()
    for n in range(4):
        assert client.post("/api/chat", json={"message": f"neck pain {n}"}).status_code == 200
    assert wait_for(lambda: counts(batched_app)[0] == 4)
    assert refusals["left"] == 0
    assert db.failure_count() > failed_before
    writer.stop(timeout=2)
    assert counts(batched_app)[0] == 4  # never twice


def test_beyond_max_pending_turns_wait_in_the_journal_for_a_replay(batched_app, monkeypatch):
    monkeypatch.setattr(turn_writer, "MAX_PENDING", 3)
    monkeypatch.setattr(turn_writer, "store", lambda app, entries: (_ for _ in ()).throw(
        OperationalError("INSERT", {}, Exception("down"))))
    writer = turn_writer.writer(batched_app)
    writer.flush_seconds = 30
    client = batched_app.test_client()
    for n in range(5):
        client.post("/api/chat", json={"message": f"shoulder pain {n}"})
    assert len(writer._pending) == 3
    writer.stop(timeout=0.5)
    monkeypatch.undo()
    # The stopped writer let go of its journal; the next one replays all five turns.
    assert turn_writer.TurnWriter(batched_app, 0.05).replay_orphans() == 5
    assert counts(batched_app)[0] == 5


def test_journal_lines_round_trip():
    from datetime import datetime

    turn = {"created_at": datetime(2026, 11, 28, 7, 0, 0), "text_expires_at": None, "text": "a \u00e9 \U0001f9b6",
            "matched": True}
    entry = turn_writer.decode(turn_writer.encode("u" * 32, turn, [{"rank": 1}]))
    assert (entry.uid, entry.turn, entry.sections) == ("u" * 32, turn, [{"rank": 1}])
    assert turn_writer.decode(b"not json\n") is None
    assert turn_writer.decode(b'{"uid": 1}\n') is None


def test_writing_in_the_request_needs_no_journal(app):
    assert app.config["LOG_FLUSH_SECONDS"] == 0 and turn_writer.writer(app) is None
    app.test_client().post("/api/chat", json={"message": "knee pain"})
    assert counts(app)[0] == 1
    assert not (Path(app.instance_path) / turn_writer.JOURNAL_DIR).exists()


def test_an_unwritable_journal_never_fails_the_request_and_the_turn_is_still_written(batched_app):
    (Path(batched_app.instance_path) / turn_writer.JOURNAL_DIR).write_text("a file where the folder should be")
    failed_before = db.failure_count()
    response = batched_app.test_client().post("/api/chat", json={"message": "knee pain on stairs"})
    assert response.status_code == 200
    assert wait_for(lambda: counts(batched_app)[0] == 1)
    assert db.failure_count() > failed_before


def test_a_journal_line_cut_short_starts_a_new_segment(batched_app, monkeypatch):
    writer = turn_writer.writer(batched_app)
    writer.flush_seconds = 30
    client = batched_app.test_client()
    client.post("/api/chat", json={"message": "first knee question"})
    real_write = os.write
    monkeypatch.setattr(turn_writer.os, "write", lambda fd, data: real_write(fd, data[:10]))
    client.post("/api/chat", json={"message": "second knee question"})
    monkeypatch.setattr(turn_writer.os, "write", real_write)
    client.post("/api/chat", json={"message": "third knee question"})
    assert len(journal_files(batched_app)) == 2
    writer.stop(timeout=5)
    assert counts(batched_app)[0] == 3


def test_the_journal_folder_can_be_set(tmp_path, index_dir):
    folder = tmp_path / "local-disk" / "journal"
    app = make_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "INDEX_DIR": str(index_dir),
                      "SECRET_KEY": "t", "LOG_FLUSH_SECONDS": 30, "LOG_JOURNAL_DIR": str(folder)})
    app.test_client().post("/api/chat", json={"message": "ankle sprain"})
    assert len(list(folder.glob("turns-*.jsonl"))) == 1
    turn_writer.writer(app).stop(timeout=5)
    assert counts(app)[0] == 1 and list(folder.glob("turns-*.jsonl")) == []


def test_the_writer_thread_survives_an_unexpected_error(batched_app, monkeypatch):
    real_store = turn_writer.store
    calls = {"n": 0}

    def broken_once(app, entries):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("something nobody expected")
        return real_store(app, entries)

    monkeypatch.setattr(turn_writer, "store", broken_once)
    batched_app.test_client().post("/api/chat", json={"message": "wrist pain"})
    assert wait_for(lambda: counts(batched_app)[0] == 1)
    assert calls["n"] >= 2

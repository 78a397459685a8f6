"""The database layer: migrations match the models on both databases, and round-trip."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from store.engine import make_engine
from store.migrate import alembic_config
from store.models import Base
from web import db


def test_migrations_match_models(db_app):
    database = db.database(db_app)
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []
    # The single head, whatever its name: branches add revisions that are re-chained at merge.
    assert db.current_revision(database) == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_downgrade_and_upgrade_again(db_app):
    database = db.database(db_app)
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(database)
    assert {"turns", "turn_sections", "events", "staff_users", "login_attempts", "callbacks"} <= set(
        inspect(database.engine).get_table_names())


def test_default_database_is_sqlite_in_instance_folder(app):
    url = db.database(app).engine.url
    assert url.get_backend_name() == "sqlite"
    assert url.database.startswith(app.instance_path)


def test_make_engine_postgresql_bounds_connect_and_statement_time(postgres_url):
    from sqlalchemy import text

    engine = make_engine(postgres_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "5s"
    finally:
        engine.dispose()
    assert engine.pool._pre_ping is True


def test_probe_does_not_keep_its_engine_alive(tmp_path):
    """Probes are kept per engine in a weak mapping; a probe holding its engine strongly kept every
    engine probed (and its open SQLite files) for the life of the process."""
    import gc
    import weakref

    engine = make_engine(f"sqlite:///{tmp_path / 'probed.db'}")
    assert db.probe_for(engine).answers()
    gone = weakref.ref(engine)
    del engine
    gc.collect()
    assert gone() is None

"""Alembic environment: migrations run on the connection web.db hands over.

`clinicbot db upgrade` and app start both call web.db.upgrade, which opens the
connection (and takes the migration lock) and passes it in config.attributes.
Run standalone (``alembic -x url=...``) it connects to the given URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from store.models import Base

target_metadata = Base.metadata


def run_on(connection) -> None:
    """Run pending migrations on an open connection."""
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the database with -x url=... or use `clinicbot db upgrade`")
    engine = create_engine(url)
    with engine.begin() as conn:
        run_on(conn)

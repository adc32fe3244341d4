"""Alembic environment: migrates the engine handed over in `config.attributes["engine"]`."""

from alembic import context
from sqlalchemy import create_engine

from store.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url") or "sqlite://"
)

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a table by dropping it: with foreign keys on, SQLite would run
        # the ON DELETE CASCADE of every child table. The pragma only works outside a
        # transaction; the foreign key check below proves nothing dangles afterwards.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
            raise RuntimeError("a migration left rows pointing at nothing; rolled back")
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")

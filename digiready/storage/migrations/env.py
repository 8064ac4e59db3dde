"""Alembic environment shared by every area's branch (see digiready.storage.migrate)."""
from alembic import context

from digiready.storage.base import Base
from digiready.storage.engine import get_engine
from digiready.storage.migrate import import_all_models

import_all_models()
config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")


def run_migrations_online() -> None:
    engine = get_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()

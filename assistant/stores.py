"""Where the Rasa server keeps conversations and locks, as endpoints.yml says it.

SQLite in the data folder by default, PostgreSQL with MISS_DB_HOST; Rasa's
in-memory lock store for one server, Redis with MISS_REDIS_HOST for several.
The servers, the retention job, the SMS opt-outs and the report all find the
conversations through tracker_store_config, so they always agree.
"""
from typing import Dict, Optional

from miss_config.settings import Settings

TRACKER_STORE_TYPE = "assistant.tracker_store.ResilientSQLTrackerStore"
LOCK_STORE_TYPE = "assistant.lock_store.AtomicRedisLockStore"


def tracker_store_config(settings: Settings,
                         secrets_as_references: bool = True) -> Dict[str, object]:
    """The conversations' store: SQLite in the data folder, or PostgreSQL with MISS_DB_HOST.

    With ``secrets_as_references`` the password is written as ``${MISS_DB_PASSWORD}``,
    which Rasa fills in from its environment, so it never lands in a file."""
    if not settings.db_host:
        return {"type": TRACKER_STORE_TYPE, "dialect": "sqlite",
                "db": str(settings.data_dir / "conversations.sqlite3")}
    config: Dict[str, object] = {
        "type": TRACKER_STORE_TYPE,
        "dialect": "postgresql",
        "url": settings.db_host,
        "port": settings.db_port,
        "db": settings.db_name,
        "username": settings.db_user,
    }
    if settings.db_password:
        config["password"] = ("${MISS_DB_PASSWORD}" if secrets_as_references
                              else settings.db_password)
    return config


def lock_store_config(settings: Settings,
                      secrets_as_references: bool = True) -> Optional[Dict[str, object]]:
    """Redis with MISS_REDIS_HOST (needed when several Rasa servers share the
    conversations), else None: Rasa's in-memory lock store, right for one server."""
    if not settings.redis_host:
        return None
    config: Dict[str, object] = {
        "type": LOCK_STORE_TYPE,
        "url": settings.redis_host,
        "port": settings.redis_port,
        "db": settings.redis_db,
        "key_prefix": "miss",
    }
    if settings.redis_password:
        config["password"] = ("${MISS_REDIS_PASSWORD}" if secrets_as_references
                              else settings.redis_password)
    return config

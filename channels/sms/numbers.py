"""Phone numbers inside the SMS channel: compared, hashed and logged safely.

The number itself never leaves the channel: a patient's Rasa conversation id is
``sms-`` + HMAC-SHA256(number) under the clinic's hashing key, and logs show the
number masked.

Every server must hash numbers with the same key, or a patient's STOP is kept
under a hash that the next server never computes: with PostgreSQL (several
servers) and SMS on, ``MISS_SMS_HASH_KEY`` must be set (:func:`check_settings`,
called by the launcher and when the channel starts). With SQLite (one server)
a key is made once and kept in ``MISS_DATA_DIR/sms_hash_key`` when it is unset.
"""
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Mapping, Optional

from miss_config.settings import read_setting

HASH_KEY_FILE = "sms_hash_key"
HASH_KEY_ENV = "MISS_SMS_HASH_KEY"


def normalise_number(number: str) -> str:
    """"+1 (555) 010-0123" and "+15550100123" are the same number; other senders stay as they are."""
    compact = "".join(number.split())
    if compact.startswith("+") and all(c.isdigit() or c in "()-." for c in compact[1:]):
        return "+" + "".join(c for c in compact if c.isdigit())
    return compact


def conversation_key(number: str, key: bytes) -> str:
    """The Rasa conversation id for a phone number: the number itself never leaves the channel."""
    digest = hmac.new(key, normalise_number(number).encode("utf-8"), hashlib.sha256)
    return "sms-" + digest.hexdigest()[:32]


def mask_number(number: Optional[str]) -> str:
    """A phone number fit for a log line: every digit but the last two hidden."""
    number = number or ""
    digits = sum(c.isdigit() for c in number)
    seen = 0
    masked = []
    for char in number:
        if char.isdigit():
            seen += 1
            masked.append(char if seen > digits - 2 and digits > 4 else "*")
        else:
            masked.append(char)
    return "".join(masked) or "(none)"


def data_dir(env: Optional[Mapping[str, str]] = None) -> Path:
    """Where the channel keeps local state (MISS_DATA_DIR)."""
    return read_setting("data_dir", env)


def ensure_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def check_settings(env: Optional[Mapping[str, str]] = None) -> None:
    """Raises ValueError, for a channel that is on, when the servers could not share
    opt-outs: conversations in PostgreSQL without MISS_SMS_HASH_KEY."""
    if read_setting("db_host", env) and not read_setting("sms_hash_key", env):
        raise ValueError(
            f"{HASH_KEY_ENV} must be set when conversations are in PostgreSQL (MISS_DB_HOST) "
            "and SMS is on: every server must hash phone numbers with the same key, or a "
            "patient's STOP taken by one server is not found by the next. Set the same "
            "secret on every server, e.g. `openssl rand -hex 32`, and keep it.")


def hash_key(directory: Optional[Path] = None) -> bytes:
    """The key for hashing phone numbers: $MISS_SMS_HASH_KEY, else one made once and kept.

    The key must not change, or opt-outs and conversations are no longer found:
    it is kept in the data folder rather than derived from the auth token, which
    a clinic may rotate.
    """
    configured = read_setting("sms_hash_key")
    if configured:
        return configured.encode("utf-8")
    check_settings()
    path = ensure_dir(directory or data_dir()) / HASH_KEY_FILE
    if not path.exists():
        # Written whole under another name, then linked into place: with several
        # server processes starting at once, one key wins and nobody reads a
        # half-written file.
        draft = path.with_name(f"{HASH_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip().encode("utf-8")

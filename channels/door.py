"""What every channel checks before a request reaches the conversation.

* **Conversation ids** (``sender``): text of 1 to 128 printable characters (no
  control characters, NULs, lone UTF-16 surrogates or line separators). The name
  spaces of the other channels are reserved: a REST client may not post as
  ``sms-…`` (an SMS patient's conversation, channels/sms/), and
  ``shell-…`` (the terminal chat, assistant/shell.py) only with the shell's
  token, a secret kept in ``$MISS_DATA_DIR/shell_token`` that only someone
  who can read the server's data folder has.
* **Message text**: lone surrogates and NULs are removed (the rest of the
  cleaning is channels/guard.py's).
* **Metadata** (REST only): a JSON object of at most 1,000 bytes with only the
  keys in ``METADATA_KEYS``, each a short string.

Each check returns the reason as one sentence for a 400, or None.
"""
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any, Optional, Tuple

from miss_config.settings import read_setting

MAX_SENDER_CHARS = 128
SMS_PREFIX = "sms-"          # channels/sms/numbers.py: conversation_key()
SHELL_PREFIX = "shell-"      # assistant/shell.py and `make shell`
SHELL_TOKEN_FILE = "shell_token"
SHELL_TOKEN_HEADER = "X-MISS-Shell-Token"

METADATA_KEYS = frozenset({"lang", "page", "client"})
MAX_METADATA_VALUE_CHARS = 200
MAX_METADATA_BYTES = 1000


def data_dir() -> Path:
    return read_setting("data_dir")


def without_unsafe_characters(text: str) -> str:
    """``text`` without lone surrogates (which no database or encoder takes) and NULs."""
    if text.isprintable() or not any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in text):
        return text
    return "".join(c for c in text if c != "\x00" and not "\ud800" <= c <= "\udfff")


def sender_problem(sender: Any) -> Optional[str]:
    """Why ``sender`` cannot be a conversation id, or None."""
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: the conversation's id, as text."
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        return (f"'sender' must be 1 to {MAX_SENDER_CHARS} printable characters "
                "(no control characters).")
    return None


def reserved_problem(sender: str, shell_token: Optional[str]) -> Optional[str]:
    """Why a REST client may not use ``sender`` (another channel's name space), or None."""
    lowered = sender.strip().lower()
    if lowered.startswith(SMS_PREFIX):
        return f"'sender' may not start with '{SMS_PREFIX}': that name space is the SMS channel's."
    if lowered.startswith(SHELL_PREFIX) and not is_shell(shell_token):
        return (f"'sender' may not start with '{SHELL_PREFIX}': that name space is the "
                "terminal chat's.")
    return None


def metadata_problem(metadata: Any) -> Optional[str]:
    """Why the REST ``metadata`` is refused, or None (absent or null is fine)."""
    if metadata is None:
        return None
    allowed = ", ".join(sorted(METADATA_KEYS))
    if not isinstance(metadata, dict):
        return f"'metadata' must be an object with only these keys: {allowed}."
    unknown = sorted(str(k) for k in metadata if k not in METADATA_KEYS)
    if unknown:
        return f"'metadata' may only have the keys {allowed} (not: {', '.join(unknown)[:200]})."
    for key, value in metadata.items():
        if not isinstance(value, str) or len(value) > MAX_METADATA_VALUE_CHARS \
                or not value.isprintable():
            return (f"'metadata.{key}' must be printable text of at most "
                    f"{MAX_METADATA_VALUE_CHARS} characters.")
    if len(json.dumps(metadata).encode("utf-8")) > MAX_METADATA_BYTES:
        return f"'metadata' may be at most {MAX_METADATA_BYTES} bytes."
    return None


def check_rest_body(body: Any, shell_token: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """(the sender id, None) or (None, why the REST request is refused)."""
    if not isinstance(body, dict):
        return None, "Send a JSON object with 'sender' and 'message'."
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    problem = sender_problem(sender) or reserved_problem(sender, shell_token) \
        or metadata_problem(body.get("metadata"))
    if problem:
        return None, problem
    return sender.strip(), None


# --- the terminal chat's token ------------------------------------------------

def shell_token_path(directory: Optional[Path] = None) -> Path:
    return (directory or data_dir()) / SHELL_TOKEN_FILE


def shell_token(directory: Optional[Path] = None, create: bool = True) -> Optional[str]:
    """The token that lets the terminal chat use ``shell-`` ids (made once, mode 0600)."""
    path = shell_token_path(directory)
    if create:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError:  # a read-only data folder: `shell-` ids are then refused
            return None
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32))
    try:
        return path.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def is_shell(token: Optional[str]) -> bool:
    expected = shell_token(create=False)
    return bool(token and expected) and hmac.compare_digest(
        token.encode("utf-8", "replace"), expected.encode("utf-8"))

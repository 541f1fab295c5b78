"""Every MISS_*, TWILIO_* and SANIC_* setting, read from the environment and checked once.

    settings = load_settings()          # os.environ; or load_settings({"MISS_PORT": "6005"})
    settings.port, settings.data_dir, settings.sms_on

A setting is one field of ``Settings``: its variable, default, description
and check are written there and nowhere else, so adding a setting is adding a
field. An unset or blank variable takes the default. A bad value raises
SettingsError naming every variable that is wrong and how to fix it.

The README's settings table is generated from these fields
(``python -m miss_config.settings``) and tests/test_settings.py checks it.
Only the standard library is used: `make doctor` imports this before anything
is installed.
"""
import os
import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from miss_config.paths import DEFAULT_DATA_DIR, DEFAULT_KNOWLEDGE_DIR, PROJECT_ROOT

# HS256 needs a key of at least 256 bits (RFC 7518, 3.2).
MIN_JWT_SECRET_CHARS = 32
TWILIO_REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")
# scheme://host[:port] and nothing else: Rasa's CORS library treats strings with
# *, ?, ] or \ as regular expressions, so none of those may get through.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")


class SettingsError(ValueError):
    """One or more settings are wrong; ``problems`` has one line (with the fix) each."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- How a value is read (each raises ValueError with the reason) ---------------------

def _text(raw: str) -> str:
    return raw


def _whole(minimum: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not re.fullmatch(r"-?\d+", raw):
            raise ValueError("not a number (a whole number is needed)")
        value = int(raw)
        if value < minimum:
            raise ValueError("must be positive" if minimum > 0 else "must not be negative")
        return value
    return parse


def _port(raw: str) -> int:
    value = _whole(0)(raw)
    if value > 65535:
        raise ValueError("a port is 0 to 65535")
    return value


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("a number of seconds is needed") from None
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _days(raw: str) -> float:
    if not re.fullmatch(r"\d+(\.\d+)?", raw):
        raise ValueError("a number of days is needed (e.g. 30)")
    return float(raw)


def _flag(raw: str) -> bool:
    return raw not in ("", "0")


def _folder(raw: str) -> Path:
    """Relative folders are relative to the project, wherever a server is started."""
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def parse_origins(raw: Optional[str]) -> List[str]:
    """Exact origins (scheme://host[:port]), comma-separated; no '*' or patterns."""
    origins = []
    for item in (raw or "").split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        if not _ORIGIN.match(origin):
            raise ValueError(
                f"not an exact origin: {origin!r} (use scheme://host[:port], "
                "e.g. https://www.clinic.example; '*' and patterns are not allowed)")
        origins.append(origin.lower())
    return origins


def _origins(raw: str) -> Tuple[str, ...]:
    return tuple(parse_origins(raw))


def _jwt_secret(raw: str) -> str:
    if len(raw) < MIN_JWT_SECRET_CHARS:
        raise ValueError(f"must be at least {MIN_JWT_SECRET_CHARS} characters "
                         "(e.g. `openssl rand -hex 32`)")
    return raw


def setting(env: str, default: Any, doc: str, parse: Callable[[str], Any] = _text,
            shown: Optional[str] = None, secret: bool = False) -> Any:
    """A field of Settings read from ``env``; ``shown`` is the default as the README says it."""
    return field(default=default, repr=not secret,
                 metadata={"env": env, "doc": doc, "parse": parse, "shown": shown})


@dataclass(frozen=True)
class Settings:
    # Where the servers listen
    host: str = setting("MISS_HOST", "127.0.0.1", "where the Rasa server listens")
    port: int = setting("MISS_PORT", 5005, "the Rasa server's port", _port)
    widget_host: str = setting("MISS_WIDGET_HOST", "127.0.0.1",
                               "where `make run` serves the widget and its demo page")
    widget_port: int = setting("MISS_WIDGET_PORT", 8080, "the widget demo page's port", _port)
    cors_origins: Tuple[str, ...] = setting(
        "MISS_CORS_ORIGINS", (), "websites (exact origins, comma-separated) that may embed "
        "the widget, besides the demo page", _origins, shown="none")
    jwt_secret: str = setting("MISS_JWT_SECRET", "", "turns the HTTP API on, behind JWT (HS256)",
                              _jwt_secret, shown="unset: no HTTP API", secret=True)
    # Files
    data_dir: Path = setting("MISS_DATA_DIR", DEFAULT_DATA_DIR,
                             "SQLite conversations (with the SMS opt-outs), the shell token, "
                             "the SMS hash key when generated", _folder, shown="`var/`")
    knowledge_dir: Path = setting("MISS_KNOWLEDGE_DIR", DEFAULT_KNOWLEDGE_DIR,
                                  "the clinic's own copy of knowledge/", _folder,
                                  shown="`knowledge/`")
    # Conversations' database and locks
    db_host: str = setting("MISS_DB_HOST", "", "PostgreSQL host (with it, the MISS_DB_* below)",
                           shown="unset: SQLite")
    db_port: int = setting("MISS_DB_PORT", 5432, "PostgreSQL port", _port)
    db_name: str = setting("MISS_DB_NAME", "miss", "PostgreSQL database")
    db_user: str = setting("MISS_DB_USER", "miss", "PostgreSQL user")
    db_password: str = setting("MISS_DB_PASSWORD", "",
                               "handed to Rasa in its environment (`${MISS_DB_PASSWORD}` in the "
                               "generated endpoints), never written to a file",
                               shown="none", secret=True)
    db_retry_seconds: float = setting("MISS_DB_RETRY_SECONDS", 10.0,
                                      "how long a message waits for an unreachable database",
                                      _seconds, shown="`10`")
    redis_host: str = setting("MISS_REDIS_HOST", "",
                              "Redis for the lock store and rate limits (several servers)",
                              shown="unset: in memory (one server)")
    redis_port: int = setting("MISS_REDIS_PORT", 6379, "Redis port", _port)
    redis_db: int = setting("MISS_REDIS_DB", 1, "Redis database number", _whole(0))
    redis_password: str = setting("MISS_REDIS_PASSWORD", "", "Redis password", shown="none",
                                  secret=True)
    retention_days: Optional[float] = setting(
        "MISS_RETENTION_DAYS", None, "delete conversations quiet for longer at every start",
        _days, shown="unset: kept")
    # Limits
    rate_per_conversation: int = setting(
        "MISS_RATE_PER_CONVERSATION", 30,
        "messages per conversation per window (any channel); 0 turns it off", _whole(0))
    rate_per_address: int = setting("MISS_RATE_PER_ADDRESS", 300,
                                    "REST requests per client address per window; 0 turns it off",
                                    _whole(0))
    rate_window_seconds: int = setting("MISS_RATE_WINDOW_SECONDS", 60, "the rate limits' window",
                                       _whole(1))
    max_message_chars: int = setting(
        "MISS_MAX_MESSAGE_CHARS", 1600, "longer messages are read whole for red flags first; "
        "without one, the patient is asked to shorten them", _whole(1))
    sanic_workers: int = setting(
        "SANIC_WORKERS", 1, "Rasa server processes answering at once, one per core; more "
        "than 1 needs `MISS_REDIS_HOST` (the conversation locks and rate limits)", _whole(1))
    sanic_request_max_size: int = setting("SANIC_REQUEST_MAX_SIZE", 1_000_000,
                                          "largest request in bytes (else 413)", _whole(1))
    sanic_request_timeout: int = setting("SANIC_REQUEST_TIMEOUT", 30,
                                         "seconds to receive a whole request (else 408)", _whole(1))
    sanic_response_timeout: int = setting("SANIC_RESPONSE_TIMEOUT", 60,
                                          "seconds to answer one (else 503)", _whole(1))
    # SMS
    twilio_account_sid: str = setting("TWILIO_ACCOUNT_SID", "",
                                      "the account SID (`AC…`); with the next two, SMS is on",
                                      shown="unset: SMS off")
    twilio_auth_token: str = setting("TWILIO_AUTH_TOKEN", "",
                                     "the account's auth token, used only to check signatures",
                                     shown="none", secret=True)
    twilio_number: str = setting("TWILIO_NUMBER", "", "the clinic's Twilio number in E.164",
                                 shown="none")
    twilio_webhook_url: str = setting("TWILIO_WEBHOOK_URL", "",
                                      "the exact public URL given to Twilio (behind a proxy)",
                                      shown="unset: the request's URL")
    sms_hash_key: str = setting("MISS_SMS_HASH_KEY", "",
                                "secret for hashing phone numbers; required with PostgreSQL "
                                "when SMS is on", shown="generated in `MISS_DATA_DIR` with SQLite",
                                secret=True)
    # Checks and logs
    production: bool = setting("MISS_PRODUCTION", False,
                               "`make doctor` checks as for patients", _flag, shown="`0`")
    show_all_warnings: bool = setting("MISS_SHOW_ALL_WARNINGS", False,
                                      "show dependencies' warnings too (debugging)", _flag,
                                      shown="`0`")

    @property
    def sms_on(self) -> bool:
        """The SMS channel answers only with the account SID, auth token and number set."""
        return all((self.twilio_account_sid, self.twilio_auth_token, self.twilio_number))

    @property
    def sanic_env(self) -> Dict[str, str]:
        """The request limits as Sanic reads them from the Rasa server's environment."""
        return {"SANIC_WORKERS": str(self.sanic_workers),
                "SANIC_REQUEST_MAX_SIZE": str(self.sanic_request_max_size),
                "SANIC_REQUEST_TIMEOUT": str(self.sanic_request_timeout),
                "SANIC_RESPONSE_TIMEOUT": str(self.sanic_response_timeout)}


def _raw(env: Optional[Mapping[str, str]], name: str) -> str:
    return ((os.environ if env is None else env).get(name) or "").strip()


def _read(item: Any, env: Optional[Mapping[str, str]]) -> Any:
    raw = _raw(env, item.metadata["env"])
    if not raw:
        return item.default
    try:
        return item.metadata["parse"](raw)
    except ValueError as error:
        shown = "(hidden)" if not item.repr else repr(raw)
        raise ValueError(f"{item.metadata['env']}={shown}: {error}") from None


def _together(settings: Settings) -> List[str]:
    """Problems no single setting shows."""
    problems = []
    if settings.sms_on and settings.db_host and not settings.sms_hash_key:
        problems.append(
            "MISS_SMS_HASH_KEY must be set when conversations are in PostgreSQL "
            "(MISS_DB_HOST) and SMS is on: every server must hash phone numbers with the "
            "same key, or a patient's STOP taken by one server is not found by the next. "
            "Set the same secret on every server, e.g. `openssl rand -hex 32`, and keep it.")
    if settings.sanic_workers > 1 and not settings.redis_host:
        # Rasa would quietly fall back to one process with locks in memory.
        problems.append(
            f"SANIC_WORKERS={settings.sanic_workers} needs MISS_REDIS_HOST: several server "
            "processes must share one lock per conversation and one count for the rate "
            "limits. Set MISS_REDIS_HOST, or SANIC_WORKERS=1.")
    return problems


def settings_problems(env: Optional[Mapping[str, str]] = None) -> List[str]:
    """Every wrong setting, one line each with its fix (empty: all fine)."""
    try:
        load_settings(env)
    except SettingsError as error:
        return error.problems
    return []


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """The settings in ``env`` (default: this process's environment), checked."""
    values, problems = {}, []
    for item in fields(Settings):
        try:
            values[item.name] = _read(item, env)
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise SettingsError(problems)
    settings = Settings(**values)
    problems = _together(settings)
    if problems:
        raise SettingsError(problems)
    return settings


def read_setting(name: str, env: Optional[Mapping[str, str]] = None) -> Any:
    """One setting alone (by field name), for code that must run whatever the others
    say, such as the warning filter that wraps `rasa train`."""
    item = next(f for f in fields(Settings) if f.name == name)
    return _read(item, env)


def env_names() -> List[str]:
    return [item.metadata["env"] for item in fields(Settings)]


def markdown_table() -> str:
    """The README's settings table."""
    rows = ["| Variable | Default | What it is |", "|---|---|---|"]
    for item in fields(Settings):
        shown = item.metadata["shown"] or f"`{item.default}`"
        rows.append(f"| `{item.metadata['env']}` | {shown} | {item.metadata['doc']} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown_table())

"""Checks of the services the settings name (PostgreSQL, Redis, Twilio), and notes on
what only `make test` needs."""
import glob
import re
import socket
from pathlib import Path
from typing import Callable, List, Mapping, Optional, Tuple

from assistant.doctor.common import PROJECT_ROOT
from miss_config.settings import TWILIO_REQUIRED, read_setting

CHROMIUM = Path("/usr/bin/chromium")
# The SMS channel's variables (named in the problems) and their settings.
TWILIO_FIELDS = {"TWILIO_ACCOUNT_SID": "twilio_account_sid",
                 "TWILIO_AUTH_TOKEN": "twilio_auth_token",
                 "TWILIO_NUMBER": "twilio_number",
                 "TWILIO_WEBHOOK_URL": "twilio_webhook_url"}


def _connect(host: str, port: int, timeout: float) -> Tuple[Optional[socket.socket], str]:
    try:
        return socket.create_connection((host, port), timeout=timeout), ""
    except socket.timeout:
        return None, f"no answer within {timeout:g} s"
    except OSError as error:
        return None, error.strerror or str(error)


def check_postgres(env: Mapping[str, str], timeout: float = 3.0) -> List[str]:
    host = read_setting("db_host", env)
    if not host:
        return []
    try:
        port = read_setting("db_port", env)
    except ValueError:
        return []  # check_settings reports it
    sock, error = _connect(host, port, timeout)
    if sock is None:
        return [f"PostgreSQL at {host}:{port} (MISS_DB_HOST, MISS_DB_PORT) is unreachable "
                f"({error}): start it, or fix MISS_DB_HOST/MISS_DB_PORT"]
    sock.close()
    try:
        import psycopg2  # in .venv (Rasa's dependency); skipped outside it
    except ImportError:
        return []
    user, name = read_setting("db_user", env), read_setting("db_name", env)
    try:
        psycopg2.connect(host=host, port=port, user=user, dbname=name,
                         password=read_setting("db_password", env) or None,
                         connect_timeout=max(1, int(timeout))).close()
    except psycopg2.OperationalError as error:
        text = " ".join(str(error).split())
        if "does not exist" in text and "database" in text:
            fix = f"create it: createdb -h {host} -p {port} -O {user} {name}"
        elif "password" in text or "authentication" in text or "role" in text:
            fix = "check MISS_DB_USER and MISS_DB_PASSWORD (and the user exists)"
        else:
            fix = "check the MISS_DB_* settings and the server's pg_hba.conf"
        return [f"PostgreSQL at {host}:{port} refused database {name!r} for user {user!r} "
                f"({text[:160]}): {fix}"]
    return []


def _redis_command(sock: socket.socket, *args: str) -> str:
    payload = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
    sock.sendall(payload.encode())
    return sock.recv(512).decode("utf-8", "replace").split("\r\n", 1)[0]


def check_redis(env: Mapping[str, str], timeout: float = 3.0) -> List[str]:
    host = read_setting("redis_host", env)
    if not host:
        return []
    try:
        port = read_setting("redis_port", env)
        database = str(read_setting("redis_db", env))
    except ValueError:
        return []  # check_settings reports it
    where = f"Redis at {host}:{port}"
    sock, error = _connect(host, port, timeout)
    if sock is None:
        return [f"{where} (MISS_REDIS_HOST, MISS_REDIS_PORT) is unreachable ({error}): "
                "start it, or fix MISS_REDIS_HOST/MISS_REDIS_PORT"]
    try:
        with sock:
            password = read_setting("redis_password", env)
            if password:
                reply = _redis_command(sock, "AUTH", password)
                if not reply.startswith("+"):
                    return [f"{where} refused MISS_REDIS_PASSWORD ({reply.lstrip('-')}): "
                            "fix MISS_REDIS_PASSWORD"]
            reply = _redis_command(sock, "SELECT", database)
            if "NOAUTH" in reply:
                return [f"{where} needs a password: set MISS_REDIS_PASSWORD"]
            if not reply.startswith("+"):
                return [f"{where} refused database {database} "
                        f"({reply.lstrip('-')}): fix MISS_REDIS_DB"]
    except (OSError, socket.timeout) as error:
        return [f"{where} does not answer like Redis ({error}): check MISS_REDIS_HOST/"
                "MISS_REDIS_PORT"]
    return []


def check_twilio(env: Mapping[str, str]) -> List[str]:
    """All three of the SMS channel's variables, or none; the values' formats."""
    values = {name: read_setting(field, env) for name, field in TWILIO_FIELDS.items()}
    have = [name for name in TWILIO_REQUIRED if values[name]]
    extra = [name for name in ("TWILIO_WEBHOOK_URL",) if values[name]]
    if not have:
        if extra:
            return [f"{extra[0]} is set but SMS is off: also set "
                    f"{', '.join(TWILIO_REQUIRED)} (README: Clinic SMS)"]
        return []
    missing = [name for name in TWILIO_REQUIRED if name not in have]
    if missing:
        return [f"SMS is half configured, {', '.join(missing)} not set (the webhook answers "
                f"503): set {'them' if len(missing) > 1 else 'it'} from the Twilio Console, "
                "or unset the other TWILIO_ variables"]
    problems = []
    if not re.fullmatch(r"AC[0-9a-fA-F]{32}", values["TWILIO_ACCOUNT_SID"]):
        problems.append("TWILIO_ACCOUNT_SID is not an account SID (AC + 32 hex digits): "
                        "copy it from the Twilio Console")
    if not re.fullmatch(r"[0-9a-fA-F]{32}", values["TWILIO_AUTH_TOKEN"]):
        problems.append("TWILIO_AUTH_TOKEN is not an auth token (32 hex digits): "
                        "copy it from the Twilio Console")
    number = re.sub(r"[\s().-]", "", values["TWILIO_NUMBER"])
    if not re.fullmatch(r"\+[1-9]\d{6,14}", number):
        problems.append("TWILIO_NUMBER is not in E.164 form (+15550100123): fix it")
    url = values["TWILIO_WEBHOOK_URL"]
    if url and not re.match(r"https?://[^/\s]+/\S*$", url):
        problems.append("TWILIO_WEBHOOK_URL is not a full URL (https://…/webhooks/twilio_sms/"
                        "webhook): set the exact URL given to Twilio")
    return problems


# --- What only `make test` needs (notes) ------------------------------------------------

def check_test_tools(chromium: Path = CHROMIUM,
                     node_modules: Path = PROJECT_ROOT / "widget" / "node_modules",
                     which: Callable[[str], Optional[str]] = None) -> List[str]:
    import shutil

    which = which or shutil.which
    notes = []
    if not chromium.exists():
        notes.append(f"Chromium not found at {chromium} (the widget tests): "
                     "run `make widget-deps`")
    if not (node_modules / "axe-core").is_dir():
        notes.append("axe-core not installed in widget/node_modules (the widget tests): "
                     "run `make widget-deps`")
    if not (glob.glob("/usr/lib/postgresql/*/bin/initdb") or which("initdb")):
        notes.append("PostgreSQL not installed (the scale-out tests): run `make service-deps`")
    if not which("redis-server"):
        notes.append("redis-server not installed (the scale-out tests): "
                     "run `make service-deps`")
    return notes

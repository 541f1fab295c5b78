"""Starts the action server and the Rasa server together, and stops them together.

Used by `make run`, `make shell` and the tests, so that every way of starting
the assistant starts the same thing.

    python -m assistant.launcher run   [--host 127.0.0.1] [--port 5005] [--action-port 5055]
                                       [--widget-port 8080] [--no-widget]
    python -m assistant.launcher shell [--rasa-console]

`shell` runs the readable terminal client (assistant/shell.py) against the REST
channel; --rasa-console gives Rasa's own console client instead (for debugging).
`run` also serves the website chat widget (widget/) and its demo page on
loopback, and allows the demo page's origin plus MISS_CORS_ORIGINS (exact
origins, comma-separated) through CORS on the Rasa server.

Every server started here is served safely (README: "Production serving"):
conversations in SQLite under MISS_DATA_DIR or in PostgreSQL (MISS_DB_*), locks
in Redis when MISS_REDIS_HOST is set, no HTTP API unless MISS_JWT_SECRET is set
(then JWT only), request size and timeouts limited, logs redacted, action server
on loopback (MISS_ACTION_HOST).

Dependencies' deprecation warnings that nobody running the assistant can act on
are filtered here and in the servers started here (assistant/quiet.py).
"""
import argparse
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Sequence

from miss_config.paths import MODEL, PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def base_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


# --- Production serving: limits, bind addresses, API, logs, tracker and lock store ---

LOGGING_CONFIG = PROJECT_ROOT / "assistant" / "logging.yml"
# Sanic's own settings, read from SANIC_* variables when Rasa creates its app.
# A patient's message is at most a few kB (channels/guard.py caps it at 1000
# characters), so 1 MB is plenty; Sanic's default is 100 MB.
SERVER_LIMITS = {
    "SANIC_REQUEST_MAX_SIZE": "1000000",  # bytes; larger requests get 413
    "SANIC_REQUEST_TIMEOUT": "30",        # seconds to receive a whole request (else 408)
    "SANIC_RESPONSE_TIMEOUT": "60",       # seconds to answer one (else 503)
}
# HS256 needs a key of at least 256 bits (RFC 7518, 3.2).
MIN_JWT_SECRET_CHARS = 32
DEFAULT_DB_PORT = 5432
DEFAULT_REDIS_PORT = 6379


def _get(env: Optional[Mapping[str, str]], name: str, default: str = "") -> str:
    value = (os.environ if env is None else env).get(name)
    return value.strip() if value and value.strip() else default


def rasa_server_env(env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment for `rasa run`: ``env`` (default base_env()) with the
    request size limit and timeouts, unless set there already."""
    full = dict(env) if env is not None else base_env()
    for name, value in SERVER_LIMITS.items():
        if not full.get(name):
            full[name] = value
    return full


def action_host(env: Optional[Mapping[str, str]] = None) -> str:
    """Where the action server listens: MISS_ACTION_HOST, loopback by default.

    Only a loopback or private address is accepted: nothing but the Rasa server
    may call the action server, so it must never be reachable from outside."""
    import ipaddress

    host = _get(env, "MISS_ACTION_HOST", "127.0.0.1")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host != "localhost" and (address is None or address.is_unspecified
                                or not (address.is_loopback or address.is_private)):
        raise ValueError(f"MISS_ACTION_HOST={host!r}: the action server may listen on a "
                         "loopback or private IP address only (e.g. 127.0.0.1, 10.0.0.5)")
    return host


def action_server_env(env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment for `rasa run actions`: rasa_sdk binds to SANIC_HOST."""
    full = dict(env) if env is not None else base_env()
    full["SANIC_HOST"] = action_host(full)
    return full


def data_dir(env: Optional[Mapping[str, str]] = None) -> Path:
    """MISS_DATA_DIR (relative to the project), default <project>/var."""
    path = Path(_get(env, "MISS_DATA_DIR") or PROJECT_ROOT / "var")
    return path if path.is_absolute() else PROJECT_ROOT / path


TRACKER_STORE_TYPE = "assistant.tracker_store.ResilientSQLTrackerStore"
LOCK_STORE_TYPE = "assistant.lock_store.AtomicRedisLockStore"


def tracker_store_config(env: Optional[Mapping[str, str]] = None,
                         secrets_as_references: bool = True) -> Dict[str, object]:
    """The conversations' store: SQLite in the data folder, or PostgreSQL with MISS_DB_HOST.

    With ``secrets_as_references`` the password is written as ``${MISS_DB_PASSWORD}``,
    which Rasa fills in from its environment, so it never lands in a file."""
    host = _get(env, "MISS_DB_HOST")
    if not host:
        return {"type": TRACKER_STORE_TYPE, "dialect": "sqlite",
                "db": str(data_dir(env) / "conversations.sqlite3")}
    config: Dict[str, object] = {
        "type": TRACKER_STORE_TYPE,
        "dialect": "postgresql",
        "url": host,
        "port": int(_get(env, "MISS_DB_PORT", str(DEFAULT_DB_PORT))),
        "db": _get(env, "MISS_DB_NAME", "miss"),
        "username": _get(env, "MISS_DB_USER", "miss"),
    }
    if _get(env, "MISS_DB_PASSWORD"):
        config["password"] = ("${MISS_DB_PASSWORD}" if secrets_as_references
                              else _get(env, "MISS_DB_PASSWORD"))
    return config


def lock_store_config(env: Optional[Mapping[str, str]] = None,
                      secrets_as_references: bool = True) -> Optional[Dict[str, object]]:
    """Redis with MISS_REDIS_HOST (needed when several Rasa servers share the
    conversations), else None: Rasa's in-memory lock store, right for one server."""
    host = _get(env, "MISS_REDIS_HOST")
    if not host:
        return None
    config: Dict[str, object] = {
        "type": LOCK_STORE_TYPE,
        "url": host,
        "port": int(_get(env, "MISS_REDIS_PORT", str(DEFAULT_REDIS_PORT))),
        "db": int(_get(env, "MISS_REDIS_DB", "1")),
        "key_prefix": "miss",
    }
    if _get(env, "MISS_REDIS_PASSWORD"):
        config["password"] = ("${MISS_REDIS_PASSWORD}" if secrets_as_references
                              else _get(env, "MISS_REDIS_PASSWORD"))
    return config


def serving_args(env: Optional[Mapping[str, str]] = None) -> List[str]:
    """`rasa run` arguments for safe serving.

    Logs through assistant/logging.yml (redaction); the HTTP API (trackers,
    /model, /conversations/...) only with JWT auth, when MISS_JWT_SECRET is set;
    the response timeout also for the API's app (Rasa sets it there itself)."""
    full = rasa_server_env(env)
    from channels.sms_optouts import check_settings

    check_settings(full)  # PostgreSQL and SMS need MISS_SMS_HASH_KEY (shared opt-outs)
    from channels.rate_limit import check_settings as check_rate_limits

    check_rate_limits(full)  # MISS_RATE_* are whole numbers
    args = ["--logging-config-file", str(LOGGING_CONFIG),
            "--response-timeout", full["SANIC_RESPONSE_TIMEOUT"]]
    secret = _get(full, "MISS_JWT_SECRET")
    if secret:
        if len(secret) < MIN_JWT_SECRET_CHARS:
            raise ValueError(f"MISS_JWT_SECRET must be at least {MIN_JWT_SECRET_CHARS} "
                             "characters (e.g. `openssl rand -hex 32`)")
        args += ["--enable-api", "--jwt-secret", secret, "--jwt-method", "HS256"]
    return args


def prune_at_start(env: Optional[Mapping[str, str]] = None) -> None:
    """Deletes old conversations before the servers start, when MISS_RETENTION_DAYS is set."""
    days = _get(env, "MISS_RETENTION_DAYS")
    if not days:
        return
    from assistant.retention import prune

    try:
        removed = prune(float(days), env=env)
    except Exception as error:  # serving matters more; the next start tries again
        print(f"Retention: could not delete old conversations ({error}); starting anyway.",
              file=sys.stderr, flush=True)
        return
    print(f"Retention: deleted {removed} conversation(s) with no event in the last "
          f"{days} days.", flush=True)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float, proc: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s")


def stop(proc: Optional[subprocess.Popen], grace: float = 10.0) -> None:
    """Stops a process and everything it started (its process group)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def start_process(args: List[str], log: Optional[Path] = None,
                  env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    out = open(log, "ab") if log else None
    return subprocess.Popen(
        args,
        cwd=PROJECT_ROOT,
        env=env or base_env(),
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def write_endpoints(action_port: int, directory: Path,
                    env: Optional[Mapping[str, str]] = None) -> Path:
    """endpoints.yml with the action server on ``action_port`` and the tracker and
    lock stores from ``env`` (default: this process's environment); the rest as
    in the project's. Creates the data folder for SQLite."""
    import yaml

    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text("utf-8")) or {}
    host = action_host(env)
    if host == "localhost":
        host = "127.0.0.1"
    url_host = f"[{host}]" if ":" in host else host
    endpoints["action_endpoint"] = {"url": f"http://{url_host}:{action_port}/webhook"}
    endpoints["tracker_store"] = tracker_store_config(env)
    if endpoints["tracker_store"]["dialect"] == "sqlite":
        data_dir(env).mkdir(parents=True, exist_ok=True)
    lock_store = lock_store_config(env)
    if lock_store:
        endpoints["lock_store"] = lock_store
    else:
        endpoints.pop("lock_store", None)
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Assistant:
    host: str
    port: int
    action_port: int
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def rest_webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"


def start_action_server(port: int, log: Optional[Path] = None,
                        env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    """`rasa run actions` on MISS_ACTION_HOST (loopback by default):``port``."""
    env = action_server_env(env)
    from assistant.quiet import command

    proc = start_process(
        command("rasa", "run", "actions", "--actions", "actions",
                "--port", str(port), "--logging-config-file", str(LOGGING_CONFIG)),
        log=log,
        env=env,
    )
    try:
        wait_for_http(f"{browser_url(env['SANIC_HOST'], port)}/health", timeout=60, proc=proc)
    except Exception:
        stop(proc)
        raise
    return proc


def rasa_run_args(host: str, port: int, endpoints: Path, model: Path = MODEL) -> List[str]:
    """`rasa run`, through assistant.quiet so that dependencies' warnings stay quiet."""
    from assistant.quiet import command

    return command(
        "rasa", "run",
        "--model", str(model),
        "--endpoints", str(endpoints),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
        "--interface", host,
        "--port", str(port),
    )


@contextmanager
def running_assistant(host: str = "127.0.0.1", port: Optional[int] = None,
                      action_port: Optional[int] = None, log_dir: Optional[Path] = None,
                      start_timeout: float = 180, env: Optional[Dict[str, str]] = None,
                      extra_args: Sequence[str] = (),
                      start_actions: bool = True) -> Iterator[Assistant]:
    """The action server and the Rasa server, stopped on exit whatever happens.

    ``env`` is added to both servers' environment (and chooses the tracker and
    lock stores, the data folder, the JWT secret: see serving_args and
    write_endpoints); ``extra_args`` go to `rasa run`. With ``start_actions=False``
    the Rasa server uses an action server already running on ``action_port``
    (a second Rasa server sharing the first one's).
    """
    full_env = {**base_env(), **(env or {})}
    port = port or free_port()
    action_port = action_port or free_port()
    assistant = Assistant(host, port, action_port)
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(log_dir) if log_dir else Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        try:
            endpoints = write_endpoints(action_port, Path(tmp), full_env)
            prune_at_start(full_env)
            if start_actions:
                assistant.processes.append(
                    start_action_server(action_port, log=logs / "actions.log", env=full_env))
            rasa = start_process(
                rasa_run_args(host, port, endpoints) + serving_args(full_env)
                + list(extra_args),
                log=logs / "rasa.log",
                env=rasa_server_env(full_env),
            )
            assistant.processes.append(rasa)
            wait_for_http(f"{assistant.url}/", timeout=start_timeout, proc=rasa)
            yield assistant
        finally:
            for proc in reversed(assistant.processes):
                stop(proc)


# --- Website chat widget (widget/): static files, demo page and CORS origins ---

WIDGET_DIR = PROJECT_ROOT / "widget"
DEFAULT_WIDGET_PORT = 8080
WIDGET_CONFIG_PATH = "/miss-widget-config.json"
_WIDGET_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# scheme://host[:port] and nothing else: Rasa's CORS library treats strings with
# *, ?, ] or \ as regular expressions, so none of those may get through.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$")


def browser_url(host: str, port: int) -> str:
    """The URL a browser on this machine uses for a server bound to host:port."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def parse_origins(value: str) -> List[str]:
    """Comma-separated exact origins (https://clinic.example), validated."""
    origins = []
    for item in (value or "").split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        if not _ORIGIN.match(origin):
            raise ValueError(
                f"not an exact origin: {origin!r} (use scheme://host[:port], "
                "e.g. https://www.clinic.example; '*' and patterns are not allowed)")
        origins.append(origin.lower())
    return origins


def cors_origins(widget_origin: Optional[str] = None,
                 configured: Optional[str] = None) -> List[str]:
    """The demo page's origin (and its localhost alias) plus MISS_CORS_ORIGINS."""
    if configured is None:
        configured = os.environ.get("MISS_CORS_ORIGINS", "")
    origins: List[str] = []
    if widget_origin:
        origins.append(widget_origin)
        if widget_origin.startswith("http://127.0.0.1:"):
            origins.append(widget_origin.replace("127.0.0.1", "localhost", 1))
    origins += parse_origins(configured)
    return list(dict.fromkeys(origins))


def cors_args(origins: Sequence[str]) -> List[str]:
    """`rasa run` arguments allowing exactly these origins (none: no CORS header at all)."""
    return ["--cors", *origins] if origins else []


def widget_config(rasa_url: str) -> Dict[str, object]:
    """What the widget fetches at start: the server and the clinic's own details."""
    import yaml

    from actions.clinic import load_clinic

    clinic = load_clinic()
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8")) or {}
    greet = ((domain.get("responses") or {}).get("utter_greet") or [{}])[0]
    suggestions = [{"title": str(b["title"]), "payload": str(b["payload"])}
                   for b in greet.get("buttons") or [] if b.get("title") and b.get("payload")]
    return {
        "server": rasa_url,
        "clinicName": clinic["clinic_name"],
        "emergencyNumber": clinic["emergency_number"],
        "suggestions": suggestions,
    }


def widget_file(url_path: str) -> Optional[Path]:
    """The file under widget/ that a URL path names, if it may be served."""
    parts = [p for p in urllib.parse.unquote(url_path).split("/") if p]
    if not parts or any(p.startswith(".") or p == "node_modules" for p in parts):
        return None
    path = (WIDGET_DIR / Path(*parts)).resolve()
    if WIDGET_DIR.resolve() not in path.parents or path.suffix not in _WIDGET_TYPES:
        return None
    return path if path.is_file() else None


def render_demo_page(rasa_url: str) -> bytes:
    """widget/demo/index.html with the Rasa URL and the clinic's details filled in."""
    from actions.clinic import load_clinic

    values = {**load_clinic(), "server": rasa_url}
    page = (WIDGET_DIR / "demo" / "index.html").read_text("utf-8")
    page = re.sub(r"\{\{(\w+)\}\}",
                  lambda m: html.escape(values.get(m.group(1), m.group(0)), quote=True), page)
    return page.encode("utf-8")


class _WidgetHandler(BaseHTTPRequestHandler):
    server_version = "miss-widget"
    sys_version = ""
    widget: "WidgetServer"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = urllib.parse.urlsplit(self.path).path
        headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        if path in ("/", "/demo"):
            self.send_response(302)
            self.send_header("Location", "/demo/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            if path == WIDGET_CONFIG_PATH:
                body = json.dumps(widget_config(self.widget.rasa_url)).encode("utf-8")
                content_type = "application/json"
                origin = self.headers.get("Origin", "")
                if origin.lower() in self.widget.cors_origins:
                    headers["Access-Control-Allow-Origin"] = origin
                headers["Vary"] = "Origin"
            elif path in ("/demo/", "/demo/index.html"):
                body, content_type = render_demo_page(self.widget.rasa_url), _WIDGET_TYPES[".html"]
            else:
                file = widget_file(path)
                if file is None:
                    self.send_error(404)
                    return
                body, content_type = file.read_bytes(), _WIDGET_TYPES[file.suffix]
        except Exception as error:  # a broken clinic.yml must not kill the server
            self.log_error("cannot serve %s: %s", path, error)
            self.send_error(500)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if self.widget.verbose:
            super().log_message(format, *args)


@dataclass
class WidgetServer:
    """The widget's files and demo page, served from a thread of this process."""
    httpd: ThreadingHTTPServer
    rasa_url: str
    cors_origins: List[str]
    verbose: bool = False
    thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return browser_url(str(host), int(port))

    @property
    def origin(self) -> str:
        return self.url

    @property
    def demo_url(self) -> str:
        return f"{self.url}/demo/"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


def start_widget_server(rasa_url: str, host: str = "127.0.0.1", port: int = DEFAULT_WIDGET_PORT,
                        configured_origins: Optional[str] = None,
                        verbose: bool = False) -> WidgetServer:
    """Serves widget/ on host:port (0: a free port); the demo page talks to rasa_url.

    Its ``cors_origins`` (demo origin + MISS_CORS_ORIGINS) are the ones to give
    `rasa run` with ``cors_args``.
    """
    handler = type("WidgetHandler", (_WidgetHandler,), {})
    httpd = ThreadingHTTPServer((host, port), handler)
    httpd.daemon_threads = True
    widget = WidgetServer(httpd, rasa_url, [], verbose)
    try:
        widget.cors_origins = cors_origins(widget.origin, configured_origins)
    except ValueError:
        httpd.server_close()
        raise
    handler.widget = widget
    widget.thread = threading.Thread(target=httpd.serve_forever, name="miss-widget", daemon=True)
    widget.thread.start()
    return widget


@contextmanager
def serving_widget(rasa_url: str, host: str = "127.0.0.1", port: int = 0,
                   configured_origins: Optional[str] = None) -> Iterator[WidgetServer]:
    widget = start_widget_server(rasa_url, host, port, configured_origins)
    try:
        yield widget
    finally:
        widget.close()


def _start_widget(args: argparse.Namespace) -> Optional[WidgetServer]:
    """For `run`: the widget server, unless --no-widget."""
    if args.no_widget:
        return None
    try:
        return start_widget_server(browser_url(args.host, args.port), args.widget_host,
                                   args.widget_port)
    except OSError as error:
        raise SystemExit(f"Cannot serve the website chat widget on {args.widget_host}:"
                         f"{args.widget_port} ({error.strerror or error}): set MISS_WIDGET_PORT "
                         "to a free port, or use --no-widget.")


SHELL_SENDER_PREFIX = "shell-"


def _shell(args: argparse.Namespace) -> int:
    """A terminal chat through the same server and REST channel patients use: the
    readable client (assistant/shell.py), or Rasa's own console with --rasa-console."""
    import uuid

    sender = f"{SHELL_SENDER_PREFIX}{uuid.uuid4().hex[:8]}"
    logs = PROJECT_ROOT / "var" / "logs"
    print(f"Starting the assistant for the shell (about 30 s; server logs in {logs})...",
          flush=True)
    try:
        with running_assistant(port=args.port, action_port=args.action_port,
                               log_dir=logs) as assistant:
            if args.rasa_console:
                import asyncio

                from rasa.core.channels.console import record_messages

                asyncio.run(record_messages(sender_id=sender, server_url=assistant.url))
                return 0
            from assistant.shell import chat

            return chat(assistant.rest_webhook, sender=sender)
    except KeyboardInterrupt:
        print(flush=True)
        return 0


def sms_status(env: Optional[Mapping[str, str]] = None) -> str:
    """Whether the Twilio SMS channel is on, as the channel itself decides
    (channels/twilio_sms.py: the account SID, auth token and number all set)."""
    names = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")
    missing = [name for name in names if not _get(env, name)]
    if not missing:
        digits = re.sub(r"\D", "", _get(env, "TWILIO_NUMBER"))
        return f"on, for the number ending {digits[-2:]}"
    if len(missing) == len(names):
        return "off: set " + ", ".join(names) + " to turn it on"
    return "off: " + ", ".join(missing) + " not set (run `make doctor`)"


def startup_block(rasa_url: str, demo_url: Optional[str],
                  env: Optional[Mapping[str, str]] = None) -> List[str]:
    """The lines `run` ends its start-up with: every address it serves, the
    stores in use and how to stop it."""
    tracker = tracker_store_config(env)
    if tracker["dialect"] == "sqlite":
        conversations = f"SQLite, {tracker['db']}"
    else:
        conversations = (f"PostgreSQL, {tracker['username']}@{tracker['url']}:"
                         f"{tracker['port']}/{tracker['db']}")
    lock = lock_store_config(env)
    locks = (f"Redis, {lock['url']}:{lock['port']} db {lock['db']}" if lock
             else "in memory (right for one server)")
    api = "on, JWT only" if _get(env, "MISS_JWT_SECRET") else "off"
    rows = [
        ("REST channel", f"{rasa_url}/webhooks/rest/webhook"),
        ("Widget demo page", demo_url or "off (--no-widget)"),
        ("SMS webhook", f"{rasa_url}/webhooks/twilio_sms/webhook"),
        ("", f"({sms_status(env)})"),
        ("Conversations", conversations),
        ("Locks", locks),
        ("HTTP API", api),
    ]
    rule = "-" * 72
    lines = ["", rule, "MISS assistant is ready."]
    lines += [f"  {label + ':' if label else '':<18}{value}" for label, value in rows]
    lines += ["Chat with it in a terminal: .venv/bin/python -m assistant.shell",
              "Stop it with Ctrl+C.", rule]
    return lines


def _run(args: argparse.Namespace) -> int:
    env = base_env()
    print("Starting the MISS assistant (about 30 s)...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        endpoints = write_endpoints(args.action_port, Path(tmp), env)
        prune_at_start(env)
        widget = _start_widget(args)
        origins = widget.cors_origins if widget else cors_origins()
        actions = start_action_server(args.action_port, env=env)
        try:
            rasa = start_process(rasa_run_args(args.host, args.port, endpoints)
                                 + serving_args(env) + cors_args(origins),
                                 env=rasa_server_env(env))
            try:
                wait_for_http(f"{browser_url(args.host, args.port)}/", timeout=180, proc=rasa)
                time.sleep(0.5)  # let the servers' own start-up lines come first
                print("\n".join(startup_block(browser_url(args.host, args.port),
                                              widget.demo_url if widget else None, env)),
                      flush=True)
                return rasa.wait()
            finally:
                stop(rasa)
        except KeyboardInterrupt:
            return 130
        finally:
            stop(actions)
            if widget:
                widget.close()


def main(argv: Optional[List[str]] = None) -> int:
    from assistant.quiet import quiet_dependencies

    quiet_dependencies()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "shell"])
    parser.add_argument("--host", default=os.environ.get("MISS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("MISS_PORT", "5005")))
    parser.add_argument("--action-port", type=int,
                        default=int(os.environ.get("MISS_ACTION_PORT", "5055")))
    parser.add_argument("--widget-host", default=os.environ.get("MISS_WIDGET_HOST", "127.0.0.1"))
    parser.add_argument("--widget-port", type=int,
                        default=int(os.environ.get("MISS_WIDGET_PORT", DEFAULT_WIDGET_PORT)))
    parser.add_argument("--no-widget", action="store_true",
                        help="do not serve the website chat widget and its demo page")
    parser.add_argument("--rasa-console", action="store_true",
                        help="shell: Rasa's own console client instead of the readable one")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"No trained model at {MODEL}; run `make train` first (or `make doctor`).",
              file=sys.stderr)
        return 1
    try:
        cors_origins()
    except ValueError as error:
        print(f"MISS_CORS_ORIGINS: {error}", file=sys.stderr)
        return 2
    try:
        action_host()
        serving_args()
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    busy = _busy_ports(args)
    if busy:
        print("\n".join(busy), file=sys.stderr)
        if args.command == "shell":
            print("To chat with an assistant already running: "
                  ".venv/bin/python -m assistant.shell", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    return _shell(args) if args.command == "shell" else _run(args)


def _busy_ports(args: argparse.Namespace) -> List[str]:
    """One line with the fix for each port the servers could not listen on
    (assistant/doctor.py's check), instead of a traceback from deep inside Rasa."""
    from assistant.doctor import Port, check_ports

    ports = [Port("Rasa server", "MISS_PORT", args.host, args.port),
             Port("action server", "MISS_ACTION_PORT", action_host(), args.action_port)]
    if args.command == "run" and not args.no_widget:
        ports.append(Port("widget demo page", "MISS_WIDGET_PORT", args.widget_host,
                          args.widget_port))
    return check_ports([p for p in ports if p.port])


if __name__ == "__main__":
    sys.exit(main())

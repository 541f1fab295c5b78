"""Starting, waiting for and stopping the Rasa server (the assistant has no action
server: every reply is a response, filled by assistant/nlg.py).

Every server started here is served safely (README: "Production serving"):
conversations and locks as assistant/stores.py says, no HTTP API unless
MISS_JWT_SECRET is set (then JWT only), request size and timeouts limited,
logs redacted (assistant/logging.yml). Servers run through assistant/quiet.py,
which filters dependencies' warnings nobody running the assistant can act on.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Sequence

from assistant.stores import lock_store_config, tracker_store_config
from miss_config.paths import MODEL, PROJECT_ROOT
from miss_config.settings import Settings, load_settings

VENV_BIN = Path(sys.executable).parent
LOGGING_CONFIG = PROJECT_ROOT / "assistant" / "logging.yml"


def base_env() -> Dict[str, str]:
    """This process's environment, with the variables every server started here needs."""
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def browser_url(host: str, port: int) -> str:
    """The URL a browser on this machine uses for a server bound to host:port."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


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


# --- What each server is given -------------------------------------------------------

def rasa_server_env(env: Mapping[str, str], settings: Settings) -> Dict[str, str]:
    """The environment for `rasa run`: ``env`` with the request size limit and
    timeouts that Sanic reads from SANIC_* variables."""
    return {**env, **settings.sanic_env}


def serving_args(settings: Settings) -> List[str]:
    """`rasa run` arguments for safe serving.

    Logs through assistant/logging.yml (redaction); the HTTP API (trackers,
    /model, /conversations/...) only with JWT auth, when MISS_JWT_SECRET is set;
    the response timeout also for the API's app (Rasa sets it there itself)."""
    args = ["--logging-config-file", str(LOGGING_CONFIG),
            "--response-timeout", str(settings.sanic_response_timeout)]
    if settings.jwt_secret:
        args += ["--enable-api", "--jwt-secret", settings.jwt_secret, "--jwt-method", "HS256"]
    return args


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


def write_endpoints(directory: Path, settings: Settings) -> Path:
    """endpoints.yml with the tracker and lock stores of ``settings``; the rest as in
    the project's. Creates the data folder for SQLite."""
    import yaml

    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text("utf-8")) or {}
    endpoints["tracker_store"] = tracker_store_config(settings)
    if endpoints["tracker_store"]["dialect"] == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock_store = lock_store_config(settings)
    if lock_store:
        endpoints["lock_store"] = lock_store
    else:
        endpoints.pop("lock_store", None)
    path = directory / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


def prune_at_start(settings: Settings) -> None:
    """Deletes old conversations before the servers start, when MISS_RETENTION_DAYS is set."""
    days = settings.retention_days
    if days is None:
        return
    from assistant.retention import prune

    try:
        removed = prune(days, settings=settings)
    except Exception as error:  # serving matters more; the next start tries again
        print(f"Retention: could not delete old conversations ({error}); starting anyway.",
              file=sys.stderr, flush=True)
        return
    print(f"Retention: deleted {removed} conversation(s) with no event in the last "
          f"{days:g} days.", flush=True)


# --- Starting them ---------------------------------------------------------------------

@dataclass
class Assistant:
    host: str
    port: int
    processes: List[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def rest_webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"


@contextmanager
def running_assistant(host: str = "127.0.0.1", port: Optional[int] = None,
                      log_dir: Optional[Path] = None, start_timeout: float = 180,
                      env: Optional[Dict[str, str]] = None,
                      extra_args: Sequence[str] = ()) -> Iterator[Assistant]:
    """The Rasa server, stopped on exit whatever happens.

    ``env`` is added to its environment (and chooses the tracker and lock stores,
    the data folder, the JWT secret: see miss_config/settings.py); ``extra_args``
    go to `rasa run`.
    """
    full_env = {**base_env(), **(env or {})}
    settings = load_settings(full_env)
    port = port or free_port()
    assistant = Assistant(host, port)
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(log_dir) if log_dir else Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        try:
            endpoints = write_endpoints(Path(tmp), settings)
            prune_at_start(settings)
            rasa = start_process(
                rasa_run_args(host, port, endpoints) + serving_args(settings)
                + list(extra_args),
                log=logs / "rasa.log",
                env=rasa_server_env(full_env, settings),
            )
            assistant.processes.append(rasa)
            wait_for_http(f"{assistant.url}/", timeout=start_timeout, proc=rasa)
            yield assistant
        finally:
            for proc in reversed(assistant.processes):
                stop(proc)

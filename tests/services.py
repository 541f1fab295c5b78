"""Servers for the tests: the assistant in its configurations, and PostgreSQL and
Redis from Debian's packages, all on free loopback ports.

Every server is stopped by the context managers below whatever happens (the
assistant's processes as whole process groups), and temporary folders removed.
PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
that Debian's package creates. `make service-deps` installs both packages.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from assistant.processes import Assistant, browser_url, free_port, running_assistant
from assistant.widget_server import cors_args, serving_widget
from miss_config.paths import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# The JWT secret of the shared server with Rasa's HTTP API on (tests/conftest.py: secured).
API_JWT_SECRET = "secured-test-secret-0123456789abcdef0123456789"


def log_dir(name: str) -> Path:
    """Where a server started by the tests logs: test-artifacts/<name>."""
    return ARTIFACTS / name


@contextmanager
def served_assistant(logs: str, env: Dict[str, str], widget: bool = False,
                     extra_args: Sequence[str] = (), **options) -> Iterator[Assistant]:
    """The Rasa server with ``env`` added to its settings, logging to
    test-artifacts/``logs``; with ``widget``, the widget's demo page too, its
    origin allowed through CORS, as `make run` serves them (``.widget``).
    ``.data`` is the data folder of MISS_DATA_DIR. Other ``options`` go to the
    launcher's running_assistant (port, start_timeout, ...)."""
    data = Path(env["MISS_DATA_DIR"]) if env.get("MISS_DATA_DIR") else None
    with ExitStack() as stack:
        front = None
        if widget:
            port = options.setdefault("port", free_port())
            front = stack.enter_context(serving_widget(browser_url("127.0.0.1", port),
                                                       configured_origins=""))
            extra_args = [*extra_args, *cors_args(front.cors_origins)]
        running = stack.enter_context(running_assistant(
            env=env, log_dir=log_dir(logs), extra_args=extra_args, **options))
        running.data, running.widget = data, front
        yield running


@contextmanager
def two_servers(env: Dict[str, str], logs: str,
                data_dirs: Optional[Sequence[str]] = None) -> Iterator[Tuple[Assistant, Assistant]]:
    """Two Rasa servers started side by side, as on two machines behind a load
    balancer; each with a data folder of its own when ``data_dirs`` are given.
    Logs in test-artifacts/``logs``/a and /b."""
    settings = [{**env, "MISS_DATA_DIR": str(d)} for d in data_dirs] if data_dirs else [env, env]
    stacks = [ExitStack(), ExitStack()]
    try:
        with ThreadPoolExecutor(2) as pool:
            starting = [pool.submit(stacks[i].enter_context, served_assistant(
                f"{logs}/{'ab'[i]}", settings[i])) for i in range(2)]
        yield starting[0].result(), starting[1].result()
    finally:
        for stack in stacks:
            stack.close()


INSTALL_HINT = ("PostgreSQL and Redis are needed: run `make service-deps` "
                "(as root: apt-get install -y postgresql redis-server)")


def postgres_bin() -> Optional[Path]:
    """The newest of Debian's /usr/lib/postgresql/<version>/bin, or initdb on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def missing() -> List[str]:
    """Debian packages not installed yet."""
    result = []
    if postgres_bin() is None:
        result.append("postgresql")
    if shutil.which("redis-server") is None:
        result.append("redis-server")
    return result


def _run(args: List[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=kwargs.pop("timeout", 120), **kwargs)


@dataclass
class Postgres:
    port: int
    password: str
    user: str = "miss"
    database: str = "miss"
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="miss-pg-")))

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def env(self) -> Dict[str, str]:
        """The launcher's settings for this database."""
        return {"MISS_DB_HOST": "127.0.0.1", "MISS_DB_PORT": str(self.port),
                "MISS_DB_NAME": self.database, "MISS_DB_USER": self.user,
                "MISS_DB_PASSWORD": self.password}

    def _as_owner(self, args: List[str]) -> List[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password)
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        pwfile.chmod(0o600)
        _run(self._as_owner([str(postgres_bin() / "initdb"), "-D", str(self.data),
                             "-U", self.user, f"--pwfile={pwfile}", "-A", "scram-sha-256",
                             "-E", "UTF8", "--no-sync"]))
        pwfile.unlink()
        self.start()
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user,
                                      password=self.password, dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            connection.close()

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                   "-c max_connections=60")
        _run(self._as_owner([str(postgres_bin() / "pg_ctl"), "-D", str(self.data),
                             "-l", str(self.root / "postgres.log"), "-o", options,
                             "-w", "-t", "60", "start"]))

    def stop(self, mode: str = "fast") -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            _run(self._as_owner([str(postgres_bin() / "pg_ctl"), "-D", str(self.data),
                                 "-m", mode, "-w", "-t", "30", "stop"]), timeout=60)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._kill()

    def _kill(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass

    def connect(self):
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user,
                                password=self.password, dbname=self.database)

    def log(self) -> str:
        try:
            return (self.root / "postgres.log").read_text(errors="replace")
        except OSError:
            return ""


@contextmanager
def running_postgres(password: str = "miss-test-password") -> Iterator[Postgres]:
    server = Postgres(port=free_port(), password=password)
    try:
        server.init()
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(server.root, ignore_errors=True)


@dataclass
class Redis:
    port: int
    password: str
    process: Optional[subprocess.Popen] = None

    @property
    def env(self) -> Dict[str, str]:
        return {"MISS_REDIS_HOST": "127.0.0.1", "MISS_REDIS_PORT": str(self.port),
                "MISS_REDIS_PASSWORD": self.password}

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, password=self.password,
                           socket_timeout=5)


@contextmanager
def running_redis(password: str = "miss-test-redis") -> Iterator[Redis]:
    folder = tempfile.mkdtemp(prefix="miss-redis-")
    server = Redis(port=free_port(), password=password)
    try:
        server.process = subprocess.Popen(
            ["redis-server", "--port", str(server.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", folder,
             "--requirepass", password, "--logfile", str(Path(folder) / "redis.log")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                if server.client().ping():
                    break
            except Exception:
                if server.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.1)
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()
        shutil.rmtree(folder, ignore_errors=True)

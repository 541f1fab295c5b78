"""`make doctor`: checks, in a few seconds and without starting anything, what
`make run` needs, and says for each problem, on one line, how to fix it.

    python -m assistant.doctor [--production]

Checked: Python 3.10 found; the virtual environment and its packages as
pyproject.toml pins them; the project's spaCy pipeline installed; a trained
model newer than everything it is trained from; the ports free; the settings
the launcher would refuse; knowledge/clinic.yml filled in (its placeholders are
a problem only for production: --production, or a setting that only a
deployment has: MISS_HOST not on loopback, MISS_DB_HOST, MISS_REDIS_HOST,
MISS_CORS_ORIGINS, TWILIO_*); PostgreSQL and Redis reachable when configured;
the Twilio variables complete. What only `make test` needs (Chromium, axe-core,
PostgreSQL and Redis programs) is listed as notes.

Runs with any Python 3.8+ (also before .venv exists): the standard library
only, the venv's packages are read by running the venv's Python. Exit status 1
when there is a problem (notes do not count).

Each check is a function returning its problems (one line each, with the fix),
so that the tests can give it a fake environment, paths and ports.
"""
import argparse
import errno
import glob
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV = PROJECT_ROOT / ".venv"
MODEL = PROJECT_ROOT / "models" / "miss-assistant.tar.gz"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
FIND_PYTHON = PROJECT_ROOT / "scripts" / "find-python.sh"
CLINIC_FILE = PROJECT_ROOT / "knowledge" / "clinic.yml"
PIPELINE_PACKAGE = "en_miss_pipeline"
PIPELINE_SOURCES = ("miss_nlp/pipeline.py", "miss_nlp/terms.py")
# What `make train` trains from (the Makefile's TRAINING_INPUTS).
TRAINING_INPUTS = ("config.yml", "domain.yml", "data/*.yml", "miss_nlp/*.py")
CHROMIUM = Path("/usr/bin/chromium")
TWILIO_REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")
CLINIC_KEYS = ("clinic_name", "clinic_phone", "clinic_hours", "clinic_website",
               "emergency_number", "crisis_line")
# The values knowledge/clinic.yml ships with, and what placeholders look like.
CLINIC_PLACEHOLDERS = {
    "clinic_name": "Example Spine Clinic",
    "clinic_phone": "(555) 010-0199",
    "clinic_website": "https://spine-clinic.example",
}
_PLACEHOLDER = re.compile(r"\bexample\b|\.example\b|\(?\b555\)?[\s.-]*01\d\d\b|\bTODO\b|\bXXX\b",
                          re.I)


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _get(env: Mapping[str, str], name: str, default: str = "") -> str:
    value = env.get(name)
    return value.strip() if value and value.strip() else default


# --- Python, virtual environment, packages --------------------------------------------

def pinned_packages(pyproject: Path = PYPROJECT) -> Dict[str, Optional[str]]:
    """{package: pinned version or None} from pyproject.toml's dependencies and
    optional dependencies (the Makefile installs `.[test]`)."""
    pins: Dict[str, Optional[str]] = {}
    in_array = False
    section = ""
    for raw in pyproject.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and not in_array:
            section = line.strip("[]").strip()
            continue
        starts = re.match(r"^([\w-]+)\s*=\s*\[", line)
        if starts and (section == "project" and starts.group(1) == "dependencies"
                       or section == "project.optional-dependencies"):
            in_array = True
            line = line[starts.end():]
        if not in_array:
            continue
        for requirement in re.findall(r'"([^"]+)"', line):
            match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*"
                             r"(?:==\s*([^\s;,]+))?", requirement)
            if match:
                pins[match.group(1).lower()] = match.group(2)
        if "]" in re.sub(r'"[^"]*"', "", line):
            in_array = False
    return pins


_VENV_PROBE = """
import json, sys
from importlib import metadata
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        found[name] = None
print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "packages": found}))
"""


def venv_info(venv: Path, names: Sequence[str], timeout: float = 30) -> Tuple[Optional[dict], str]:
    """(The venv's Python version and installed versions of ``names``, error)."""
    python = venv / "bin" / "python"
    if not python.exists():
        return None, "missing"
    try:
        done = subprocess.run([str(python), "-c", _VENV_PROBE, *names], capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode == 0:
            return json.loads(done.stdout.strip().splitlines()[-1]), ""
        error = (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        error = str(exc)
    return None, error


def check_python(venv_python: Optional[str], find_python: Path = FIND_PYTHON,
                 env: Optional[Mapping[str, str]] = None) -> List[str]:
    """Python 3.10: the venv's, or one scripts/find-python.sh finds to create it."""
    if venv_python:
        if venv_python.startswith("3.10."):
            return []
        return [f".venv uses Python {venv_python}, Rasa 3.6 needs 3.10: remove it "
                "(rm -rf .venv) and run `make setup`"]
    try:
        done = subprocess.run(["bash", str(find_python)], capture_output=True, text=True,
                              timeout=20, env=dict(os.environ if env is None else env))
    except (OSError, subprocess.TimeoutExpired) as error:
        return [f"cannot run {_rel(find_python)} ({error}): install bash, or set "
                "PYTHON=/path/to/python3.10"]
    if done.returncode == 0 and done.stdout.strip():
        return []
    message = " ".join(done.stderr.split()) or "No Python 3.10 found"
    if "PYTHON=" not in message:
        message += ": install Python 3.10 or set PYTHON=/path/to/python3.10"
    return [message]


def check_venv(venv: Path, info: Optional[dict], error: str = "") -> List[str]:
    if not (venv / "bin" / "python").exists():
        return [f"no virtual environment at {_rel(venv)}: run `make setup` "
                "(`make run` also does it first)"]
    if info is None:
        return [f"{_rel(venv)}/bin/python does not run ({error}): remove it "
                "(rm -rf .venv) and run `make setup`"]
    if not (venv / ".stamps" / "venv").exists():
        return [f"the installation into {_rel(venv)} did not finish: run `make setup` "
                f"(its log: {_rel(venv)}/pip.log)"]
    return []


def check_packages(pins: Mapping[str, Optional[str]],
                   installed: Mapping[str, Optional[str]]) -> List[str]:
    problems = []
    for name, wanted in pins.items():
        have = installed.get(name)
        if have is None:
            problems.append(f"{name} is not installed in .venv: run `make setup`")
        elif wanted and have != wanted:
            problems.append(f"{name} {have} is installed but pyproject.toml pins {wanted}: "
                            "run `make setup`")
    return problems


def check_spacy_pipeline(version: Optional[str], stamp: Path,
                         sources: Sequence[Path]) -> List[str]:
    if version is None:
        return [f"the spaCy pipeline {PIPELINE_PACKAGE} is not installed in .venv: "
                "run `make setup`"]
    if not stamp.exists():
        return [f"the spaCy pipeline {PIPELINE_PACKAGE} was not built by `make setup` "
                "here: run `make setup`"]
    newer = [p for p in sources if p.exists() and p.stat().st_mtime > stamp.stat().st_mtime]
    if newer:
        return [f"{_rel(newer[0])} changed since the spaCy pipeline was built: "
                "run `make setup`, then `make train`"]
    return []


# --- Trained model -------------------------------------------------------------------

def training_inputs(root: Path = PROJECT_ROOT) -> List[Path]:
    files: List[Path] = []
    for pattern in TRAINING_INPUTS:
        files += sorted(Path(p) for p in glob.glob(str(root / pattern)))
    return files


def check_model(model: Path, inputs: Sequence[Path]) -> List[str]:
    """A model exists, is a gzip file, and is newer than what it is trained from
    (the rule `make run` uses to decide whether to train again)."""
    if not model.exists():
        return [f"no trained model at {_rel(model)}: run `make train` "
                "(about 5 minutes; `make run` also trains first)"]
    with open(model, "rb") as handle:
        if handle.read(2) != b"\x1f\x8b":
            return [f"{_rel(model)} is not a trained model (not a .tar.gz): "
                    "delete it and run `make train`"]
    trained = model.stat().st_mtime
    newer = sorted((p for p in inputs if p.exists() and p.stat().st_mtime > trained),
                   key=lambda p: -p.stat().st_mtime)
    if newer:
        more = f" and {len(newer) - 1} more" if len(newer) > 1 else ""
        return [f"the model is older than {_rel(newer[0])}{more} (changed since training): "
                "run `make train`"]
    return []


# --- Ports and settings ----------------------------------------------------------------

class Port(NamedTuple):
    what: str
    variable: str
    host: str
    port: int


def ports_from(env: Mapping[str, str]) -> List[Port]:
    return [
        Port("Rasa server", "MISS_PORT", _get(env, "MISS_HOST", "127.0.0.1"),
             int(_get(env, "MISS_PORT", "5005"))),
        Port("action server", "MISS_ACTION_PORT", _get(env, "MISS_ACTION_HOST", "127.0.0.1"),
             int(_get(env, "MISS_ACTION_PORT", "5055"))),
        Port("widget demo page", "MISS_WIDGET_PORT", _get(env, "MISS_WIDGET_HOST", "127.0.0.1"),
             int(_get(env, "MISS_WIDGET_PORT", "8080"))),
    ]


def check_ports(ports: Sequence[Port]) -> List[str]:
    """Each port can be bound as the servers bind it (SO_REUSEADDR)."""
    problems = []
    for item in ports:
        family = socket.AF_INET6 if ":" in item.host else socket.AF_INET
        host = "127.0.0.1" if item.host == "localhost" else item.host
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, item.port))
            except OSError as error:
                where = f"{item.host}:{item.port} ({item.what}, {item.variable})"
                if error.errno == errno.EADDRINUSE:
                    problems.append(
                        f"port {where} is in use: stop what uses it (`ss -ltnp 'sport = "
                        f":{item.port}'`; an assistant already running?) or set "
                        f"{item.variable} to a free port")
                elif error.errno == errno.EACCES:
                    problems.append(f"port {where} needs root: set {item.variable} "
                                    "to a port above 1023")
                elif error.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                    problems.append(f"{item.host} is not an address of this machine "
                                    f"({item.what}): fix the host setting")
                else:
                    problems.append(f"cannot listen on {where}: {error.strerror or error}")
    return problems


def check_settings(env: Mapping[str, str]) -> List[str]:
    """What the launcher refuses at start: bad numbers, JWT secret, CORS, action host."""
    problems = []
    for name in ("MISS_PORT", "MISS_ACTION_PORT", "MISS_WIDGET_PORT", "MISS_DB_PORT",
                 "MISS_REDIS_PORT", "MISS_REDIS_DB", "MISS_RETENTION_DAYS"):
        value = _get(env, name)
        if value and not re.fullmatch(r"\d+(\.\d+)?" if name == "MISS_RETENTION_DAYS"
                                      else r"\d+", value):
            problems.append(f"{name}={value!r} is not a number: fix or unset it")
    try:
        from assistant import launcher
    except Exception as error:  # pragma: no cover (a broken checkout)
        return problems + [f"cannot load assistant/launcher.py ({error}): restore it "
                           "(git status)"]
    try:
        launcher.action_host(env)
    except ValueError as error:
        problems.append(f"{error}: set MISS_ACTION_HOST to one")
    secret = _get(env, "MISS_JWT_SECRET")
    if secret and len(secret) < launcher.MIN_JWT_SECRET_CHARS:
        problems.append(f"MISS_JWT_SECRET has {len(secret)} characters, at least "
                        f"{launcher.MIN_JWT_SECRET_CHARS} are needed: use `openssl rand -hex 32`")
    try:
        launcher.parse_origins(_get(env, "MISS_CORS_ORIGINS"))
    except ValueError as error:
        problems.append(f"MISS_CORS_ORIGINS: {error}")
    return problems


# --- The clinic's details --------------------------------------------------------------

def read_clinic(path: Path) -> Dict[str, str]:
    text = path.read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:
        values = {}
        for match in re.finditer(r"^(\w+):\s*(.*?)\s*$", text, re.M):
            value = match.group(2)
            if not value.startswith(("'", '"')):
                value = value.split(" #", 1)[0]
            values[match.group(1)] = value.strip().strip("\"'")
        return values
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("not a list of `key: value` settings")
    return {str(k): str(v).strip() for k, v in data.items() if v is not None}


def is_production(env: Mapping[str, str]) -> bool:
    """Settings only a deployment has (or MISS_PRODUCTION=1 / --production)."""
    if _get(env, "MISS_PRODUCTION") not in ("", "0"):
        return True
    host = _get(env, "MISS_HOST", "127.0.0.1")
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    return (not loopback or any(_get(env, name) for name in
                                ("MISS_DB_HOST", "MISS_REDIS_HOST", "MISS_CORS_ORIGINS",
                                 *TWILIO_REQUIRED)))


def clinic_placeholders(values: Mapping[str, str]) -> List[str]:
    return [key for key in CLINIC_KEYS if values.get(key)
            and (values[key] == CLINIC_PLACEHOLDERS.get(key) or _PLACEHOLDER.search(values[key]))]


def check_clinic(path: Path, production: bool) -> List[str]:
    """Every setting present; in production none left at its placeholder."""
    where = _rel(path)
    try:
        values = read_clinic(path)
    except OSError as error:
        return [f"cannot read {where} ({error.strerror or error}): restore it "
                "(git checkout knowledge/clinic.yml) and fill in the clinic's details"]
    except Exception as error:
        return [f"{where} is not valid YAML ({str(error).splitlines()[0]}): fix it"]
    missing = [key for key in CLINIC_KEYS if not values.get(key)]
    if missing:
        return [f"{where} has no {', '.join(missing)}: fill in the clinic's details"]
    placeholders = clinic_placeholders(values)
    if production and placeholders:
        return [f"{where} still has placeholders ({', '.join(placeholders)}): "
                "put the clinic's own details there before patients use it"]
    return []


# --- PostgreSQL, Redis, Twilio ------------------------------------------------------------

def _connect(host: str, port: int, timeout: float) -> Tuple[Optional[socket.socket], str]:
    try:
        return socket.create_connection((host, port), timeout=timeout), ""
    except socket.timeout:
        return None, f"no answer within {timeout:g} s"
    except OSError as error:
        return None, error.strerror or str(error)


def check_postgres(env: Mapping[str, str], timeout: float = 3.0) -> List[str]:
    host = _get(env, "MISS_DB_HOST")
    if not host:
        return []
    try:
        port = int(_get(env, "MISS_DB_PORT", "5432"))
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
    user, name = _get(env, "MISS_DB_USER", "miss"), _get(env, "MISS_DB_NAME", "miss")
    try:
        psycopg2.connect(host=host, port=port, user=user, dbname=name,
                         password=_get(env, "MISS_DB_PASSWORD") or None,
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
    host = _get(env, "MISS_REDIS_HOST")
    if not host:
        return []
    try:
        port = int(_get(env, "MISS_REDIS_PORT", "6379"))
    except ValueError:
        return []
    where = f"Redis at {host}:{port}"
    sock, error = _connect(host, port, timeout)
    if sock is None:
        return [f"{where} (MISS_REDIS_HOST, MISS_REDIS_PORT) is unreachable ({error}): "
                "start it, or fix MISS_REDIS_HOST/MISS_REDIS_PORT"]
    try:
        with sock:
            password = _get(env, "MISS_REDIS_PASSWORD")
            if password:
                reply = _redis_command(sock, "AUTH", password)
                if not reply.startswith("+"):
                    return [f"{where} refused MISS_REDIS_PASSWORD ({reply.lstrip('-')}): "
                            "fix MISS_REDIS_PASSWORD"]
            reply = _redis_command(sock, "SELECT", _get(env, "MISS_REDIS_DB", "1"))
            if "NOAUTH" in reply:
                return [f"{where} needs a password: set MISS_REDIS_PASSWORD"]
            if not reply.startswith("+"):
                return [f"{where} refused database {_get(env, 'MISS_REDIS_DB', '1')} "
                        f"({reply.lstrip('-')}): fix MISS_REDIS_DB"]
    except (OSError, socket.timeout) as error:
        return [f"{where} does not answer like Redis ({error}): check MISS_REDIS_HOST/"
                "MISS_REDIS_PORT"]
    return []


def check_twilio(env: Mapping[str, str]) -> List[str]:
    """All three of the SMS channel's variables, or none; the values' formats."""
    have = [name for name in TWILIO_REQUIRED if _get(env, name)]
    extra = [name for name in ("TWILIO_WEBHOOK_URL",) if _get(env, name)]
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
    if not re.fullmatch(r"AC[0-9a-fA-F]{32}", _get(env, "TWILIO_ACCOUNT_SID")):
        problems.append("TWILIO_ACCOUNT_SID is not an account SID (AC + 32 hex digits): "
                        "copy it from the Twilio Console")
    if not re.fullmatch(r"[0-9a-fA-F]{32}", _get(env, "TWILIO_AUTH_TOKEN")):
        problems.append("TWILIO_AUTH_TOKEN is not an auth token (32 hex digits): "
                        "copy it from the Twilio Console")
    number = re.sub(r"[\s().-]", "", _get(env, "TWILIO_NUMBER"))
    if not re.fullmatch(r"\+[1-9]\d{6,14}", number):
        problems.append("TWILIO_NUMBER is not in E.164 form (+15550100123): fix it")
    url = _get(env, "TWILIO_WEBHOOK_URL")
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


# --- Running them -----------------------------------------------------------------------

class Result(NamedTuple):
    title: str
    problems: List[str]


def run_checks(env: Mapping[str, str], root: Path = PROJECT_ROOT, venv: Path = VENV,
               model: Path = MODEL, production: Optional[bool] = None) -> List[Result]:
    production = is_production(env) if production is None else production
    try:
        pins = pinned_packages(root / "pyproject.toml")
    except OSError:
        pins = {}
    info, error = venv_info(venv, [*pins, PIPELINE_PACKAGE])
    installed = (info or {}).get("packages", {})
    results = [Result(f"Python 3.10{' (.venv: ' + info['python'] + ')' if info else ''}",
                      check_python(info["python"] if info else None, root / "scripts" /
                                   "find-python.sh", env))]
    venv_problems = check_venv(venv, info, error)
    results.append(Result(f"virtual environment {_rel(venv)}", venv_problems))
    if not venv_problems:
        results.append(Result(f"packages as pinned in pyproject.toml ({len(pins)})",
                              check_packages(pins, installed)))
        results.append(Result(f"spaCy pipeline {PIPELINE_PACKAGE}", check_spacy_pipeline(
            installed.get(PIPELINE_PACKAGE), venv / ".stamps" / "spacy",
            [root / p for p in PIPELINE_SOURCES])))
    inputs = training_inputs(root) + [venv / ".stamps" / "spacy"]
    results.append(Result(f"trained model {_rel(model)}", check_model(model, inputs)))
    try:
        ports = ports_from(env)
        results.append(Result("ports free: " + ", ".join(f"{p.port} ({p.what})" for p in ports),
                              check_ports(ports)))
    except ValueError:
        pass  # check_settings reports the number that is not one
    results.append(Result("settings (MISS_*)", check_settings(env)))
    clinic = root / "knowledge" / "clinic.yml"
    clinic_title = f"clinic details in {_rel(clinic)}"
    if not production:
        try:
            if clinic_placeholders(read_clinic(clinic)):
                clinic_title += (" (placeholders: fine for trying it out; fill them in "
                                 "before going live)")
        except Exception:
            pass
    results.append(Result(clinic_title, check_clinic(clinic, production)))
    if _get(env, "MISS_DB_HOST"):
        results.append(Result(f"PostgreSQL at {_get(env, 'MISS_DB_HOST')}", check_postgres(env)))
    if _get(env, "MISS_REDIS_HOST"):
        results.append(Result(f"Redis at {_get(env, 'MISS_REDIS_HOST')}", check_redis(env)))
    if any(_get(env, name) for name in (*TWILIO_REQUIRED, "TWILIO_WEBHOOK_URL")):
        results.append(Result("Twilio SMS settings", check_twilio(env)))
    return results


def report(results: Sequence[Result], notes: Sequence[str], production: bool,
           out=None) -> int:
    out = out or sys.stdout
    mode = ("for production" if production
            else "to try it out (`make doctor PRODUCTION=1`: before patients use it)")
    print(f"Checking what `make run` needs, {mode}; nothing is started.", file=out)
    problems = 0
    for result in results:
        if result.problems:
            for problem in result.problems:
                print(f"  FAIL  {problem}", file=out)
            problems += len(result.problems)
        else:
            print(f"  ok    {result.title}", file=out)
    if notes:
        print("Only for `make test` (not needed to run the assistant):", file=out)
        for note in notes:
            print(f"  note  {note}", file=out)
    if problems:
        print(f"{problems} problem{'s' if problems > 1 else ''}: fix "
              f"{'them' if problems > 1 else 'it'} and run `make doctor` again.", file=out)
    else:
        print("All set: `make run` starts the assistant.", file=out)
    out.flush()
    return 1 if problems else 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--production", action="store_true",
                        help="also require the clinic's own details (no placeholders)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    production = args.production or is_production(env)
    started = time.monotonic()
    results = run_checks(env, production=production)
    code = report(results, check_test_tools(), production)
    if time.monotonic() - started > 10:
        print(f"(the checks took {time.monotonic() - started:.0f} s)")
    return code


if __name__ == "__main__":
    sys.exit(main())

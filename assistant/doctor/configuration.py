"""Checks of how the assistant is configured: its ports free, its settings, the
clinic's details in knowledge/clinic.yml."""
import errno
import re
import socket
from pathlib import Path
from typing import Dict, List, Mapping, NamedTuple, Sequence

from assistant.doctor.common import relative
from miss_config.knowledge import REQUIRED_CLINIC_KEYS as CLINIC_KEYS
from miss_config.settings import read_setting, settings_problems

# The values knowledge/clinic.yml ships with, and what placeholders look like.
CLINIC_PLACEHOLDERS = {
    "clinic_name": "Example Spine Clinic",
    "clinic_phone": "(555) 010-0199",
    "clinic_website": "https://spine-clinic.example",
}
_PLACEHOLDER = re.compile(r"\bexample\b|\.example\b|\(?\b555\)?[\s.-]*01\d\d\b|\bTODO\b|\bXXX\b",
                          re.I)
# Settings only a deployment has (besides a host that is not loopback).
DEPLOYMENT_SETTINGS = ("db_host", "redis_host", "cors_origins", "twilio_account_sid",
                       "twilio_auth_token", "twilio_number")


class Port(NamedTuple):
    what: str
    variable: str
    host: str
    port: int


def ports_from(env: Mapping[str, str]) -> List[Port]:
    """The servers' ports as the settings give them (ValueError for one that is not a port)."""
    return [
        Port("Rasa server", "MISS_PORT", read_setting("host", env), read_setting("port", env)),
        Port("widget demo page", "MISS_WIDGET_PORT", read_setting("widget_host", env),
             read_setting("widget_port", env)),
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
    """What the launcher refuses at start (miss_config/settings.py), one line each."""
    return settings_problems(env)


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


def _is_set(env: Mapping[str, str], name: str) -> bool:
    try:
        return bool(read_setting(name, env))
    except ValueError:  # set, though wrong (check_settings says so)
        return True


def is_production(env: Mapping[str, str]) -> bool:
    """Settings only a deployment has (or MISS_PRODUCTION=1 / --production)."""
    if _is_set(env, "production"):
        return True
    host = read_setting("host", env)
    loopback = host in ("localhost", "::1") or host.startswith("127.")
    return not loopback or any(_is_set(env, name) for name in DEPLOYMENT_SETTINGS)


def clinic_placeholders(values: Mapping[str, str]) -> List[str]:
    return [key for key in CLINIC_KEYS if values.get(key)
            and (values[key] == CLINIC_PLACEHOLDERS.get(key) or _PLACEHOLDER.search(values[key]))]


def check_clinic(path: Path, production: bool) -> List[str]:
    """Every setting present; in production none left at its placeholder."""
    where = relative(path)
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

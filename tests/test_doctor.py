"""`make doctor` (assistant/doctor/): every problem it reports, one line with the fix."""
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.doctor import common, configuration, install, run, services
from assistant.doctor.configuration import Port
from assistant.processes import free_port
from miss_config.paths import PROJECT_ROOT


def one_line_with_fix(problems, *words):
    """Exactly one problem, on one line, naming ``words`` (the fix among them)."""
    assert len(problems) == 1, problems
    line = problems[0]
    assert "\n" not in line and ": " in line, line
    for word in words:
        assert word in line, (word, line)
    return line


def closed_port() -> int:
    """A loopback port nothing listens on."""
    return free_port()


# --- Python, venv, packages, spaCy pipeline -------------------------------------------

def test_no_python_310_is_reported_with_the_way_to_get_one(tmp_path):
    finder = tmp_path / "find-python.sh"
    finder.write_text("echo 'No Python 3.10 found: Rasa 3.6 needs Python 3.8-3.10. Install "
                      "Python 3.10 or set PYTHON=/path/to/python3.10, then run make again.' >&2\n"
                      "exit 1\n")
    one_line_with_fix(install.check_python(None, finder), "No Python 3.10", "PYTHON=")


def test_python_310_found_by_the_finder_or_in_the_venv(tmp_path):
    finder = tmp_path / "find-python.sh"
    finder.write_text("echo /usr/bin/python3.10\n")
    assert install.check_python(None, finder) == []
    assert install.check_python("3.10.13", finder) == []


def test_a_venv_with_another_python_is_reported():
    one_line_with_fix(install.check_python("3.12.1"), "3.12.1", "3.10", "make setup")


def test_missing_venv(tmp_path):
    venv = tmp_path / ".venv"
    one_line_with_fix(install.check_venv(venv, None, "missing"), "no virtual environment",
                      "make setup")


def test_unfinished_and_broken_venv(tmp_path):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    one_line_with_fix(install.check_venv(venv, {"python": "3.10.13", "packages": {}}),
                      "did not finish", "make setup")
    one_line_with_fix(install.check_venv(venv, None, "exec format error"), "does not run",
                      "make setup")
    (venv / ".stamps").mkdir()
    (venv / ".stamps" / "venv").touch()
    assert install.check_venv(venv, {"python": "3.10.13", "packages": {}}) == []


def test_venv_info_reads_the_venvs_own_python(tmp_path):
    venv = Path(sys.executable).parent.parent  # the venv running the tests
    info, error = install.venv_info(venv, ["pytest", "no-such-package-here"])
    assert error == ""
    assert info["python"].startswith("%d.%d." % sys.version_info[:2])
    assert info["packages"] == {"pytest": pytest.__version__, "no-such-package-here": None}
    assert install.venv_info(tmp_path / "none", ["pytest"]) == (None, "missing")


def test_pins_are_read_from_pyproject():
    pins = install.pinned_packages()
    assert pins["rasa"] == "3.6.21" and pins["spacy"] == "3.4.4"
    assert pins["pexpect"]  # the test extra, which `make setup` installs too
    assert "scikit-learn" in pins and pins["scikit-learn"] is None


def test_wrong_and_missing_package_versions():
    pins = {"rasa": "3.6.21", "spacy": "3.4.4", "scikit-learn": None}
    line = one_line_with_fix(
        install.check_packages(pins, {"rasa": "3.6.20", "spacy": "3.4.4", "scikit-learn": "1.1"}),
        "rasa 3.6.20", "pins 3.6.21", "make setup")
    assert "spacy" not in line
    one_line_with_fix(
        install.check_packages(pins, {"rasa": "3.6.21", "spacy": "3.4.4", "scikit-learn": None}),
        "scikit-learn is not installed", "make setup")
    assert install.check_packages(pins, {"rasa": "3.6.21", "spacy": "3.4.4",
                                        "scikit-learn": "1.1.3"}) == []


def test_missing_or_outdated_spacy_pipeline(tmp_path):
    stamp, source = tmp_path / "spacy", tmp_path / "pipeline.py"
    one_line_with_fix(install.check_spacy_pipeline(None, stamp, [source]),
                      "en_miss_pipeline is not installed", "make setup")
    one_line_with_fix(install.check_spacy_pipeline("1.0.0", stamp, [source]),
                      "en_miss_pipeline", "make setup")
    stamp.touch()
    source.touch()
    os.utime(stamp, (time.time() - 60, time.time() - 60))
    one_line_with_fix(install.check_spacy_pipeline("1.0.0", stamp, [source]),
                      "pipeline.py changed", "make setup", "make train")
    os.utime(stamp, None)
    assert install.check_spacy_pipeline("1.0.0", stamp, [source]) == []


# --- Model ---------------------------------------------------------------------------

def test_missing_model(tmp_path):
    one_line_with_fix(install.check_model(tmp_path / "miss-assistant.tar.gz", []),
                      "no trained model", "make train")


def test_model_older_than_its_training_data(tmp_path):
    model, domain = tmp_path / "miss-assistant.tar.gz", tmp_path / "domain.yml"
    model.write_bytes(b"\x1f\x8b" + b"\0" * 10)
    domain.write_text("version: '3.1'\n")
    os.utime(model, (time.time() - 60, time.time() - 60))
    one_line_with_fix(install.check_model(model, [domain]), "older than", "domain.yml",
                      "make train")
    os.utime(model, None)
    assert install.check_model(model, [domain]) == []


def test_a_model_that_is_not_an_archive(tmp_path):
    model = tmp_path / "miss-assistant.tar.gz"
    model.write_text("<html>not a model</html>")
    one_line_with_fix(install.check_model(model, []), "not a trained model", "make train")


def test_training_inputs_are_the_makefiles():
    names = {p.name for p in install.training_inputs()}
    assert {"config.yml", "domain.yml", "nlu.yml", "rules.yml", "pipeline.py"} <= names


# --- Ports and settings ------------------------------------------------------------------

def test_busy_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = one_line_with_fix(
            configuration.check_ports([Port("Rasa server", "MISS_PORT", "127.0.0.1", port)]),
            f"127.0.0.1:{port}", "in use", "MISS_PORT")
        assert "Rasa server" in line
    assert configuration.check_ports([Port("Rasa server", "MISS_PORT", "127.0.0.1", port)]) == []


def test_host_that_is_not_this_machines():
    one_line_with_fix(configuration.check_ports([Port("Rasa server", "MISS_PORT", "192.0.2.77",
                                               free_port())]),
                      "192.0.2.77 is not an address of this machine")


def test_ports_come_from_the_launchers_variables():
    ports = configuration.ports_from({"MISS_PORT": "6005", "MISS_WIDGET_PORT": "6080",
                                      "MISS_HOST": "10.0.0.5"})
    assert [(p.variable, p.host, p.port) for p in ports] == [
        ("MISS_PORT", "10.0.0.5", 6005), ("MISS_WIDGET_PORT", "127.0.0.1", 6080)]


def test_settings_the_launcher_would_refuse():
    assert configuration.check_settings({}) == []
    one_line_with_fix(configuration.check_settings({"MISS_JWT_SECRET": "short"}),
                      "MISS_JWT_SECRET", "openssl rand -hex 32")
    one_line_with_fix(configuration.check_settings({"MISS_CORS_ORIGINS": "*"}), "MISS_CORS_ORIGINS")
    one_line_with_fix(configuration.check_settings({"MISS_WIDGET_PORT": "70000"}),
                      "MISS_WIDGET_PORT", "0 to 65535")
    one_line_with_fix(configuration.check_settings({"MISS_PORT": "50o5"}), "MISS_PORT",
                      "not a number")


# --- Clinic file ---------------------------------------------------------------------

def test_placeholder_clinic_file_is_a_problem_only_in_production(tmp_path):
    clinic = tmp_path / "clinic.yml"
    shutil.copy(PROJECT_ROOT / "knowledge" / "clinic.yml", clinic)
    text = clinic.read_text()
    if "Example Spine Clinic" not in text:
        pytest.skip("knowledge/clinic.yml no longer has the shipped placeholders")
    assert configuration.check_clinic(clinic, production=False) == []
    one_line_with_fix(configuration.check_clinic(clinic, production=True), "placeholders",
                      "clinic_name", "clinic_phone", "clinic_website")
    clinic.write_text('clinic_name: "Riverside Spine Centre"\n'
                      'clinic_phone: "+44 20 7946 0321"\n'
                      'clinic_hours: "Monday to Friday, 9am to 5pm"\n'
                      'clinic_website: "https://riverside-spine.co.uk"\n'
                      'emergency_number: "999"\n'
                      'crisis_line: "116 123 (Samaritans)"\n')
    assert configuration.check_clinic(clinic, production=True) == []


def test_incomplete_or_missing_clinic_file(tmp_path):
    clinic = tmp_path / "clinic.yml"
    clinic.write_text('clinic_name: "Riverside Spine Centre"\nclinic_phone: ""\n')
    one_line_with_fix(configuration.check_clinic(clinic, production=False), "clinic_phone",
                      "emergency_number", "fill in")
    one_line_with_fix(configuration.check_clinic(tmp_path / "none.yml", production=False),
                      "cannot read", "fill in")
    clinic.write_text("clinic_name: [unclosed\n")
    one_line_with_fix(configuration.check_clinic(clinic, production=False), "not valid YAML")


def test_what_counts_as_production():
    assert not configuration.is_production({})
    assert not configuration.is_production({"MISS_HOST": "127.0.0.1"})
    assert configuration.is_production({"MISS_PRODUCTION": "1"})
    assert configuration.is_production({"MISS_HOST": "10.0.0.11"})
    assert configuration.is_production({"MISS_DB_HOST": "db.clinic.internal"})
    assert configuration.is_production({"TWILIO_NUMBER": "+15550100123"})


# --- PostgreSQL, Redis, Twilio -------------------------------------------------------

def test_unreachable_postgresql():
    port = closed_port()
    one_line_with_fix(services.check_postgres({"MISS_DB_HOST": "127.0.0.1",
                                             "MISS_DB_PORT": str(port)}, timeout=2),
                      f"PostgreSQL at 127.0.0.1:{port}", "unreachable", "MISS_DB_HOST")
    assert services.check_postgres({}) == []


def test_unreachable_redis():
    port = closed_port()
    one_line_with_fix(services.check_redis({"MISS_REDIS_HOST": "127.0.0.1",
                                          "MISS_REDIS_PORT": str(port)}, timeout=2),
                      f"Redis at 127.0.0.1:{port}", "unreachable", "MISS_REDIS_HOST")
    assert services.check_redis({}) == []


@pytest.mark.server
def test_postgresql_that_refuses_the_login_or_lacks_the_database():
    """A real PostgreSQL (Debian's, as the scale-out tests start it): a wrong
    password and a missing database are told apart, each with its fix."""
    from tests.services import postgres_bin, running_postgres

    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (`make service-deps`)")
    with running_postgres() as server:
        assert services.check_postgres(server.env) == []
        one_line_with_fix(services.check_postgres({**server.env, "MISS_DB_PASSWORD": "wrong"}),
                          "refused", "check MISS_DB_USER and MISS_DB_PASSWORD")
        one_line_with_fix(services.check_postgres({**server.env, "MISS_DB_NAME": "nothere"}),
                          "'nothere'", "createdb")


class FakeRedis:
    """Answers every command with ``reply`` (one RESP line)."""

    def __init__(self, reply: bytes) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            while conn.recv(512):
                conn.sendall(self.reply)

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize("reply, password, words", [
    (b"+OK\r\n", "", []),
    (b"-NOAUTH Authentication required.\r\n", "", ["needs a password", "MISS_REDIS_PASSWORD"]),
    (b"-WRONGPASS invalid username-password pair\r\n", "nope",
     ["refused MISS_REDIS_PASSWORD", "WRONGPASS"]),
])
def test_redis_password_problems(reply, password, words):
    server = FakeRedis(reply)
    try:
        env = {"MISS_REDIS_HOST": "127.0.0.1", "MISS_REDIS_PORT": str(server.port),
               "MISS_REDIS_PASSWORD": password}
        problems = services.check_redis(env, timeout=2)
        if words:
            one_line_with_fix(problems, *words)
        else:
            assert problems == []
    finally:
        server.close()


GOOD_TWILIO = {"TWILIO_ACCOUNT_SID": "AC" + "0123456789abcdef" * 2,
               "TWILIO_AUTH_TOKEN": "fedcba9876543210" * 2,
               "TWILIO_NUMBER": "+1 (555) 010-0123"}


def test_incomplete_twilio_variables():
    assert services.check_twilio({}) == []
    assert services.check_twilio(GOOD_TWILIO) == []
    half = {k: v for k, v in GOOD_TWILIO.items() if k != "TWILIO_AUTH_TOKEN"}
    one_line_with_fix(services.check_twilio(half), "TWILIO_AUTH_TOKEN not set", "503")
    one_line_with_fix(services.check_twilio({"TWILIO_WEBHOOK_URL": "https://sms.example/x"}),
                      "TWILIO_WEBHOOK_URL is set but SMS is off", "TWILIO_ACCOUNT_SID")


def test_malformed_twilio_values():
    one_line_with_fix(services.check_twilio({**GOOD_TWILIO, "TWILIO_ACCOUNT_SID": "SK123"}),
                      "TWILIO_ACCOUNT_SID", "Twilio Console")
    one_line_with_fix(services.check_twilio({**GOOD_TWILIO, "TWILIO_AUTH_TOKEN": "secret"}),
                      "TWILIO_AUTH_TOKEN", "Twilio Console")
    one_line_with_fix(services.check_twilio({**GOOD_TWILIO, "TWILIO_NUMBER": "555-0123"}),
                      "TWILIO_NUMBER", "E.164")
    one_line_with_fix(services.check_twilio({**GOOD_TWILIO, "TWILIO_WEBHOOK_URL": "sms.clinic"}),
                      "TWILIO_WEBHOOK_URL", "exact URL")


# --- What only the tests need -----------------------------------------------------------

def test_missing_chromium_and_test_services_are_notes(tmp_path):
    notes = services.check_test_tools(chromium=tmp_path / "chromium",
                                    node_modules=tmp_path / "node_modules",
                                    which=lambda name: None)
    text = "\n".join(notes)
    assert "Chromium not found" in text and "make widget-deps" in text
    assert "redis-server not installed" in text and "make service-deps" in text
    assert all("\n" not in note and ": run `make" in note for note in notes)


# --- The whole command ----------------------------------------------------------------

def test_doctor_command_reports_each_problem_and_exits_1(tmp_path):
    """`make doctor`'s command with a busy port, an unreachable database and half
    of Twilio: a FAIL line for each, exit status 1, in a few seconds."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("MISS_", "TWILIO_"))}
        env.update({"MISS_PORT": str(port), "MISS_DB_HOST": "127.0.0.1",
                    "MISS_DB_PORT": str(closed_port()), "TWILIO_NUMBER": "+15550100123"})
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "assistant.doctor"], cwd=PROJECT_ROOT,
                              env=env, capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    fails = [line for line in done.stdout.splitlines() if line.startswith("  FAIL")]
    text = "\n".join(fails)
    assert f"127.0.0.1:{port}" in text and "MISS_PORT" in text
    assert "PostgreSQL" in text and "unreachable" in text
    assert "TWILIO_ACCOUNT_SID" in text
    # production settings (a database, Twilio) make the placeholders a problem too
    clinic = (PROJECT_ROOT / "knowledge" / "clinic.yml").read_text()
    if "Example Spine Clinic" in clinic:
        assert "placeholders" in text
    assert elapsed < 15, f"make doctor took {elapsed:.1f} s"
    assert done.stderr == ""


def test_report_format():
    from io import StringIO

    out = StringIO()
    code = run.report([run.Result("ports free", []),
                          run.Result("trained model", ["no trained model: run `make train`"])],
                         ["Chromium not found: run `make widget-deps`"], production=False,
                         out=out)
    lines = out.getvalue().splitlines()
    assert code == 1
    assert "  ok    ports free" in lines
    assert "  FAIL  no trained model: run `make train`" in lines
    assert "  note  Chromium not found: run `make widget-deps`" in lines
    assert lines[-1].startswith("1 problem")
    out = StringIO()
    assert run.report([run.Result("ports free", [])], [], production=True, out=out) == 0
    assert out.getvalue().splitlines()[-1].startswith("All set")


def test_makefile_runs_doctor_with_any_python():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "\ndoctor:" in makefile and "-m assistant.doctor" in makefile
    done = subprocess.run(["make", "-s", "-n", "doctor"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=30)
    assert "assistant.doctor" in done.stdout and "find-python.sh" in done.stdout


def test_doctor_runs_with_the_standard_library_only():
    """Before .venv exists there is no yaml: the module imports nothing else."""
    code = ("import sys; sys.modules['yaml'] = None; sys.modules['psycopg2'] = None\n"
            "from assistant.doctor import common, configuration, install, run, services\n"
            "print(configuration.read_clinic(common.CLINIC_FILE)['emergency_number'])\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()

"""Phone numbers, e-mail addresses and dates of birth never reach the logs in full."""
import io
import logging
import subprocess
import sys

import pytest

from assistant.processes import LOGGING_CONFIG, base_env
from miss_config.paths import PROJECT_ROOT
from assistant.log_redaction import (DATE, EMAIL, PHONE, RedactingFilter, install_record_factory,
                                     redact, uninstall_record_factory)
from tests.http_helpers import RestChat
from tests.services import log_dir, served_assistant

LOGS = "redaction-server-logs"


@pytest.mark.parametrize("text,expected", [
    ("call me on +1 555 010 0199 please", f"call me on {PHONE} please"),
    ("(555) 010-0199", PHONE),
    ("my mobile is 07700 900123.", f"my mobile is {PHONE}."),
    ("+447700900123", PHONE),
    ("0044 7700 900 123", PHONE),
    ("555.010.0199 or 555-010-0199", f"{PHONE} or {PHONE}"),
    ("tel:+15550100123", f"tel:{PHONE}"),
    ("ring 5550100", f"ring {PHONE}"),
    ("john.doe@example.com", EMAIL),
    ("write to JANE_DOE+spine@mail.example.org.", f"write to {EMAIL}."),
    ("mail: a.b@c.co.uk, thanks", f"mail: {EMAIL}, thanks"),
    ("DOB 04/07/1961", f"DOB {DATE}"),
    ("born 1961-07-04", f"born {DATE}"),
    ("d.o.b. 4.7.1961", f"d.o.b. {DATE}"),
    ("dob: 4/7/61", f"dob: {DATE}"),
    ("I was born on 4th July 1961", f"I was born on {DATE}"),
    ("date of birth: July 4, 1961", f"date of birth: {DATE}"),
    ("born in 1961", f"born in {DATE}"),
    ("birthday is 12 March", f"birthday is {DATE}"),
    ("my surgery was on 12/03/2019", f"my surgery was on {DATE}"),
    ("Born: 04-07-1961, phone (555) 013-4477, me@x.io",
     f"Born: {DATE}, phone {PHONE}, {EMAIL}"),
])
def test_personal_details_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "recovery takes 2-6 weeks, 3 to 4 days in hospital",
    "I'm 64 years old and had surgery in 2019",
    "confidence 0.9876543210 at 1795623453.526711",
    "Rasa 3.6.21, Sanic 21.12.2",
    "listening on http://127.0.0.1:5005, pod 10.244.100.123",
    "message 6f1c2a3e-1234-4b5c-9d8e-123456789abc from patient-4f0912345678ab",
    "SMS from +*********23 (conversation sms-3a5b)",
    "models/20251125-160500-brave-ring.tar.gz",
    "",
])
def test_ordinary_log_text_is_left_alone(text):
    assert redact(text) == text


def _handler_output(logger_name: str, emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_filter_redacts_arguments_and_tracebacks():
    def emit(logger):
        logger.info("user said %r, mail %s", "call 07700 900123", "john.doe@example.com")
        try:
            raise ValueError("bad DOB 04/07/1961 for +1 555 010 0199")
        except ValueError:
            logger.exception("failed for %s", "me@example.org")

    out = _handler_output("miss.test.filter", emit)
    for secret in ("07700 900123", "john.doe@example.com", "04/07/1961", "555 010 0199",
                   "me@example.org"):
        assert secret not in out
    assert f"call {PHONE}" in out and EMAIL in out and f"DOB {DATE}" in out
    assert "Traceback" in out and "ValueError" in out


def test_record_factory_covers_handlers_without_the_filter():
    stream = io.StringIO()
    logger = logging.getLogger("miss.test.factory")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    install_record_factory()
    try:
        logger.info("patient %s", "born 1961-07-04, +1 555 013 4477")
    finally:
        uninstall_record_factory()
        logger.removeHandler(handler)
    assert stream.getvalue().strip() == f"patient born {DATE}, {PHONE}"


# Rasa's start-up order: the logging config file, then coloredlogs (which swaps
# the stream handler for its own), then structlog rendering JSON through the
# standard library.
RASA_SETUP = """
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.io import configure_colored_logging
configure_logging_and_warnings(logging.DEBUG, sys.argv[1])
configure_colored_logging(logging.DEBUG)
"""
LOG_SOME_TEXT = """
import structlog
from rasa.utils.log_utils import configure_structlog
configure_structlog(logging.DEBUG)
text = "I'm Jo, 07700 900123, jo.smith@example.com, DOB 04/07/1961"
logging.getLogger("rasa.core.processor").info("Received user message '%s'", text)
structlog.get_logger("rasa.core.processor").debug("processor.message.parse",
                                                    parse_data_text=text)
logging.getLogger("rasa.core.actions.action").info("Running for %s", text)
"""


def test_logging_config_works_with_rasas_logging_setup():
    script = "import logging, sys\n" + RASA_SETUP + LOG_SOME_TEXT
    result = subprocess.run([sys.executable, "-c", script, str(LOGGING_CONFIG)],
                            cwd=PROJECT_ROOT, env=base_env(), capture_output=True,
                            text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Received user message" in out and "processor.message.parse" in out, out
    assert "Running for" in out, out
    for secret in ("07700 900123", "jo.smith@example.com", "04/07/1961"):
        assert secret not in out, out
    assert out.count(PHONE) >= 3 and out.count(EMAIL) >= 3 and out.count(DATE) >= 3, out


# --- The real servers, at --debug: Rasa logs every message's text there. -------

PATIENT_DETAILS = ["+1 555 013 4477", "07700 900123", "john.doe@example.com",
                   "04/07/1961", "1961-07-04", "(555) 013-4477"]
MESSAGES = [
    "hi, I'm John, my number is +1 555 013 4477",
    "how long is recovery? email me at john.doe@example.com",
    "DOB 04/07/1961, can I have MISS?",
    "I was born 1961-07-04 and my mobile is 07700 900123, is it keyhole",
    "call me back on (555) 013-4477",
]


@pytest.mark.server
def test_patient_details_never_reach_the_server_logs_in_full(trained_model, tmp_path):
    logs = log_dir(LOGS)
    for log in logs.glob("*.log"):
        log.unlink()
    with served_assistant(LOGS, {"MISS_DATA_DIR": str(tmp_path)},
                          extra_args=["--debug"]) as server:
        chat = RestChat(server.rest_webhook)
        for text in MESSAGES:
            assert chat.say(text)
    rasa_log = (logs / "rasa.log").read_text(errors="replace")
    assert "processor.message.parse" in rasa_log   # the debug log did log the messages
    for detail in PATIENT_DETAILS:
        assert detail not in rasa_log, detail
    assert PHONE in rasa_log and EMAIL in rasa_log and DATE in rasa_log
    # The patient's words around the details are still there to debug with.
    assert "my number is [phone]" in rasa_log

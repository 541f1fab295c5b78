"""Keeps phone numbers, e-mail addresses and dates of birth out of the logs.

Patients type these into the chat ("call me on 07700 900123", "DOB 04/07/1961"),
and at debug level Rasa logs every message's text. The servers that `make run`
and the tests start load ``assistant/logging.yml`` (``--logging-config-file``),
which puts :class:`RedactingFilter` on the log handler and, through
:func:`redacting_filter`, also redacts every log record as it is created, so
that loggers with handlers of their own (Sanic's, set up after ours) and
Rasa's structlog output (rendered to a string, then logged through the standard
library) are covered too.

    >>> redact("call +1 555 010 0199 or mail john.doe@example.com, DOB 04/07/1961")
    'call [phone] or mail [email], DOB [date]'

Any full date is redacted, not only ones that follow "born" or "DOB": a patient
does not always say which date is their birthday. The time stamps that log
formatters add are not part of the message and are kept.

The patterns are those of assistant/personal_details.py, which the conversation
store uses too.
"""
import logging
import threading
from typing import Any, Callable, Optional

from assistant.personal_details import DATE, EMAIL, PHONE, redact  # noqa: F401 (re-exported)

_REDACTED = "_miss_redacted"
# Fields that Sanic's access log adds to its records (``extra=``).
_EXTRA_FIELDS = ("request", "host")


class RedactingFilter(logging.Filter):
    """Redacts a log record in place (message, arguments, traceback); never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        if not getattr(record, _REDACTED, False):
            try:
                message = record.getMessage()
            except Exception:  # a bad format string: keep what there is, redacted
                message = f"{record.msg} {record.args}"
            record.msg, record.args = redact(message), ()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            setattr(record, _REDACTED, True)
        # Always: set after creation (extra=, a handler that formats it) and cheap.
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name in _EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact(value))
    except Exception:  # logging must never fail because of the redaction
        record.msg, record.args = "[log message withheld: redaction failed]", ()
    return record


_install_lock = threading.Lock()
_original_factory: Optional[Callable[..., logging.LogRecord]] = None


def install_record_factory() -> None:
    """Redacts every log record when it is created, whichever handler gets it."""
    global _original_factory
    with _install_lock:
        if _original_factory is not None:
            return
        _original_factory = logging.getLogRecordFactory()
        original = _original_factory

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return redact_record(original(*args, **kwargs))

        logging.setLogRecordFactory(factory)


def uninstall_record_factory() -> None:
    global _original_factory
    with _install_lock:
        if _original_factory is not None:
            logging.setLogRecordFactory(_original_factory)
            _original_factory = None


def redacting_filter() -> RedactingFilter:
    """For ``logging.config.dictConfig`` (``'()': assistant.log_redaction.redacting_filter``):
    the handler filter, with the record factory installed as well."""
    install_record_factory()
    return RedactingFilter()

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
"""
import logging
import re
import threading
from typing import Any, Callable, Optional

EMAIL = "[email]"
PHONE = "[phone]"
DATE = "[date]"

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_FULL_DATE = (
    r"(?:"
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"                    # 04/07/1961, 4.7.1961
    r"|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2}"                           # 4/7/61 (not 3.6.21)
    r"|\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}"                    # 1961-07-04
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"                     # 4th of July 1961
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR}"                               # July 4, 1961
    r")"
)
_DATE = re.compile(rf"(?<![\w.:/-]){_FULL_DATE}(?![\w/-]|[.:]\d)", re.IGNORECASE)
# After "born", "DOB", "date of birth" even a month and year, a day and month,
# or a year alone is a date of birth.
_BIRTH = re.compile(
    r"(?P<label>\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday|born)"
    r"(?:\s*(?:on|in|is|was|:|-|=)\s*|\s+))"
    rf"(?P<date>{_FULL_DATE}|{_MONTH}\s+{_YEAR}|{_DAY}\s+(?:of\s+)?{_MONTH}"
    rf"|{_MONTH}\s+{_DAY}|{_YEAR}|\d{{1,2}}\s*[/.-]\s*\d{{1,2}})(?![\w/])",
    re.IGNORECASE)

# Seven to fifteen digits (E.164 allows 15), optionally with a leading +, split
# by spaces, dots, hyphens or brackets: +1 555 010 0199, (555) 010-0199,
# 07700 900123, 555.010.0199, +447700900123.
_PHONE = re.compile(r"(?<![\w+.-])(?:\+|00)?\(?\d[\d\s().-]{4,24}\d(?![\w-]|\.\d)")
_DECIMAL = re.compile(r"^\d+\.\d+$")
_DOTTED_QUAD = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def _phone(match: "re.Match[str]") -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15 or _DECIMAL.match(text) or _DOTTED_QUAD.match(text):
        return text
    # Keep the spacing around the number as it was.
    stripped = text.rstrip()
    return PHONE + text[len(stripped):]


def redact(text: str) -> str:
    """``text`` with e-mail addresses, dates of birth and phone numbers replaced."""
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _BIRTH.sub(lambda m: m.group("label") + DATE, text)
    text = _DATE.sub(DATE, text)
    return _PHONE.sub(_phone, text)


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

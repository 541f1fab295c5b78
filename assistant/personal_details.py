"""Phone numbers, e-mail addresses and dates that patients type: found and replaced.

One set of patterns for everything that keeps a patient's words: the logs
(assistant/log_redaction.py), the conversation store (assistant/tracker_store.py
redacts every event before it is written) and the clinic's report.

    >>> redact("call +1 555 010 0199 or mail john.doe@example.com, DOB 04/07/1961")
    'call [phone] or mail [email], DOB [date]'

Any full date is redacted, not only ones that follow "born" or "DOB": a patient
does not always say which date is their birthday.
"""
import re
from typing import Any

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


# Keys of a stored event whose values are identifiers, never a patient's words.
_KEEP_KEYS = frozenset({"event", "message_id", "input_channel", "timestamp"})


def redact_value(value: Any) -> Any:
    """``value`` (a stored event as a dict, or any part of one) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: value[key] if key in _KEEP_KEYS else redact_value(value[key])
                for key in value}
    if isinstance(value, (list, tuple)):
        return [redact_value(item) for item in value]
    return value

"""Turning the assistant's replies into SMS, and reading what patients text back.

Pure functions, no I/O: the Twilio channel (channels/sms/channel.py) uses them.

* ``to_sms_text``: plain text without markup, typographic characters mapped to
  their GSM-7 equivalents and emoji removed, so that a reply stays in the GSM-7
  alphabet (160 characters a segment) rather than UCS-2 (70).
* ``segment_count``: how many SMS segments a message costs.
* ``pack_messages``: a reply's parts packed into as few messages as possible,
  split at sentence boundaries when a part is too long for one message, and cut
  off at a total segment budget.
* ``menu_lines``/``numbered_choice``: buttons become "Reply 1 for ..." lines,
  and a reply of "1" picks the first one.
* ``keyword``: carrier keywords (STOP, HELP) as one upper-case word.
"""
import math
import re
import unicodedata
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

# GSM 03.38 basic character set (without the escape character) and the
# extension table, whose characters cost two septets each.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€")

GSM7_SINGLE, GSM7_MULTI = 160, 153   # characters in one segment / in each part of a long one
UCS2_SINGLE, UCS2_MULTI = 70, 67

# Typographic characters that have a GSM-7 look-alike.
_TYPOGRAPHIC = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": "-",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
    "\u00b0": " degrees", "\u00d7": "x",
}
# Emoji and their modifiers: variation selectors, joiners, keycaps, skin tones, tags.
_EMOJI_PARTS = re.compile(
    "[\ufe0e\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\((\S+?)\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EMPHASIS = [
    re.compile(r"\*\*(.+?)\*\*"), re.compile(r"__(.+?)__"),
    re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"),
    re.compile(r"~~(.+?)~~"),
]
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_BULLET = re.compile(r"^\s*[*+]\s+", re.MULTILINE)

# Sentence ends: ., ! or ? then space and a capital, digit, quote or bracket,
# unless the full stop ends a common abbreviation.
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"')]))"
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<!\bvs\.)"
    r"\s+(?=[A-Z0-9\"'(])"
)
_NUMBERED = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")


def _gsm_character(char: str) -> str:
    """One character as GSM-7 text: itself, a look-alike, its unaccented letter, or ''."""
    if char in GSM7_BASIC or char in GSM7_EXTENDED:
        return char
    if char in _TYPOGRAPHIC:
        return _TYPOGRAPHIC[char]
    category = unicodedata.category(char)
    if category in ("So", "Sk", "Cs", "Co", "Cn") or _EMOJI_PARTS.match(char):
        return ""          # emoji, pictographs, private use
    if category.startswith("Z"):
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", char)
                   if not unicodedata.combining(c))
    if base and all(c in GSM7_BASIC for c in base):
        return base        # á -> a, ﬁ -> fi
    return char            # another script: kept, and the message goes out as UCS-2


def to_sms_text(text: Optional[str]) -> str:
    """Plain SMS text: no markup, no emoji, GSM-7 characters wherever possible."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = _MARKDOWN_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _HTML_TAG.sub("", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub("- ", text)
    text = "".join(_gsm_character(c) for c in text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def segment_count(text: str) -> int:
    """SMS segments a message costs: GSM-7 if it can, UCS-2 otherwise."""
    if not text:
        return 0
    if is_gsm7(text):
        septets = len(text) + sum(1 for c in text if c in GSM7_EXTENDED)
        return 1 if septets <= GSM7_SINGLE else math.ceil(septets / GSM7_MULTI)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= UCS2_SINGLE else math.ceil(units / UCS2_MULTI)


def split_sentences(text: str) -> List[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _split_words(sentence: str, max_segments: int) -> List[str]:
    """A sentence too long for one message, split between words (or inside a word)."""
    pieces: List[str] = []
    current = ""
    for word in sentence.split(" "):
        candidate = f"{current} {word}" if current else word
        if segment_count(candidate) <= max_segments:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = word
        while segment_count(current) > max_segments:   # one enormous "word"
            cut = len(current)
            while cut > 1 and segment_count(current[:cut]) > max_segments:
                cut = cut * 9 // 10
            pieces.append(current[:cut])
            current = current[cut:]
    if current:
        pieces.append(current)
    return pieces


def _units(part: str, max_segments: int) -> List[Tuple[str, str]]:
    """A part as (separator, text) units: sentences, each line of a list on its own."""
    units: List[Tuple[str, str]] = []
    for line_number, line in enumerate(part.split("\n")):
        if not line.strip():
            continue
        for index, sentence in enumerate(split_sentences(line)):
            separator = " " if index else ("\n" if line_number else "")
            for piece_index, piece in enumerate(_split_words(sentence, max_segments)):
                units.append((" " if piece_index else separator, piece))
    return units


def pack_messages(parts: Iterable[str], max_segments_per_message: int = 3,
                  max_segments_per_reply: int = 6) -> List[str]:
    """A reply's parts packed into messages of at most ``max_segments_per_message``.

    A part that fits into one message is never split: it joins the current
    message if there is room, else starts the next one. A longer part is split
    at sentence boundaries (lines of a list stay whole). Parts are separated by
    a blank line. Once the whole reply reaches ``max_segments_per_reply``, the
    rest is left off at a sentence boundary.
    """
    messages: List[str] = []
    current = ""

    def spent(extra: str = "") -> int:
        return sum(segment_count(m) for m in messages) + segment_count(extra)

    def add(separator: str, unit: str) -> bool:
        nonlocal current
        candidate = f"{current}{separator}{unit}" if current else unit
        if segment_count(candidate) <= max_segments_per_message:
            if spent(candidate) > max_segments_per_reply:
                return False
            current = candidate
            return True
        if spent(current) + segment_count(unit) > max_segments_per_reply:
            return False
        if current:
            messages.append(current)
        current = unit
        return True

    for part in parts:
        part = part.strip()
        if not part:
            continue
        if segment_count(part) <= max_segments_per_message:
            if not add("\n\n", part):
                break
            continue
        units = _units(part, max_segments_per_message)
        complete = True
        for index, (separator, unit) in enumerate(units):
            if not add("\n\n" if index == 0 else separator, unit):
                complete = False
                break
        if not complete:
            break
    if current:
        messages.append(current)
    return messages


def menu_lines(buttons: Sequence[Mapping], template: str, start: int = 1) -> List[str]:
    """Buttons as numbered lines, e.g. template "Reply {number} for {title}"."""
    return [
        template.format(number=number, title=to_sms_text(button.get("title") or ""))
        for number, button in enumerate(buttons, start=start)
    ]


def numbered_choice(text: Optional[str]) -> Optional[int]:
    """The number a patient replied with ("2", " 2. ", "#2"), or None for any other text."""
    match = _NUMBERED.match(text or "")
    if not match:
        return None
    number = int(match.group(1))
    return number or None


def keyword(text: Optional[str]) -> str:
    """A message as a carrier keyword: "  Stop. " -> "STOP". Longer texts come back as they are."""
    text = re.sub(r"\s+", " ", text or "").strip().strip(".!?,;:'\"()").strip()
    return text.upper()

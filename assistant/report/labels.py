"""What the report calls what: channels, topics, red-flag kinds, why a message went unanswered.

The channel comes from the conversation id (see analysis.py); the topics from
knowledge/sources.yml and the red-flag kinds from knowledge/red_flags.yml.
"""
from functools import lru_cache
from typing import Dict, Optional, Tuple

from miss_config.paths import DEFAULT_KNOWLEDGE_DIR

WIDGET, SMS, SHELL, REST_API = "Widget", "SMS", "Shell", "REST API"
CHANNELS = (WIDGET, SMS, SHELL, REST_API)
WIDGET_PREFIX = "web-"     # widget/miss-widget.js: newSender()
SMS_PREFIX = "sms-"        # channels/sms/numbers.py: conversation_key()
SHELL_PREFIX = "shell-"    # assistant/shell.py and the launcher's `make shell`

DECLINED, NOT_COVERED, FELL_BACK, LOW_CONFIDENCE = (
    "declined", "not covered", "fell back", "low confidence")
REASONS = (DECLINED, NOT_COVERED, FELL_BACK, LOW_CONFIDENCE)

EMERGENCY_INTENT, AFTER_SURGERY_INTENT = "emergency", "after_surgery_concern"
FALLBACK_INTENT, OUT_OF_SCOPE_INTENT = "nlu_fallback", "out_of_scope"
EMERGENCY_RESPONSE, AFTER_SURGERY_RESPONSE = "utter_emergency", "utter_after_surgery"
CANNOT_ANSWER_RESPONSE = "utter_cannot_answer"
RED_FLAG_ENTITY, RED_FLAG_MENTION_ENTITY = "red_flag", "red_flag_mention"
AFTER_SURGERY = "after_surgery"   # the after-surgery concern, counted beside the red flags
# Messages that are not questions about the guide: never "unanswered".
NOT_QUESTIONS = frozenset({"greet", "goodbye", "thank", "bot_challenge", "contact_clinic",
                           "empty_message", "message_too_long", EMERGENCY_INTENT,
                           AFTER_SURGERY_INTENT})
FEEDBACK_KEY = "feedback"          # channels/rest.py: AgentUttered(data={"feedback": ...})


@lru_cache(maxsize=1)
def topics() -> Tuple[str, ...]:
    """The topic intents: each answered by the ``utter_<topic>`` that rests on the
    article (knowledge/sources.yml), in the domain's order."""
    import yaml

    sources = yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "sources.yml")
                             .read_text("utf-8")) or {}
    return tuple(name[len("utter_"):] for name in sources if name.startswith("utter_"))


TOPIC_LABELS = {"what_is_miss": "What is MISS", "incisions_scarring": "Incisions and scars",
                "effectiveness_outcomes": "Outcomes", "risks_complications": "Risks",
                "conditions_treated": "Conditions treated", "candidacy": "Am I a candidate"}


def topic_label(intent: Optional[str]) -> str:
    if not intent:
        return ""
    return TOPIC_LABELS.get(intent) or intent.replace("_", " ").capitalize()


@lru_cache(maxsize=1)
def red_flag_kinds() -> Dict[str, Tuple[int, str]]:
    """Each red-flag kind of knowledge/red_flags.yml: (priority, short label)."""
    import yaml

    try:
        data = yaml.safe_load((DEFAULT_KNOWLEDGE_DIR / "red_flags.yml")
                              .read_text("utf-8")) or {}
    except OSError:
        data = {}
    kinds = {}
    for name, spec in (data.get("kinds") or {}).items():
        spec = spec or {}
        kinds[name] = (int(spec.get("priority", 99)),
                       str(spec.get("short_label") or spec.get("label") or name))
    kinds.setdefault("unspecified", (99, "unspecified"))
    return kinds


def kind_label(kind: str) -> str:
    if kind == AFTER_SURGERY:
        return "after-surgery concern"
    return red_flag_kinds().get(kind, (0, kind.replace("_", " ")))[1]


def kind_order(kind: str) -> Tuple[int, str]:
    return (red_flag_kinds().get(kind, (100, ""))[0], kind)


def channel_of(sender: str, input_channel: Optional[str] = None) -> str:
    if sender.startswith(SMS_PREFIX) or input_channel == "twilio_sms":
        return SMS
    if sender.startswith(WIDGET_PREFIX):
        return WIDGET
    if sender.startswith(SHELL_PREFIX):
        return SHELL
    return REST_API

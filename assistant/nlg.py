"""Responses filled with the clinic's own details, inside the Rasa server.

Configured in endpoints.yml as ``nlg: type: assistant.nlg.ClinicResponses``.
Every response may use the settings of knowledge/clinic.yml ({clinic_phone},
{emergency_number}, ...), so emergency advice and the clinic contact need no
action server: they still reach the patient when the action server is down.
An answer that rests on the article (knowledge/sources.yml) carries its source
quote as ``custom.source``, which the website widget shows as "From our patient
guide" and the SMS channel leaves out.

Triage replies come from knowledge/red_flags.yml (miss_nlp.triage): ``utter_emergency``
gives the advice for the red flags of the patient's latest message, read from its
``red_flag`` entities (all of them, not a slot that would keep only one), and any
answer to a question that named red flags gains one sentence on when to seek urgent
care. Both carry ``custom.triage`` so that the shell and the widget can mark them.
"""
from functools import lru_cache
from typing import Any, Dict, Optional, Sequence, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from actions.clinic import clinic
from actions.paths import knowledge_dir
from miss_nlp import triage
from miss_nlp.components import RED_FLAG_ENTITY, RED_FLAG_MENTION_ENTITY

SOURCE_DOCUMENT = "patient guide"
EMERGENCY_RESPONSE = "utter_emergency"
AFTER_SURGERY_RESPONSE = "utter_after_surgery"


@lru_cache(maxsize=1)
def sources() -> Dict[Text, Dict[Text, Any]]:
    import yaml

    return yaml.safe_load((knowledge_dir() / "sources.yml").read_text("utf-8")) or {}


class ClinicResponses(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(self, utter_action: Text, tracker: Any, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        entities = (tracker.latest_message.entities
                    if tracker is not None and tracker.latest_message else []) or []
        red_flags = [e.get("value") for e in entities if e.get("entity") == RED_FLAG_ENTITY]
        mentioned = [e.get("value") for e in entities
                     if e.get("entity") == RED_FLAG_MENTION_ENTITY]
        filled_slots = tracker.current_slot_values() if tracker is not None else {}
        return self.generate_from_slots(utter_action, filled_slots, output_channel,
                                        red_flags=red_flags, red_flags_mentioned=mentioned,
                                        **kwargs)

    def generate_from_slots(self, utter_action: Text, filled_slots: Dict[Text, Any],
                            output_channel: Text, red_flags: Sequence[Text] = (),
                            red_flags_mentioned: Sequence[Text] = (),
                            **kwargs: Any) -> Optional[Dict[Text, Any]]:
        details = clinic()
        values = {**details, **kwargs}
        marker = None
        if utter_action == EMERGENCY_RESPONSE:
            values["triage_advice"] = _fill(triage.advice_for(red_flags), details)
            marker = "acute"
        elif utter_action == AFTER_SURGERY_RESPONSE:
            values["triage_advice"] = _fill(triage.after_surgery_reply(), details)
            marker = "after_surgery"
        response = super().generate_from_slots(utter_action, filled_slots, output_channel,
                                               **values)
        if response is None:
            return None
        note = triage.when_mentioned(red_flags_mentioned) if marker is None else ""
        if note and response.get("text"):
            response["text"] = f"{response['text']} {_fill(note, details)}"
            marker = "mentioned"
        quotes = sources().get(utter_action, {}).get("quotes")
        custom = dict(response.get("custom") or {})
        if quotes and "source" not in custom:
            custom["source"] = {"document": SOURCE_DOCUMENT, "quote": " … ".join(quotes)}
        if marker:
            custom["triage"] = marker
        if custom:
            response["custom"] = custom
        return response


def _fill(template: Text, details: Dict[Text, str]) -> Text:
    """Clinic details into a triage text; unknown {names} are left as they are."""
    class Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(Keep(details))


@lru_cache(maxsize=1)
def _project_responses() -> ClinicResponses:
    from assistant.launcher import PROJECT_ROOT

    return ClinicResponses(domain=Domain.load(str(PROJECT_ROOT / "domain.yml")))


def render(response: Text, channel: Text = "") -> Dict[Text, Any]:
    """A domain response filled in without a conversation (for the channels' safety net)."""
    return _project_responses().generate_from_slots(response, {}, channel) or {}

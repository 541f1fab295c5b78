"""Responses filled with the clinic's own details, inside the Rasa server.

Configured in endpoints.yml as ``nlg: type: assistant.nlg.ClinicResponses``.
Every response may use the settings of knowledge/clinic.yml ({clinic_phone},
{emergency_number}, ...), so emergency advice and the clinic contact need no
action server: they still reach the patient when the action server is down.
An answer that rests on the article (knowledge/sources.yml) carries its source
quote as ``custom.source``, which the website widget shows as "From our patient
guide" and the SMS channel leaves out.
"""
from functools import lru_cache
from typing import Any, Dict, Optional, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from actions.clinic import clinic
from actions.paths import knowledge_dir

SOURCE_DOCUMENT = "patient guide"


@lru_cache(maxsize=1)
def sources() -> Dict[Text, Dict[Text, Any]]:
    import yaml

    return yaml.safe_load((knowledge_dir() / "sources.yml").read_text("utf-8")) or {}


class ClinicResponses(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 domain: Optional[Domain] = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    def generate_from_slots(self, utter_action: Text, filled_slots: Dict[Text, Any],
                            output_channel: Text, **kwargs: Any) -> Optional[Dict[Text, Any]]:
        values = {**clinic(), **kwargs}
        response = super().generate_from_slots(utter_action, filled_slots, output_channel,
                                               **values)
        quotes = sources().get(utter_action, {}).get("quotes")
        if response is not None and quotes and not response.get("custom"):
            response["custom"] = {"source": {"document": SOURCE_DOCUMENT,
                                             "quote": " … ".join(quotes)}}
        return response


@lru_cache(maxsize=1)
def _project_responses() -> ClinicResponses:
    from assistant.launcher import PROJECT_ROOT

    return ClinicResponses(domain=Domain.load(str(PROJECT_ROOT / "domain.yml")))


def render(response: Text, channel: Text = "") -> Dict[Text, Any]:
    """A domain response filled in without a conversation (for the channels' safety net)."""
    return _project_responses().generate_from_slots(response, {}, channel) or {}

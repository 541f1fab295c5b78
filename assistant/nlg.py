"""Responses filled with the clinic's own details, inside the Rasa server.

Configured in endpoints.yml as ``nlg: type: assistant.nlg.ClinicResponses``.
Every response may use the settings of knowledge/clinic.yml ({clinic_phone},
{emergency_number}, ...): every reply of the assistant is a response filled
here, inside the Rasa server (there are no custom actions). An answer that rests
on the article (knowledge/sources.yml) carries its source quote as
``custom.source``, which the website widget shows as "From our patient guide"
and the SMS channel leaves out.

Triage replies come from knowledge/red_flags.yml (miss_nlp.triage): ``utter_emergency``
gives the advice for the red flags of the patient's latest message, read from its
``red_flag`` entities (all of them, not a slot that would keep only one), and any
answer to a question that named red flags gains one sentence on when to seek urgent
care. Both carry ``custom.triage`` so that the shell and the widget can mark them.

A question that asks about several topics (``asked_topic`` entities, in the patient's
order) gets each topic's answer in one reply, each once; on SMS each is cut to its
first sentences so that the reply keeps its segment budget. ``utter_not_covered``
names the subject the guide does not cover (``not_covered_subject``), and so does
``utter_after_surgery`` when a recovery question asks about one; a topic's answer to a
question that also asked about such a subject ends with ``utter_not_covered_too``.
``utter_after_surgery`` for a recovery message that also asks how it goes in general
(a ``general_topic`` entity) goes on with ``utter_in_general`` and that topic's answer.
"""
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from miss_config.knowledge import SOURCE_DOCUMENT, clinic, sources
from miss_config.paths import DOMAIN_FILE
from miss_nlp import triage
from miss_nlp.components import GENERAL_TOPIC_ENTITY, RED_FLAG_ENTITY, RED_FLAG_MENTION_ENTITY
from miss_nlp.coverage_check import SUBJECT_ENTITY
from miss_nlp.topic_classifier import ASKED_TOPIC_ENTITY

EMERGENCY_RESPONSE = "utter_emergency"
AFTER_SURGERY_RESPONSE = "utter_after_surgery"
NOT_COVERED_RESPONSE = "utter_not_covered"
NOT_COVERED_TOO_RESPONSE = "utter_not_covered_too"
IN_GENERAL_RESPONSE = "utter_in_general"
# The decline when the question's words name nothing to quote back.
NOT_COVERED_UNNAMED_RESPONSE = "utter_not_covered_unnamed"
SMS_CHANNEL = "twilio_sms"
# Characters an SMS reply of several answers spends on them (the segment budget less
# the first-message notice).
SMS_ANSWERS_CHARS = 560
MOST_SUBJECT_CHARS = 60


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
        asked = [e.get("value") for e in sorted(
            (e for e in entities if e.get("entity") == ASKED_TOPIC_ENTITY),
            key=lambda e: e.get("start") or 0)]
        subject = next((e.get("value") for e in entities
                        if e.get("entity") == SUBJECT_ENTITY), "")
        general = next((e.get("value") for e in entities
                        if e.get("entity") == GENERAL_TOPIC_ENTITY), "")
        filled_slots = tracker.current_slot_values() if tracker is not None else {}
        subject = _subject_text(subject)
        if utter_action == NOT_COVERED_RESPONSE and not subject:
            utter_action = NOT_COVERED_UNNAMED_RESPONSE
        elif utter_action in (NOT_COVERED_RESPONSE, AFTER_SURGERY_RESPONSE) and subject:
            kwargs["not_covered_subject"] = subject
        if len(asked) > 1 and utter_action in sources():
            responses = [f"utter_{t}" for t in asked]
            if utter_action not in responses:
                responses = [utter_action] + responses[:2]
            reply = self.several_answers(responses, filled_slots, output_channel, mentioned,
                                         **kwargs)
        else:
            reply = self.generate_from_slots(utter_action, filled_slots, output_channel,
                                             red_flags=red_flags, red_flags_mentioned=mentioned,
                                             **kwargs)
        if subject and utter_action in sources() and reply and reply.get("text"):
            # The topic is answered; what else the question asked, the guide does not cover.
            rest = self.generate_from_slots(NOT_COVERED_TOO_RESPONSE, filled_slots, output_channel,
                                            not_covered_subject=subject)
            if rest and rest.get("text"):
                reply["text"] = f"{reply['text']}\n\n{rest['text']}"
        if (utter_action == AFTER_SURGERY_RESPONSE and not subject and reply
                and f"utter_{general}" in sources()):
            reply = self.with_general_answer(reply, f"utter_{general}", filled_slots,
                                             output_channel)
        return reply

    def with_general_answer(self, advice: Dict[Text, Any], topic_response: Text,
                            filled_slots: Dict[Text, Any], output_channel: Text
                            ) -> Dict[Text, Any]:
        """The after-surgery advice first, then what the guide says in general."""
        opening = self.generate_from_slots(IN_GENERAL_RESPONSE, filled_slots, output_channel)
        answer = self.generate_from_slots(topic_response, filled_slots, output_channel)
        if not (opening and opening.get("text") and answer and answer.get("text")):
            return advice
        text = answer["text"]
        if output_channel == SMS_CHANNEL:
            # The advice took half of the reply's segments.
            text = _shortened([text], SMS_ANSWERS_CHARS // 2)[0]
        custom = {**(answer.get("custom") or {}), **(advice.get("custom") or {}),
                  "answers": [topic_response]}
        return {**advice, "text": f"{advice['text']}\n\n{opening['text']} {text}",
                "custom": custom}

    def several_answers(self, responses: Sequence[Text], filled_slots: Dict[Text, Any],
                        output_channel: Text, mentioned: Sequence[Text] = (),
                        **kwargs: Any) -> Optional[Dict[Text, Any]]:
        """One reply with each asked topic's answer once, in the patient's order."""
        answers = [a for a in (self.generate_from_slots(r, filled_slots, output_channel,
                                                        **kwargs) for r in responses)
                   if a and a.get("text")]
        if not answers:
            return None
        texts = [a["text"] for a in answers]
        if output_channel == SMS_CHANNEL:
            texts = _shortened(texts, SMS_ANSWERS_CHARS // len(texts))
        reply = {**answers[0], "text": "\n\n".join(texts)}
        quotes = [a["custom"]["source"]["quote"] for a in answers
                  if (a.get("custom") or {}).get("source")]
        custom = dict(answers[0].get("custom") or {})
        if quotes:
            custom["source"] = {"document": SOURCE_DOCUMENT, "quote": " … ".join(quotes)}
        custom["answers"] = list(responses)
        note = triage.when_mentioned(mentioned)
        if note:
            reply["text"] = f"{reply['text']} {_fill(note, clinic())}"
            custom["triage"] = "mentioned"
        reply["custom"] = custom
        return reply

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
            values["triage_advice"] = _fill(
                triage.after_surgery_reply(subject=kwargs.get("not_covered_subject", "")), details)
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


def _subject_text(subject: Text) -> Text:
    """The patient's words for a subject, safe to quote back: one line, no quotes or
    braces, not too long ("" when nothing is left to quote)."""
    cleaned = " ".join(str(subject or "").replace('"', "").replace("{", "").replace("}", "").split())
    return cleaned[:MOST_SUBJECT_CHARS].rstrip()


def _shortened(texts: Sequence[Text], limit: int) -> List[Text]:
    """Each answer cut to its first sentences within ``limit`` characters (at least one
    sentence); the reply still ends by sending the patient to their provider."""
    from channels.sms.text import split_sentences

    short, closing = [], ""
    for text in texts:
        sentences = split_sentences(" ".join(text.split()))
        kept = sentences[:1]
        for sentence in sentences[1:]:
            if len(" ".join(kept + [sentence])) > limit:
                break
            kept.append(sentence)
        short.append(" ".join(kept))
        closing = closing or next((x for x in reversed(sentences) if "provider" in x), "")
    if closing and not any("provider" in t for t in short):
        short[-1] = f"{short[-1]} {closing}"
    return short


def _fill(template: Text, details: Dict[Text, str]) -> Text:
    """Clinic details into a triage text; unknown {names} are left as they are."""
    class Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(Keep(details))


@lru_cache(maxsize=1)
def _project_responses() -> ClinicResponses:
    return ClinicResponses(domain=Domain.load(str(DOMAIN_FILE)))


def render(response: Text, channel: Text = "") -> Dict[Text, Any]:
    """A domain response filled in without a conversation (for the channels' safety net)."""
    return _project_responses().generate_from_slots(response, {}, channel) or {}

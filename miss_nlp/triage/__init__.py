"""Triage: is a red flag happening to the patient now, only mentioned, or neither?

The vocabulary and the advice live in knowledge/red_flags.yml, for clinical review;
this package only reads it (vocabulary.py). matcher.py finds the red flags in a
message's tokens (message.py), tiers.py decides each one's tier sentence by sentence
(sentences.py), reading.py tells what else the message says (a recovery, a question)
and replies.py words the answer. The names below are the package's public API.

A red flag is *acute* unless the words around it show otherwise:

* a negation just before it ("no fever", "I don't have any numbness");
* an idiom around it ("I'm dying to know", "this pain is killing me");
* a what-if or a question of risk before it in its sentence ("what if I get a fever",
  "what are the chances I will not wake up");
* a question that names nobody it happens to ("is paralysis a risk?"), that asks what
  will happen ("will I lose bladder control?") or whether a treatment helps ("can
  MISS help my leg weakness?"), or a sentence about people in general.

Anything else counts as happening now: a missed emergency costs far more than an
extra sentence of advice. The whole message can still change a tier: a first-person
plan ("I've got everything I need") told beside despair ("what's the point") or a
mention of suicide is a crisis, and a what-if owned as one's own ("if someone took 40
pills ... it's me") is happening now (matcher.py).
"""
from miss_nlp.triage.matcher import Finding, Findings, find
from miss_nlp.triage.message import Token, max_message_chars, tokens_of, tokens_of_text
from miss_nlp.triage.reading import (asks_a_question, asks_in_general, asks_what_to_do_now,
                                     asks_why_it_happens,
                                     describes_own_recovery, had_an_operation,
                                     operation_is_ahead,
                                     says_it_is_not_urgent, wonders_what_if)
from miss_nlp.triage.replies import MOST_NAMED, advice_for, after_surgery_reply, when_mentioned
from miss_nlp.triage.tiers import ACUTE, MENTIONED, tier_of
from miss_nlp.triage.vocabulary import (CRISIS, RED_FLAGS_FILE, UNSPECIFIED, Kind, Vocabulary,
                                        vocabulary)

__all__ = [
    "ACUTE", "CRISIS", "Finding", "Findings", "Kind", "MENTIONED",
    "MOST_NAMED", "RED_FLAGS_FILE", "Token", "UNSPECIFIED", "Vocabulary", "advice_for",
    "after_surgery_reply", "asks_a_question", "asks_in_general", "asks_what_to_do_now",
    "asks_why_it_happens", "describes_own_recovery",
    "find", "had_an_operation", "max_message_chars", "operation_is_ahead",
    "says_it_is_not_urgent", "tier_of",
    "tokens_of", "tokens_of_text", "vocabulary", "when_mentioned", "wonders_what_if",
]

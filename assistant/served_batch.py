"""Many messages as served, each from a new patient, the same replies in half the time.

The evaluations score what a patient gets: one message, a new conversation, the whole
assistant in-process (assistant.evaluate_triage.served_replies: ``agent.handle_text``
with a fresh sender, then the conversation read back). Measured on 1,000 of their
messages (2026-11-28, CPU time), that costs about 10.5 ms a message: 4.2 ms in the NLU
components, 1.3 ms in the rule policy's two predictions, and about 5 ms around them:
Dask building and scheduling a graph for each of the three graph runs (about 1 ms for
the NLU's, 1 ms for the two predictions'), the in-memory tracker store serialising the
conversation and parsing it back, the event loop. This module takes that away:

* the NLU graph runs once for a chunk of messages. Rasa's graph components take lists
  of messages, and every component of the pipeline (spaCy, the tokenizer, ours in
  miss_nlp/, the fallback) handles each message on its own, so a message's parse does
  not depend on the others in its chunk;
* each parse then goes through Rasa's own ``MessageProcessor.handle_message`` as the
  message's ``parse_data`` (how Rasa handles a message parsed beforehand): the session
  start, the rule policy's predictions and the clinic's NLG, as served, under the
  agent's lock store;
* the processor is a copy of the agent's (the agent is left as it is) whose tracker
  store keeps the tracker objects, read once and dropped, and whose graph runs
  :class:`InOrder`: the same nodes on the same inputs, without Dask.

About 4.5-5 ms a message are left; our components' sklearn predictions were not
vectorised across messages: the one-message path (LinearIntentModel._scores) and the
sparse-matrix one sum in a different order, so their probabilities can differ in the last
bits, and a message's reply must be the same as served, not nearly. tests/test_served_batch.py
checks the replies against the one-by-one path, and ``python -m assistant.served_sameness``
every message the evaluations score.
"""
import asyncio
import copy
import uuid
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

# Messages parsed in one run of the NLU graph: the Dask overhead is paid once per chunk,
# and a chunk's spaCy docs are dropped once its replies are made.
CHUNK = 500


def bot_messages(events, with_custom: bool = False) -> List[Dict]:
    """The bot's messages among ``events``, each with the response it came from
    (``utter_action``) and, with ``with_custom``, its ``custom`` payload."""
    from rasa.shared.core.events import BotUttered

    return [{"text": e.text, "utter_action": (e.metadata or {}).get("utter_action", ""),
             **({"custom": (e.data or {}).get("custom")} if with_custom else {})}
            for e in events if isinstance(e, BotUttered)]


def _kept_trackers(domain):
    """A tracker store that keeps the tracker objects themselves (``kept``)."""
    from rasa.core.tracker_store import InMemoryTrackerStore

    class KeptTrackers(InMemoryTrackerStore):
        def __init__(self) -> None:
            super().__init__(domain)
            self.kept: Dict[Text, Any] = {}

        async def save(self, tracker) -> None:
            self.kept[tracker.sender_id] = tracker

        async def retrieve(self, sender_id: Text):
            return self.kept.get(sender_id)

    return KeptTrackers()


class InOrder:
    """Runs the nodes of a Rasa graph one after the other, each on its parents' outputs,
    as ``DaskGraphRunner.run`` has Dask do for one message (the same node objects, the
    same inputs, an order in which every node follows its parents), without building
    and scheduling a Dask graph for each of a message's two dialogue predictions."""

    def __init__(self, runner) -> None:
        self._runner = runner
        self._orders: Dict[Tuple[Text, ...], List] = {}

    def _order(self, targets: Sequence[Text]) -> List:
        if tuple(targets) not in self._orders:
            schema = self._runner._graph_schema.minimal_graph_schema(list(targets))
            order: List = []
            placed = set()

            def visit(name: Text) -> None:
                if name in schema.nodes and name not in placed:
                    placed.add(name)
                    needs = list(schema.nodes[name].needs.values())
                    for parent in needs:
                        visit(parent)
                    order.append((name, self._runner._instantiated_nodes[name], needs))

            for target in targets:
                visit(target)
            self._orders[tuple(targets)] = order
        return self._orders[tuple(targets)]

    def run(self, inputs: Optional[Dict[Text, Any]] = None,
            targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        targets = targets or self._runner._graph_schema.target_names
        # Each node gets (parent's name, its output), as from Dask; an input placeholder
        # likewise (DaskGraphRunner._add_inputs_to_graph), a missing one its own name.
        outputs = {name: (name, value) for name, value in (inputs or {}).items()}
        for name, node, needs in self._order(targets):
            outputs[name] = node(*[outputs.get(parent, parent) for parent in needs])
        return dict(outputs[target] for target in targets)


def served_processor(agent):
    """A copy of the agent's processor (the same model, graph nodes, domain, NLG and
    policies) that keeps its conversations as objects and runs its graph :class:`InOrder`;
    the agent's own is left as it is."""
    processor = copy.copy(agent.processor)
    processor.tracker_store = _kept_trackers(processor.domain)
    processor.graph_runner = InOrder(agent.processor.graph_runner)
    return processor


def parse_many(processor, messages: Sequence) -> List[Dict[Text, Any]]:
    """Each ``UserMessage``'s parse data, as ``MessageProcessor.parse_message`` makes it,
    from one run of the NLU graph."""
    from rasa.engine.constants import PLACEHOLDER_MESSAGE
    from rasa.shared.nlu.constants import (
        ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT,
    )

    target = processor.model_metadata.nlu_target
    parsed = processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: list(messages)},
                                        targets=[target])[target]
    results = []
    for message in parsed:
        # processor._parse_message_with_graph, then parse_message's own steps
        parse_data = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                      ENTITIES: []}
        parse_data.update(message.as_dict(only_output_properties=True))
        processor._update_full_retrieval_intent(parse_data)
        processor._check_for_unseen_features(parse_data)
        results.append(parse_data)
    return results


def _new_patients(texts: Sequence[str]) -> List:
    from rasa.core.channels.channel import UserMessage

    # As agent.handle_text makes them: a collecting output channel, a fresh sender each.
    return [UserMessage(text, None, uuid.uuid4().hex) for text in texts]


def served_replies_many(agent, texts: Sequence[str], with_custom: bool = False,
                        chunk: int = CHUNK) -> List[List[Dict]]:
    """The bot's messages each text gets from ``agent`` (assistant.evaluate.served_agent)
    as a new patient's first message (as ``served_replies(model, with_custom)(text)``), in
    the order of ``texts``."""
    processor = served_processor(agent)

    async def handle(message) -> List[Dict]:
        async with agent.lock_store.lock(message.sender_id):
            await processor.handle_message(message)
        tracker = processor.tracker_store.kept.pop(message.sender_id)
        return bot_messages(tracker.events, with_custom)

    async def handle_all() -> List[List[Dict]]:
        replies = []
        for start in range(0, len(texts), chunk):
            messages = _new_patients(texts[start:start + chunk])
            for message, parse_data in zip(messages, parse_many(processor, messages)):
                message.parse_data = parse_data
                replies.append(await handle(message))
        return replies

    return _run(handle_all())


def parsed_intents_many(agent, texts: Sequence[str],
                        chunk: int = CHUNK) -> List[Dict[Text, Any]]:
    """Each text's parse data (as ``agent.parse_message``), in the order of ``texts``."""
    processor = served_processor(agent)
    parsed: List[Dict[Text, Any]] = []
    for start in range(0, len(texts), chunk):
        parsed += parse_many(processor, _new_patients(texts[start:start + chunk]))
    return parsed


def replies_by_text(agent, texts: Sequence[str],
                    with_custom: bool = False) -> Dict[str, List[Dict]]:
    """text -> its served replies, each distinct text handled once (a text's replies
    depend on nothing else: every message starts a new conversation)."""
    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, served_replies_many(agent, unique, with_custom)))


def _run(coroutine):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


"""The REST channel's output channels: every message gets an answer, and Rasa's
REST routes are kept (no server started here; the served tests are
tests/test_rest_conversations.py and tests/test_door.py)."""
import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from assistant.nlg import render
from channels.rest import (UNAVAILABLE_RESPONSE, GuardedRestInput, NeverSilentCollector,
                           NeverSilentQueue, answer_never_silent)

UNAVAILABLE = render(UNAVAILABLE_RESPONSE)["text"]


async def says_hello(message: UserMessage) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": "Hello!"})


async def says_nothing(message: UserMessage) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": ""})


async def fails(message: UserMessage) -> None:
    raise RuntimeError("the conversation store is down")


def answers(handler) -> list:
    output = NeverSilentCollector()
    asyncio.run(answer_never_silent(handler, UserMessage("hi", output, "web-1")))
    return [m.get("text") for m in output.messages]


def test_an_answer_goes_out_as_it_was_said():
    assert answers(says_hello) == ["Hello!"]


@pytest.mark.parametrize("handler", [says_nothing, fails])
def test_silence_or_a_failure_is_answered_service_unavailable(handler):
    assert answers(handler) == [UNAVAILABLE]


def test_a_streamed_turn_is_never_silent_either():
    async def streamed(handler) -> list:
        queue: asyncio.Queue = asyncio.Queue()
        await GuardedRestInput.on_message_wrapper(handler, "hi", queue, "web-2", "rest", None)
        sent = []
        while (item := await queue.get()) != "DONE":
            sent.append(item.get("text"))
        return sent

    assert asyncio.run(streamed(says_hello)) == ["Hello!"]
    assert asyncio.run(streamed(fails)) == [UNAVAILABLE]


def test_the_output_channels_are_rasas_own():
    # Rasa's processor returns the messages of a CollectingOutputChannel.
    assert isinstance(NeverSilentCollector(), CollectingOutputChannel)
    assert isinstance(NeverSilentQueue(asyncio.Queue()), CollectingOutputChannel)


def test_the_routes_are_rasas_rest_routes_plus_feedback(tmp_path, monkeypatch):
    monkeypatch.setenv("MISS_DATA_DIR", str(tmp_path))   # the shell token is made there
    blueprint = GuardedRestInput().blueprint(says_hello)
    uris = sorted(route.uri for route in blueprint._future_routes)
    assert uris == ["/", "/feedback", "/webhook"]

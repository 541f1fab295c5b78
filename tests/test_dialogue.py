"""Training data and dialogue: `rasa data validate` and `rasa test core`."""
import re
import subprocess

import pytest

from assistant.processes import VENV_BIN, base_env
from miss_config.paths import PROJECT_ROOT
from channels.guard import EMPTY_MESSAGE
from miss_nlp.coverage_check import NOT_COVERED_INTENT

MESSAGE_TOO_LONG = "/message_too_long"

MAX_HISTORY = "5"


def responses_sent_outside_rules():
    """Responses that the channels and the NLG send themselves (there are no custom
    actions)."""
    files = [*(PROJECT_ROOT / "channels").glob("*.py"), PROJECT_ROOT / "assistant" / "nlg.py"]
    return set(re.findall(r'"(utter_\w+)"', "".join(p.read_text("utf-8") for p in files)))


def known_warnings():
    """Warnings that are true by design, and why.

    Rasa's validator does not see responses that the channels send, and the two intents
    the input guard sends and the one the coverage check sets have no NLU examples on
    purpose.
    """
    allowed = {f"The utterance '{name}' is not used in any story or rule."
               for name in responses_sent_outside_rules()}
    allowed |= {f"The intent '{payload[1:]}' is listed in the domain file, but is not found "
                "in the NLU training data." for payload in (EMPTY_MESSAGE, MESSAGE_TOO_LONG)}
    # Set by miss_nlp.coverage_check from the article's vocabulary, never learned.
    allowed.add(f"The intent '{NOT_COVERED_INTENT}' is listed in the domain file, but is not "
                "found in the NLU training data.")
    return allowed


def rasa(*args, timeout=900):
    return subprocess.run([str(VENV_BIN / "rasa"), *args], cwd=PROJECT_ROOT, env=base_env(),
                          capture_output=True, text=True, timeout=timeout)


def test_training_data_validates_with_only_known_warnings():
    result = rasa("data", "validate", "--max-history", MAX_HISTORY)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = set(re.findall(r"UserWarning: (.*?)(?:\x1b\[0m)?$", output, flags=re.M))
    assert warnings <= known_warnings(), warnings - known_warnings()
    assert "No story structure conflicts found" in output


@pytest.mark.model
def test_conversation_stories_pass_rasa_test_core(trained_model, tmp_path):
    result = rasa("test", "core", "--model", str(trained_model),
                  "--stories", str(PROJECT_ROOT / "tests" / "test_stories.yml"),
                  "--fail-on-prediction-errors", "--out", str(tmp_path))
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text("utf-8") if failed.exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:] + detail

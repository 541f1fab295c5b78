"""The command-line shell, driven through a pseudo-terminal as a tester would."""
import sys

import pexpect
import pytest

from assistant.launcher import PROJECT_ROOT, base_env, free_port

pytestmark = pytest.mark.server


def test_shell_answers_a_question_and_exits(trained_model, tmp_path):
    env = base_env()
    env["TERM"] = "dumb"
    env["MISS_DATA_DIR"] = str(tmp_path)
    shell = pexpect.spawn(
        sys.executable,
        ["-m", "assistant.launcher", "shell", "--port", str(free_port()),
         "--action-port", str(free_port())],
        cwd=str(PROJECT_ROOT), env=env, encoding="utf-8", timeout=240, dimensions=(50, 200))
    try:
        shell.expect("Bot loaded")
        shell.expect("Your input")
        shell.sendline("how long would I stay in hospital?")
        shell.expect("go home the same day", timeout=60)
        shell.expect("provider")
        shell.expect("Your input")
        shell.sendline("/stop")
        shell.expect(pexpect.EOF, timeout=60)
    finally:
        if shell.isalive():
            shell.terminate(force=True)

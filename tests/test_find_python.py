"""Set-up finds a Python 3.10 by itself, or says what to do."""
import os
import subprocess

from miss_config.paths import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "find-python.sh"


def run(env):
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env})


def test_finds_a_python_310():
    result = run({"HOME": os.environ.get("HOME", "/root"), "PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True,
                             text=True).stdout
    assert version.startswith("Python 3.10")


def test_without_python_310_it_says_what_to_do(tmp_path):
    fake = tmp_path / "python3.10"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = run({"HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path), "PYTHON": str(fake)})
    if result.returncode == 0 and result.stdout.strip().startswith(("/usr/bin", "/usr/local")):
        return  # this machine has a system Python 3.10; nothing to report
    assert result.returncode == 1
    assert "No Python 3.10 found" in result.stderr
    assert "PYTHON=" in result.stderr

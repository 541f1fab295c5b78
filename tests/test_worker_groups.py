"""`make test` runs two pytest-xdist workers with ``--dist loadgroup``: a file's tests,
every test that uses the shared servers, and the evaluations each stay on one worker
(tests/conftest.py). The group must be set before xdist reads it, or every test is
scheduled on its own and each worker starts its own servers and loads its own model."""
import os
import subprocess
import sys

from miss_config.paths import PROJECT_ROOT


def test_each_file_runs_on_one_worker_under_make_tests_options():
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist",
         "loadgroup", "--no-loadscope-reorder", "-v", "tests/test_layout.py"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    ran = [line for line in run.stdout.splitlines() if " PASSED " in line]
    assert ran, run.stdout[-2000:]
    assert all(line.rstrip().endswith("@tests/test_layout.py") for line in ran), ran[:3]
    assert len({line.split("]")[0] for line in ran}) == 1, "the file was split across workers"

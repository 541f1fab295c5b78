"""Runs every check and reports: `python -m assistant.doctor [--production]`."""
import argparse
import os
import sys
import time
from pathlib import Path
from typing import List, Mapping, NamedTuple, Optional, Sequence

from assistant.doctor import __doc__ as DOC
from assistant.doctor.common import PIPELINE_PACKAGE, PROJECT_ROOT, VENV, relative
from assistant.doctor.configuration import (check_clinic, check_ports, check_settings,
                                            clinic_placeholders, is_production, ports_from,
                                            read_clinic)
from assistant.doctor.install import (PIPELINE_SOURCES, check_model, check_packages,
                                      check_python, check_spacy_pipeline, check_venv,
                                      pinned_packages, training_inputs, venv_info)
from assistant.doctor.services import (TWILIO_FIELDS, check_postgres, check_redis,
                                       check_test_tools, check_twilio)
from miss_config.paths import MODEL
from miss_config.settings import read_setting


class Result(NamedTuple):
    title: str
    problems: List[str]


def run_checks(env: Mapping[str, str], root: Path = PROJECT_ROOT, venv: Path = VENV,
               model: Path = MODEL, production: Optional[bool] = None) -> List[Result]:
    production = is_production(env) if production is None else production
    try:
        pins = pinned_packages(root / "pyproject.toml")
    except OSError:
        pins = {}
    info, error = venv_info(venv, [*pins, PIPELINE_PACKAGE])
    installed = (info or {}).get("packages", {})
    results = [Result(f"Python 3.10{' (.venv: ' + info['python'] + ')' if info else ''}",
                      check_python(info["python"] if info else None, root / "scripts" /
                                   "find-python.sh", env))]
    venv_problems = check_venv(venv, info, error)
    results.append(Result(f"virtual environment {relative(venv)}", venv_problems))
    if not venv_problems:
        results.append(Result(f"packages as pinned in pyproject.toml ({len(pins)})",
                              check_packages(pins, installed)))
        results.append(Result(f"spaCy pipeline {PIPELINE_PACKAGE}", check_spacy_pipeline(
            installed.get(PIPELINE_PACKAGE), venv / ".stamps" / "spacy",
            [root / p for p in PIPELINE_SOURCES])))
    inputs = training_inputs(root) + [venv / ".stamps" / "spacy"]
    results.append(Result(f"trained model {relative(model)}", check_model(model, inputs)))
    try:
        ports = ports_from(env)
        results.append(Result("ports free: " + ", ".join(f"{p.port} ({p.what})" for p in ports),
                              check_ports(ports)))
    except ValueError:
        pass  # check_settings reports the number that is not one
    results.append(Result("settings (MISS_*)", check_settings(env)))
    clinic = root / "knowledge" / "clinic.yml"
    clinic_title = f"clinic details in {relative(clinic)}"
    if not production:
        try:
            if clinic_placeholders(read_clinic(clinic)):
                clinic_title += (" (placeholders: fine for trying it out; fill them in "
                                 "before going live)")
        except Exception:
            pass
    results.append(Result(clinic_title, check_clinic(clinic, production)))
    db_host, redis_host = read_setting("db_host", env), read_setting("redis_host", env)
    if db_host:
        results.append(Result(f"PostgreSQL at {db_host}", check_postgres(env)))
    if redis_host:
        results.append(Result(f"Redis at {redis_host}", check_redis(env)))
    if any(read_setting(field, env) for field in TWILIO_FIELDS.values()):
        results.append(Result("Twilio SMS settings", check_twilio(env)))
    return results


def report(results: Sequence[Result], notes: Sequence[str], production: bool,
           out=None) -> int:
    out = out or sys.stdout
    mode = ("for production" if production
            else "to try it out (`make doctor PRODUCTION=1`: before patients use it)")
    print(f"Checking what `make run` needs, {mode}; nothing is started.", file=out)
    problems = 0
    for result in results:
        if result.problems:
            for problem in result.problems:
                print(f"  FAIL  {problem}", file=out)
            problems += len(result.problems)
        else:
            print(f"  ok    {result.title}", file=out)
    if notes:
        print("Only for `make test` (not needed to run the assistant):", file=out)
        for note in notes:
            print(f"  note  {note}", file=out)
    if problems:
        print(f"{problems} problem{'s' if problems > 1 else ''}: fix "
              f"{'them' if problems > 1 else 'it'} and run `make doctor` again.", file=out)
    else:
        print("All set: `make run` starts the assistant.", file=out)
    out.flush()
    return 1 if problems else 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=DOC.splitlines()[0])
    parser.add_argument("--production", action="store_true",
                        help="also require the clinic's own details (no placeholders)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    production = args.production or is_production(env)
    started = time.monotonic()
    results = run_checks(env, production=production)
    code = report(results, check_test_tools(), production)
    if time.monotonic() - started > 10:
        print(f"(the checks took {time.monotonic() - started:.0f} s)")
    return code

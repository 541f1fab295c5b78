"""`make doctor`: checks, in a few seconds and without starting anything, what
`make run` needs, and says for each problem, on one line, how to fix it.

    python -m assistant.doctor [--production]

Checked: Python 3.10 found; the virtual environment and its packages as
pyproject.toml pins them; the project's spaCy pipeline installed; a trained
model newer than everything it is trained from; the ports free; the settings
the launcher would refuse; knowledge/clinic.yml filled in (its placeholders are
a problem only for production: --production, or a setting that only a
deployment has: MISS_HOST not on loopback, MISS_DB_HOST, MISS_REDIS_HOST,
MISS_CORS_ORIGINS, TWILIO_*); PostgreSQL and Redis reachable when configured;
the Twilio variables complete. What only `make test` needs (Chromium, axe-core,
PostgreSQL and Redis programs) is listed as notes.

Runs with any Python 3.8+ (also before .venv exists): the standard library
only, the venv's packages are read by running the venv's Python. Exit status 1
when there is a problem (notes do not count).

Each check is a function returning its problems (one line each, with the fix),
so that the tests can give it a fake environment, paths and ports: install.py
(Python, .venv, packages, spaCy pipeline, model), configuration.py (ports,
settings, clinic details), services.py (PostgreSQL, Redis, Twilio, test tools);
run.py runs them all and reports.
"""

"""What patients ask: a private report for the clinic from its own conversation store.

    python -m assistant.report --days 30                            # or: make report DAYS=30
    python -m assistant.report --since 2026-11-01 --until 2026-11-30

reads the conversations from the store the servers use (SQLite in MISS_DATA_DIR
by default, PostgreSQL with MISS_DB_HOST; the same variables as `make run`) and
writes ``results/report/report.html`` (self-contained: pictures embedded, opens
offline) and CSV files beside it. README: "Report for the clinic".

* ``store``     streams the events (SQLAlchemy; server-side cursor on PostgreSQL)
* ``analysis``  turns the stream into the numbers, in one pass, redacting every text
* ``grouping``  groups the unanswered questions by meaning (spaCy lemmas, TF-IDF)
* ``plots``     matplotlib pictures; ``tables`` CSV files; ``render`` the HTML
* ``build``     all of it; ``__main__`` the command line
"""

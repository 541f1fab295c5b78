"""The clinical review table matches knowledge/red_flags.yml."""
from miss_nlp.red_flags_doc import DOC, render


def test_red_flags_table_is_up_to_date():
    assert DOC.read_text("utf-8") == render(), (
        "docs/red-flags.md is out of date: run `make red-flags-doc`")

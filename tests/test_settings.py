"""Every setting has one definition (miss_config/settings.py), and the README's table is it."""
import dataclasses
import re

import pytest

from miss_config.paths import PROJECT_ROOT
from miss_config.settings import (Settings, SettingsError, env_names, load_settings,
                                  markdown_table, read_setting, settings_problems)

PACKAGES = ("actions", "assistant", "channels", "miss_nlp")
# Sanic's own settings, read by Sanic from the environment; the README names them as such.
SANIC_OWN = {"SANIC_HOST", "SANIC_PROXIES_COUNT", "SANIC_REAL_IP_HEADER"}
VARIABLE = re.compile(r"\b(?:MISS|TWILIO|SANIC)_[A-Z0-9]+(?:_[A-Z0-9]+)*\b")


def test_readme_settings_table_is_generated_from_the_settings():
    assert markdown_table() in (PROJECT_ROOT / "README.md").read_text("utf-8")


def test_every_variable_the_docs_name_is_a_setting():
    named = set()
    for path in [PROJECT_ROOT / "README.md", *(PROJECT_ROOT / "docs").glob("*.md")]:
        named |= set(VARIABLE.findall(path.read_text("utf-8")))
    assert named - set(env_names()) - SANIC_OWN == set()


def test_no_module_reads_a_setting_from_the_environment_itself():
    """Settings come through miss_config.settings, not os.environ, in every package."""
    offenders = []
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if re.search(r"(environ|getenv|_get)\b.*\"(MISS|TWILIO|SANIC)_", line):
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_defaults_and_values():
    settings = load_settings({})
    assert (settings.host, settings.port, settings.widget_port) == ("127.0.0.1", 5005, 8080)
    assert settings.data_dir == PROJECT_ROOT / "var" and not settings.sms_on
    settings = load_settings({"MISS_DATA_DIR": "data", "MISS_PORT": " 6005 ",
                              "MISS_CORS_ORIGINS": "https://A.example, https://b.example/",
                              "MISS_RETENTION_DAYS": "30", "MISS_DB_HOST": ""})
    assert settings.data_dir == PROJECT_ROOT / "data" and settings.port == 6005
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.retention_days == 30 and settings.db_host == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 1


@pytest.mark.parametrize("env, variable", [
    ({"MISS_PORT": "50o5"}, "MISS_PORT"),
    ({"MISS_WIDGET_PORT": "70000"}, "MISS_WIDGET_PORT"),
    ({"MISS_RATE_WINDOW_SECONDS": "0"}, "MISS_RATE_WINDOW_SECONDS"),
    ({"MISS_RATE_PER_ADDRESS": "-1"}, "MISS_RATE_PER_ADDRESS"),
    ({"MISS_RETENTION_DAYS": "a month"}, "MISS_RETENTION_DAYS"),
    ({"MISS_DB_RETRY_SECONDS": "soon"}, "MISS_DB_RETRY_SECONDS"),
    ({"MISS_CORS_ORIGINS": "*"}, "MISS_CORS_ORIGINS"),
    ({"MISS_JWT_SECRET": "short"}, "MISS_JWT_SECRET"),
    ({"MISS_DB_HOST": "db", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t",
      "TWILIO_NUMBER": "+15550100123"}, "MISS_SMS_HASH_KEY"),
])
def test_a_bad_value_is_refused_with_its_variable_named(env, variable):
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert len(refused.value.problems) == 1 and variable in str(refused.value)
    assert settings_problems(env) == refused.value.problems


def test_every_bad_value_is_reported_at_once_and_secrets_are_not_shown():
    problems = settings_problems({"MISS_PORT": "x", "MISS_JWT_SECRET": "hunter2"})
    assert len(problems) == 2 and not any("hunter2" in line for line in problems)
    assert "hunter2" not in repr(load_settings({"MISS_JWT_SECRET": "x" * 40}).__repr__())


def test_one_setting_can_be_read_alone():
    env = {"MISS_PORT": "bad", "MISS_SHOW_ALL_WARNINGS": "1"}
    assert read_setting("show_all_warnings", env) is True
    with pytest.raises(ValueError, match="MISS_PORT"):
        read_setting("port", env)


def test_adding_a_setting_is_adding_a_field():
    """The loader, the table and the names all come from the fields."""
    names = [f.metadata["env"] for f in dataclasses.fields(Settings)]
    assert names == env_names() and len(set(names)) == len(names)
    assert all(f"`{name}`" in markdown_table() for name in names)

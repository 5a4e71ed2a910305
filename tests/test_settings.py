"""Start-up configuration: bad settings stop with one clear line; production is deploy-clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
STRONG_SECRET = "k3P9-xq2!Lm7vR0sT8wZ4yB6nC1dF5gH3jK8lQ2eU7iO9aS4dG6hJ1kL0zX5cV"


def manage(*args, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "NEWSROOM_ENV",
        }
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("overrides", "named_setting"),
    [
        ({"NEWSROOM_ENV": "production", "ALLOWED_HOSTS": "news.example"}, "SECRET_KEY"),
        (
            {"NEWSROOM_ENV": "production", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x.example"},
            "SECRET_KEY",
        ),
        ({"NEWSROOM_ENV": "production", "SECRET_KEY": STRONG_SECRET}, "ALLOWED_HOSTS"),
        ({"NEWSROOM_ENV": "staging"}, "NEWSROOM_ENV"),
        ({"NEWSROOM_ENV": "development", "DEBUG": "perhaps"}, "DEBUG"),
        ({"NEWSROOM_ENV": "development", "DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"NEWSROOM_ENV": "development", "REDIS_URL": "http://cache"}, "REDIS_URL"),
        ({"NEWSROOM_ENV": "development", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        (
            {"NEWSROOM_ENV": "development", "NEWSROOM_IMAGE_MAX_BYTES": "ten"},
            "NEWSROOM_IMAGE_MAX_BYTES",
        ),
        (
            {"NEWSROOM_ENV": "development", "CSRF_TRUSTED_ORIGINS": "news.example"},
            "CSRF_TRUSTED_ORIGINS",
        ),
    ],
    ids=[
        "missing-secret",
        "weak-secret",
        "missing-hosts",
        "unknown-env",
        "bad-debug",
        "bad-database-url",
        "bad-redis-url",
        "bad-time-zone",
        "bad-integer",
        "bad-origin",
    ],
)
def test_bad_setting_stops_with_one_line_naming_it(overrides, named_setting):
    result = manage("check", **overrides)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert named_setting in lines[0]
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        NEWSROOM_ENV="production",
        SECRET_KEY=STRONG_SECRET,
        ALLOWED_HOSTS="berita.example.id",
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_models_and_migrations_agree():
    result = manage("makemigrations", "--check", "--dry-run", NEWSROOM_ENV="development")

    assert result.returncode == 0, result.stdout + result.stderr


def test_default_locale_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Makassar"


def test_a_fresh_clone_runs_in_development_mode_without_configuration():
    result = manage("check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_when_not_in_production_mode():
    result = manage("check", "--deploy", NEWSROOM_ENV="development")

    assert "newsroom.W001" in result.stderr + result.stdout

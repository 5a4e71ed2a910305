"""Every management command of the project explains itself with --help."""

import pytest
from django.core.management import get_commands, load_command_class

PROJECT_COMMANDS = sorted(name for name, app in get_commands().items() if app == "articles")


def test_the_project_has_its_commands():
    assert {"import_articles", "load_demo", "load_regions"} <= set(PROJECT_COMMANDS)


@pytest.mark.parametrize("name", PROJECT_COMMANDS)
def test_help_text_renders(name):
    command = load_command_class("articles", name)

    text = command.create_parser("manage.py", name).format_help()

    assert f"manage.py {name}" in text
    assert len(command.help) > 20

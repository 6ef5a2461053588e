"""The README stays true: its configuration table is the one the Settings class generates."""

from __future__ import annotations

from conftest import ROOT

from rag.settings import settings_table


def test_configuration_table_matches_the_settings() -> None:
    readme = (ROOT / "README.md").read_text()
    assert settings_table() in readme, (
        "README's configuration table is stale; regenerate it with: python -m rag.settings"
    )


def test_readme_shows_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pip install -r requirements.txt && python app.py" in readme
    assert "pip install -r requirements-dev.txt && npm ci && pytest" in readme
    # What the README's test command installs, CI installs too.
    assert "npm ci" in (ROOT / ".ci" / "run").read_text()

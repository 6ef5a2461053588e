"""The README stays true: its configuration table matches the Settings class."""

from __future__ import annotations

import re

from conftest import ROOT

from rag.settings import Settings


def test_every_setting_is_documented_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| `(RAG_[A-Z_]+)` \| `([^`]*)` \|", readme, re.MULTILINE))
    expected = {
        f"RAG_{name.upper()}": field.default for name, field in Settings.model_fields.items()
    }
    assert set(rows) == set(expected)
    for variable, default in expected.items():
        if variable != "RAG_PROMPTS_DIR":  # an absolute path to this checkout
            assert rows[variable] == str(default), variable


def test_readme_shows_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pip install -r requirements.txt && python app.py" in readme
    assert "pip install -r requirements-dev.txt && pytest" in readme

"""Questions scoped to chosen documents: two documents answer the same question differently, and
each scope gets its own document's answer, in the Python API, the HTTP API, the CLI and the
chat."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import create_app
from rag import Settings, cli
from rag.errors import InvalidInput
from rag.pipeline import Pipeline
from rag.ui import respond, scope_choices

QUESTION = "When does the ferry to the island leave?"
NORTH = "The ferry to the island leaves the north pier at nine o'clock every morning."
SOUTH = "The ferry to the island leaves the south quay at four in the afternoon on weekdays."


@pytest.fixture
def two_timetables(pipeline: Pipeline, tmp_path: Path) -> Pipeline:
    folder = tmp_path / "timetables"
    folder.mkdir()
    (folder / "north.md").write_text(f"# North pier timetable\n\n{NORTH}\n")
    (folder / "south.md").write_text(f"# South quay timetable\n\n{SOUTH}\n")
    pipeline.ingest([folder])
    return pipeline


def _cited(answer: Any) -> set[str]:
    """The documents an answer cites (an Answer, or its JSON)."""
    if isinstance(answer, dict):
        return {c["doc_id"] for c in answer["citations"]}
    return {c.doc_id for c in answer.citations}


def test_a_scoped_question_is_answered_from_that_document_alone(two_timetables: Pipeline) -> None:
    for doc, words in (("north.md", "nine o'clock"), ("south.md", "four in the afternoon")):
        answer = two_timetables.ask(QUESTION, doc_ids=[doc])
        assert not answer.refused and words in answer.answer
        assert _cited(answer) == {doc}
        assert {p.doc_id for p in answer.passages} == {doc}
        passages = two_timetables.search(QUESTION, doc_ids=[doc]).passages
        assert passages and {p.doc_id for p in passages} == {doc}
    # Unscoped, both documents are searched.
    both = two_timetables.search(QUESTION, top_k=5).passages
    assert {p.doc_id for p in both} == {"north.md", "south.md"}


def test_an_unknown_or_empty_scope_is_refused_with_a_reason(two_timetables: Pipeline) -> None:
    with pytest.raises(InvalidInput, match=r"No document 'west\.md'"):
        two_timetables.ask(QUESTION, doc_ids=["west.md"])
    with pytest.raises(InvalidInput, match="doc_ids is empty"):
        two_timetables.search(QUESTION, doc_ids=[])


def test_the_http_api_takes_doc_ids(two_timetables: Pipeline) -> None:
    with TestClient(create_app(two_timetables)) as client:
        asked = client.post("/api/ask", json={"question": QUESTION, "doc_ids": ["south.md"]})
        assert asked.status_code == 200 and _cited(asked.json()) == {"south.md"}
        found = client.post("/api/search", json={"query": QUESTION, "doc_ids": ["north.md"]})
        assert {p["doc_id"] for p in found.json()["passages"]} == {"north.md"}
        chat = client.post(
            "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": QUESTION}], "doc_ids": ["north.md"]},
        )
        assert {c["doc_id"] for c in chat.json()["citations"]} == {"north.md"}
        unknown = client.post("/api/ask", json={"question": QUESTION, "doc_ids": ["west.md"]})
        assert unknown.status_code == 422 and "west.md" in unknown.json()["error"]["message"]


def test_the_cli_takes_doc_repeatedly_and_lists_documents(
    two_timetables: Pipeline,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli, "build_pipeline", lambda _: two_timetables)
    assert cli.main(["ask", QUESTION, "--doc", "south.md", "--json"], settings) == 0
    assert _cited(json.loads(capsys.readouterr().out)) == {"south.md"}
    argv = ["search", QUESTION, "--doc", "north.md", "--doc", "south.md", "--json"]
    assert cli.main(argv, settings) == 0
    found = json.loads(capsys.readouterr().out)
    assert {p["doc_id"] for p in found["passages"]} == {"north.md", "south.md"}
    assert cli.main(["documents"], settings) == 0
    listed = capsys.readouterr().out
    assert "north.md\tNorth pier timetable" in listed and "south.md\tSouth quay" in listed
    assert cli.main(["ask", QUESTION, "--doc", "west.md"], settings) == 1
    assert "No document 'west.md'" in capsys.readouterr().err


def test_the_chat_answers_within_the_chosen_documents(two_timetables: Pipeline) -> None:
    assert {value for _, value in scope_choices(two_timetables)} == {"north.md", "south.md"}
    history, _, sources = list(respond(two_timetables, QUESTION, [], ["north.md"]))[-1]
    assert "nine o" in history[-1]["content"]
    assert "North pier" in sources and "South quay" not in sources

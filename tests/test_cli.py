"""The command line as a user runs it: exit codes, messages, and the JSON contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEED_DOC, seed_folder
from fakes import HashingEmbedderFake

from rag import Settings, cli
from rag.wiring import build_pipeline

ANSWER_KEYS = {"question", "searched_for", "answer", "refused", "citations", "passages",
               "claims"}  # fmt: skip
CLAIM_KEYS = {"text", "citations", "supported", "score"}
CITATION_KEYS = {"n", "doc_id", "title", "source", "published_at", "quote", "passage", "start",
                 "end", "page", "section", "created_at", "ocr"}  # fmt: skip
PASSAGE_KEYS = {"rank", "doc_id", "title", "source", "published_at", "text", "start", "end",
                "score", "page", "section", "created_at", "ocr"}  # fmt: skip


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `python -m rag ...` in-process with the hashing fake; returns (code, stdout, stderr)."""
    embedder = HashingEmbedderFake()
    monkeypatch.setattr(cli, "build_pipeline", lambda s: build_pipeline(s, embedder=embedder))

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv), settings=settings)
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def indexed(run, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = seed_folder(tmp_path)
    code, out, _ = run("ingest", str(folder))
    assert code == 0 and "1 added" in out
    return folder


def test_ask_json_follows_the_contract(run, indexed: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("ask", "What did Blinken declare about the election?", "--json")
    assert code == 0
    answer = json.loads(out)
    assert set(answer) == ANSWER_KEYS
    assert answer["refused"] is False
    assert answer["citations"] and all(set(c) == CITATION_KEYS for c in answer["citations"])
    assert answer["passages"] and all(set(p) == PASSAGE_KEYS for p in answer["passages"])
    assert answer["claims"] and all(set(c) == CLAIM_KEYS for c in answer["claims"])
    assert all(c["supported"] and c["citations"] for c in answer["claims"])
    assert "[1]" in answer["answer"]


def test_search_json_and_top_k(run, indexed: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("search", "Volodin observers", "--top-k", "2", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["query"] == "Volodin observers"
    assert len(result["passages"]) == 2
    assert [p["rank"] for p in result["passages"]] == [1, 2]


def test_jsonl_keeps_ids_and_reports_bad_lines(  # type: ignore[no-untyped-def]
    run, indexed: Path, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "q1", "question": "What did Volodin write on social media?"}\n'
        "not json\n"
        '{"id": "q3", "question": "   "}\n'
        '{"id": 4, "question": "What is the capital of Australia?"}\n'
    )
    code, out, _ = run("ask", "--jsonl", str(questions))
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["q1", 2, "q3", 4]
    assert set(lines[0]) == ANSWER_KEYS | {"id"} and not lines[0]["refused"]
    assert lines[1]["error"]["code"] == "invalid_json"
    assert lines[2]["error"]["code"] == "invalid_input"
    assert lines[3]["refused"] is True
    assert code == 1  # some lines failed

    code, out, _ = run("search", "--jsonl", str(questions))
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["q1", 2, "q3", 4]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("ask", ""), "Nothing to ask"),
        (("ask", "   "), "empty"),
        (("ask", "x" * 5000), "limit is 4000"),
        (("search", "q", "--top-k", "99"), "top_k"),
        (("ask", "hello?", "--collection", "missing"), "No collection named 'missing'"),
        (("ask", "--jsonl", "/no/such/file"), "Cannot read"),
        (("ingest", "/no/such/folder"), "No such file or folder"),
    ],
)
def test_bad_input_gets_a_message_and_exit_1_without_traceback(  # type: ignore[no-untyped-def]
    run, indexed: Path, argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(*argv)
    assert code == 1
    assert message in err
    assert "Traceback" not in err + out


def test_ingest_exit_code_says_a_file_failed(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SEED_DOC, folder)
    (folder / "empty.txt").write_text("")
    code, out, err = run("ingest", str(folder))
    assert code == 1
    assert "1 added" in out and "1 failed" in out
    assert "empty.txt" in err


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import ROOT, subprocess_env

    command = f"'{sys.executable}' -m rag search Volodin --json | head -c 1"
    done = subprocess.run(command, shell=True, cwd=ROOT, env=subprocess_env(tmp_path / "data"),
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.stdout == "{"
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr

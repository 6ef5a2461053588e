"""The HTTP API as internal tools use it: JSON routes, the OpenAI client, auth and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import seed_folder
from fakes import HashingEmbedderFake
from fastapi.testclient import TestClient
from openai import OpenAI

from app import create_app
from rag import build_pipeline
from rag.pipeline import Pipeline

BAKERY = (
    b'---\ntitle: "Town bakery wins prize"\nsource: Daily Crumb\npublished_at: "2024-03-01"\n'
    b"---\n\nThe town bakery won the national sourdough prize on Friday. "
    b"Its head baker, Mira Olsen, said the starter is forty years old.\n"
)


def _indexed(pipeline: Pipeline, tmp_path: Path) -> Pipeline:
    folder = seed_folder(tmp_path)
    pipeline.ingest([folder])
    return pipeline


@pytest.fixture
def client(pipeline: Pipeline, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_indexed(pipeline, tmp_path))) as test_client:
        yield test_client


def test_ask_returns_the_answer_contract(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "What did Blinken declare?"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"question", "answer", "refused", "citations", "passages"}
    assert body["refused"] is False and "[1]" in body["answer"]
    assert "overwhelming evidence" in body["citations"][0]["quote"]


def test_ask_takes_the_conversation_for_follow_ups(client: TestClient) -> None:
    history = [{"role": "user", "content": "What did Volodin claim?"},
               {"role": "assistant", "content": "Volodin wrote ... [1]"}]  # fmt: skip
    body = client.post("/api/ask", json={"question": "And Blinken?", "history": history}).json()
    assert body["searched_for"] == "What did Blinken claim?"
    assert any("Blinken" in c["quote"] for c in body["citations"])


def test_search_honours_top_k(client: TestClient) -> None:
    response = client.post("/api/search", json={"query": "Volodin", "top_k": 2})
    assert response.status_code == 200
    assert len(response.json()["passages"]) == 2


def test_upload_list_ask_and_delete_a_document(client: TestClient) -> None:
    files = {"file": ("bakery.md", BAKERY, "text/markdown")}
    response = client.post("/api/documents", files=files)
    assert response.status_code == 200, response.text
    assert response.json()["added"] == ["uploads/bakery.md"]

    listed = client.get("/api/documents").json()["documents"]
    assert {d["doc_id"] for d in listed} == {"russia-venezuela.md", "uploads/bakery.md"}
    bakery = next(d for d in listed if d["doc_id"] == "uploads/bakery.md")
    assert bakery["title"] == "Town bakery wins prize" and bakery["source"] == "Daily Crumb"
    # What the document manager's table shows: its type, length and when it came in.
    assert bakery["format"] == "md" and bakery["indexed_at"][:4].isdigit()

    answer = client.post("/api/ask", json={"question": "Who is the head baker?"}).json()
    assert any("Mira Olsen" in c["quote"] for c in answer["citations"])

    again = client.post("/api/documents", files=files).json()
    assert again["unchanged"] == ["uploads/bakery.md"]

    whole = client.get("/api/documents/uploads/bakery.md").json()
    assert whole["text"].startswith("The town bakery won") and whole["source"] == "Daily Crumb"
    assert bakery["chars"] == len(whole["text"].rstrip())

    deleted = client.delete("/api/documents/uploads/bakery.md")
    assert deleted.status_code == 200 and deleted.json()["chunks_removed"] >= 1
    listed = client.get("/api/documents").json()["documents"]
    assert [d["doc_id"] for d in listed] == ["russia-venezuela.md"]
    assert client.delete("/api/documents/uploads/bakery.md").status_code == 404
    assert client.get("/api/documents/uploads/bakery.md").status_code == 404


def test_a_collection_emptied_by_deletes_still_answers(client: TestClient) -> None:
    """Deleting every document leaves an empty collection: questions are refused and searches
    find nothing, with 200s (found by the stateful schema test: it was a 500)."""
    client.post("/api/ask", json={"question": "What did Volodin claim?"})  # a snapshot exists
    for document in client.get("/api/documents").json()["documents"]:
        assert client.delete(f"/api/documents/{document['doc_id']}").status_code == 200
    search = client.post("/api/search", json={"query": "Volodin"})
    assert search.status_code == 200 and search.json()["passages"] == []
    answer = client.post("/api/ask", json={"question": "What did Volodin claim?"})
    assert answer.status_code == 200 and answer.json()["refused"] is True


def test_a_failed_upload_says_why_and_loses_nothing(client: TestClient) -> None:
    before = client.get("/api/documents").json()["documents"]
    binary = client.post("/api/documents", files={"file": ("x.txt", b"\x00\x01\x02", "text/plain")})
    assert binary.status_code == 422 and "binary" in binary.json()["error"]["message"]
    pdf = client.post("/api/documents", files={"file": ("x.exe", b"MZ", "application/x-msdos")})
    assert pdf.status_code == 415 and pdf.json()["error"]["code"] == "unsupported_file"
    assert client.get("/api/documents").json()["documents"] == before


def test_a_text_file_without_a_suffix_uploads_as_plain_text(client: TestClient) -> None:
    # Documentation ships README, FAQ and NEWS without a suffix.
    faq = b"Harbour FAQ\n\nWhen does the ferry leave?\n\nThe ferry leaves at noon every day.\n"
    uploaded = client.post("/api/documents", files={"file": ("FAQ", faq, "text/plain")})
    assert uploaded.status_code == 200, uploaded.text
    ids = [d["doc_id"] for d in client.get("/api/documents").json()["documents"]]
    assert "uploads/FAQ" in ids  # the name it was given
    answer = client.post("/api/ask", json={"question": "When does the ferry leave?"}).json()
    assert "noon" in answer["answer"] and answer["citations"][0]["doc_id"] == "uploads/FAQ"
    binary = client.post("/api/documents", files={"file": ("ls", b"\x7fELF\x00\x01", "")})
    assert binary.status_code == 422 and "binary" in binary.json()["error"]["message"]


def test_upload_over_the_limit_is_413(pipeline: Pipeline, tmp_path: Path) -> None:
    small = pipeline.settings.model_copy(update={"max_upload_bytes": 100})
    limited = build_pipeline(small, embedder=HashingEmbedderFake())
    with TestClient(create_app(_indexed(limited, tmp_path))) as client:
        files = {"file": ("big.txt", b"Title\n" + b"word " * 100, "text/plain")}
        response = client.post("/api/documents", files=files)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"json": {"question": ""}}, 422),
        ({"json": {"question": "   "}}, 422),
        ({"json": {"question": "x" * 4001}}, 422),
        ({"json": {"question": 5}}, 422),
        ({"json": {"question": "hi", "top_k": 0}}, 422),
        ({"json": {"question": "hi", "top_k": 51}}, 422),
        ({"json": {"question": "hi", "surprise": 1}}, 422),
        ({"json": {"question": "hi", "collection": "missing"}}, 404),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
        ({"json": ["a list"]}, 422),
    ],
)
def test_bad_input_gets_a_4xx_with_an_error_body(
    client: TestClient, request_kwargs: dict[str, object], status: int
) -> None:
    response = client.post("/api/ask", **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] and error["message"]


def test_docs_page_is_self_contained_and_lists_every_route(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    for route in ("POST /api/ask", "POST /api/search", "GET /api/documents",
                  "DELETE /api/documents/{doc_id}", "POST /v1/chat/completions"):  # fmt: skip
        assert route in page.text
    assert "cdn" not in page.text.lower() and "<script" not in page.text
    assert client.get("/openapi.json").json()["info"]["title"] == "Document QA"


def test_no_file_outside_the_upload_area_is_served(client: TestClient) -> None:
    for path in ("/gradio_api/file=/etc/passwd", "/gradio_api/file=app.py",
                 "/gradio_api/file=../../etc/passwd"):  # fmt: skip
        assert client.get(path).status_code in (403, 404), path


def test_health_reports_collections_model_and_engine(
    client: TestClient, pipeline: Pipeline
) -> None:
    # A collection built with other settings (the real model) must not break the health check.
    build_pipeline(pipeline.settings).index("other-model", create=True)
    health = client.get("/api/health").json()
    assert health["collections"]["other-model"] == 0
    assert health["status"] == "ok"
    assert health["collections"]["corpus"] > 0
    assert health["embed_model"] == "hashing-fake" and health["engine"] == "extractive"
    assert health["versions"]["chromadb"]


def test_official_openai_client_works_unchanged(client: TestClient) -> None:
    openai = OpenAI(base_url=f"{client.base_url}/v1", api_key="unused", http_client=client)
    assert [m.id for m in openai.models.list().data] == ["rag"]

    completion = openai.chat.completions.create(
        model="rag",
        messages=[{"role": "user", "content": "What did Blinken declare?"}],
    )
    text = completion.choices[0].message.content or ""
    assert "[1]" in text
    citations = (completion.model_extra or {})["citations"]
    assert citations[0]["n"] == 1 and citations[0]["quote"] in text.replace(" [1]", "")

    stream = openai.chat.completions.create(
        model="rag",
        messages=[{"role": "user", "content": "What did Blinken declare?"}],
        stream=True,
    )
    chunks = list(stream)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text
    assert len(chunks) > 2
    assert (chunks[-1].model_extra or {})["citations"] == citations

    # A message's content as a list of parts, as newer OpenAI clients send it.
    parts = openai.chat.completions.create(
        model="rag",
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "What did Blinken declare?"}]}
        ],
    )
    assert parts.choices[0].message.content == text


def test_every_error_has_the_same_json_shape(client: TestClient) -> None:
    unknown = client.get("/api/nothing-here")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert client.post("/v1/nothing").status_code == 404
    wrong_method = client.get("/api/ask")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    broken = client.post("/api/ask", content=b'{"question": "hi",,}',
                         headers={"content-type": "application/json"})  # fmt: skip
    message = broken.json()["error"]["message"]
    assert broken.status_code == 422 and message.startswith("The request body is not valid JSON")
    form = {"content-type": "application/x-www-form-urlencoded"}  # what curl -d sends
    untyped = client.post("/api/ask", content=b'{"question": "hi"}', headers=form)
    assert "Content-Type: application/json" in untyped.json()["error"]["message"]
    # An empty question and a blank one are the same mistake, with the same code and words.
    empty = client.post("/api/ask", json={"question": ""}).json()["error"]
    blank = client.post("/api/ask", json={"question": "   "}).json()["error"]
    assert empty == blank and empty["code"] == "invalid_input"
    assert empty["message"] == "The question is empty: type a question."


def test_an_unexpected_failure_is_a_json_500(pipeline: Pipeline, tmp_path: Path) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    pipeline.search = broken  # type: ignore[method-assign]
    with TestClient(create_app(_indexed(pipeline, tmp_path)), raise_server_exceptions=False) as c:
        response = c.post("/api/search", json={"query": "Volodin"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"


@pytest.mark.parametrize("name", ["../x", "a b", "x", "-bad-", "a..b"])
def test_collection_names_are_checked_before_chroma_sees_them(
    client: TestClient, name: str
) -> None:
    files = {"file": ("bakery.md", BAKERY, "text/markdown")}
    response = client.post("/api/documents", files=files, data={"collection": name})
    assert response.status_code == 422, response.text
    assert "not a valid collection name" in response.json()["error"]["message"]
    ask = client.post("/api/ask", json={"question": "hi", "collection": name})
    assert ask.status_code == 422


def test_an_upload_does_not_create_collections(client: TestClient) -> None:
    files = {"file": ("bakery.md", BAKERY, "text/markdown")}
    response = client.post("/api/documents", files=files, data={"collection": "elsewhere"})
    assert response.status_code == 404
    # Named in the query, as the other routes take it, the collection is not ignored either.
    response = client.post("/api/documents?collection=elsewhere", files=files)
    assert response.status_code == 404
    assert "elsewhere" not in client.get("/api/health").json()["collections"]
    assert "bakery" not in str(client.get("/api/documents").json())


def test_upload_files_leave_with_their_document(client: TestClient, pipeline: Pipeline) -> None:
    uploads = pipeline.settings.data_dir / "uploads" / pipeline.settings.collection
    client.post("/api/documents", files={"file": ("bakery.md", BAKERY, "text/markdown")})
    assert (uploads / "bakery.md").is_file()
    client.delete("/api/documents/uploads/bakery.md")
    assert not (uploads / "bakery.md").exists()
    failed = client.post("/api/documents", files={"file": ("x.txt", b"\x00\x01", "text/plain")})
    assert failed.status_code == 422
    assert not (uploads / "x.txt").exists()


def test_the_same_content_twice_is_reported_and_never_shown_twice(
    client: TestClient, pipeline: Pipeline, tmp_path: Path
) -> None:
    copy = tmp_path / "copies"
    copy.mkdir()
    (copy / "bakery.md").write_bytes(BAKERY)
    pipeline.ingest([copy])
    uploaded = client.post("/api/documents", files={"file": ("bakery.md", BAKERY, "text/md")})
    assert uploaded.json()["duplicates"] == ["uploads/bakery.md: same content as bakery.md"]
    passages = client.post("/api/search", json={"query": "head baker Mira Olsen"}).json()
    texts = [" ".join(p["text"].split()) for p in passages["passages"]]
    assert len(texts) == len(set(texts))
    assert sum("Mira Olsen" in text for text in texts) == 1


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    small = pipeline.settings.model_copy(update={"max_upload_bytes": 1000})
    limited = build_pipeline(small, embedder=HashingEmbedderFake())
    with TestClient(create_app(_indexed(limited, tmp_path))) as client:
        form = {"content-type": "multipart/form-data; boundary=b"}
        declared = client.post("/api/documents", content=b"x" * 200_000, headers=form)
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "file_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            yield (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
                   b"Content-Type: text/plain\r\n\r\n")  # fmt: skip
            yield from [b"x" * 50_000] * 4

        streamed = client.post("/api/documents", content=chunks(), headers=form)
        assert streamed.status_code == 413


def test_an_upload_being_embedded_does_not_stop_the_server_answering(
    client: TestClient, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    answered = threading.Event()
    original = pipeline.ingest_upload

    def slow_ingest(*args: object, **kwargs: object) -> object:
        # The write holds on until the server has answered another request meanwhile; on a
        # blocked event loop that never happens and the wait times out.
        answered.wait(timeout=10)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "ingest_upload", slow_ingest)
    results: dict[str, int] = {}

    def upload() -> None:
        response = client.post(
            "/api/documents", files={"file": ("bakery.md", BAKERY, "text/markdown")}
        )
        results["upload"] = response.status_code

    writer = threading.Thread(target=upload)
    writer.start()
    health = client.get("/api/health")
    still_writing = "upload" not in results
    answered.set()
    writer.join(timeout=60)
    assert health.status_code == 200 and still_writing
    assert results == {"upload": 200}


def _harbour_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Harbour report.")
    pdf.add_page()
    pdf.multi_cell(0, 8, "The night ferry to Skarholm was cancelled for the winter by the port.")
    return bytes(pdf.output())


def test_a_cited_pdf_page_comes_back_as_an_image(
    client: TestClient, pipeline: Pipeline, tmp_path: Path
) -> None:
    files = {"file": ("harbour.pdf", _harbour_pdf(), "application/pdf")}
    assert client.post("/api/documents", files=files).status_code == 200
    found = client.post("/api/search", json={"query": "night ferry to Skarholm", "top_k": 1})
    passage = found.json()["passages"][0]
    assert passage["doc_id"] == "uploads/harbour.pdf" and passage["page"] == 2
    url = "/api/documents/uploads/harbour.pdf/pages/2.png"
    plain = client.get(url)
    marked = client.get(url, params={"quote": passage["text"]})
    assert marked.status_code == 200 and marked.headers["content-type"] == "image/png"
    assert marked.content.startswith(b"\x89PNG") and marked.content != plain.content
    # A PDF ingested from a folder is found where it was read.
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "harbour.pdf").write_bytes(_harbour_pdf())
    pipeline.ingest([folder], prune=False)
    assert client.get("/api/documents/harbour.pdf/pages/1.png").status_code == 200
    # What cannot be shown is a 4xx in the API's error shape.
    for bad, status in [("/api/documents/uploads/harbour.pdf/pages/3.png", 404),
                        ("/api/documents/russia-venezuela.md/pages/1.png", 422),
                        ("/api/documents/nothing.pdf/pages/1.png", 404)]:  # fmt: skip
        response = client.get(bad)
        assert response.status_code == status, bad
        assert set(response.json()["error"]) == {"code", "message"}
    (folder / "harbour.pdf").unlink()
    gone = client.get("/api/documents/harbour.pdf/pages/1.png")
    assert gone.status_code == 404 and "no longer" in gone.json()["error"]["message"]

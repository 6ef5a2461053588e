"""One authentication boundary: with a token or a login set, no route answers without them."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from conftest import seed_folder
from fakes import HashingEmbedderFake
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from app import create_app
from app import main as app_main
from rag import Settings, build_pipeline
from rag.errors import InvalidInput


def _guarded(settings: Settings, tmp_path: Path, **secrets: str) -> TestClient:
    guarded = Settings.model_validate({**settings.model_dump(), **secrets})
    pipeline = build_pipeline(guarded, embedder=HashingEmbedderFake())
    pipeline.ingest([seed_folder(tmp_path)])
    return TestClient(create_app(pipeline))


def _every_route(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves: its API (from the schema, read with the
    app's own credentials), the pages outside the schema, the mounted UI's routes, and one call
    route for each of Gradio's named event endpoints (the browser's event API)."""
    app = client.app
    schema = app.openapi()  # type: ignore[attr-defined]
    found = [(m.upper(), p) for p, ops in schema["paths"].items() for m in ops]
    found += [("GET", "/docs"), ("GET", "/openapi.json"), ("GET", "/api/unknown")]
    for route in app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            inner = route.app
            found += [(m, r.path) for r in inner.routes if isinstance(r, Route)
                      for m in sorted(r.methods or {"GET"})]  # fmt: skip
            blocks = inner.get_blocks()
            names = [f.api_name for f in blocks.fns.values() if f.api_name]
            assert {"on_delete", "on_upload", "on_submit"} <= set(names)
            found += [("POST", f"/gradio_api/call/{name}") for name in names]
            found += [("GET", f"/gradio_api/call/{name}/0") for name in names]
    assert ("POST", "/api/ask") in found and ("DELETE", "/api/documents/{doc_id}") in found
    return [(m, re.sub(r"\{[^}]+\}", "x", p)) for m, p in found if m != "HEAD"]


@pytest.mark.parametrize("secret", [{"api_token": "s3cret"}, {"auth": "ann:s3cret"}])
def test_every_route_refuses_a_request_without_credentials(
    settings: Settings, tmp_path: Path, secret: dict[str, str]
) -> None:
    with _guarded(settings, tmp_path, **secret) as client:
        routes = _every_route(client)
        assert len(routes) > 40  # the API, /v1, the docs, and Gradio's routes are all there
        for method, path in routes:
            if path == "/login":
                continue
            response = client.request(method, path, json={"data": ["russia-venezuela.md"]},
                                      follow_redirects=False)  # fmt: skip
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["error"]["code"] == "unauthorized"
        # The document that on_delete named is still there.
        listed = client.get("/api/documents", headers={"Authorization": "Bearer s3cret"}
                            if "api_token" in secret else {"Authorization": "Basic "
                            + base64.b64encode(b"ann:s3cret").decode()})  # fmt: skip
        assert [d["doc_id"] for d in listed.json()["documents"]] == ["russia-venezuela.md"]


def test_a_browser_is_sent_to_the_login_and_then_let_in(settings: Settings, tmp_path: Path) -> None:
    with _guarded(settings, tmp_path, auth="ann:s3cret") as client:
        page = client.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert "Password" in client.get("/login").text
        wrong = client.post("/login", data={"username": "ann", "password": "nope"})
        assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
        assert client.get("/config").status_code == 401
        right = client.post("/login", data={"username": "ann", "password": "s3cret"})
        assert right.status_code == 200 and right.url.path == "/"  # redirected to the chat
        assert client.get("/config").status_code == 200
        assert client.post("/api/ask", json={"question": "What did Volodin claim?"}).is_success


def test_api_clients_use_a_bearer_token_and_the_browser_logs_in_with_it(
    settings: Settings, tmp_path: Path
) -> None:
    with _guarded(settings, tmp_path, api_token="s3cret") as client:
        assert (
            client.get("/api/health", headers={"Authorization": "Bearer nope"}).status_code == 401
        )
        assert client.get("/api/health", headers={"Authorization": "Bearer s3cret"}).is_success
        assert client.get("/openapi.json", headers={"Authorization": "Bearer s3cret"}).is_success
        client.post("/login", data={"username": "token", "password": "s3cret"})
        assert client.get("/config").status_code == 200


def test_a_login_without_a_password_is_a_start_up_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="RAG_AUTH"):
        Settings.load(auth="admin")
    monkeypatch.setenv("RAG_AUTH", "admin")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path))
    assert app_main([]) == 1
    assert "RAG_AUTH must be user:password" in capsys.readouterr().err


def test_secrets_are_never_shown(settings: Settings) -> None:
    update = {"api_token": "tok-123", "auth": "ann:pw-456", "llm_api_key": "key-789"}
    guarded = Settings.model_validate({**settings.model_dump(), **update})
    shown = f"{guarded!r} {guarded} {guarded.model_dump()}"
    assert not {"tok-123", "pw-456", "key-789"} & set(re.findall(r"[\w-]+", shown))

"""HTTP face: the JSON API and an OpenAI-compatible chat endpoint over the same Pipeline."""

from __future__ import annotations

import html
import itertools
import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, File, Form, Query, Request, Response, UploadFile
from fastapi import Path as ApiPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from rag.auth import AuthBoundary, Credentials
from rag.condense import Turn
from rag.errors import (
    BackendUnavailable,
    CollectionNotFound,
    DocumentNotFound,
    FileTooLarge,
    IndexMismatch,
    IngestFailed,
    InvalidInput,
    RagError,
    StoreChanged,
    UnsupportedFile,
)
from rag.pipeline import Pipeline
from rag.schema import Answer, Document, DocumentInfo, IngestReport, SearchResult

MODEL_ID = "rag"
log = logging.getLogger(__name__)
_STATUS: dict[type[RagError], int] = {
    InvalidInput: 422,
    CollectionNotFound: 404,
    DocumentNotFound: 404,
    UnsupportedFile: 415,
    FileTooLarge: 413,
    IngestFailed: 422,
    IndexMismatch: 409,
    BackendUnavailable: 503,
    StoreChanged: 503,
}
Question = Annotated[str, Field(min_length=1, max_length=4000, description="The question.")]
TopK = Annotated[int, Field(ge=1, le=50, description="Passages to retrieve (1-50).")]
Collection = Annotated[str, Field(min_length=1, max_length=512, description="Collection name.")]
DocIds = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=1024)]],
    Field(
        min_length=1,
        max_length=1000,
        description="Only these documents (ids as GET /api/documents lists them) are searched.",
    ),
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Message(_Request):
    role: Literal["system", "user", "assistant"]
    content: str = Field(max_length=100_000)

    @field_validator("content", mode="before")
    @classmethod
    def _text_parts(cls, content: object) -> object:
        """OpenAI's list of content parts ([{"type": "text", "text": "..."}]) as its text."""
        if not isinstance(content, list):
            return content
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text":
                raise ValueError("only text content parts are supported")
            texts.append(str(part.get("text", "")))
        return "\n".join(texts)


class AskRequest(_Request):
    question: Question
    history: list[Message] = Field(default=[], max_length=100, description="Earlier turns.")
    collection: Collection | None = None
    top_k: TopK | None = None
    doc_ids: DocIds | None = None


class SearchRequest(_Request):
    query: Question
    collection: Collection | None = None
    top_k: TopK | None = None
    doc_ids: DocIds | None = None


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class DocumentList(BaseModel):
    collection: str
    documents: list[DocumentInfo]


class Deleted(BaseModel):
    doc_id: str
    chunks_removed: int


class ChatRequest(BaseModel):
    """The OpenAI chat-completions request; fields this service does not use are accepted."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[Message] = Field(min_length=1, max_length=100)
    stream: bool = False
    doc_ids: DocIds | None = None  # extra body: limit the answer to these documents


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def _status_of(exc: RagError) -> int:
    for kind in type(exc).__mro__:
        if kind in _STATUS:
            return _STATUS[kind]
    return 400


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        if err.get("type") == "json_invalid":
            at = next((p for p in err.get("loc", ()) if isinstance(p, int)), None)
            where = f" (at character {at})" if at is not None else ""
            reason = (err.get("ctx") or {}).get("error", "")
            return f"The request body is not valid JSON{where}: {reason}".rstrip(": ") + "."
        if err.get("type") == "model_attributes_type" and tuple(err.get("loc", ())) == ("body",):
            # Usually JSON sent without its content type (curl -d), so it arrived as text.
            return (
                "The request body must be a JSON object, sent with Content-Type: application/json."
            )
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        if err.get("type") == "string_too_short" and where in ("question", "query"):
            return f"The {where} is empty: type a {where}."  # as an all-blank one is told
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (401, 404, 409, 413, 415, 422)
}


def create_api(pipeline: Pipeline) -> FastAPI:
    """The FastAPI app with every route; the UI is mounted on it by `app.create_app`."""
    # FastAPI's own /docs page loads Swagger UI from a CDN: nothing may leave the machine.
    app = FastAPI(
        title="Document QA",
        description="Answers from your documents with checkable citations.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
    )

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> str:
        return render_docs(app.openapi())

    @app.exception_handler(RagError)
    async def rag_error(_: Request, exc: RagError) -> JSONResponse:
        return _error(_status_of(exc), exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # The same code as the pipeline's own check: an empty question is one mistake, however
        # it is caught.
        return _error(422, InvalidInput.code, _validation_message(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return _error(
            500, "internal_error", "Something went wrong on the server; its log says what."
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _error(exc.status_code, "http_error", str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    api = APIRouter(prefix="/api", responses=_ERRORS)
    openai = APIRouter(prefix="/v1", responses=_ERRORS)

    @api.post("/ask", response_model=Answer, tags=["ask"])
    def ask(body: AskRequest) -> Answer:
        """Answer a question from the documents. Every `[n]` in `answer` is a citation whose
        `quote` is verbatim document text; `refused` is true when the documents do not cover it.
        With `history`, a follow-up ("And Blinken?") is made standalone; `searched_for` says how."""
        history = [Turn(role=m.role, content=m.content) for m in body.history]
        return pipeline.ask(body.question, body.top_k, body.collection, history, body.doc_ids)

    @api.post("/search", response_model=SearchResult, tags=["ask"])
    def search(body: SearchRequest) -> SearchResult:
        """The passages retrieved for a query, best first."""
        return pipeline.search(body.query, body.top_k, body.collection, body.doc_ids)

    @api.get("/documents", response_model=DocumentList, tags=["documents"])
    def list_documents(collection: str | None = None) -> DocumentList:
        """The documents in a collection with their metadata and chunk counts."""
        name = collection or pipeline.settings.collection
        return DocumentList(collection=name, documents=pipeline.documents(name))

    # Links tell API clients (and stateful testers) that an upload's id can be read or deleted.
    uploaded = {
        f"{verb.capitalize()}Uploaded": {
            "operationId": f"{verb}_document",
            "parameters": {"doc_id": "$response.body#/added/0"},
        }
        for verb in ("get", "delete")
    }

    @api.post(
        "/documents",
        response_model=IngestReport,
        tags=["documents"],
        responses={200: {"description": "What was indexed", "links": uploaded}},
    )
    async def upload_document(
        file: Annotated[UploadFile, File(description="A .md, .txt, .html, .pdf or .docx file.")],
        collection: Annotated[str | None, Form(max_length=512)] = None,
        in_query: Annotated[str | None, Query(alias="collection", max_length=512)] = None,
    ) -> IngestReport:
        """Upload a document and index it as `uploads/<file name>`; the same name replaces it.
        The collection may be named as a form field or, as for the other routes, in the query."""
        if collection and in_query and collection != in_query:
            raise InvalidInput(f"Two collections named: {collection!r} and {in_query!r}.")
        collection = collection or in_query
        limit = pipeline.settings.max_upload_bytes
        data = await file.read(limit + 1)
        # Embedding takes seconds: in a worker thread, so health checks and questions go on
        # being answered meanwhile (the event loop never waits for a write).
        return await run_in_threadpool(
            pipeline.ingest_upload, file.filename or "", data, collection
        )

    # Before the document route: its {doc_id:path} would take ".../pages/3.png" as an id.
    @api.get(
        "/documents/{doc_id:path}/pages/{page}.png",
        response_class=Response,
        responses={200: {"content": {"image/png": {}}, "description": "The page as a PNG."}},
        tags=["documents"],
        operation_id="get_page_image",
    )
    def get_page_image(
        doc_id: str,
        page: Annotated[int, ApiPath(ge=1, le=100_000)],
        quote: Annotated[list[str] | None, Query(max_length=20)] = None,
        width: Annotated[int, Query(ge=100, le=2000)] = 1100,
        collection: str | None = None,
    ) -> Response:
        """Page `page` of a PDF document as printed, as a PNG image, with each `quote` (a
        citation's quote; repeatable) highlighted where it stands on the page."""
        png = pipeline.page_image(doc_id, page, quote or [], collection, width=width)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private"})

    @api.get(
        "/documents/{doc_id:path}",
        response_model=Document,
        tags=["documents"],
        operation_id="get_document",
    )
    def get_document(doc_id: str, collection: str | None = None) -> Document:
        """A whole document as ingested: a citation's `start`/`end` index into its `text`."""
        return pipeline.document(doc_id, collection)

    @api.delete(
        "/documents/{doc_id:path}",
        response_model=Deleted,
        tags=["documents"],
        operation_id="delete_document",
    )
    def delete_document(doc_id: str, collection: str | None = None) -> Deleted:
        """Remove a document and all its chunks from a collection."""
        return Deleted(doc_id=doc_id, chunks_removed=pipeline.delete_document(doc_id, collection))

    @api.get("/health", tags=["service"])
    def health() -> dict[str, Any]:
        """Status, collection sizes, embedding model, answer engine and versions."""
        return pipeline.health()

    @openai.get("/models", tags=["openai"])
    def models() -> dict[str, Any]:
        """OpenAI-style model list: one model, the assistant over the default collection."""
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "rag"}],
        }

    @openai.post("/chat/completions", tags=["openai"], response_model=None)
    def chat_completions(body: ChatRequest) -> dict[str, Any] | StreamingResponse:
        """OpenAI-compatible chat: the last user message is the question. The answer keeps its
        `[n]` markers; `citations` (and, when streaming, the last chunk) carries the sources."""
        turns = [Turn(role=m.role, content=m.content) for m in body.messages]
        last = max((i for i, t in enumerate(turns) if t.role == "user"), default=None)
        if last is None:
            raise InvalidInput("messages must include a user message.")
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        if body.stream:
            events = pipeline.ask_stream(
                turns[last].content, history=turns[:last], doc_ids=body.doc_ids
            )
            # The first event is taken here, so a failure to start is an HTTP error, not a
            # broken stream.
            first = next(events)
            return StreamingResponse(
                _stream(itertools.chain([first], events), completion_id, body.model),
                media_type="text/event-stream",
            )
        answer = pipeline.ask(turns[last].content, history=turns[:last], doc_ids=body.doc_ids)
        extra = _extra(answer)
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer.answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            **extra,
        }

    app.include_router(api)
    app.include_router(openai)

    # Below /api and /v1 nothing falls through to the UI mounted at "/": an unknown route is a
    # JSON 404, a known one asked with the wrong method a JSON 405.
    @app.api_route("/api/{rest:path}", methods=_METHODS, include_in_schema=False)
    @app.api_route("/v1/{rest:path}", methods=_METHODS, include_in_schema=False)
    def unknown_route(request: Request) -> JSONResponse:
        allowed = [m for m in _METHODS if _serves(app, request, m, unknown_route)]
        if allowed:
            methods = ", ".join(allowed)
            message = f"{request.method} is not allowed here; use {methods}."
            return _error(405, "method_not_allowed", message, headers={"Allow": methods})
        return _error(404, "not_found", f"There is no route {request.url.path}.")

    # Outermost but for authentication: a body over the limit is refused before it is spooled.
    app.add_middleware(BodyLimit, upload_limit=pipeline.settings.max_upload_bytes)
    credentials = Credentials.of(pipeline.settings.api_token, pipeline.settings.auth)
    if credentials is not None:
        app.add_middleware(AuthBoundary, credentials=credentials)
    return app


_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
_FORM_OVERHEAD = 64 * 1024  # a multipart form's boundaries and headers around the file


class BodyLimit:
    """ASGI middleware: a request body longer than `limit` is answered 413 before it is read
    into memory or a temporary file (by its Content-Length, or as it streams in)."""

    def __init__(self, app: Any, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.limit = upload_limit + _FORM_OVERHEAD

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.upload_limit)
            return
        seen, refused = 0, False

        async def counted() -> Any:
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit and not refused:
                # Answer now, and tell the app the client left: it stops reading, and
                # whatever it answers then is dropped.
                refused = True
                await _too_large(send, self.upload_limit)
            return {"type": "http.disconnect"} if refused else message

        async def guarded(message: Any) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, guarded)


async def _too_large(send: Any, limit: int) -> None:
    message = f"The request is over the upload limit of {limit} bytes (RAG_MAX_UPLOAD_BYTES)."
    body = json.dumps({"error": {"code": "file_too_large", "message": message}})
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body.encode()})


def _serves(app: FastAPI, request: Request, method: str, fallback: Any) -> bool:
    """Whether a route of the API other than the fallback answers this path with `method`
    (the UI mounted at "/" takes any path, so it does not count)."""
    scope = {**request.scope, "method": method}
    for route in app.router.routes:
        if isinstance(route, Mount) or getattr(route, "endpoint", None) is fallback:
            continue
        match, child = route.matches(scope)
        if (
            match == Match.FULL
            and getattr(child.get("endpoint"), "__name__", "") != "unknown_route"
        ):
            return True
    return False


def render_docs(schema: dict[str, Any]) -> str:
    """The API reference as one self-contained page, generated from the OpenAPI schema."""
    rows = []
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            body = op.get("requestBody", {}).get("content", {})
            kinds = ", ".join(body) or "none"
            statuses = ", ".join(sorted(op.get("responses", {})))
            rows.append(
                f"<section><h3><code>{method.upper()} {html.escape(path)}</code></h3>"
                f"<p>{html.escape(op.get('description') or op.get('summary') or '')}</p>"
                f"<p>Body: {html.escape(kinds)}; responses: {html.escape(statuses)}</p></section>"
            )
    title = html.escape(schema.get("info", {}).get("title", "API"))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title} API</title></head>"
        f"<body style='font-family: sans-serif; max-width: 60rem; margin: auto'>"
        f"<h1>{title} API</h1><p>The machine-readable schema is at "
        f"<a href='/openapi.json'>/openapi.json</a>.</p>{''.join(rows)}</body></html>"
    )


def _extra(answer: Answer) -> dict[str, Any]:
    """What a completion carries beyond OpenAI's fields: the sources and the checks."""
    return {
        "citations": [c.model_dump() for c in answer.citations],
        "claims": [c.model_dump() for c in answer.claims],
        "refused": answer.refused,
        "searched_for": answer.searched_for,
    }


def _stream(events: Iterator[str | Answer], completion_id: str, model: str) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format, text as the engine writes it; the last
    chunk carries the sources, and `answer` when verification changed the streamed text."""
    created = int(time.time())

    def event(delta: dict[str, str], finish: str | None, **more: Any) -> str:
        chunk = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **more,
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""}, None)
    streamed: list[str] = []
    try:
        for item in events:
            if isinstance(item, Answer):
                extra = _extra(item)
                if "".join(streamed).strip() != item.answer.strip():
                    extra["answer"] = item.answer
                yield event({}, "stop", **extra)
            else:
                streamed.append(item)
                yield event({"content": item}, None)
    except RagError as exc:
        # The status line is sent already: the error goes in the stream, as OpenAI's does.
        error = {"code": type(exc).__name__, "message": str(exc)}
        yield f"data: {json.dumps({'error': error}, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"

"""Browser face: a Gradio chat beside its cited sources, and a documents tab."""

from __future__ import annotations

import datetime as dt
import html
import json
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.condense import Turn
from rag.errors import RagError
from rag.formats import SUPPORTED_SUFFIXES
from rag.language import fold
from rag.schema import Answer, DocumentInfo, IngestProgress
from rag.sync import UPLOAD_PREFIX
from rag.ui_html import chat_plain, chat_text, escaped, render_sources

if TYPE_CHECKING:
    import gradio as gr

    from rag.pipeline import Pipeline

EXAMPLES = ["What did Volodin claim?", "What did Blinken say?", "Who won the election?"]
History = list[dict[str, Any]]


_TYPE_FIRST = (
    '<div class="rag-sources"><p role="status">Type a question first, then press Send.</p></div>'
)


def respond(
    pipeline: Pipeline,
    message: str,
    history: History | None,
    scope: list[str] | None = None,
    answers: dict[str, Any] | None = None,
    collection: str | None = None,
) -> Iterator[tuple[History, str, str]]:
    """One chat turn, as it progresses: yields the history, the input box and the sources.
    `scope`: the documents to answer from (none chosen: all of them). `answers` collects each
    Answer (as JSON) by its message's place in the history, for feedback and export.
    `collection`: the one to ask (None: the settings' default)."""
    history = list(history or [])
    if not (message or "").strip():
        # Said where the sources go, so that a Send with nothing typed is not met by silence.
        yield history, "", _TYPE_FIRST
        return
    history.append({"role": "user", "content": message})
    yield [*history, {"role": "assistant", "content": "_Searching the documents..._"}], "", ""
    answer = None
    try:
        written = ""
        events = pipeline.ask_stream(
            message,
            collection=collection,
            history=_turns(history[:-1]),
            doc_ids=list(scope) if scope else None,
        )
        for event in events:
            if isinstance(event, Answer):
                answer = event
            else:
                written += event
                partial = escaped(written)
                yield [*history, {"role": "assistant", "content": partial}], "", ""
    except RagError as exc:
        history.append({"role": "assistant", "content": f"**Error:** {html.escape(str(exc))}"})
        yield history, "", render_sources(None)
        return
    if answer is None:
        return
    history.append({"role": "assistant", "content": chat_text(answer)})
    if answers is not None:
        answers[str(len(history) - 1)] = answer.model_dump(mode="json")
    yield history, "", sources_of(pipeline, answer, collection)


def sources_of(pipeline: Pipeline, answer: Answer | None, collection: str | None = None) -> str:
    """The Sources column for an answer, with each cited document whole for its cards."""
    documents = {}
    for doc_id in {c.doc_id for c in answer.citations} if answer else ():
        try:
            documents[doc_id] = pipeline.document(doc_id, collection)
        except RagError:
            continue  # deleted meanwhile: the card still shows its passage
    return render_sources(answer, documents, collection)


def restore(
    pipeline: Pipeline, saved: Any, collection: str | None = None
) -> tuple[History, dict[str, Any], str]:
    """The conversation kept in the browser (after a page reload): its messages, its answers
    and the last answer's sources. Anything unreadable starts a new conversation."""
    try:
        history = list(saved["history"])
        answers = dict(saved["answers"])
        last = answers[max(answers, key=int)] if answers else None
        answer = Answer.model_validate(last) if last else None
    except (KeyError, TypeError, ValueError):
        return [], {}, render_sources(None)
    return history, answers, sources_of(pipeline, answer, collection)


_FEEDBACK_LOCK = threading.Lock()


def record_feedback(
    pipeline: Pipeline,
    history: History,
    answers: dict[str, Any],
    index: int,
    liked: bool,
    collection: str | None = None,
) -> Path | None:
    """Append a 👍/👎 on the answer at `index` of the chat, with its question, answer and
    citations, to RAG_DATA_DIR/feedback.jsonl, where a team can review answers."""
    turns = _turns(history)
    if not 0 <= index < len(turns) or turns[index].role != "assistant":
        return None
    question = next((t.content for t in reversed(turns[:index]) if t.role == "user"), "")
    answer = answers.get(str(index)) or {}
    row = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "liked": liked,
        "question": question,
        "searched_for": answer.get("searched_for", question),
        "answer": answer.get("answer", turns[index].content),
        "refused": answer.get("refused"),
        "citations": [
            {k: c.get(k) for k in ("n", "doc_id", "title", "quote", "page", "start", "end")}
            for c in answer.get("citations", [])
        ],
        "collection": collection or pipeline.settings.collection,
    }
    path = pipeline.settings.data_dir / "feedback.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _FEEDBACK_LOCK, path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def conversation_markdown(history: History, answers: dict[str, Any]) -> str:
    """The conversation as Markdown: each question, its answer, and the sources it cites with
    their quotes."""
    out = ["# Conversation", ""]
    for index, turn in enumerate(_turns(history)):
        if turn.role == "user":
            out += [f"## {turn.content.strip()}", ""]
            continue
        answer = answers.get(str(index))
        if answer is None:
            out += [turn.content, ""]
            continue
        out += [answer["answer"], ""]
        if answer.get("searched_for") and answer["searched_for"] != answer.get("question"):
            out += [f"_Searched for: {answer['searched_for']}_", ""]
        for c in answer.get("citations", []):
            where = ", ".join(
                str(x)
                for x in (c.get("source"), (c.get("published_at") or "")[:10],
                          f"p. {c['page']}" if c.get("page") else None)
                if x
            )  # fmt: skip
            quote = " ".join(str(c.get("quote", "")).split())
            out += [f"[{c['n']}] {c['title']}" + (f" ({where})" if where else ""), f"> {quote}", ""]
    return "\n".join(out).rstrip() + "\n"


def _turns(history: History) -> list[Turn]:
    """Chat messages as plain-text turns (Gradio may hand content over as a list of parts)."""
    turns = []
    for message in history:
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(
                p.get("text", "") if isinstance(p, dict) else str(p) for p in content
            )
        role = str(message.get("role", ""))
        text = str(content or "")
        # What the assistant said, as the chat shows it: its markup taken off again.
        turns.append(Turn(role=role, content=chat_plain(text) if role == "assistant" else text))
    return turns


DOCUMENT_COLUMNS = [
    "id", "title", "author", "source", "date", "format", "characters", "chunks",
    "indexed (UTC)",
]  # fmt: skip
# In pixels, not shares of the width: on a phone, shares squeeze nine columns into letters
# stacked one per line, while fixed widths make the table scroll sideways inside its own box.
DOCUMENT_COLUMN_WIDTHS: list[str | int] = [
    f"{px}px" for px in (150, 260, 120, 140, 100, 70, 110, 70, 170)
]


def document_rows(
    pipeline: Pipeline, collection: str | None = None, search: str | None = ""
) -> list[list[Any]]:
    """The collection's documents as table rows; with `search`, only the rows whose id, title,
    author or source hold every word of it (any case, any accents)."""
    return _rows(_listed(pipeline, collection), search)


def _listed(pipeline: Pipeline, collection: str | None) -> list[DocumentInfo]:
    try:
        return pipeline.documents(collection)
    except RagError:
        return []


def _rows(documents: list[DocumentInfo], search: str | None) -> list[list[Any]]:
    rows = [_row(d) for d in documents]
    words = fold(search or "").split()
    return [row for row in rows if all(w in fold(" ".join(map(str, row[:4]))) for w in words)]


def _row(d: DocumentInfo) -> list[Any]:
    indexed = (d.indexed_at or "")[:16].replace("T", " ")
    # The date it was published, else the file's own ("created 2010-02-16").
    date = (d.published_at or "")[:10] or (f"created {d.created_at[:10]}" if d.created_at else "")
    return [
        d.doc_id, d.title, d.author or "", d.source or "", date, d.format, d.chars or "",
        d.chunks, indexed,
    ]  # fmt: skip


def scope_choices(pipeline: Pipeline, collection: str | None = None) -> list[tuple[str, str]]:
    """The documents a question can be limited to, as (label, id) pairs."""
    return _choices(_listed(pipeline, collection))


def _choices(documents: list[DocumentInfo]) -> list[tuple[str, str]]:
    return [(f"{d.title} ({d.doc_id})", d.doc_id) for d in documents]


def collection_choices(pipeline: Pipeline, current: str | None = None) -> tuple[list[str], str]:
    """The collections a person can switch between, and the one to show (the current one while
    it exists, else the settings' default)."""
    names = sorted(pipeline.collections())
    default = pipeline.settings.collection
    if default not in names:
        names.insert(0, default)
    return names, current if current in names else default


def document_view(pipeline: Pipeline, doc_id: str, collection: str | None = None) -> str:
    """A document's title, metadata and whole text, escaped, for the Documents tab."""
    if not doc_id:
        return ""
    try:
        document = pipeline.document(doc_id, collection)
    except RagError as exc:
        return f'<div class="rag-refusal">{html.escape(str(exc))}</div>'
    date = (document.published_at or "")[:10] or (
        f"created {document.created_at}" if document.created_at else ""
    )
    parts = (document.author, document.source, date, doc_id)
    about = " \u00b7 ".join(html.escape(x) for x in parts if x)
    return (
        f'<div class="rag-card"><h4>{html.escape(document.title)}</h4>'
        f'<div class="rag-meta">{about}</div>'
        f'<div class="rag-passage rag-whole">{html.escape(document.text)}</div></div>'
    )


def summarize_document(pipeline: Pipeline, doc_id: str, collection: str | None = None) -> str:
    """The document's extractive summary (its most central sentences), as escaped HTML: a
    document's text never becomes markup or a link."""
    if not doc_id:
        return "<p>Choose a document first.</p>"
    try:
        answer = pipeline.ask(
            "What is this document about?", collection=collection, doc_ids=[doc_id]
        )
    except RagError as exc:
        return f"<p><strong>Failed:</strong> {html.escape(str(exc))}</p>"
    return f'<p class="rag-summary"><strong>Summary:</strong> {html.escape(answer.answer)}</p>'


def upload(
    pipeline: Pipeline,
    paths: list[str] | None,
    progress: Any = None,
    collection: str | None = None,
) -> str:
    """Index uploaded files one by one; returns a report line per file."""
    lines = []
    files = list(paths or [])
    for number, path in enumerate(files, start=1):
        name = Path(path).name

        def step(at: IngestProgress, number: int = number, name: str = name) -> None:
            # The bar moves with the chunks embedded, so one long file does not sit still.
            if progress is not None and at.to_embed:
                share = (number - 1 + at.embedded / at.to_embed) / len(files)
                progress(share, desc=f"{name}: {at.embedded} of {at.to_embed} chunks embedded")

        if progress is not None:
            progress((number - 1) / len(files), desc=f"Reading {name}")
        try:
            report = pipeline.ingest_upload(
                name, Path(path).read_bytes(), collection=collection, progress=step
            )
            state = "unchanged" if report.unchanged else "indexed"
            lines.append(f"- {html.escape(name)}: {state} ({report.chunks} chunks embedded)")
        except RagError as exc:
            lines.append(f"- {html.escape(name)}: **failed**: {html.escape(str(exc))}")
    return "\n".join(lines) or "Choose files to upload."


def suggestions(pipeline: Pipeline, collection: str | None = None) -> list[str]:
    """Questions for the example chips about the documents uploaded last ("Summarize Drawing
    graphs with dot"), newest first; none when nothing was uploaded."""
    try:
        documents = pipeline.documents(collection)
    except RagError:
        return []
    uploaded = sorted(
        (d for d in documents if d.doc_id.startswith(UPLOAD_PREFIX)),
        key=lambda d: d.indexed_at or "",
        reverse=True,
    )
    return [f"Summarize {_shortened(d.title)}" for d in uploaded[: len(EXAMPLES)]]


def _shortened(title: str, most: int = 48) -> str:
    words = title.split()
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > most:
            return out + "…"
        out = f"{out} {word}".strip()
    return out


def asked_to_delete(doc_id: str | None) -> tuple[str, Any]:
    """The question a Delete click asks, and whether to show the button that confirms it."""
    import gradio as gr

    doc_id = (doc_id or "").strip()
    if not doc_id:
        return "Choose a document in the table first.", gr.update(visible=False)
    return (
        f"Delete **{html.escape(doc_id)}** from the index? Press “Yes, delete it” to confirm.",
        gr.update(visible=True),
    )


def delete(pipeline: Pipeline, doc_id: str | None, collection: str | None = None) -> str:
    if not doc_id:
        return "Choose a document to delete."
    try:
        removed = pipeline.delete_document(doc_id, collection)
    except RagError as exc:
        return f"**Failed:** {html.escape(str(exc))}"
    return f"Deleted {html.escape(doc_id)} ({removed} chunks)."


def build_ui(pipeline: Pipeline) -> gr.Blocks:
    """The page: layout here, events wired to the plain functions above."""
    import gradio as gr

    tracker = gr.Progress()  # Gradio finds a progress tracker by its default value
    with gr.Blocks(title="Document QA", analytics_enabled=False) as demo:
        gr.Markdown(
            "# Ask your documents\nAnswers cite the passages they come from.", elem_id="title"
        )
        names, current = collection_choices(pipeline)
        # Shown once there is more than one collection: the same as RAG_COLLECTION and the
        # API's `collection`. Every event below acts on the chosen one.
        collection = gr.Dropdown(
            label="Collection", choices=names, value=current, visible=len(names) > 1,
            elem_id="collection",
        )  # fmt: skip
        with gr.Tabs() as tabs, gr.Tab("Chat", id="chat-tab"), gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat", height=520, sanitize_html=True, buttons=["copy"],
                    feedback_options=("Like", "Dislike"), elem_id="chat",
                )  # fmt: skip
                answers = gr.State({})
                # The conversation survives a page reload: kept, encrypted, in the browser's
                # local storage (a restarted server has a new key and starts afresh).
                saved = gr.BrowserState(
                    {"history": [], "answers": {}}, storage_key="rag-conversation"
                )
                question = gr.Textbox(
                    placeholder="Ask a question about the documents and press Enter",
                    show_label=False, lines=1, max_lines=4, elem_id="question",
                )  # fmt: skip
                with gr.Row():
                    send = gr.Button("Send", variant="primary")
                    clear = gr.Button("Clear chat")
                    export = gr.Button("Export", elem_id="export")
                exported = gr.File(
                    label="Conversation (Markdown)", visible=False, elem_id="exported"
                )
                scope = gr.Dropdown(
                    label="Search in", info="All documents, or only those chosen here",
                    choices=scope_choices(pipeline), value=[], multiselect=True,
                    elem_id="scope",
                )  # fmt: skip
                with gr.Row(elem_id="examples"):
                    chips = [gr.Button(text, size="sm", variant="secondary") for text in EXAMPLES]
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(render_sources(None), elem_id="sources")
        with tabs, gr.Tab("Documents", id="documents-tab"):
            # No file_types filter: a README or FAQ without a suffix is a document too, and
            # the server's message says what it cannot read.
            files = gr.File(
                label="Upload documents (" + ", ".join(SUPPORTED_SUFFIXES) + ", or plain text)",
                file_count="multiple", elem_id="upload", height=140,
            )  # fmt: skip
            add = gr.Button("Add to the index", variant="primary", elem_id="add")
            status = gr.Markdown(elem_id="upload-status")
            search = gr.Textbox(
                label="Search documents", placeholder="Words of a title, author, source or id",
                elem_id="document-search",
            )  # fmt: skip
            table = gr.Dataframe(
                headers=DOCUMENT_COLUMNS, value=lambda: document_rows(pipeline),
                interactive=False, elem_id="documents", wrap=True,
                column_widths=DOCUMENT_COLUMN_WIDTHS,
            )  # fmt: skip
            with gr.Row():
                chosen = gr.Textbox(label="Chosen document (choose a row)", elem_id="delete-id")
                summarize = gr.Button("Summarize", elem_id="summarize")
                ask_about = gr.Button("Ask about this document", elem_id="ask-about")
                remove = gr.Button("Delete", variant="stop")
                confirm = gr.Button(
                    "Yes, delete it", variant="stop", visible=False, elem_id="confirm-delete"
                )
            summary = gr.HTML(elem_id="summary")
            viewer = gr.HTML(elem_id="viewer")

        def on_submit(
            message: str,
            history: History | None,
            chosen_scope: list[str] | None,
            kept: dict[str, Any] | None,
            name: str | None,
        ) -> Iterator[tuple[History, str, str, dict[str, Any]]]:
            kept = dict(kept or {})
            if not (message or "").strip():
                # Also as a notice over the page: two new users missed the line in the
                # Sources pane and took the empty Send for one that did nothing.
                gr.Warning("Type a question first, then press Send.")
            for shown in respond(pipeline, message, history, chosen_scope, kept, name):
                yield (*shown, kept)

        def on_like(history: History, kept: dict[str, Any], name: str | None, event: Any) -> None:
            index = event.index[0] if isinstance(event.index, list | tuple) else event.index
            record_feedback(pipeline, history, kept or {}, int(index), bool(event.liked), name)

        on_like.__annotations__["event"] = gr.LikeData  # see on_row

        def on_export(history: History | None, kept: dict[str, Any] | None) -> Any:
            text = conversation_markdown(history or [], kept or {})
            with tempfile.NamedTemporaryFile(
                "w", suffix=".md", prefix="conversation-", delete=False, encoding="utf-8"
            ) as out:
                out.write(text)
            return gr.update(value=out.name, visible=True)

        def refreshed(
            name: str | None, query: str | None = "", keep_scope: bool = True
        ) -> tuple[list[list[Any]], Any]:
            # The table's rows and the scope's choices, from one listing of the collection.
            documents = _listed(pipeline, name)
            choices = _choices(documents)
            scope_update = gr.update(choices=choices)
            if not keep_scope:
                scope_update = gr.update(choices=choices, value=[])
            return _rows(documents, query), scope_update

        def on_upload(
            paths: list[str] | None, name: str | None, query: str, progress: Any = tracker
        ) -> tuple[Any, ...]:
            # The upload box empties once its files are indexed; the example chips ask about
            # the files just uploaded, not the bundled article.
            report = upload(pipeline, paths, progress, name)
            asks = suggestions(pipeline, name)
            padded: list[str | None] = [*asks, *[None] * len(chips)][: len(chips)]
            chip_updates = [
                gr.update() if not asks  # nothing uploaded: the chips stay
                else gr.update(value=text, visible=True) if text
                else gr.update(visible=False)
                for text in padded
            ]  # fmt: skip
            return report, *refreshed(name, query), None, *chip_updates

        def on_delete(doc_id: str, name: str | None, query: str) -> tuple[str, Any, Any, str]:
            report = delete(pipeline, doc_id, name)
            return report, *refreshed(name, query), ""

        def on_row(name: str | None, query: str, event: gr.SelectData) -> tuple[str, str, str]:
            # Choosing any cell of a row chooses its document (the id is the first column)
            # and shows its text.
            rows = document_rows(pipeline, name, query)
            row = event.index[0] if isinstance(event.index, list | tuple) else event.index
            doc_id = str(rows[row][0]) if isinstance(row, int) and 0 <= row < len(rows) else ""
            return doc_id, "", document_view(pipeline, doc_id, name)

        def on_summarize(doc_id: str, name: str | None) -> str:
            return summarize_document(pipeline, doc_id, name)

        def on_collection(name: str | None, query: str) -> tuple[Any, Any, str, str, str]:
            # Another collection: its documents, no scope, no chosen document.
            rows, scope_update = refreshed(name, query, keep_scope=False)
            return scope_update, rows, "", "", ""

        def on_ask_about(doc_id: str) -> tuple[Any, Any]:
            if not doc_id:
                return gr.update(), gr.update()
            return gr.update(value=[doc_id]), gr.Tabs(selected="chat-tab")

        # Gradio passes the selection to a parameter annotated SelectData; with postponed
        # annotations it must see the class itself, not the string.
        on_row.__annotations__["event"] = gr.SelectData

        def keep(history: History | None, kept: dict[str, Any] | None) -> dict[str, Any]:
            return {"history": history or [], "answers": kept or {}}

        def on_load(
            kept: Any, name: str | None
        ) -> tuple[Any, Any, Any, History, dict[str, Any], str]:
            # A collection made since the page was built (by the CLI, say) appears on reload.
            names, current = collection_choices(pipeline, name)
            switch = gr.update(choices=names, value=current, visible=len(names) > 1)
            return (switch, *refreshed(current), *restore(pipeline, kept, current))

        outputs = [chatbot, question, sources, answers]
        # Every event that changes the conversation then keeps it in the browser.
        changes = [
            question.submit(on_submit, [question, chatbot, scope, answers, collection], outputs),
            send.click(on_submit, [question, chatbot, scope, answers, collection], outputs),
            clear.click(lambda: ([], "", render_sources(None), {}), None, outputs),
        ]
        chatbot.like(on_like, [chatbot, answers, collection], None)
        export.click(on_export, [chatbot, answers], [exported])

        def example(
            text: str,
            history: History | None,
            chosen_scope: list[str] | None,
            kept: dict[str, Any],
            name: str | None,
        ) -> Iterator[Any]:
            yield from on_submit(text, history, chosen_scope, kept, name)

        for chip in chips:  # a chip asks its own words at once
            chosen_inputs = [chip, chatbot, scope, answers, collection]
            changes.append(chip.click(example, chosen_inputs, outputs))
        for change in changes:
            change.then(keep, [chatbot, answers], [saved])
        add.click(on_upload, [files, collection, search], [status, table, scope, files, *chips])
        # Deleting asks first: the first click says what would go, the second does it.
        remove.click(asked_to_delete, [chosen], [status, confirm])
        confirm.click(on_delete, [chosen, collection, search], [status, table, scope, chosen]).then(
            lambda: gr.update(visible=False), None, [confirm]
        )
        chosen.change(lambda _: gr.update(visible=False), [chosen], [confirm])
        table.select(on_row, [collection, search], [chosen, summary, viewer])
        summarize.click(on_summarize, [chosen, collection], [summary])
        ask_about.click(on_ask_about, [chosen], [scope, tabs])
        search.change(
            lambda name, query: document_rows(pipeline, name, query), [collection, search], [table]
        )
        collection.input(
            on_collection, [collection, search], [scope, table, chosen, summary, viewer]
        )
        demo.load(
            on_load, [saved, collection], [collection, table, scope, chatbot, answers, sources]
        )
    return demo  # type: ignore[no-any-return]

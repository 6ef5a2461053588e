"""Browser face: a Gradio chat beside its cited sources, and a documents tab."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from rag.condense import Turn
from rag.errors import RagError
from rag.formats import SUPPORTED_SUFFIXES
from rag.schema import Answer, Citation, Document, IngestProgress, Passage

if TYPE_CHECKING:
    import gradio as gr

    from rag.pipeline import Pipeline

EXAMPLES = ["What did Volodin claim?", "What did Blinken say?", "Who won the election?"]
_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")
History = list[dict[str, Any]]

CSS = """
.rag-sources { display: flex; flex-direction: column; gap: .6rem; }
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
            padding: .6rem .8rem; transition: box-shadow .2s; }
.rag-card.rag-active { box-shadow: 0 0 0 3px #f59e0b; }
.rag-card h4 { margin: 0 0 .2rem 0; font-size: 1rem; }
.rag-meta { color: var(--body-text-color-subdued); font-size: .85rem; margin-bottom: .4rem; }
.rag-passage { white-space: pre-wrap; font-size: .9rem; line-height: 1.45; }
.rag-passage mark { background: #fde68a; color: #1f2937; padding: 0 .1rem; }
.rag-passage mark.rag-active { outline: 2px solid #b45309; }
.rag-n { color: #92400e; font-weight: 600; margin-left: .1rem; }
.rag-refusal { border-left: 4px solid #f59e0b; padding: .5rem .8rem; }
.rag-searched { color: var(--body-text-color-subdued); font-size: .85rem; }
.rag-doc, .rag-page { margin-top: .4rem; }
.rag-page img { width: 100%; border: 1px solid var(--border-color-primary); margin-top: .3rem; }
.rag-doc summary, .rag-page summary, .rag-more summary {
  cursor: pointer; color: var(--body-text-color); font-size: .85rem;
  text-decoration: underline dotted; }
.rag-doc .rag-passage { max-height: 320px; overflow-y: auto; }
.rag-whole { max-height: 420px; overflow-y: auto; }
/* Dark mode follows the system (Gradio sets .dark): numbers light enough on a dark page. */
.dark .rag-n { color: #fcd34d; }
.dark .rag-passage mark.rag-active { outline-color: #fbbf24; }
"""

# Clicking a citation [n] in the chat brings its source card into view and highlights it.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest('a[href^="#source-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const quote = document.getElementById(link.getAttribute("href").slice(1));
  const card = quote && quote.closest(".rag-card");
  if (!card) return;
  for (const c of document.querySelectorAll(".rag-active")) c.classList.remove("rag-active");
  card.classList.add("rag-active");
  if (quote.matches("mark")) quote.classList.add("rag-active");
  // The Sources column scrolls to the quote; the chat stays where it is.
  const column = document.getElementById("sources");
  const box = column && column.closest(".column, [class*='column']");
  const target = quote.matches("mark") ? quote : card;
  if (box && box.scrollHeight > box.clientHeight) {
    const top = target.offsetTop - box.offsetTop - box.clientHeight / 3;
    box.scrollTo({ top: top, behavior: "smooth" });
  } else {
    target.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
}, true);
document.addEventListener("toggle", (event) => {
  const folded = event.target;
  if (!folded.matches || !folded.matches("details.rag-doc") || !folded.open) return;
  const mark = folded.querySelector("mark");
  if (mark) mark.scrollIntoView({ block: "center" });
}, true);
</script>
"""


def _meta_line(item: Citation | Passage) -> str:
    """Source, date, section and page of a card: "Debian FAQ · created 2022-04-29 · 2.4 The
    glob files · p. 7 · OCR". A file's creation date is labelled as such, never as published."""
    date = (item.published_at or "")[:10] or (
        f"created {item.created_at[:10]}" if item.created_at else None
    )
    where = f"p. {item.page}" if item.page else None
    parts = (item.source, date, item.section, where, "OCR" if item.ocr else None)
    return " \u00b7 ".join(html.escape(x) for x in parts if x)


class _Shown:
    """One source card: a stretch of one document's text and every citation quoting it."""

    def __init__(self, citation: Citation, start: int, text: str) -> None:
        self.doc_id, self.start, self.text = citation.doc_id, start, text
        self.citations = [citation]

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def takes(self, citation: Citation, start: int, text: str) -> bool:
        """Joins this card if it quotes the same document where this card's text overlaps or
        touches its passage (two chunks of one page are one card)."""
        if citation.doc_id != self.doc_id or start > self.end or start + len(text) < self.start:
            return False
        if start < self.start:
            self.text = text[: self.start - start] + self.text
            self.start = start
        if start + len(text) > self.end:
            self.text += text[self.end - start :]
        self.citations.append(citation)
        return True


def _shown(answer: Answer) -> list[_Shown]:
    """The cited passages, one card each, overlapping chunks of a document merged."""
    cards: list[_Shown] = []
    for c in answer.citations:
        start, text = c.start - max(c.passage.find(c.quote), 0), c.passage
        for p in answer.passages:
            if p.doc_id == c.doc_id and p.start <= c.start and c.end <= p.end:
                start, text = p.start, p.text
                break
        if not any(card.takes(c, start, text) for card in cards):
            cards.append(_Shown(c, start, text))
    return cards


def _highlighted(card: _Shown) -> str:
    """The card's text, escaped, each quote inside a numbered <mark> that its [n] links to."""
    out, at = [], 0
    for c in sorted(card.citations, key=lambda c: c.start):
        a, b = c.start - card.start, c.end - card.start
        if a < at or card.text[a:b] != c.quote:
            out.append(f'<span id="source-{c.n}"></span>')  # overlapping: an anchor only
            continue
        out.append(html.escape(card.text[at:a]))
        out.append(
            f'<mark id="source-{c.n}" data-n="{c.n}">{html.escape(c.quote)}</mark>'
            f'<sup class="rag-n">[{c.n}]</sup>'
        )
        at = b
    out.append(html.escape(card.text[at:]))
    return "".join(out)


def _marked(text: str, start: int, end: int) -> str:
    return (
        html.escape(text[:start])
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:])
    )


def _whole(citation: Citation, document: Document | None) -> str:
    """The whole document, folded, with the quote marked; opening it scrolls to the quote."""
    if document is None or document.text[citation.start : citation.end] != citation.quote:
        return ""
    return (
        '<details class="rag-doc"><summary>Whole document</summary><div class="rag-passage">'
        + _marked(document.text, citation.start, citation.end)
        + "</div></details>"
    )


def _page_image(card: _Shown) -> str:
    """A PDF card's page as printed, folded, its quotes highlighted on it; the image is asked
    for only when the reader opens it."""
    first = card.citations[0]
    if not first.page or not first.doc_id.lower().endswith(".pdf"):
        return ""
    quotes = urlencode([("quote", c.quote) for c in card.citations if c.page == first.page])
    src = f"api/documents/{quote(first.doc_id)}/pages/{first.page}.png?{quotes}"
    alt = f"Page {first.page} of {first.title}, the quoted words highlighted"
    return (
        f'<details class="rag-page"><summary>Page {first.page} as printed</summary>'
        f'<a href="{html.escape(src)}" target="_blank" rel="noopener" title="Full size">'
        f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" loading="lazy"></a></details>'
    )


def _card(element_id: str, label: str, title: str, meta: str, body: str, extra: str = "") -> str:
    return (
        f'<div class="rag-card" id="{element_id}"><h4>{label}{html.escape(title)}</h4>'
        + (f'<div class="rag-meta">{meta}</div>' if meta else "")
        + f'<div class="rag-passage">{body}</div>{extra}</div>'
    )


def render_sources(answer: Answer | None, documents: dict[str, Document] | None = None) -> str:
    """HTML for the sources panel: one card per cited passage, holding every quote cited from
    it, numbered (with its whole document, folded, where `documents` has it), then the other
    retrieved passages folded. Document text is always escaped, never rendered as HTML."""
    if answer is None:
        return '<div class="rag-sources"><p>Sources for the answer appear here.</p></div>'
    parts = []
    if answer.searched_for != answer.question:
        parts.append(
            f'<div class="rag-searched">Searched for: {html.escape(answer.searched_for)}</div>'
        )
    if answer.refused or not answer.citations:
        parts.append(
            '<div class="rag-refusal">No passage in the documents answers this question.</div>'
        )
    for card in _shown(answer):
        first = card.citations[0]
        numbers = "".join(f"[{c.n}]" for c in sorted(card.citations, key=lambda c: c.n))
        parts.append(
            _card(
                f"card-{first.n}",
                f"{numbers} ",
                first.title,
                _meta_line(first),
                _highlighted(card),
                _page_image(card) + _whole(first, (documents or {}).get(first.doc_id)),
            )
        )
    cited = {(c.doc_id, c.start) for c in answer.citations}
    others = [
        p
        for p in answer.passages
        if not any(d == p.doc_id and p.start <= s < p.end for d, s in cited)
    ]
    if others:
        cards = "".join(
            _card(
                f"passage-{p.rank}",
                "",
                p.title,
                _meta_line(p),
                html.escape(p.text),
            )
            for p in others
        )
        label = "closest passages" if answer.refused else "retrieved, not cited"
        parts.append(
            f'<details class="rag-more"><summary>{len(others)} {label}</summary>{cards}</details>'
        )
    return '<div class="rag-sources">' + "".join(parts) + "</div>"


def chat_text(answer: Answer) -> str:
    """The answer as chat Markdown: document words escaped, each [n] a link to its card."""
    pieces = _MARKER.split(answer.answer)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:  # a marker's number
            out.append(f"[\\[{piece}\\]](#source-{piece})")
        else:
            out.append(_MARKDOWN.sub(r"\\\1", piece))
    text = "".join(out)
    if answer.refused:
        return f"**Not in the documents.** {text}"
    unsupported = [_MARKDOWN.sub(r"\\\1", c.text) for c in answer.claims if not c.supported]
    if unsupported:
        text += "\n\n_Not supported by the cited sources:_ " + " / ".join(unsupported)
    return text


def respond(
    pipeline: Pipeline,
    message: str,
    history: History | None,
    scope: list[str] | None = None,
    answers: dict[str, Any] | None = None,
) -> Iterator[tuple[History, str, str]]:
    """One chat turn, as it progresses: yields the history, the input box and the sources.
    `scope`: the documents to answer from (none chosen: all of them). `answers` collects each
    Answer (as JSON) by its message's place in the history, for feedback and export."""
    history = list(history or [])
    if not (message or "").strip():
        yield history, "", render_sources(None)
        return
    history.append({"role": "user", "content": message})
    yield [*history, {"role": "assistant", "content": "_Searching the documents..._"}], "", ""
    answer = None
    try:
        written = ""
        events = pipeline.ask_stream(
            message, history=_turns(history[:-1]), doc_ids=list(scope) if scope else None
        )
        for event in events:
            if isinstance(event, Answer):
                answer = event
            else:
                written += event
                partial = _MARKDOWN.sub(r"\\\1", written)
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
    yield history, "", sources_of(pipeline, answer)


def sources_of(pipeline: Pipeline, answer: Answer | None) -> str:
    """The Sources column for an answer, with each cited document whole for its cards."""
    documents = {}
    for doc_id in {c.doc_id for c in answer.citations} if answer else ():
        try:
            documents[doc_id] = pipeline.document(doc_id)
        except RagError:
            continue  # deleted meanwhile: the card still shows its passage
    return render_sources(answer, documents)


def restore(pipeline: Pipeline, saved: Any) -> tuple[History, dict[str, Any], str]:
    """The conversation kept in the browser (after a page reload): its messages, its answers
    and the last answer's sources. Anything unreadable starts a new conversation."""
    try:
        history = list(saved["history"])
        answers = dict(saved["answers"])
        last = answers[max(answers, key=int)] if answers else None
        answer = Answer.model_validate(last) if last else None
    except (KeyError, TypeError, ValueError):
        return [], {}, render_sources(None)
    return history, answers, sources_of(pipeline, answer)


_FEEDBACK_LOCK = threading.Lock()


def record_feedback(
    pipeline: Pipeline, history: History, answers: dict[str, Any], index: int, liked: bool
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
        "collection": pipeline.settings.collection,
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
        turns.append(Turn(role=str(message.get("role", "")), content=str(content or "")))
    return turns


def document_rows(pipeline: Pipeline) -> list[list[Any]]:
    """The collection's documents as table rows."""
    try:
        documents = pipeline.documents()
    except RagError:
        return []
    return [
        [d.doc_id, d.title, d.source or "", (d.published_at or "")[:10], d.chunks]
        for d in documents
    ]


def scope_choices(pipeline: Pipeline) -> list[tuple[str, str]]:
    """The documents a question can be limited to, as (label, id) pairs."""
    try:
        documents = pipeline.documents()
    except RagError:
        return []
    return [(f"{d.title} ({d.doc_id})", d.doc_id) for d in documents]


def document_view(pipeline: Pipeline, doc_id: str) -> str:
    """A document's title, metadata and whole text, escaped, for the Documents tab."""
    if not doc_id:
        return ""
    try:
        document = pipeline.document(doc_id)
    except RagError as exc:
        return f'<div class="rag-refusal">{html.escape(str(exc))}</div>'
    date = (document.published_at or "")[:10] or (
        f"created {document.created_at}" if document.created_at else ""
    )
    about = " \u00b7 ".join(html.escape(x) for x in (document.source, date, doc_id) if x)
    return (
        f'<div class="rag-card"><h4>{html.escape(document.title)}</h4>'
        f'<div class="rag-meta">{about}</div>'
        f'<div class="rag-passage rag-whole">{html.escape(document.text)}</div></div>'
    )


def summarize_document(pipeline: Pipeline, doc_id: str) -> str:
    """The document's extractive summary (its most central sentences), as escaped HTML: a
    document's text never becomes markup or a link."""
    if not doc_id:
        return "<p>Choose a document first.</p>"
    try:
        answer = pipeline.ask("What is this document about?", doc_ids=[doc_id])
    except RagError as exc:
        return f"<p><strong>Failed:</strong> {html.escape(str(exc))}</p>"
    return f'<p class="rag-summary"><strong>Summary:</strong> {html.escape(answer.answer)}</p>'


def upload(pipeline: Pipeline, paths: list[str] | None, progress: Any = None) -> str:
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
            report = pipeline.ingest_upload(name, Path(path).read_bytes(), progress=step)
            state = "unchanged" if report.unchanged else "indexed"
            lines.append(f"- {html.escape(name)}: {state} ({report.chunks} chunks embedded)")
        except RagError as exc:
            lines.append(f"- {html.escape(name)}: **failed**: {html.escape(str(exc))}")
    return "\n".join(lines) or "Choose files to upload."


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


def delete(pipeline: Pipeline, doc_id: str | None) -> str:
    if not doc_id:
        return "Choose a document to delete."
    try:
        removed = pipeline.delete_document(doc_id)
    except RagError as exc:
        return f"**Failed:** {html.escape(str(exc))}"
    return f"Deleted {html.escape(doc_id)} ({removed} chunks)."


def build_ui(pipeline: Pipeline) -> gr.Blocks:
    """The page: layout here, events wired to the plain functions above."""
    import gradio as gr

    tracker = gr.Progress()  # Gradio finds a progress tracker by its default value
    with gr.Blocks(title="Document QA", analytics_enabled=False) as demo:
        gr.Markdown("## Ask your documents\nAnswers cite the passages they come from.")
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
            files = gr.File(
                label="Upload documents (" + ", ".join(SUPPORTED_SUFFIXES) + ")",
                file_count="multiple", file_types=list(SUPPORTED_SUFFIXES), elem_id="upload",
            )  # fmt: skip
            add = gr.Button("Add to the index", variant="primary", elem_id="add")
            status = gr.Markdown(elem_id="upload-status")
            table = gr.Dataframe(
                headers=["id", "title", "source", "published", "chunks"],
                value=lambda: document_rows(pipeline), interactive=False, elem_id="documents",
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
        ) -> Iterator[tuple[History, str, str, dict[str, Any]]]:
            kept = dict(kept or {})
            for shown in respond(pipeline, message, history, chosen_scope, kept):
                yield (*shown, kept)

        def on_like(history: History, kept: dict[str, Any], event: Any) -> None:
            index = event.index[0] if isinstance(event.index, list | tuple) else event.index
            record_feedback(pipeline, history, kept or {}, int(index), bool(event.liked))

        on_like.__annotations__["event"] = gr.LikeData  # see on_row

        def on_export(history: History | None, kept: dict[str, Any] | None) -> Any:
            text = conversation_markdown(history or [], kept or {})
            with tempfile.NamedTemporaryFile(
                "w", suffix=".md", prefix="conversation-", delete=False, encoding="utf-8"
            ) as out:
                out.write(text)
            return gr.update(value=out.name, visible=True)

        def refreshed() -> Any:
            return gr.update(choices=scope_choices(pipeline))

        def on_upload(
            paths: list[str] | None, progress: Any = tracker
        ) -> tuple[str, Any, Any, None]:
            # The upload box empties once its files are indexed.
            report = upload(pipeline, paths, progress)
            return report, document_rows(pipeline), refreshed(), None

        def on_delete(doc_id: str) -> tuple[str, Any, Any, str]:
            return delete(pipeline, doc_id), document_rows(pipeline), refreshed(), ""

        def on_row(event: gr.SelectData) -> tuple[str, str, str]:
            # Choosing any cell of a row chooses its document (the id is the first column)
            # and shows its text.
            rows = document_rows(pipeline)
            row = event.index[0] if isinstance(event.index, list | tuple) else event.index
            doc_id = str(rows[row][0]) if isinstance(row, int) and 0 <= row < len(rows) else ""
            return doc_id, "", document_view(pipeline, doc_id)

        def on_summarize(doc_id: str) -> str:
            return summarize_document(pipeline, doc_id)

        def on_ask_about(doc_id: str) -> tuple[Any, Any]:
            if not doc_id:
                return gr.update(), gr.update()
            return gr.update(value=[doc_id]), gr.Tabs(selected="chat-tab")

        # Gradio passes the selection to a parameter annotated SelectData; with postponed
        # annotations it must see the class itself, not the string.
        on_row.__annotations__["event"] = gr.SelectData

        def keep(history: History | None, kept: dict[str, Any] | None) -> dict[str, Any]:
            return {"history": history or [], "answers": kept or {}}

        def on_load(kept: Any) -> tuple[Any, History, dict[str, Any], str]:
            return (refreshed(), *restore(pipeline, kept))

        outputs = [chatbot, question, sources, answers]
        # Every event that changes the conversation then keeps it in the browser.
        changes = [
            question.submit(on_submit, [question, chatbot, scope, answers], outputs),
            send.click(on_submit, [question, chatbot, scope, answers], outputs),
            clear.click(lambda: ([], "", render_sources(None), {}), None, outputs),
        ]
        chatbot.like(on_like, [chatbot, answers], None)
        export.click(on_export, [chatbot, answers], [exported])

        def example(text: str) -> Callable[..., Iterator[Any]]:
            def ask(
                history: History | None, chosen_scope: list[str] | None, kept: dict[str, Any]
            ) -> Iterator[Any]:
                yield from on_submit(text, history, chosen_scope, kept)

            return ask

        for chip, text in zip(chips, EXAMPLES, strict=True):  # a chip asks at once
            changes.append(chip.click(example(text), [chatbot, scope, answers], outputs))
        for change in changes:
            change.then(keep, [chatbot, answers], [saved])
        add.click(on_upload, [files], [status, table, scope, files])
        # Deleting asks first: the first click says what would go, the second does it.
        remove.click(asked_to_delete, [chosen], [status, confirm])
        confirm.click(on_delete, [chosen], [status, table, scope, chosen]).then(
            lambda: gr.update(visible=False), None, [confirm]
        )
        chosen.change(lambda _: gr.update(visible=False), [chosen], [confirm])
        table.select(on_row, None, [chosen, summary, viewer])
        summarize.click(on_summarize, [chosen], [summary])
        ask_about.click(on_ask_about, [chosen], [scope, tabs])
        demo.load(on_load, [saved], [scope, chatbot, answers, sources])
    return demo  # type: ignore[no-any-return]

"""Browser face: a Gradio chat beside the cited sources, quotes highlighted."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from rag.errors import RagError
from rag.schema import Answer, Citation, Passage

if TYPE_CHECKING:
    import gradio as gr

    from rag.pipeline import Pipeline

EXAMPLES = ["What did Volodin claim?", "What did Blinken say?", "Who won the election?"]

CSS = """
.rag-sources { display: flex; flex-direction: column; gap: .6rem; }
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
            padding: .6rem .8rem; }
.rag-card h4 { margin: 0 0 .2rem 0; font-size: 1rem; }
.rag-meta { color: var(--body-text-color-subdued); font-size: .85rem; margin-bottom: .4rem; }
.rag-passage { white-space: pre-wrap; font-size: .9rem; line-height: 1.45; }
.rag-passage mark { background: #fde68a; color: inherit; padding: 0 .1rem; }
.rag-refusal { border-left: 4px solid #f59e0b; padding: .5rem .8rem; }
"""


def _meta_line(source: str | None, published_at: str | None) -> str:
    return " \u00b7 ".join(html.escape(x) for x in (source, (published_at or "")[:10]) if x)


def _highlighted(citation: Citation, passages: list[Passage]) -> str:
    """The passage as escaped text with the quote inside a <mark> element."""
    text, offset = citation.passage, citation.passage.find(citation.quote)
    for p in passages:
        if p.doc_id == citation.doc_id and p.start <= citation.start and citation.end <= p.end:
            text, offset = p.text, citation.start - p.start
            break
    if offset < 0:
        return html.escape(text)
    end = offset + len(citation.quote)
    return (
        html.escape(text[:offset])
        + "<mark>"
        + html.escape(text[offset:end])
        + "</mark>"
        + html.escape(text[end:])
    )


def render_sources(answer: Answer | None) -> str:
    """HTML for the sources panel: one card per citation. Document text is always escaped."""
    if answer is None:
        return '<div class="rag-sources"><p>Sources for the answer appear here.</p></div>'
    if answer.refused or not answer.citations:
        return (
            '<div class="rag-sources"><div class="rag-refusal">'
            "No passage in the documents answers this question.</div></div>"
        )
    cards = []
    for c in answer.citations:
        meta = _meta_line(c.source, c.published_at)
        cards.append(
            f'<div class="rag-card" id="source-{c.n}">'
            f"<h4>[{c.n}] {html.escape(c.title)}</h4>"
            + (f'<div class="rag-meta">{meta}</div>' if meta else "")
            + f'<div class="rag-passage">{_highlighted(c, answer.passages)}</div></div>'
        )
    return '<div class="rag-sources">' + "".join(cards) + "</div>"


def chat_text(answer: Answer) -> str:
    """The answer as chat text; escaped, since it quotes documents verbatim."""
    text = html.escape(answer.answer, quote=False)
    return f"**Not in the documents.** {text}" if answer.refused else text


def respond(
    pipeline: Pipeline, message: str, history: list[dict[str, Any]] | None
) -> tuple[list[dict[str, Any]], str, str]:
    """One chat turn: returns the new history, the cleared input box and the sources panel."""
    history = list(history or [])
    if not (message or "").strip():
        return history, "", render_sources(None)
    history.append({"role": "user", "content": message})
    try:
        answer = pipeline.ask(message)
    except RagError as exc:
        history.append({"role": "assistant", "content": f"**Error:** {html.escape(str(exc))}"})
        return history, "", render_sources(None)
    history.append({"role": "assistant", "content": chat_text(answer)})
    return history, "", render_sources(answer)


def build_ui(pipeline: Pipeline) -> gr.Blocks:
    """The chat page: layout here, events wired to `respond`."""
    import gradio as gr

    with gr.Blocks(title="Document QA", analytics_enabled=False) as demo:
        gr.Markdown("## Ask your documents\nAnswers cite the passages they come from.")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    height=520,
                    sanitize_html=True,
                    buttons=["copy"],
                    feedback_options=None,
                )
                question = gr.Textbox(
                    placeholder="Ask a question about the documents and press Enter",
                    show_label=False,
                    lines=1,
                    max_lines=4,
                    elem_id="question",
                )
                with gr.Row():
                    send = gr.Button("Send", variant="primary")
                    clear = gr.Button("Clear chat")
                gr.Examples(EXAMPLES, inputs=question)
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(render_sources(None), elem_id="sources")

        def on_submit(
            message: str, history: list[dict[str, Any]] | None
        ) -> tuple[list[dict[str, Any]], str, str]:
            return respond(pipeline, message, history)

        outputs = [chatbot, question, sources]
        question.submit(on_submit, [question, chatbot], outputs)
        send.click(on_submit, [question, chatbot], outputs)
        clear.click(lambda: ([], "", render_sources(None)), None, outputs)
    return demo  # type: ignore[no-any-return]

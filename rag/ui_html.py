"""The chat's HTML and Markdown, apart from Gradio: the sources panel (one card per cited
passage, its quotes highlighted and numbered), the answer as chat Markdown whose [n] link to
those cards, and the page's CSS and click script. Document text is always escaped."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlencode

from rag.schema import Answer, Citation, Document, Passage

_MARKER = re.compile(r"(?<!\w)\[(\d+)\]")  # "myfile.fits[1]" is code, no citation
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


def escaped(text: str) -> str:
    """Text shown as itself in chat Markdown: no character of it is markup. A web address is
    left as written: the chat links it, and a backslash inside one would show
    ("https://www\\.sqlite\\.org/")."""
    parts = _URL.split(text)
    for i in range(0, len(parts), 2):
        # The full stop after an address stays bare: the chat's linker would take a backslash
        # before it into the link ("http://cran.r-project.org/doc/Rnews/\\.").
        after = parts[i][: len(parts[i]) - len(parts[i].lstrip(".,;:!?"))] if i else ""
        parts[i] = after + _MARKDOWN.sub(r"\\\1", parts[i][len(after) :])
    return "".join(parts)


_URL = re.compile(r"(https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"])")


def chat_plain(content: str) -> str:
    """An answer shown by `chat_text` as plain text again, its citations "[n]": what the
    conversation said, for reading follow-ups ("inflateInit\\(\\)" was "inflateInit()")."""
    text = content.removeprefix(_REFUSED).split(_UNSUPPORTED, 1)[0]
    text = _LINKED_MARKER.sub(r"[\1]", text)
    return _ESCAPE.sub(r"\1", text)


_REFUSED = "**Not in the documents.** "
_UNSUPPORTED = "\n\n_Not supported by the cited sources:_ "
_LINKED_MARKER = re.compile(r"\[\\\[(\d+)\\\]\]\(#source-\d+\)")
_ESCAPE = re.compile(r"\\(.)")


CSS = """
/* Gradio's Source Sans Pro SemiBold file holds 55 glyphs (capitals, no lower case), so bold
   text mixed faces: the "A" of "Ask" or "Add" from it, the rest from a fallback. Its full Bold
   file, served beside it, stands in for the 600 weight. */
@font-face { font-family: "Source Sans Pro"; font-weight: 600; font-style: normal;
  font-display: swap;
  src: url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2"); }
#title h1 { font-size: 1.5rem; margin-bottom: .2rem; }  /* the page's one h1, at h2's size */
.rag-sources { display: flex; flex-direction: column; gap: .6rem; }
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
            padding: .6rem .8rem; transition: box-shadow .2s; }
.rag-card.rag-active { box-shadow: 0 0 0 3px #f59e0b; }
.rag-card h4 { margin: 0 0 .2rem 0; font-size: 1rem; }
.rag-meta { color: var(--body-text-color-subdued); font-size: .85rem; margin-bottom: .4rem; }
.rag-passage { white-space: pre-wrap; font-size: .9rem; line-height: 1.45; }
.rag-passage mark { background: #fde68a; color: #1f2937; padding: 0 .1rem; }
.rag-passage .rag-h { font-weight: 600; }
.rag-passage .rag-code { display: block; font-family: ui-monospace, monospace; font-size: .85rem;
  background: #f3f4f6; padding: .2rem .4rem; }
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
/* WCAG AA contrast, as the browser test's axe-core audit checks: Gradio's default orange and
   red buttons under white text, and its pale hints and footer, are too light. */
button.primary { background: #c2410c !important; border-color: #c2410c !important; }
button.primary:hover { background: #9a3412 !important; }
button.stop { background: #b91c1c !important; border-color: #b91c1c !important; }
.info-text, .or, footer a, footer button { color: var(--body-text-color) !important; }
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
// The upload box's accessible name must hold the words it shows ("Drop File Here - or - Click
// to Upload"; WCAG 2.5.3): without Gradio's own aria-label, the name is those words.
new MutationObserver(() => {
  for (const box of document.querySelectorAll("button.upload-container[aria-label]")) {
    box.removeAttribute("aria-label");
  }
}).observe(document.documentElement, { subtree: true, childList: true });
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
    return _as_read("".join(out))


def _marked(text: str, start: int, end: int) -> str:
    return _as_read(
        html.escape(text[:start])
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:])
    )


def _as_read(escaped_text: str) -> str:
    """A passage's escaped text as a reader sees it: a heading's `#` marks taken off and the
    heading set in bold, a fenced listing set as code without its fences."""
    shown = re.sub(
        r"(?ms)^```[\w+-]*\n(.*?)\n```[ \t]*$", r'<code class="rag-code">\1</code>', escaped_text
    )
    shown = re.sub(r"(?m)^```[\w+-]*[ \t]*\n?", "", shown)  # a listing cut at the card's edge
    return re.sub(r"(?m)^#{1,6}[ \t]+([^\n]*)$", r'<span class="rag-h">\1</span>', shown)


def _whole(citation: Citation, document: Document | None) -> str:
    """The whole document, folded, with the quote marked; opening it scrolls to the quote."""
    if document is None or document.text[citation.start : citation.end] != citation.quote:
        return ""
    return (
        '<details class="rag-doc"><summary>Whole document</summary><div class="rag-passage">'
        + _marked(document.text, citation.start, citation.end)
        + "</div></details>"
    )


def _page_image(card: _Shown, collection: str | None) -> str:
    """A PDF card's page as printed, folded, its quotes highlighted on it; the image is asked
    for only when the reader opens it."""
    first = card.citations[0]
    if not first.page or not first.doc_id.lower().endswith(".pdf"):
        return ""
    query = [("quote", c.quote) for c in card.citations if c.page == first.page]
    quotes = urlencode(query + ([("collection", collection)] if collection else []))
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


def render_sources(
    answer: Answer | None,
    documents: dict[str, Document] | None = None,
    collection: str | None = None,
) -> str:
    """HTML for the sources panel: one card per cited passage, holding every quote cited from
    it, numbered (with its whole document, folded, where `documents` has it), then the other
    retrieved passages folded. Document text is always escaped, never rendered as HTML.
    `collection`: where a PDF's page is fetched from (None: the default collection)."""
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
                _page_image(card, collection) + _whole(first, (documents or {}).get(first.doc_id)),
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
                _as_read(html.escape(p.text)),
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
            out.append(escaped(piece))
    text = "".join(out)
    if answer.refused:
        return f"{_REFUSED}{text}"
    unsupported = [escaped(c.text) for c in answer.claims if not c.supported]
    if unsupported:
        text += _UNSUPPORTED + " / ".join(unsupported)
    return text

"""PDF bytes -> Blocks, from pdfium's characters and their boxes (pypdfium2): lines joined into
paragraphs, line-end hyphenation undone, running headers, footers, page numbers and dot-leader
contents lines dropped, headings told by their type size, code by its monospaced font, tables
and definition lists by their columns. The lines come from `rag/pdf_lines.py`, which reads pages
without a text layer by OCR (tesseract) when it is installed.

pdfium was chosen by measuring (docs/benchmarks.md, ninth session): this reader costs about what
pypdf's plain text did (20 ms a page), and pdfium gives each character's box, font and size,
which layout needs. pdfminer.six's layout analysis gives boxes too (not measured here); PyMuPDF
is AGPL."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rag.blocks import LIST_MARKER, Block, Kind
from rag.errors import BackendUnavailable, IngestFailed
from rag.pdf_furniture import (
    PAGE_NUMBER,
    contents_dropped,
    index_dropped,
    labels_demoted,
    running_lines,
    scattered_dropped,
)
from rag.pdf_lines import BOLD_FACE, Line, has_images, ocr_lines, text_lines
from rag.pdf_paragraphs import (
    SECTION_HEAD,
    SENTENCE_END,
    SURE_END,
    line_spacing,
    notes_apart,
    paragraphs,
)
from rag.pdf_tables import tables
from rag.pdf_title_page import bylines, names_apart, title_of, without_copyright
from rag.text import stopwords

log = logging.getLogger(__name__)

_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*$", re.I)
_NUMBERED = re.compile(r"\d+(?:\.\d+)*\.?\s+\S")  # "2.1 New features", "3. Results"
_WORDS = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
_BULLET = re.compile(
    r"[•◦▪▸►‣∙·●○■□◆◇➢➤✓✔*–-]\s"
)  # a list's bullet; "1. Precision" may be a heading


@dataclass
class _Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    height: float = 0.0


def read_blocks(raw: bytes, name: str) -> tuple[list[Block], dict[str, Any]]:
    """The document's blocks in reading order and its metadata (title, author, created_at).

    Raises:
        IngestFailed: not a PDF pdfium can open, or no page holds text.
    """
    pdfium = _pdfium()
    try:
        document = pdfium.PdfDocument(raw)
    except Exception as exc:  # pdfium raises PdfiumError for every kind of broken file
        raise IngestFailed(f"{name}: not a readable PDF ({exc})") from exc
    unread: list[str] = []
    damaged: list[int] = []
    try:
        pages = list(_pages(document, name, unread, damaged))
        meta = _metadata(document)
        if pages:
            pages[0].lines = names_apart(pages[0].lines)
    finally:
        document.close()
    if not any(page.lines for page in pages):
        if damaged:
            raise IngestFailed(f"{name}: the PDF is damaged; none of its pages could be read")
        if unread:
            raise IngestFailed(f"{name}: the PDF's pages are images without text, and {unread[0]}")
        raise IngestFailed(f"{name}: the PDF holds no text")
    blocks = _terms_described(
        labels_demoted(scattered_dropped(_wrapped_headings_joined(_blocks(pages))))
    )
    blocks, byline, dated = bylines(index_dropped(contents_dropped(blocks)))
    if not meta.get("title"):
        meta["title"] = title_of(blocks)
    if not meta.get("author") and byline:
        meta["author"] = byline
    if dated:
        meta["date"] = dated  # the date its title page gives, as a report or a manual is dated
    return blocks, meta


def _terms_described(blocks: list[Block]) -> list[Block]:
    """A term set on a line of its own in a typewriter face, and the text under it that says
    what it does, read as one sentence, as a manual's table of options is read ("‘-i,
    --case-insensitive’" / "instructs flex to generate a case-insensitive scanner.")."""
    out: list[Block] = []
    for block in blocks:
        term = out[-1] if out else None
        before = out[-2] if len(out) > 1 else None
        if (
            term is not None
            and term.kind == "code"
            and "\n" not in term.text.strip()
            and len(term.text.strip()) <= 80
            and block.kind == "paragraph"
            and _SAYS_WHAT_IT_DOES.match(block.text)
            and block.page == term.page
            # not code set inside a sentence ("you can use" / code / "which will ...")
            and (before is None or before.kind == "heading" or _ENDS.search(before.text))
        ):
            out[-1] = dataclasses.replace(block, text=f"{term.text.strip()} {block.text}")
        else:
            out.append(block)
    return out


# What a term does, said with a verb ("instructs flex to ...", "holds the length ...", "is the
# file which ..."); not a clause that goes on ("which will update ...").
_SAYS_WHAT_IT_DOES = re.compile(r"(?!(?:was|has|does|this|thus|as|is|its)\b)[a-z]+s\b|is\b|are\b")
_ENDS = re.compile(r"[.!?:)][\"'”’)]*\s*$")


def _pdfium() -> Any:
    try:
        import pypdfium2
    except ImportError as exc:
        raise BackendUnavailable("Reading PDFs needs pypdfium2: pip install pypdfium2") from exc
    return pypdfium2


def _pages(document: Any, name: str, unread: list[str], damaged: list[int]) -> Iterator[_Page]:
    """Each page's lines; `unread` collects why a page image could not be read by OCR, and
    `damaged` the pages pdfium could not load (left out, the others read)."""
    for number in range(1, len(document) + 1):
        try:
            page = document[number - 1]
        except Exception as exc:  # pdfium's "Failed to load page": a damaged page is left out
            if not damaged:
                log.warning("%s: page %d could not be read (%s); left out", name, number, exc)
            damaged.append(number)
            yield _Page(number, [], 0.0)
            continue
        try:
            height = float(page.get_height())
            lines = text_lines(page, number)
            if not lines and has_images(page):
                try:
                    lines = ocr_lines(page, number, height)
                except BackendUnavailable as exc:
                    if not unread:
                        log.warning("%s: page %d has no text layer; %s", name, number, exc)
                    unread.append(str(exc))
            yield _Page(number, lines, height)
        finally:
            page.close()


def _metadata(document: Any) -> dict[str, Any]:
    info = document.get_metadata_dict(skip_empty=True)
    title = str(info.get("Title") or "").strip()
    # Producers write file names and "Microsoft Word - x.docx" where no title was set.
    if re.search(
        r"\.(?:docx?|dvi|tex|pdf|odt|rtf|txt)$|^microsoft\s+\w+\s+-|^untitled", title, re.I
    ):
        title = ""
    match = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(info.get("CreationDate") or ""))
    created = f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else None
    # A PDF has no field for when it was published: its creation date is only that.
    # Names as a tool listed them: "Deri James, and, Peter Schaffter," is "Deri James and
    # Peter Schaffter".
    author = re.sub(r"\s*,\s*(and|&)\s*,?\s*", r" \1 ", str(info.get("Author") or ""))
    author = without_copyright(" ".join(author.split()).strip(" ,;"))
    return {"title": title or None, "author": author or None, "created_at": created}


def _blocks(pages: list[_Page]) -> list[Block]:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    fonts: Counter[str] = Counter()
    for page in pages:
        for line in page.lines:
            fonts[line.font] += len(line.text)
    font = fonts.most_common(1)[0][0] if fonts else ""
    # A body face that pdfium weighs as bold throughout (TeX's CMR10 through Ghostscript, at
    # 700) is the text's plain face: bold tells nothing in it.
    # So is every face of the document then that does not name itself bold (its typewriter
    # face, "SFTT1000", whose commands had read as headings).
    heavy = sum(len(x.text) for page in pages for x in page.lines if x.font == font and x.bold)
    if font and heavy > 0.9 * fonts[font]:
        for page in pages:
            page.lines = [
                dataclasses.replace(x, bold=False, runin="")
                if x.font == font or (x.bold and not BOLD_FACE.search(x.font))
                else x
                for x in page.lines
            ]
    # (After the faces are settled: the lines are new objects.)
    running = running_lines([page.lines for page in pages])
    spacing = line_spacing([page.lines for page in pages], body)
    heading_sizes = sorted({s for s in sizes if s >= body * 1.12}, reverse=True)
    # Words the document spells whole somewhere: "manage-" + "ment" is rejoined, while
    # "glob-" + "deleteall" keeps its hyphen.
    vocabulary = _vocabulary(pages)
    blocks: list[Block] = []
    last: dict[int, Line] = {}  # each block's last line, by the block's id
    small: set[int] = set()  # ids of blocks in type smaller than the body's: footnotes
    for page in pages:
        lines = [
            line
            for line in page.lines
            if id(line) not in running and not _DOT_LEADER.search(line.text)
        ]
        right = max((line.right for line in lines), default=0.0)
        pieces: list[list[Line] | Block] = []
        join = functools.partial(_join, vocabulary=vocabulary)
        for piece in tables(lines, join, PAGE_NUMBER):
            if isinstance(piece, Block):
                pieces.append(piece)
            else:
                pieces += [
                    notes
                    for group in paragraphs(piece, spacing)
                    for notes in notes_apart(group, body)
                ]
        for index, group in enumerate(pieces):
            if isinstance(group, Block):
                blocks.append(group)
                continue
            first = group[0]
            # A line in a heading's size is a heading whole, whatever its faces ("3.2 What is
            # S-Plus?", the name in another font).
            if first.runin and not first.mono and first.size not in heading_sizes:
                # The run-in heading is a heading; the text after it starts the paragraph.
                blocks.append(Block("heading", first.runin, first.page, len(heading_sizes) + 1))
                last[id(blocks[-1])] = first
                rest = dataclasses.replace(first, text=first.text[len(first.runin) :].strip())
                group = [rest, *group[1:]]
            block = _block(group, body, heading_sizes, vocabulary, font)
            previous = blocks[-1] if blocks else None
            if index == 0:
                # A page's first paragraph may go on with the last one of the page before,
                # above that page's footnotes.
                notes = 0
                while notes < len(blocks) - 1 and id(blocks[-1 - notes]) in small:
                    notes += 1
                previous = blocks[-1 - notes] if blocks else None
            # A table's rows (kept out of `last`) do not go on in the text below them.
            if (
                previous is not None
                and id(previous) in last
                and _continues(
                    previous, last[id(previous)], block, group, new_page=index == 0, right=right
                )
            ):
                previous.text = _join(previous.text, block.text, group[0], vocabulary)
                last[id(previous)] = group[-1]
                turned = _page_turned(previous, block) if index == 0 else None
                if turned is not None:
                    last[id(turned)] = group[-1]
                    blocks.append(turned)
                continue
            if group[0].size < body * 0.92:
                small.add(id(block))
            last[id(block)] = group[-1]
            blocks.append(block)
    return blocks


def _page_turned(paragraph: Block, continued: Block) -> Block | None:
    """The part of a paragraph carried over a page break that is on the next page, after the
    sentence the break cut, as a paragraph of that page (`paragraph` keeps the rest): so a
    quote from it cites the page a reader finds it on. None when the paragraph ends within
    the sentence the break cut."""
    from rag.text import sentence_spans

    text = paragraph.text
    turned_at = len(text) - len(continued.text.strip())
    spans = sentence_spans(text)
    after = [a for a, _ in spans if a >= turned_at]
    if not after or not text[after[0] :].strip():
        return None
    paragraph.text = text[: after[0]].rstrip()
    return Block(paragraph.kind, text[after[0] :].strip(), continued.page, paragraph.level,
                 continued.ocr)  # fmt: skip


def _wrapped_headings_joined(blocks: list[Block]) -> list[Block]:
    """A numbered heading wrapped onto a second line is one heading: "5 Adapt other" and
    "BibTEX styles to babelbib" on the same page, at the same level, the second unnumbered."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind == block.kind == "heading"
            and previous.level == block.level
            and previous.page == block.page
            and _NUMBERED.match(previous.text)
            and not _NUMBERED.match(block.text)
            and not SENTENCE_END.search(previous.text)
            and block.text[:1].isalnum()
        ):
            previous.text = f"{previous.text} {block.text}"
            continue
        joined.append(block)
    return joined


def _compound(first: str, rest: str, whole: str, vocabulary: set[str]) -> bool:
    """Whether a word broken at a line-end hyphen is a hyphenated compound: both parts words the
    document writes, the two together neither written by it nor English."""
    if len(first) < 3 or len(rest) < 3 or whole in vocabulary:
        return False
    from rag.spelling import is_english  # spaCy's word tables, loaded only for such a pair

    # Each part a word ("data-" + "driven"), the whole none ("datadriven").
    parts = all(p in vocabulary or is_english(p) for p in (first, rest))
    return parts and not is_english(whole)


def _vocabulary(pages: list[_Page]) -> set[str]:
    """The words of the document, less the pieces a line-end hyphen broke off, and the
    hyphenated compounds it writes inside a line ("author-date")."""
    found: set[str] = set()
    for page in pages:
        broken = False
        for line in page.lines:
            words = _WORDS.findall(line.text)
            ends = line.text.rstrip().endswith("-")
            found.update(w.lower() for w in words[int(broken) : len(words) - int(ends)])
            found.update(c.lower() for c in _COMPOUND.findall(line.text))
            broken = ends
    return found


def _continues(
    previous: Block, tail: Line, block: Block, group: list[Line], *, new_page: bool, right: float
) -> bool:
    """Whether a paragraph goes on with the one before it, which stopped mid-sentence: on the
    next page (its last line ran to the margin), at the top of the next column, or after a
    line set apart just below it (a path, a displayed formula)."""
    displayed = block.kind == "code" and len(group) <= 2 and not new_page
    if previous.kind not in ("paragraph", "item") or (block.kind != "paragraph" and not displayed):
        return False
    same_size = abs(group[0].size - tail.size) <= 0.08 * tail.size
    if previous.text.rstrip().endswith(":") and block.text[:1].islower() and not new_page:
        # "the general principle that:" and the principle, set apart below it: one sentence.
        return not displayed and same_size
    # A displayed line of code ends in its own brackets, not a sentence's: the prose before it
    # says whether the sentence ended ("you can use" / "as.numeric(as.character(f))" / "to get
    # the numbers back.").
    said, code = previous.text.rstrip(), tail.text.strip()
    if tail.mono and previous.kind == "paragraph" and said.endswith(code) and code[-1:] in ")]}":
        said = said[: -len(code)].rstrip() or said
    # A displayed formula's number ends no sentence ("The classical linear regression model
    # yi = x⊤ i β + ui (1)" / "is still one of the most popular tools").
    if re.search(r"\(\d{1,3}\)$", said) and block.text[:1].islower() and not new_page:
        return same_size
    # Across a page break a closing bracket alone ends nothing: the page broke mid-sentence.
    ends = SURE_END if new_page else SENTENCE_END
    if ends.search(said) or LIST_MARKER.match(group[0].text):
        return False
    # A word broken at the line's end goes on in the next line whatever its size, as an OCR
    # layer's sizes wander ("and we must im-" / "prove our quarters.").
    below = 0 < tail.bottom - group[0].bottom < 2.5 * max(tail.size, group[0].size)
    broken = re.search(r"[a-z]-$", said) and block.text[:1].islower()
    if broken and below and not new_page and not (tail.mono or group[0].mono):
        return True
    if not displayed and not same_size:
        return False  # a footnote below the paragraph, not its continuation
    if new_page:
        return tail.right >= tail.left + 0.6 * (right - tail.left) and len(previous.text) > 60
    if group[0].top > tail.top + tail.size and group[0].left > tail.left:
        return len(previous.text) > 60  # the top of the next column
    near = 0 < tail.bottom - group[0].bottom < 3.5 * tail.size
    return near and not block.text[:1].isupper()


# A footnote's own mark at the start of its first line: "11The default ...", "1⁴The ...".
# A line that ends inside a web address, at a dot: the address goes on on the next line.
_URL_END = re.compile(r"(?:https?://|www\.)\S*\.$")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+|https?://")


# A figure's caption ("Figure 11-5: Simple bar chart", "Fig. 1. Graphical annotation"): it
# says what the figure shows, and heads no section.
_CAPTION = re.compile(r"(?:Figure|Fig\.)\s*[\dIVX]+(?:[-.]\d+)*\s*[:.]")


def _block(
    group: list[Line],
    body: float,
    heading_sizes: list[float],
    vocabulary: set[str],
    font: str = "",
) -> Block:
    """The block a group of lines makes; `body` and `font` are the body text's size and
    typeface, which a heading's differ from."""
    first = group[0]
    ocr = any(line.ocr for line in group)
    # A heading that names a file or a command in a typewriter face ("5.1 README.Debian") is
    # a heading: code is not set in a heading's size.
    titled = first.size in heading_sizes and len(group) <= 2 and _NUMBERED.match(first.text)
    if all(line.mono for line in group) and not titled:
        indent = min(line.left for line in group)
        text = "\n".join(
            " " * round((line.left - indent) / max(line.size * 0.6, 1)) + line.text
            for line in group
        )
        return Block("code", text, first.page, ocr=ocr)
    text = first.text
    for before, line in itertools.pairwise(group):
        text = _join(text, line.text, line, vocabulary, hyphenated=before.hyphenated)
    kind: Kind = "item" if LIST_MARKER.match(first.text) else "paragraph"
    # A line with an address in it is a byline or a reference, never a heading ("Fabio
    # Fiorina Simon Josefsson (help-libtasn1@gnu.org)" set large on a title page); nor is a
    # bulleted line, or one that stops mid-phrase ("The De-", "(“It’s a long way", "Required
    # fields: author,"), or one with a sentence ending inside ("manual Technical documentation.
    # Required field: title."); nor a formula or a setting ("f(X)", "Q =", "type mcmc
    # ngen=20000"), nor a clause that opens what follows ("Note: when you run make install,
    # some non-fatal errors will be displayed:").
    words = re.sub(r"^\(?[\d.]+\)?\s+", "", text).replace(" ", "")  # without "4.1.1)"
    letters = sum(c.isalpha() for c in words)
    # A numbered heading in a heading's size may end in a full stop ("1.8 R commands, case
    # sensitivity, etc.", "5.4.1 Mixed vector and array arithmetic. The recycling rule").
    numbered = bool(_NUMBERED.match(text)) and first.size in heading_sizes
    short = (
        len(group) <= 3
        and len(text) <= 150
        and not text.rstrip().endswith(("-", ";", ","))
        and (numbered or not text.rstrip().endswith("."))
        and (numbered or "=" not in text)  # "2.6.1 APRS (Control=0x03,PID=0xF0) digipeat"
        and letters >= 0.4 * len(words)
        # an index's "B", not a formula's "f(X)" or a letter of a drawing ("e")
        and (letters >= 3 or (len(words) == 1 and words.isupper()))
        and not _CAPTION.match(text)
        and not (text.rstrip().endswith(":") and len(text.split()) >= 6)
        and (numbered or not re.search(r"[a-z][.!?]\s+[A-Z]", text))
        and not _ADDRESS.search(text)
        and not _BULLET.match(text)
        and text.count("“") <= text.count("”")
    )
    # A heading's number set apart by its position, not a space: "2.10Beaconing".
    heading = re.sub(r"^(\d+(?:\.\d+)+)(?=[A-Z][a-z])", r"\1 ", text)
    if short and first.size in heading_sizes and not ocr:
        return Block("heading", heading, first.page, level=heading_sizes.index(first.size) + 1)
    if short and all(line.bold for line in group) and first.size >= body and not ocr:
        return Block("heading", heading, first.page, level=len(heading_sizes) + 1)
    # Another typeface, or a numbered line in italics ("3.1. Creating destination points").
    other_face = len(group) == 1 and not LIST_MARKER.match(text)
    italic_numbered = first.italic and bool(SECTION_HEAD.match(text))
    other_face = other_face and (first.font != font or italic_numbered)
    if short and other_face and first.size >= body and not ocr and len(text.split()) <= 12:
        return Block("heading", heading, first.page, level=len(heading_sizes) + 1)
    return Block(kind, text, first.page, ocr=ocr)


def _join(
    text: str, following: str, line: Line, vocabulary: set[str], *, hyphenated: bool = False
) -> str:
    """Two wrapped lines as one: a word the line end hyphenated is made whole again."""
    head = text.rstrip()
    tail = following.lstrip()
    if head.endswith(("/-", ".-")) and tail[:1].isalnum():
        return head[:-1] + tail  # a web address broken with a hyphen: "debian.org/-" + "doc/"
    if head.endswith("-") and re.match(r"(?:and|or|to|nor)\b", tail):
        return f"{head} {tail}"  # a hyphen left hanging: "upper-" + "and lower-case"
    if head.endswith("-") and tail[:1].islower():
        start = _WORDS.search(tail)
        before = re.search(r"([^\W\d_]+)-$", head)
        first = (before.group(1) if before else "").lower()
        rest = (start.group() if start else "").lower()
        whole = first + rest
        token = re.match(r"[\w-]*", tail).group()  # type: ignore[union-attr]
        if any(ch.isdigit() for ch in token):
            return head + tail  # a name with a number: "kfreebsd-" + "amd64"
        if f"{first}-{rest}" in vocabulary and whole not in vocabulary:
            return head + tail  # written with its hyphen elsewhere: "author-" + "date"
        # Two words the document writes on their own, and together no English word:
        # "Scribe-" + "compatible", "computer-" + "typesetting" keep their hyphen.
        if _compound(first, rest, whole, vocabulary):
            return head + tail
        # Rejoined when the document spells the whole word elsewhere, or when what follows
        # the hyphen is no word of its own ("se-" + "lected"); "null-" + "terminated" stays.
        if hyphenated or line.ocr or whole in vocabulary or rest not in vocabulary:
            return head[:-1] + tail
    if head.endswith("-") and tail[:1].isupper():
        # A name broken at a line end: "Mr-" + "Bayes" is "MrBayes" where the document writes it.
        before, start = re.search(r"([^\W\d_]+)-$", head), _WORDS.search(tail)
        if before and start:
            first, rest = before.group(1).lower(), start.group().lower()
            if first + rest in vocabulary and f"{first}-{rest}" not in vocabulary:
                return head[:-1] + tail
    first_word = tail.split(maxsplit=1)[0] if tail else ""
    if (
        head.endswith(("-", "/"))
        and tail[:1].isalnum()
        and not (head.endswith("/") and first_word in stopwords())
    ):
        return head + tail  # "glob-\ndeleteall", a path or URL broken at a slash
    if _URL_END.search(head) and (tail[:1].islower() or re.search(r"^\w\S*[./=?#]", tail)):
        # A web address broken after a dot: "https://www.tibco." "com/", "https://CRAN."
        # "R-project.org/"; a new sentence's first word has no dot or slash.
        return head + tail
    if tail[:1] in (",", ";", ":", ")"):
        return head + tail  # no line starts so; the rest of one broken at a footnote mark
    return f"{head} {tail}"

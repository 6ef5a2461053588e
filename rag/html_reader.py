"""HTML bytes -> Blocks and metadata, with lxml: the page's main content walked in document
order (headings, paragraphs, list items, definition terms, tables, code), the source's own line
wraps joined, navigation and other page furniture left out, and the title and dates taken only
from where the page states them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from rag.blocks import Block, squash
from rag.errors import IngestFailed

# Elements that are never content.
_SKIP = {
    "script", "style", "noscript", "template", "nav", "header", "footer", "form",
    "button", "select", "svg", "iframe", "head", "title", "meta", "link", "canvas", "object",
}  # fmt: skip
# Containers whose class or id names page furniture rather than content.
_FURNITURE = (
    r"nav|navbar|navheader|navfooter|docnav|menu|sidebar|sphinxsidebar|breadcrumbs?|related|footer|"
    r"header|cookie|banner|share|social|toc|skip|headerlink|advert|promo|subscribe|comments?|"
    # Doxygen's title area over every page, and the tooltips it hides beside each listing
    r"titlearea|ttc|tagline"
)
_FURNITURE_CLASS = re.compile(rf"(?:^|[\s_-])(?:{_FURNITURE})(?:$|[\s_-])", re.I)
# A whole id ("header-files" is content), or one of the page's or site's ("page-header").
_FURNITURE_ID = re.compile(rf"(?:(?:page|site)[-_])?(?:{_FURNITURE})", re.I)
_CREDITS = frozenset({"author", "corpauthor", "editor", "othercredit"})  # DocBook's title page
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_PARAGRAPHS = {"p", "dd", "blockquote", "figcaption", "caption", "address", "summary"}
_ITEMS = {"li", "dt"}
_BLOCKISH = {
    *_HEADINGS, *_PARAGRAPHS, *_ITEMS, "pre", "table", "div", "section", "article", "main",
    "ul", "ol", "dl", "figure", "details", "body", "hr", "br", "aside",
}  # fmt: skip
_PILCROW = re.compile(r"[¶§#]\s*$")


def read_blocks(html: str, name: str) -> tuple[list[Block], dict[str, Any]]:
    """The page's content blocks and its metadata (title, author, published_at, url, source).

    Raises:
        IngestFailed: not HTML lxml can parse, or no text in it.
    """
    import lxml.html
    from lxml import etree

    # lxml refuses a str that still declares its encoding; the text is decoded already.
    html = re.sub(r"\A\s*<\?xml[^>]*\?>", "", html)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise IngestFailed(f"{name}: not readable HTML ({exc})") from exc
    authors = _author_headings(tree)
    meta = _metadata(tree)
    meta["author"] = meta["author"] or authors
    root = _main(tree)
    blocks = [block for block in _walk(root) if block.text.strip()]
    # The page's own title is shown as the title; its repeat as the first heading is not body.
    title = meta.get("title") or _first_heading(blocks)
    if blocks and blocks[0].kind == "heading" and _same(blocks[0].text, title):
        blocks = blocks[1:]
    meta["title"] = title
    # The byline a page's head shows (Asciidoctor's <span id="author">), left out with the
    # head: said as a field, so that "who wrote it" finds it in the text.
    shown = tree.xpath("//*[@id='author' or contains(concat(' ', @class, ' '), ' author ')]")
    byline = squash(_inline_text(shown[0])) if shown else ""
    if 0 < len(byline) <= 80 and not any(byline in b.text for b in blocks[:20]):
        blocks.insert(0, Block("paragraph", f"Author: {byline}"))
    if not any(b.kind != "heading" for b in blocks):
        raise IngestFailed(f"{name}: no text found in the HTML")
    return blocks, meta


def _author_headings(tree: Any) -> str | None:
    """The names DocBook's title page sets as headings of class "author" (`<h3
    class="author">Joey Hess</h3>`, and "editor", "othercredit"): paragraphs in the body, not
    the headings of sections; the authors' are the document's author. Lines with digits in
    them are no names (a version and date set in the same element)."""
    names = []
    for heading in tree.xpath("//h1|//h2|//h3|//h4|//h5|//h6"):
        kinds = set((heading.get("class") or "").lower().split())
        if kinds & _CREDITS:
            heading.tag = "p"
            name = squash(heading.text_content())
            if "author" in kinds and name and not re.search(r"\d", name):
                names.append(name)
    return ", ".join(names) or None


def _main(tree: Any) -> Any:
    """The element holding the page's content: <main>, <article> or role=main, else the body."""
    for path in ("//main", "//*[@role='main']", "//article"):
        found = tree.xpath(path)
        if len(found) == 1:
            return found[0]
    body = tree.find("body")
    return body if body is not None else tree


def _furniture(element: Any, *, named: bool = True) -> bool:
    """Whether an element is page furniture: by its tag or role, or (with `named`) by a class
    or id that names furniture."""
    if not isinstance(element.tag, str):
        return True  # comments, processing instructions
    tag = element.tag.lower()
    if tag in _SKIP or element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if element.get("role") in ("navigation", "banner", "contentinfo", "search", "complementary"):
        return True
    if tag in ("body", "main", "article") or not named:
        return False
    named = bool(_FURNITURE_CLASS.search(element.get("class") or "")) or bool(
        _FURNITURE_ID.fullmatch(element.get("id") or "")
    )
    if named and element.xpath("ancestor::pre or ancestor::code"):
        return False  # a highlighter's class in a listing ("hljs-comment") names no furniture
    # A box named "sidebar" that holds prose is content: DocBook sets its asides so ("Hard
    # links", "Remote backups over SSH"); a site's sidebar is mostly links. So is a header
    # that holds a section of its own: a manual page's NAME and what the command does.
    return named and not _prose(element) and not _section_inside(element)


def _page_links(element: Any) -> bool:
    """Whether a paragraph or a list is nothing but links within the page: a table of contents
    (a list of "#Help", "#Local", ...) or a way back to it ("[ToC]" after each section)."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    parent = element.getparent()
    links = [a for a in element.iter("a") if (a.get("href") or "").startswith("#")]
    linked = "".join("".join(a.itertext()) for a in links)
    # A short list of links may be content ("two styles of Options Menu:" / "form-based",
    # "key-based"), and so may a list item's paragraph ("tuple"); a way back is a word or two.
    back = tag == "p" and len(linked.split()) <= 3 and parent is not None and parent.tag == "body"
    if not links or not (back or (tag in ("ul", "ol") and len(links) >= 5)):
        return False
    text = "".join(element.itertext())
    for a in links:
        text = text.replace("".join(a.itertext()), "", 1)
    # (A contents list may hold a remark or two: Lynx's "(Me want cookie!)".)
    return sum(c.isalnum() for c in text) <= 0.1 * sum(c.isalnum() for c in linked)


def _link_bar(element: Any) -> bool:
    """Whether a paragraph or a box is a bar of links, set apart by "|" or ">": a breadcrumb
    trail ("Apache > HTTP Server > Documentation") or a choice of languages ("Available
    Languages: en | fr | ko"), perhaps after a label."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    links = list(element.iter("a"))
    if tag not in ("p", "div", "table") or len(links) < 3:
        return False
    text = "".join(element.itertext())
    for a in links:
        text = text.replace("".join(a.itertext()), " ", 1)
    if tag == "table":
        # texi2html's row of buttons: "[ << ] [ >> ] ... [Top] [Contents] [Index] [ ? ]".
        return bool(re.fullmatch(r"[\s\[\]<>|»«?·•/-]*", text))
    rest = re.sub(r"^\s*[^|>»:]{0,30}:", "", text)  # the bar's label
    return bool(re.fullmatch(r"[\s|>»/·•]*", rest)) and bool(re.search(r"[|>»]", rest))


def _section_inside(element: Any) -> bool:
    """Whether an element holds a heading (below the page's title) followed by text of five
    words or more without links."""
    for heading in element.iter("h2", "h3", "h4", "h5", "h6"):
        after = heading.getnext()
        if (
            after is not None
            and after.tag != "a"
            and after.find(".//a") is None
            and len(" ".join(after.itertext()).split()) >= 5
        ):
            return True
    return False


def _prose(element: Any) -> bool:
    """Whether an element holds paragraphs of text rather than links: 30 words or more, under
    a third of them inside links."""
    text = len(" ".join(element.itertext()).split())
    if text < 30:
        return False
    linked = sum(len(" ".join(a.itertext()).split()) for a in element.iter("a"))
    return linked < text / 3


def _walk(element: Any) -> Iterator[Block]:
    """Blocks in document order; inline text between block elements becomes a paragraph.

    Lines that are each one link within the page, five or more in a row with only line
    breaks between, are a table of contents set without a list (the Fetchmail FAQ's
    '<a href="#G1">G1. What is fetchmail ...?</a><br/>'): left out, as a listed one is."""
    inline: list[str] = []
    linked: list[str] = []  # the text of the links within the page in `inline`
    lines: list[Block] = []  # link lines in a row, held until it is known how many

    def flush() -> Iterator[Block]:
        text = squash("".join(inline))
        link_line = len(linked) == 1 and squash(linked[0]) == text
        inline.clear()
        linked.clear()
        if text and link_line:
            lines.append(Block("paragraph", text))
            return
        if text or lines:
            yield from release()
        if text:
            yield Block("paragraph", text)

    def release() -> Iterator[Block]:
        if len(lines) < _CONTENTS_LINES:
            yield from lines
        lines.clear()

    if element.text:
        inline.append(element.text)
    for child in element:
        if _furniture(child) or _page_links(child) or _link_bar(child) or _canned(child):
            if child.tail:
                inline.append(child.tail)
            continue
        tag = child.tag.lower()
        if tag == "br" and _goes_on("".join(inline), child.tail or ""):
            inline.append(" ")  # a line broken inside a sentence ("group;<br>subsequently")
        elif tag in _BLOCKISH:
            yield from flush()
            if tag != "br":
                yield from release()
            yield from _block(child, tag)
        else:
            text = _inline_text(child)
            if tag == "a" and (child.get("href") or "").startswith("#"):
                linked.append(text)
            inline.append(text)
        if child.tail:
            inline.append(child.tail)
    yield from flush()
    yield from release()


_CONTENTS_LINES = 3


def _goes_on(before: str, after: str) -> bool:
    """Whether the text after a line break goes on with the sentence before it: it opens in
    lower case, and the line before it did not end a sentence."""
    return after.strip()[:1].islower() and not before.rstrip().endswith((".", "!", "?", ":"))


def _canned(element: Any) -> bool:
    """A table whose summary says it is the page's header or footer ("Canned page footer")."""
    if not isinstance(element.tag, str):
        return False
    summary = element.get("summary") or ""
    return bool(re.search(r"\b(?:page )?(?:header|footer|navigation)\b", summary, re.I))


def _block(element: Any, tag: str) -> Iterator[Block]:
    fields = _fields(element) if tag == "dl" else None
    if fields:
        # "Author:" above "Gordon McMillan" is one statement, and stays one line.
        for name, value in fields:
            yield Block("item", f"{name}: {value}")
        return
    if tag == "dl":
        yield from _definitions(element)
        return
    lines = [child for child in element if "line" in (child.get("class") or "").split()]
    if tag == "div" and lines and "fragment" in (element.get("class") or "").split():
        # Doxygen sets a listing as a <div> of lines, not a <pre>.
        yield Block("code", "\n".join(_inline_text(x, keep_space=True).rstrip() for x in lines))
        return
    if tag in _HEADINGS:
        text = _PILCROW.sub("", squash(_inline_text(element)))
        if _admonition_title(element, text):
            return  # "Important" over a box of the section's own text heads no section
        if text:
            yield Block("heading", text, level=_HEADINGS[tag])
    elif tag == "pre":
        text = _inline_text(element, keep_space=True)
        if not _LISTING.search(element.get("class") or "") and _typeset(text):
            # A manual page set as one <pre> (man2html, Postfix's pages): text laid out by a
            # typesetter, read as plain text is, its justified spaces taken out.
            from rag.text_reader import read_blocks as read_text

            yield from read_text(re.sub(r"(?<=\S) {2,}(?=\S)", " ", text))
        else:
            yield Block("code", text)
    elif tag == "table" and (note := _admonition(element)) is not None:
        # Asciidoctor's note: an icon's cell beside the text's ("Note" / "UTF-8 locale is
        # recommended ..."), a paragraph said under its label, not a table's row.
        label, content = note
        for index, block in enumerate(_walk(content)):
            if index == 0 and label and block.kind == "paragraph":
                block.text = f"{label}: {block.text}"
            yield block
    elif tag == "table" and (box := _layout_box(element)) is not None:
        # A table of one cell frames what it holds (DocBook shades a listing so): its
        # listing keeps its lines, not squeezed into one row.
        yield from _walk(box)
    elif tag == "table":
        rows = []
        for row in element.iter("tr"):
            cells = [squash(_inline_text(cell)) for cell in row if cell.tag in ("td", "th")]
            if any(cells):
                rows.append(" | ".join(cells))
        if rows:
            yield Block("table", "\n".join(rows))
    elif tag in ("hr", "br"):
        return
    elif tag in _ITEMS or tag in _PARAGRAPHS:
        # A list's point is marked as Markdown marks it, so that the clause over the list reads
        # as opening it ("... which ticks the following boxes:" / "- Is lazily composable").
        mark = "- " if tag == "li" else ""
        if _has_blocks(element):
            for index, block in enumerate(_walk(element)):
                if index == 0 and tag in _ITEMS and block.kind == "paragraph":
                    block.kind, block.text = "item", mark + block.text
                yield block
        else:
            text = _inline_text(element)
            yield Block("item" if tag in _ITEMS else "paragraph", mark + text if text else text)
    else:
        yield from _walk(element)


_ADMONITIONS = frozenset({"note", "tip", "hint", "important", "warning", "caution", "danger"})


def _admonition(table: Any) -> tuple[str, Any] | None:
    """An admonition set as a table of one row: its icon's label ("Note") and its content's
    cell; None for any other table."""
    rows = table.findall(".//tr")
    cells = [c for c in rows[0] if isinstance(c.tag, str)] if len(rows) == 1 else []
    if len(cells) != 2 or "icon" not in (cells[0].get("class") or "").split():
        return None
    image = cells[0].find(".//img")
    label = image.get("alt") if image is not None else squash(_inline_text(cells[0]))
    return (label or "").strip(), cells[1]


def _layout_box(table: Any) -> Any | None:
    """The cell of a table of one row and one cell that holds blocks (a listing, paragraphs);
    None for any other table."""
    rows = table.findall(".//tr")
    cells = [c for c in rows[0] if isinstance(c.tag, str)] if len(rows) == 1 else []
    return cells[0] if len(cells) == 1 and _has_blocks(cells[0]) else None


# A <pre>'s class that says it holds a listing (DocBook's "programlisting" and "screen"),
# whose lines are never a typesetter's, however wordy ("family  String  Font family names").
_LISTING = re.compile(r"programlisting|screen|listing|code|literal|highlight|source", re.I)


def _typeset(text: str) -> bool:
    """Whether a <pre> holds a page of prose rather than code: twenty lines or more, most
    of them runs of six words or more without code's marks."""
    from rag.text_reader import prose_lines

    lines = [x for x in text.split("\n") if x.strip()]
    return len(lines) >= 20 and prose_lines(lines) >= 0.5 * len(lines)


def _admonition_title(heading: Any, text: str) -> bool:
    """Whether a heading is the title of a box inside a section, as DocBook sets a note:
    `<div class="important"><h3 class="title">Important</h3>`."""
    parent = heading.getparent()
    classes = set((parent.get("class") or "").lower().split()) if parent is not None else set()
    return text.strip().lower() in _ADMONITIONS and bool(classes & (_ADMONITIONS | {"admonition"}))


def _list_parts(element: Any) -> Iterator[tuple[str, Any]]:
    """A <dl>'s child elements with their tag names, comments and furniture left out."""
    for child in element:
        if isinstance(child.tag, str) and not _furniture(child):
            yield child.tag.lower(), child


def _definitions(element: Any) -> Iterator[Block]:
    """A definition list: short terms and their definition's first paragraph are one statement
    ("nit: Denotes a small issue that should be fixed ...", "aside, optional: Indicates ..."),
    as a reader takes the terms in bold beside their indented definition; a definition says
    what it defines only through its terms. A long term or an API signature (Sphinx's
    `<dt class="sig">`) stays a line of its own."""
    terms: list[str] = []
    for tag, child in _list_parts(element):
        if tag == "dt":
            text = squash(_inline_text(child))
            # A call's brackets ("open(file)"), not a key that is one ("(", ")").
            signature = "sig" in (child.get("class") or "").split()
            signature = signature or bool(re.search(r"\w\(", text))
            if text and len(text) <= 60 and not signature:
                # (Its comma only parts it from the next term: "\\detokenize,".)
                terms.append(text.rstrip(":,;").strip())
            elif text:
                yield from (Block("item", t) for t in terms)
                terms = []
                yield Block("item", text)
        elif tag == "dd":
            blocks = list(_block(child, "dd"))
            if terms and blocks and blocks[0].kind == "paragraph":
                blocks[0].text = f"{', '.join(terms)}: {squash(blocks[0].text)}"
                # A short paragraph after it is said of the same terms: "-v, --verbose: With
                # prune, report all removals." / "With list, output additional information".
                # Only up to a listing or a list of its own: Lynx's "options" holds the
                # whole reference of options below its examples.
                for block in blocks[1:]:
                    if block.kind != "paragraph":
                        break
                    if len(block.text) <= 200:
                        block.text = f"{', '.join(terms)}: {squash(block.text)}"
            else:
                yield from (Block("item", t) for t in terms)
            terms = []
            yield from blocks
        else:
            yield from _block(child, tag) if tag in _BLOCKISH else _walk(child)
    yield from (Block("item", t) for t in terms)


def _fields(element: Any) -> list[tuple[str, str]] | None:
    """A field list's (name, value) pairs: a <dl> whose terms are labels ending in a colon, as
    docutils and Sphinx write "Author: Gordon McMillan" and "Release: 1.2"; None otherwise."""
    pairs: list[tuple[str, str]] = []
    term: str | None = None
    for tag, child in _list_parts(element):
        if tag == "dt":
            text = squash(_inline_text(child))
            if not text.endswith(":") or len(text) > 40:
                return None
            term = text[:-1].strip()
        elif tag == "dd" and term is not None:
            value = squash(_inline_text(child))
            if not value or len(value) > 200:
                return None
            pairs.append((term, value))
            term = None
    return pairs or None


def _stated_author(tree: Any) -> str | None:
    """The author a docutils or Sphinx page states in its field list ("Author: ..."), or the
    authors, one field each ("author: Peter Moody", "author: Nick Coghlan")."""
    for element in tree.iter("dl"):
        named = [v for n, v in _fields(element) or () if n.lower() in ("author", "authors")]
        if named:
            return ", ".join(dict.fromkeys(named))
    for row in tree.xpath("//table[contains(@class, 'docinfo')]//tr"):
        cells = [squash(_inline_text(cell)) for cell in row if cell.tag in ("td", "th")]
        if len(cells) == 2 and cells[0].rstrip(":").lower() in ("author", "authors"):
            return cells[1]
    return None


def _has_blocks(element: Any) -> bool:
    return any(
        isinstance(child.tag, str) and child.tag.lower() in _BLOCKISH - {"br"}
        for child in element.iterdescendants()
    )


def _inline_text(element: Any, *, keep_space: bool = False, named: bool = True) -> str:
    """An element's text without page furniture inside it (a heading's ¶ permalink).

    When furniture by its class name would take all the text, the text is kept: Sphinx sets a
    FAQ's question headings inside a link classed "toc-backref"."""
    parts: list[str] = []
    icons: list[Any] = []

    def visit(node: Any) -> None:
        # A link's icon raised after it ("Homebrew<sup>↗</sup>") is no word of the text.
        said = (node.text or "").strip()
        icon = node.tag == "sup" and len(said) == 1 and not said.isalnum() and len(node) == 0
        if node is not element and (icon or _furniture(node, named=named)):
            if icon:
                icons.append(node)
            if node.tail:
                parts.append(node.tail)
            return
        if isinstance(node.tag, str) and node.tag.lower() == "br":
            parts.append("\n")
        # "2<sup>48</sup> bytes" is 2^48, not 248.
        power = node.tag == "sup" and "".join(node.itertext()).strip().isdigit()
        if node is not element and power and parts and parts[-1][-1:].isdigit():
            parts.append("^")
        if node.text:
            parts.append(node.text)
        for child in node:
            visit(child)
        if node is not element and node.tail:
            parts.append(node.tail)

    visit(element)
    text = "".join(parts).replace("\u200b", "")  # a zero-width space breaks no word
    if icons:
        # "Homebrew ↗," is "Homebrew,"
        text = re.sub(r"(?<=\w)[ \u00a0]+(?=[,.;:!?)](?:\s|$))", "", text)
    if named and not _PILCROW.sub("", text).strip():
        return _inline_text(element, keep_space=keep_space, named=False)
    return text if keep_space else squash(text)


def _first_heading(blocks: list[Block]) -> str | None:
    for block in blocks:
        if block.kind == "heading":
            return block.text
    return None


def _plain(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _same(a: str, b: str | None) -> bool:
    """Whether a heading repeats the title (or the title is the heading and then the site)."""
    return b is not None and (_plain(a) == _plain(b) or _plain(b).startswith(_plain(a) + " "))


def _metadata(tree: Any) -> dict[str, Any]:
    def meta(*keys: str) -> str | None:
        for key in keys:
            for attr in ("property", "name", "itemprop"):
                found = tree.xpath(f"//meta[@{attr}=$key]/@content", key=key)
                if found and str(found[0]).strip():
                    return str(found[0]).strip()
        return None

    ld = _json_ld(tree)
    title_element = tree.find(".//title")
    page_title = squash(title_element.text_content()) if title_element is not None else ""
    h1s = tree.xpath("//h1")
    heading = _PILCROW.sub("", squash(_inline_text(h1s[0]))) if len(h1s) == 1 else ""
    # The page's one <h1> is its headline; <title> often adds the site ("Headline | Site").
    # The <h1> may be the site's name over every page ("Node.js v20.20.2 documentation"):
    # <title> ends with it ("Internationalization support | Node.js v20.20.2 Documentation")
    # and the page's own title is a heading below it.
    page = re.fullmatch(rf"(.+?)\s+[|—–-]\s+{re.escape(heading)}", page_title, re.I)
    if (
        heading
        and page
        and any(_same(_inline_text(h), page.group(1)) for h in tree.xpath("//h2|//h3"))
    ):
        heading = page.group(1)
    title = meta("og:title", "twitter:title") or ld.get("headline") or heading or page_title
    site = None
    if heading and page_title.startswith(heading):
        site = re.sub(r"^\s*[|—–:-]\s*", "", page_title[len(heading) :]).strip() or None
    url = meta("og:url") or next(iter(tree.xpath("//link[@rel='canonical']/@href")), None)
    if url and urlsplit(str(url)).scheme not in ("http", "https"):
        url = None  # a file:// address names the machine the page was built on
    by, dated, outlet = _byline(tree)
    author = (
        ld.get("author")
        or meta("author", "article:author", "dc.creator", "DC.creator")
        or _stated_author(tree)
        or by
    )
    return {
        "title": title or None,
        "author": author,
        # Only a date the page states as its publication date: never a copyright year.
        "published_at": ld.get("datePublished")
        or meta("article:published_time", "datePublished", "dc.date.issued", "DC.date.issued")
        or dated,
        "url": url,
        "source": meta("og:site_name", "application-name")
        or site
        or outlet
        or (urlsplit(str(url)).hostname if url else None),
    }


def _byline(tree: Any) -> tuple[str | None, str | None, str | None]:
    """The author, the date and the outlet a news page's visible byline states ("By Brian
    Heater, TechCrunch, October 28, 2023" in an element classed "byline")."""
    from rag.text import dates_in

    for element in tree.xpath("//*[contains(concat(' ', @class, ' '), ' byline ')]"):
        text = squash(_inline_text(element))
        named = re.match(r"By\s+([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})", text)
        if named:
            dates = sorted(dates_in(text))
            # The part between the name and the date, when it names no date itself:
            # ", TechCrunch,", " | Essentially Sports |".
            part = re.match(r"\s*[,|]\s*([^,|\d]{2,60}?)\s*[,|]", text[named.end() :])
            outlet = part.group(1).strip() if part and not dates_in(part.group(1)) else None
            return (
                named.group(1),
                dates[0].isoformat() if len(dates) == 1 else None,
                outlet if outlet and not re.match(r"(?i)published|updated", outlet) else None,
            )
    return None, None, None


def _json_ld(tree: Any) -> dict[str, str]:
    """headline, author and datePublished from the page's schema.org JSON-LD, if any."""
    found: dict[str, str] = {}
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            for graph in [item, *item.get("@graph", [])] if "@graph" in item else [item]:
                if not isinstance(graph, dict):
                    continue
                for key in ("headline", "datePublished"):
                    if isinstance(graph.get(key), str) and key not in found:
                        found[key] = graph[key]
                author = graph.get("author")
                if isinstance(author, list) and author:
                    author = author[0]
                if isinstance(author, dict):
                    author = author.get("name")
                if isinstance(author, str) and "author" not in found:
                    found["author"] = author
    return found

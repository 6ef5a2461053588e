"""A PDF's title page -> its byline: the names and the date under the title, read as the
document's author and date rather than as sections, and names set side by side in columns
read as the list they are."""

from __future__ import annotations

import dataclasses
import re

from rag.blocks import Block
from rag.pdf_lines import Line


def bylines(blocks: list[Block]) -> tuple[list[Block], str | None, str | None]:
    """A title page's names and date after the title ("Oren Patashnik", "February 8, 1988",
    "Josip Rodin and Osamu Aoki"): set large, they are paragraphs, not sections; the names
    are the author, the date the document's (ISO). spaCy's entities tell them; its model
    loads only for such a page."""
    from rag.language import ends_as_sentence, names_listed
    from rag.text import DATE, dates_in

    title = next((i for i, b in enumerate(blocks) if b.kind == "heading" and b.page == 1), None)
    if title is None:
        return blocks, None, None
    out, dated = list(blocks), None
    by: dict[str, str] = {}  # people, else bodies ("American Mathematical Society")
    for i in range(title + 1, min(len(out), title + 6)):
        block = out[i]
        if block.page != 1:
            break
        # A line of its own, not prose: a heading, or a short paragraph with no full stop.
        if block.kind != "heading" and (len(block.text) > 300 or ends_as_sentence(block.text)):
            continue
        # (A copyright notice names its holders: "©1995–1999 Frank Mittelbach and Chris
        # Rowley" is by them.)
        text = without_copyright(block.text)
        names = names_listed(text) or text
        said = _said_by(names)
        # A date that a revision history follows: "1999-12-13 (revised 2002-02-25, ...)".
        if said is None and DATE.match(block.text.strip()) and len(block.text) <= 200:
            said = "DATE"
        if said and block.kind == "heading":
            out[i] = dataclasses.replace(block, kind="paragraph", level=1)
        if said == "PERSON":
            by.setdefault(said, _without_affiliation(names))
        elif said == "ORG":
            by.setdefault(said, names)
        elif said == "DATE" and (days := dates_in(block.text)) and not _BUILT.search(block.text):
            # (When it was typeset or compiled is no date of the document's own.)
            dated = dated or min(days).isoformat()
    return out, by.get("PERSON") or by.get("ORG"), dated


def without_copyright(text: str) -> str:
    """The holders a copyright notice names, as its authors: "©1995–1999 Frank Mittelbach and
    Chris Rowley" -> "Frank Mittelbach and Chris Rowley"; "© Copyright 1995, LaTeX Project
    Team., All rights reserved. This file may ..." -> "LaTeX Project Team". Other text as it
    is."""
    if not _COPYRIGHT.match(text):
        return text.strip()
    holders = _COPYRIGHT.sub("", text, count=1)
    ends = r"(?<!\bInc)(?<!\bLtd)(?<!\bCo)(?<!\bCorp)\.(?:\s|,|$)|[,.]?\s*all rights reserved"
    return re.split(ends, holders, flags=re.I)[0].strip(" ,;")


_COPYRIGHT = re.compile(
    r"^\s*(?:(?:©|\(c\)|copyright\b)\s*)+(?:\d{4}(?:\s*[-–—,]\s*\d{2,4})*)?[\s,]*(?:by\b)?",
    re.IGNORECASE,
)
_BUILT = re.compile(r"\b(?:typeset|compiled|generated|built|printed)\b", re.IGNORECASE)


def names_apart(lines: list[Line]) -> list[Line]:
    """A title page's names set side by side in columns ("Pavan Balaji   Sudheer Chunduri"),
    line after line, as the list they are: "Pavan Balaji, Sudheer Chunduri, ...", so that
    they do not run together into one long name."""
    out = list(lines)
    run: list[int] = []
    for i, line in enumerate([*out, None]):
        named = line is not None and (
            (len(line.cells) >= 2 and all(_name_shaped(text) for _, text in line.cells))
            or (bool(run) and not line.cells and _name_shaped(line.text))
        )
        if named:
            run.append(i)
            continue
        for at in run:
            parts = [text for _, text in out[at].cells] or [out[at].text]
            text = ", ".join(p.strip() for p in parts) + ("," if at != run[-1] else "")
            out[at] = dataclasses.replace(out[at], text=text, cells=())
        run = []
    return out


# A person's name as a title page sets it: two to four words, each capitalised or an initial
# ("William D. Gropp"), or a particle of a name inside it ("Ludwig van Beethoven").
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*\.?")
_PARTICLES = frozenset({"van", "von", "de", "da", "del", "der", "di", "du", "le", "la"})


def _name_shaped(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and all(
        _NAME_WORD.fullmatch(w) and (w[0].isupper() or (w in _PARTICLES and 0 < n < len(words) - 1))
        for n, w in enumerate(words)
    )


def _said_by(text: str) -> str | None:
    """ "PERSON" for a line that is names (of people, with their places), "ORG" for one of
    bodies' names alone, "DATE" for a date, else None."""
    from rag.language import parse

    doc = parse(text)
    letters = sum(c.isalnum() for c in text) or 1
    share = {
        label: sum(sum(c.isalnum() for c in e.text) for e in doc.ents if e.label_ in labels)
        / letters
        for label, labels in (("PERSON", ("PERSON", "ORG", "GPE")), ("DATE", ("DATE",)))
    }
    if share["DATE"] >= 0.65:
        return "DATE"
    if share["PERSON"] >= 0.5 and any(e.label_ == "PERSON" for e in doc.ents):
        return "PERSON"
    if share["PERSON"] >= 0.8 and len(text.split()) >= 2:
        return "ORG"  # bodies only: "American Mathematical Society, LaTeX Project"
    return None


def _without_affiliation(names: str) -> str:
    """People's names without the body set under them ("Terry Therneau, Cynthia Crowson,
    Mayo Clinic": the clinic is where they work, not an author)."""
    parts = [p.strip() for p in names.split(",")]
    while len(parts) > 1 and _said_by(parts[-1]) == "ORG":
        parts.pop()
    names = ", ".join(parts)
    # Or set on the line under them, run into the last name: "Martin Maechler and Douglas
    # Bates R Core Development Team" (the model may read the body as part of that name). A
    # name is taken to be two words then.
    words = re.split(r",\s*|\s+and\s+", names)[-1].split()
    if len(words) >= 4 and _BODY.fullmatch(words[-1]) and all(w[:1].isupper() for w in words):
        names = names[: len(names) - len(" ".join(words[2:]))].rstrip()
    return names


# What bodies call themselves, last in their names.
_BODY = re.compile(
    r"Team|Group|Project|Lab|Laboratory|Institute|University|Department|Division|Society|"
    r"Foundation|Association|Center|Centre|Committee|Consortium|Corporation|Inc\.?|Ltd\.?"
)


def title_of(blocks: list[Block]) -> str | None:
    for block in blocks[:12]:
        if block.kind == "heading" and block.page == 1:
            return block.text.strip()
    return None

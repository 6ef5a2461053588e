"""Release notes, changelogs and NEWS files: which release a change is listed under, and the
section of a release a question names. A release's heading names a version ("1.12",
"5.1.0b2") or a date ("2022-04-07"); the changes of that release sit under it, often under a
sub-heading of their own ("Bug fixes")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rag.blocks import VERSION, names_release, segments
from rag.question import Reading
from rag.schema import Passage
from rag.sentences import Sentence
from rag.typed import looks_typed_date

if TYPE_CHECKING:
    from rag.retrieve import StoredSentences

_HEADING_LINE = re.compile(r"(?m)^(#{1,6})[ \t]+(.+)$")
_ASKS_RELEASE = re.compile(r"\b(?:which|what)\s+(?:[\w.-]+\s+)?(?:release|version)s?\b", re.I)
# A sentence that names its own release: "Changed in version 3.9", "in 2010"; not the year of
# an identifier ("CVE-2010-0001").
_RELEASED_IN = re.compile(r"\b\d+\.\d+\b|(?<![\w-])(?:19|20)\d{2}(?![\w-])")


def asks_release(reading: Reading) -> bool:
    """Whether a question asks when, or in which release or version, something happened."""
    return reading.kind == "when" or bool(_ASKS_RELEASE.search(reading.asked))


def names_own_release(text: str) -> bool:
    """Whether a sentence says its release itself ("Available since 1.5.")."""
    return bool(_RELEASED_IN.search(text))


def _heading_lines(text: str, end: int | None = None) -> list[re.Match[str]]:
    """A text's heading lines before `end`, as `segments` tells them from a comment in a
    listing ("# 1 r 100 4.552 3.099")."""
    return [
        m
        for s in segments(text, piece=True)
        if s.kind == "heading" and (end is None or s.end <= end)
        if (m := _HEADING_LINE.match(text, s.start)) is not None
    ]


def _headings_up(passage: Passage, end: int) -> Iterator[tuple[Passage, re.Match[str]]]:
    for m in reversed(_heading_lines(passage.text, end)):
        yield passage, m


def _nearest_release(
    headings: Iterator[tuple[Passage, re.Match[str]]], level: int = 7, *, dated: bool = False
) -> Sentence | None:
    """Of headings read upwards, those a text sits under (each higher than the last), the
    nearest that names a release (`dated`: and its date)."""
    for passage, m in headings:
        depth = len(m.group(1))
        if depth >= level:
            continue  # a sibling section's heading, not one the text sits under
        level = depth
        if names_release(m.group(2)) and (not dated or looks_typed_date(m.group(2))):
            return Sentence(passage, m.start(2), m.end(2))
    return None


def release_heading(
    sentence: Sentence,
    stored: StoredSentences | None = None,
    chunks: dict[str, list[Passage]] | None = None,
    *,
    dated: bool = False,
) -> Sentence | None:
    """The heading of the release a sentence is listed under ("Noteworthy changes in release
    1.4 (2010-01-20) [stable]" over "** Bug fixes" over "This fixes CVE-2010-0001."): above it
    in its passage, or, with the `stored` document, in the chunks before it, as a chunk starts
    at each heading and a release's heading may be a chunk of its own. Only a chunk under a
    heading looks back (a news article's has none); `chunks` keeps each document's chunks for
    the question, as the store may fetch them. `dated`: the nearest release heading with a
    date, or, in a changelog that dates none, the nearest ("when did pm2 drop Node.js 16
    support": "7.0.0")."""
    found = _release_heading(sentence, stored, chunks, dated=dated)
    if found is None and dated:
        # (A heading of the version alone: "Version 4.0.2 Harbour Systems Division" over a
        # guide says what it documents, not when anything happened.)
        found = _release_heading(sentence, stored, chunks)
        found = found if found is not None and len(found.text.split()) <= 3 else None
    return found


def _release_heading(
    sentence: Sentence,
    stored: StoredSentences | None,
    chunks: dict[str, list[Passage]] | None,
    *,
    dated: bool = False,
) -> Sentence | None:
    passage = sentence.passage
    found = _nearest_release(_headings_up(passage, sentence.start), dated=dated)
    if found is not None or stored is None or not passage.section:
        return found
    chunks = {} if chunks is None else chunks
    if passage.doc_id not in chunks:
        chunks[passage.doc_id] = stored.document(passage.doc_id)
    level = min((len(m.group(1)) for m in _heading_lines(passage.text)), default=7)
    earlier = [p for p in chunks[passage.doc_id] if p.end <= passage.start][-40:]
    headings = (h for chunk in reversed(earlier) for h in _headings_up(chunk, len(chunk.text)))
    return _nearest_release(headings, level, dated=dated)


def release_headings(passages: Sequence[Passage]) -> list[Sentence]:
    """The headings of the passages that name a release and its date, as sentences that say
    when: "Noteworthy changes in release 1.4 (2010-01-20)", not a title page's "Version 4.0.2
    Mathematics and Computer Science Division"."""
    return [
        Sentence(p, m.start(2), m.end(2))
        for p in passages
        for m in _heading_lines(p.text)
        if names_release(m.group(2)) and looks_typed_date(m.group(2))
    ]


def release_section(whole: Sequence[Passage], numbers: frozenset[str]) -> list[Passage]:
    """The passages of the section whose heading names the release asked about, with the
    sections under it ("Noteworthy changes in release 1.10" and its "Bug fixes"), up to the
    next heading that names another release; none if no heading names it."""
    out: list[Passage] = []
    for passage in sorted(whole, key=lambda p: p.start):
        versions = set(VERSION.findall(passage.section or ""))
        if out and versions and not versions & numbers:
            break  # the next release
        if out or versions & numbers:
            out.append(passage)
    return out

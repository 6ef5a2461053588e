"""Chosen sentences -> the answer's citations and its sentences, each with its marker."""

from __future__ import annotations

from collections.abc import Sequence

from rag.blocks import BULLET
from rag.schema import Citation
from rag.sentences import Sentence
from rag.text import flat
from rag.verify import citation


def cite(
    chosen: Sequence[Sentence], *, separate: bool = False, lead: Sentence | None = None
) -> tuple[list[Citation], list[str]]:
    """Order sentences by document (best first) and position; adjacent ones of one paragraph
    share a citation (one quote spanning both) unless `separate` (a summary cites each of its
    sentences); each sentence of the answer still ends with its marker. The sentences around
    `lead` (the best answer) come first, so that the answer opens with it."""
    doc_rank: dict[str, int] = {}
    for s in chosen:
        doc_rank.setdefault(s.passage.doc_id, len(doc_rank))
    ordered = sorted(chosen, key=lambda s: (doc_rank[s.passage.doc_id], s.passage.start + s.start))
    groups: list[list[Sentence]] = []
    for s in ordered:
        if groups and not separate:
            last = groups[-1][-1]
            between = s.passage.text[last.end : s.start]
            # (A list's items are quoted each on its own: "* A." and "* B." are two points.)
            if (
                last.passage is s.passage
                and not between.strip()
                and "\n\n" not in between
                and not BULLET.match(s.text.lstrip())
            ):
                groups[-1].append(s)
                continue
        groups.append([s])
    groups.sort(key=lambda group: lead not in group)  # stable: the rest keep their order
    if lead is not None and groups and lead in groups[0]:
        # What goes on from the lead in the next chunk (what its colon leads to) follows it.
        last = groups[0][-1]
        ends = last.passage.start + last.end
        on = [
            i
            for i, group in enumerate(groups[1:], start=1)
            if group[0].passage.doc_id == last.passage.doc_id
            and 0 <= group[0].passage.start + group[0].start - ends <= 3
        ]
        if on:
            groups.insert(1, groups.pop(on[0]))
    citations, parts = [], []
    for n, group in enumerate(groups, start=1):
        passage = group[0].passage
        # A list's bullet is no word of the quote ("* Footnotes and endnotes."); its number is.
        bullet = BULLET.match(group[0].text)
        start = group[0].start + (bullet.end() if bullet else 0)
        citations.append(citation(n, passage, start, group[-1].end))
        parts += [f"{flat(BULLET.sub('', s.said))} [{n}]" for s in group]
    return citations, parts

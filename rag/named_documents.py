"""Question + Passages -> the documents a question names by their titles, and the chunks of the
top one that a short question rarely retrieves ("What is LDL?" of the LDL user guide)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.describing import KIND_FIRST, may_describe
from rag.language import fold
from rag.question import Reading
from rag.releases import release_section
from rag.schema import Passage
from rag.sentences import named_by
from rag.text import document_name

if TYPE_CHECKING:
    from rag.retrieve import StoredSentences


def title_words(reading: Reading, passages: Sequence[Passage]) -> tuple[str, ...]:
    """The question's words that only some of the documents found say, each of them in its
    title ("how do I add footnotes with mom": mom, of "Producing PDFs with groff and mom"): the
    question is about those documents, and another one answers of something else."""
    asked = {word for stem_, word in reading.words if stem_ in reading.key_terms}
    asked = {fold(w.lower()) for w in asked if len(w) >= 3} - set(reading.entities)
    if not asked:
        return ()
    docs = {p.doc_id for p in passages}
    said = {id(p): fold(f"{named_by(p)} {p.text}".lower()) for p in passages}
    titles = {id(p): fold(document_name(p.title, p.doc_id).lower()) for p in passages}
    named = []
    for word in sorted(asked):
        pattern = _word(word)
        saying = {p.doc_id for p in passages if pattern.search(said[id(p)])}
        titled = {p.doc_id for p in passages if pattern.search(titles[id(p)])}
        if titled and saying == titled != docs:
            named.append(word)
    return tuple(named)


def says_all(words: Sequence[str], text: str) -> bool:
    """Whether a text says each of the words `title_words` found."""
    folded = fold(text.lower())
    return all(_word(w).search(folded) for w in words)


def _word(word: str) -> re.Pattern[str]:
    """A question's word in a folded text, a part of a hyphenated one or an identifier too
    ("fried" of "Bankman-Fried", "time" of "kill_retry_time")."""
    return re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])")


def word_in(name: str) -> re.Pattern[str]:
    """A name as a whole word of a folded text ("Depends", not "Pre-Depends")."""
    return re.compile(rf"(?<![\w-]){re.escape(fold(name))}(?![\w-])")


def with_unretrieved(
    reading: Reading, passages: Sequence[Passage], stored: StoredSentences
) -> list[Passage]:
    """The passages, with the top document's chunks a question this short rarely retrieves:
    for "what is X", its opening when X names it ("What is LDL?" of the LDL user guide), where
    a sentence opens "X is a ..." however far in ("flex is a tool for generating scanners."),
    else where it first speaks of X, as a text says what a term is where it brings it in
    ("Each table or image is called a Header-Data Unit, or HDU."); the section of a release it
    names ("when was 1.0.0 released")."""
    extra: list[Passage] = []
    subject = reading.subject
    if subject or (reading.numbers and reading.kind != "summary"):
        whole = stored.document(passages[0].doc_id)
        if subject:
            named = _names_document(subject, passages[0])
            folded = [fold(c.text) for c in whole]  # once for each chunk
            said = word_in(subject)
            opens = re.compile(
                rf"(?:^|[.!?]\s+)(?:(?:an?|the)\s+|{KIND_FIRST})?{re.escape(fold(subject))}(?![\w-])",
                re.IGNORECASE,
            )
            extra += whole[:2] if named else []
            extra += [
                c for c, text in zip(whole, folded, strict=True)
                if opens.search(text) and may_describe(subject, c.text)
            ][:1]  # fmt: skip
            if not named:
                extra += [c for c, text in zip(whole, folded, strict=True) if said.search(text)][:1]
        extra += release_section(whole, reading.numbers)[:3] if reading.numbers else []
    held = {(p.doc_id, p.start) for p in passages}
    added = {(c.doc_id, c.start): c for c in extra if (c.doc_id, c.start) not in held}
    return [*passages, *added.values()]


def _names_document(subject: str, passage: Passage) -> bool:
    """Whether a name is what a passage's document is about: a word of its title or file."""
    return bool(word_in(subject).search(fold(document_name(passage.title, passage.doc_id))))

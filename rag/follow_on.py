"""A chosen answer sentence -> the sentences that complete it: the items of the list it says
follows ("The following fields may be present in a Files stanza."), the next sentence of a
short definition's paragraph ("-k, --keep-index: This option is only valid for push and
save."), what a sentence ending in a colon leads to, or the reason a claim goes on to give."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.blocks import LIST_MARKER
from rag.question import Reading
from rag.schema import Passage
from rag.sentences import Sentence, answers_anything, asks_itself, split_sentences
from rag.text import content_terms


def listed_items(sentence: Sentence, most: int = 8) -> list[Sentence]:
    """The items of the list a sentence introduces ("... as follows:", "The following fields
    may be present"), at most `most` and 400 characters of them, when the list follows it."""
    said = sentence.text.rstrip()
    if not (said.endswith(":") or _INTRODUCES.search(said)):
        return []
    text = sentence.passage.text
    if not re.match(r"[ \t]*\n", text[sentence.end :]):
        return []
    # The list's own lines, each item's words without its marker, up to the first line that
    # is no item (blank lines between items allowed).
    kept: list[Sentence] = []
    for line in re.finditer(r"[^\n]*", text[sentence.end :]):
        row = line.group()
        if not row.strip():
            continue
        marker = LIST_MARKER.match(row.lstrip())
        if marker is None or len(kept) >= most:
            break
        start = sentence.end + line.start() + len(row) - len(row.lstrip()) + marker.end()
        item = Sentence(sentence.passage, start, sentence.end + line.end())
        if sum(len(k.text) for k in kept) + len(item.text) > 400:
            break
        kept.append(item)
    return kept


# A sentence that says a list follows it: "the following", "as follows", "these".
_INTRODUCES = re.compile(r"\b(?:the following|as follows|following \w+|these|below)\b", re.I)


def goes_on(sentence: Sentence, longest: int = 25, *, whatever: bool = False) -> Sentence | None:
    """The sentence after a short one (of `longest` words at most) in its paragraph, if the
    paragraph goes on (about the same thing, unless `whatever` it says)."""
    if len(sentence.text.split()) > longest:
        return None
    after = [s for s in split_sentences(sentence.passage) if s.start >= sentence.end]
    if not after or not answers_anything(after[0]):
        return None
    between = sentence.passage.text[sentence.end : after[0].start]
    if "\n\n" not in between:
        # If it goes on about the same thing: it shares a word with it, or points back ("-v
        # requests verbose output." is not told in "Before release 2.4 the counter was ...").
        said = content_terms(sentence.text)
        on = bool(said & content_terms(after[0].text)) or bool(_POINTS_BACK.match(after[0].text))
        return after[0] if on or whatever else None
    # A reference's entry ("-k, --keep-index: ...") goes on in the paragraphs below it, up
    # to the next entry.
    entry = re.compile(r"[^:\n]{1,60}:\s")
    starts = sentence.passage.text.rfind("\n", 0, sentence.start) + 1
    alone = not sentence.passage.text[starts : sentence.start].strip()
    if alone and entry.match(sentence.text) and not entry.match(after[0].text):
        return after[0] if between.strip() == "" else None
    return None


def after_colon(
    sentence: Sentence, document: Callable[[str], Sequence[Passage]] | None = None
) -> Sentence | None:
    """What a sentence that ends in a colon leads to, set right below it: a short listing's
    lines ("LaTeX has its home page on the World Wide Web at:" / "http://www.latex-project.org/"),
    or the next sentence ("... published a statement about Altman's firing:" / "As you saw at
    Microsoft Ignite this week, ..."), in the next chunk when the sentence ends its own
    (`document` gives a document's chunks)."""
    if not sentence.text.rstrip().endswith(":"):
        return None
    passage, at = sentence.passage, sentence.end
    if not passage.text[at:].strip():
        ends = passage.start + at
        chunks = sorted(document(passage.doc_id), key=lambda p: p.start) if document else []
        following = next((c for c in chunks if c.start > passage.start and c.end > ends), None)
        if following is None:
            return None
        passage, at = following, max(0, ends - following.start)
    text = passage.text
    code = re.match(r"[ \t]*\n+[ \t]*```[^\n]*\n(.*?)\n[ \t]*```", text[at:], re.S)
    if code is not None:
        body = code.group(1)
        if not body.strip() or len(body) > 300 or body.count("\n") >= 3:
            return None
        start = at + code.start(1)
        return Sentence(passage, start + len(body) - len(body.lstrip()), start + len(body.rstrip()))
    after = next((s for s in split_sentences(passage) if s.start >= at), None)
    if after is None or not answers_anything(after):
        return None
    between = text[at : after.start]
    return after if not between.strip() and between.count("\n") <= 2 else None


def told_next(
    reading: Reading, sentence: Sentence, document: Callable[[str], Sequence[Passage]] | None
) -> Sentence | None:
    """The next sentence, when it tells what this one leads up to: a claim's reason ("Yes it is
    usually not such a bright idea to use thread locals." / "They cause troubles for servers
    ..."), a question's answer ("One common question ... is whether we need to worry about
    correlated data ..." / "The answer is no, we do not."), what a colon leads to."""
    if asks_itself(sentence.text):
        return goes_on(sentence, 60, whatever=True)
    if (led_to := after_colon(sentence, document)) is not None:
        return led_to
    if reading.kind == "why_how" and not _GIVES_REASON.search(sentence.text):
        return goes_on(sentence, 60)
    return None


# Words that give a reason or a way: a sentence without them rarely says why or how.
_GIVES_REASON = re.compile(
    r"\b(?:because|since|due to|owing to|as a result|thanks to|so that|in order to|reasons?|"
    r"caus\w*|led to|leads? to|by \w+ing|after)\b",
    re.IGNORECASE,
)


_POINTS_BACK = re.compile(
    r"(?:it|its|this|that|these|those|they|their|such|he|she|his|her)\b", re.IGNORECASE
)

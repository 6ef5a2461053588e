"""Each sentence's signals -> the sentences that answer, or a refusal.

The reading step (rag/reading.py) gathers what is known of every sentence as an answer
(`Signals`); this decides, with `ReadingWeights`, whether the documents answer (the best
sentence that may answer scores high enough) and which sentences do, with the learned
selector's pick where it is sure, and a Yes or No where the sentence settles it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.question import Reading
from rag.schema import Passage
from rag.sentences import (
    Sentence,
    asked_above,
    asks_itself,
    cut_short,
    is_row,
    repeats,
    short_words,
)
from rag.text import content_terms, document_name

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass
class Signals:
    """What is known of one sentence as an answer; each in 0..1 but for similarity."""

    sentence: Sentence
    semantic: float  # cosine to the question
    lexical: float  # share of the question's words (rarity-weighted), names left out
    key: float = 1.0  # share of its nouns, adjectives and numbers (1 when it has none)
    # The same, counting the question's words it says in other words ("wrong": "incorrectly"),
    # for whether it may answer; a Yes or No needs the question's own words (`key`), as near
    # words are also opposites ("husband": "wife").
    reworded: float = 1.0
    names: float = 0.0  # share of the question's names it mentions
    typed: float = 0.0  # holds an entity of the wanted kind the question lacks (who_is: 0-1)
    near: float = 0.0  # how near that entity stands to the question's words
    verb: bool = False  # yes/no: it has the question's own verbs, so it can settle it
    some_verb: bool = False  # yes/no: it has one of them, so it can deny it
    negated: bool = False  # it says "not", "cannot", "never", ... (read by spaCy's tokenizer)
    context: float = 0.0  # share of the question's names its passage mentions
    numbers: bool = True  # its passage holds every number and year the question names
    wanted: bool = True  # it says the noun a "what"/"which" picks ("what uid": "uid 37")
    measured: bool = True  # it names the measure asked for ("revenue", "turnout"), if any
    doc: Doc | None = None  # spaCy's reading, for the shortlist
    selected: float = 0.0  # the learned selector's chance that it answers (the shortlist's)


@dataclass(frozen=True)
class ReadingWeights:
    """How the signals add up and when to refuse. Chosen by `bench/reading_sweep.py` over the
    natural questions (docs/benchmarks.md): meaning first, the wanted kind of entity and its
    nearness next, the question's own words and names a little."""

    semantic: float = 1.0
    lexical: float = 0.1
    names: float = 0.05
    typed: float = 0.55
    near: float = 0.3
    rank: float = 0.05
    shortlist: int = 12
    refuse_below: float = 0.5  # the best eligible sentence's score under which it refuses
    # What an answer must have, whatever its score: some of the question's nouns and
    # adjectives, its passage naming every person, place and work the question names ("How
    # much money did Hamas raise on TikTok?" is not answered by a passage on Hamas's money
    # alone), and the numbers it names ("the 2027 World Cup" is not answered by the 2023 one).
    min_lexical: float = 0.1
    need_typed: bool = True
    min_context: float = 1.0
    need_numbers: bool = True
    second_within: float = 0.85  # a second sentence joins when this close to the best
    name_only_discount: float = 0.15
    # Choosing among the sentences, once the documents are found to answer: one that shares
    # none of the question's nouns is only a little behind, as answers often paraphrase.
    paraphrase_cost: float = 0.1
    # A question with a noun that no passage uses ("turnout", "password", "dog") is more
    # often about what the documents do not say: the best sentence must score this much more.
    unseen_noun_cost: float = 0.3
    # A FAQ heading this close in meaning to the question asks it in other words.
    restated: float = 0.8
    # The learned selector (rag/selector.py) reads the first few sentences of the shortlist
    # with the question. Its pick goes first when it gives it this chance and the signals'
    # choice less than half of it; short of that, at `selector_adds`, its pick is added.
    selector_candidates: int = 6
    selector_first: float = 0.4
    selector_adds: float = 0.2


def combine(item: Signals, w: ReadingWeights) -> float:
    return (
        w.semantic * item.semantic + w.lexical * item.lexical + w.names * item.names
        + w.typed * item.typed + w.near * item.near + w.rank / item.sentence.passage.rank
    )  # fmt: skip


def eligible(reading: Reading, item: Signals, w: ReadingWeights) -> bool:
    """What an answering sentence must have, whatever its score."""
    return not (
        (reading.subject and not item.typed)  # "who is X?": it does not name X
        or item.reworded < w.min_lexical
        or (w.need_typed and reading.expected and not item.typed)
        or item.context < w.min_context
        or (w.need_numbers and not item.numbers)
        or not item.wanted
        or not item.measured
    )


def select(
    reading: Reading,
    found: Sequence[Signals],
    w: ReadingWeights,
    most: int,
    passages: Sequence[Passage] = (),
) -> tuple[list[Sentence], str] | None:
    """The answering sentences (and a Yes/No to put first), or None to refuse: when no
    sentence is eligible, or the best eligible one scores low.

    Whether to answer and which sentence answers are two decisions. Refusal asks for a
    sentence with some of the question's nouns, in its words or near ones ("get wrong":
    "incorrectly"); the choice does not, since the sentence that answers often says it in
    other words still ("the score" against "winning 4-1")."""
    answering = [s for s in found if eligible(reading, s, w)]
    if not answering:
        return None
    # A question about nothing but a name ("What did Blinken say?") is never close in meaning
    # to any sentence: one that names it clears a lower bar.
    best = max(answering, key=lambda s: combine(s, w))
    bar = w.refuse_below - (w.name_only_discount if not reading.terms and best.names else 0)
    if (reading.nouns or reading.task) and passages:
        used = set().union(
            *(content_terms(f"{document_name(p.title, p.doc_id)} {p.text}") for p in passages)
        )
        # A task no passage names ("how do I downgrade ...") is as telling as such a noun.
        # A word cut short is said by one it starts ("apps": "applications").
        missing = reading.nouns - used
        unseen = missing - cut_short(short_words(missing), used) or (
            reading.task and not reading.task & used
        )
        bar += w.unseen_noun_cost if unseen else 0.0
    if combine(best, w) < bar:
        return None
    paraphrased = dataclasses.replace(w, min_lexical=0.0)

    def choice(item: Signals) -> float:
        return combine(item, w) - (w.paraphrase_cost if item.reworded < w.min_lexical else 0.0)

    # "What is X?" is answered by a sentence that says what X is, if one does: a longer one
    # ("The LDL software package is a set of ...") is further in meaning from a short
    # question than one that only uses X ("The simplest way to use LDL is within MATLAB.").
    ranked = sorted(
        (s for s in found if eligible(reading, s, paraphrased)),
        key=lambda s: (not (reading.subject and s.typed >= 1.0), -choice(s)),
    )
    # The learned selector, sure of a sentence the signals put lower, is more often right
    # than they are (natural questions: 10 of 13 such picks against 2 of 13): its pick first.
    confident = max(ranked[: w.shortlist], key=lambda s: s.selected)
    # (Not for a Yes or No, which the first sentence settles by the question's own verb: the
    # selector learnt what answers, not which way; "Messi starts on the bench" said "Yes" to
    # "Did Messi start?".)
    if (
        reading.kind != "yes_no"
        and confident.selected >= w.selector_first
        and ranked[0].selected < confident.selected / 2
    ):
        ranked = [confident, *(s for s in ranked if s is not confident)]
    best, top = ranked[0], choice(ranked[0])
    chosen = [best.sentence]
    for other in ranked[1 : w.shortlist]:
        if len(chosen) >= most or choice(other) < w.second_within * top:
            break
        if is_row(best.sentence) and is_row(other.sentence):
            continue  # the row asked for, not its neighbours in the table
        if not repeats(other.sentence, chosen):
            chosen.append(other.sentence)
    # Less sure, and not chosen by the signals, its pick is shown too, as one more sentence:
    # the reader sees both readings, each cited.
    if (
        most > 1
        and confident.selected >= w.selector_adds
        and confident.sentence not in chosen
        and not repeats(confident.sentence, chosen)
    ):
        chosen.append(confident.sentence)
    if reading.kind != "yes_no":
        return chosen, ""
    return chosen, _polarity(reading, best) or _stated_answer(best.sentence)


def _stated_answer(sentence: Sentence) -> str:
    """A FAQ's "Yes." or "No." that opens the answer a sentence is in, under the heading that
    asks ("Is there a way to support disconnected IMAP mode?" / "No. Fetchmail is a mail
    transport agent ..."): too short to answer alone, it says the answer the sentence gives
    reasons for."""
    if asked_above(sentence) is None:
        return ""
    said = re.search(r"(?:^|\n)[ \t]*(Yes|No)[.!][ \t]*$", sentence.passage.text[: sentence.start])
    return f"{said.group(1)}:" if said else ""


def _polarity(reading: Reading, best: Signals) -> str:
    """Yes or No only when the sentence settles it: it says what the question asks with the
    question's own verb and most of its words, plainly or negated. Otherwise nothing: the
    sentence speaks for itself."""
    if asks_itself(best.sentence.text):
        return ""  # "One common question is whether ...": the next sentence says which
    # A sentence that denies with one of the question's verbs says no, with some of its nouns
    # ("Apple never seriously considered switching to another provider" for "Did Apple
    # consider walking away from its Google search deal?"); a yes needs all that is asked.
    if best.negated and not reading.negated and best.some_verb and best.key >= 0.3:
        return "No:"
    if not best.verb or best.lexical < 0.6 or best.key < 0.99:
        return ""  # (every noun and adjective asked about said in its own words, too)
    return "No:" if best.negated != reading.negated else "Yes:"

"""Question + Passages -> the sentences that answer it, with no LLM.

The question is read once with spaCy: what kind of answer it wants (a person, a date, an
amount, yes or no, a description, a summary), the names it mentions, and the words it asks
about. Each sentence of the passages is then scored on signals weighted as retrieval's are:
similarity of meaning, the question's words other than its names (so that a sentence about the
fact beats one that only mentions the person), the names, an entity of the wanted kind that the
question does not already hold, and how near that entity stands to the question's words
(each sentence's signals are read in rag/sentences.py). Summaries, "who is X?", comparisons
and yes/no questions have readings of their own.

Whether the documents answer is decided first, with the question's own words (or near ones)
required; which sentences answer is decided next, where a paraphrase only costs a little (both
in rag/selection.py). The best sentence
leads the answer, and a chosen sentence that points back ("This release ...") brings the one
before it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from rag.blocks import LIST_MARKER, SECTION_PATH, names_release
from rag.cite import cite
from rag.compare import named_as, named_in, names_first, told_apart
from rag.condense import Turn, condense
from rag.describing import describes, may_describe, says_who_after
from rag.embed import Embedder
from rag.follow_on import goes_on, listed_items, told_next
from rag.head import (
    AUTHORSHIP,
    WROTE,
    author_byline,
    foreign_author_field,
    header_answer,
    of_document,
)
from rag.language import analyse, fold
from rag.named_documents import says_all, title_words, with_unretrieved
from rag.question import NEGATION, Reading, read
from rag.releases import (
    asks_release,
    names_own_release,
    release_heading,
    release_headings,
)
from rag.schema import Answer, Passage
from rag.selection import ReadingWeights, Signals, combine, select
from rag.selector import Selector
from rag.sentences import (
    BRACKETED,
    CONTRAST,
    Sentence,
    answers_anything,
    asked_above,
    asserts,
    coverage,
    cut_short,
    dated_by_another,
    heading_above,
    is_field,
    is_row,
    name_share,
    named_by,
    names_row,
    new_version,
    opens_section,
    opens_with_term,
    points_back,
    query_vector,
    related_terms,
    says_wanted,
    short_words,
    similarities,
    split_sentences,
    term_weights,
    terms_of,
    titled_by,
    with_antecedents,
)
from rag.spelling import truecase
from rag.summary import summarize
from rag.text import content_terms, stem
from rag.typed import counts_other, looks_typed, titles_name, typed_entity
from rag.verify import Verifier
from rag.word_vectors import WordVectors

if TYPE_CHECKING:
    import numpy as np

    from rag.answer import Prompts
    from rag.retrieve import StoredSentences


def _options(question: str) -> list[re.Pattern[str]]:
    """A command's options and a format's directives the question names, as written: "-C"
    and "-c" differ, and so do "%b" and "%B"."""
    return [
        re.compile(rf"(?<![\w-]){re.escape(m.group())}(?![\w-])")
        for m in re.finditer(r"(?<![\w-])(?:--?|%)[A-Za-z][\w-]*", question)
    ]


def _other_case(options: Sequence[re.Pattern[str]], text: str) -> bool:
    """Whether a text names one of the options in another case only."""
    return any(not o.search(text) and re.search(o.pattern, text, re.IGNORECASE) for o in options)


# The parts of speech that say what a sentence asserts of its subject.
_PREDICATES = ("VERB", "AUX", "ADJ")


class Extractive:
    """What the extractive engines share (this one and the news-multihop profile's): the
    models, rule-based follow-ups, streaming the finished answer, and refusal. A subclass
    writes `answer`."""

    def __init__(
        self, embedder: Embedder, prompts: Prompts, verifier: Verifier, *, max_sentences: int
    ) -> None:
        self._embedder = embedder
        self._prompts = prompts
        self._verifier = verifier
        self._max_sentences = max_sentences

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        return condense(question, history)

    def warm_up(self) -> None:
        """Load what a first answer needs beyond the embedding model and spaCy."""

    def learn(self, texts: Iterable[str]) -> None:
        """Prepare for reading these texts (an ingest's new chunks) in answers to come."""

    def stream(
        self,
        question: str,
        passages: Sequence[Passage],
        stored: StoredSentences | None = None,
    ) -> Iterator[str | Answer]:
        answer = self.answer(question, passages, stored)
        yield answer.answer
        yield answer

    def refusal(self, question: str, passages: Sequence[Passage]) -> Answer:
        from rag.answer import refusal

        return refusal(self._prompts, question, passages)

    def answer(
        self, question: str, passages: Sequence[Passage], stored: StoredSentences | None = None
    ) -> Answer:
        raise NotImplementedError


class ReadingEngine(Extractive):
    """The default engine: answers with the passages' sentences, each cited, or refuses."""

    def __init__(
        self,
        embedder: Embedder,
        prompts: Prompts,
        verifier: Verifier,
        *,
        max_sentences: int = 2,
        weights: ReadingWeights | None = None,
        selector: Selector | None = None,
        words: WordVectors | None = None,
    ) -> None:
        super().__init__(embedder, prompts, verifier, max_sentences=max_sentences)
        self.weights = weights or ReadingWeights()
        self._words = words or WordVectors(embedder)
        self._selector = selector

    def warm_up(self) -> None:
        if self._selector is not None:
            self._selector.load()

    def learn(self, texts: Iterable[str]) -> None:
        self._words.learn(texts)

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        stored: StoredSentences | None = None,
    ) -> Answer:
        """The cited answer, or a refusal that still lists the closest passages."""
        if not passages:
            return self.refusal(question, passages)
        # A question typed in lower case ("what did volodin say") is read with the passages'
        # capitals, so its names are known as names.
        reading = read(truecase(question, [p.text for p in passages]))
        if reading.kind != "summary" and not (
            reading.terms or reading.names or reading.numbers or reading.entities
        ):
            # "And then?" with nothing before it asks about nothing the documents could say.
            return self.refusal(question, passages)
        if reading.kind == "summary":
            return self._summary(reading, passages, stored)
        if (header := header_answer(reading, passages, stored)) is not None:
            shown = list(dict.fromkeys([header.passage, *passages]))
            return self._compose(question, shown, [header], "")
        if stored is not None:
            passages = with_unretrieved(reading, passages, stored)
        sentences = [
            s
            for p in passages
            for s in split_sentences(p)
            if answers_anything(s) or _introduces_subject(reading, s)
        ]
        if reading.kind == "who" and AUTHORSHIP.search(reading.asked):
            sentences = [s for s in sentences if not foreign_author_field(reading, s)]
        if (
            reading.kind == "who"
            and AUTHORSHIP.search(reading.asked)
            and of_document(reading, passages[0])
        ):
            # Without an Author field, only a sentence that speaks of writing it answers
            # ("Gordon McMillan wrote this HOWTO"); a name that happens to be there does not.
            sentences = [s for s in sentences if WROTE.search(s.text)]
        if reading.kind == "compare":
            return self._comparison(reading, passages, sentences, stored)
        if reading.kind == "when":
            # "When was gzip 1.12 released?": a release's heading says when.
            sentences += release_headings(passages)
        found = self.signals(reading, sentences, stored)
        picked = select(reading, found, self.weights, self._max_sentences, passages)
        if picked is None and (byline := author_byline(reading, passages, stored)) is not None:
            # Named only as an author: that much the documents say of them.
            shown = list(dict.fromkeys([byline.passage, *passages]))
            return self._compose(question, shown, [byline], "Named as an author:")
        if picked is None:
            return self.refusal(question, passages)
        chosen, prefix = picked
        if reading.subject and (following := goes_on(chosen[0])) is not None:
            # What a term is, said in one sentence, is told in the next: "-k, --keep-index:
            # This option is only valid for push and save." / "All changes ... are left intact."
            chosen = [chosen[0], following]
        elif not reading.expected and (items := listed_items(chosen[0])):
            # "The following fields may be present in a Files stanza." says only that a list
            # follows; its items say which.
            chosen = [chosen[0], *items]
        elif (
            following := told_next(reading, chosen[0], stored.document if stored else None)
        ) is not None and following not in chosen:
            chosen = [chosen[0], following, *chosen[1:]]
            if following.passage not in passages:  # the next chunk: cited right after
                at = passages.index(chosen[0].passage) + 1
                passages = [*passages[:at], following.passage, *passages[at:]]
            if reading.kind == "yes_no" and (said := _ANSWER_IS.match(following.text)):
                prefix = f"{said.group(1).capitalize()}:"  # "The answer is no, we do not."
        # A sentence that already names what the question names, or holds the kind of answer
        # it wants, says enough without the sentence before it.
        # (Not so one dated by the sentence before: "... was patented the following year.")
        may_point_back = {
            item.sentence: item.doc
            for item in found
            if item.doc is not None
            and (
                dated_by_another(item.doc)
                or (
                    (reading.asks_subject or not (reading.names and item.names >= 1.0))
                    and not (reading.expected and item.typed >= 1.0)
                )
            )
        }
        best = chosen[0]
        # (A changelog's point may name other versions than its release's: "Require Node.js
        # >= 18.0.0", listed under "7.0.0".)
        under = (best.passage.section or "").split(SECTION_PATH)[0]
        own_release = names_own_release(best.text) and not names_release(under)
        listed = chosen if asks_release(reading) and not own_release else []
        chosen = with_antecedents(chosen, may_point_back)
        chunks: dict[str, list[Passage]] = {}
        # "When ...?" is answered by a heading that dates its release; "which release" by any.
        when = reading.kind == "when"
        release = next(
            (r for s in listed if (r := release_heading(s, stored, chunks, dated=when))), None
        )
        if release is not None and release.text not in best.text:
            # "Which release fixed CVE-2010-0001?": "This fixes CVE-2010-0001." says what, the
            # release's heading it is listed under says which.
            chosen = [*chosen, release]
            passages = list(dict.fromkeys([*passages, release.passage]))
        return self._compose(question, passages, chosen, prefix, lead=best)

    def signals(
        self, reading: Reading, sentences: Sequence[Sentence], stored: StoredSentences | None
    ) -> list[Signals]:
        """Every sentence's cheap signals; the best few by those are read closely with spaCy
        for the wanted kind of entity, lemmas and nearness."""
        if not sentences:
            return []
        query = query_vector(self._embedder, reading.text)
        semantic = similarities(self._embedder, reading.text, sentences, stored, query)
        semantic, restated = self._headed(sentences, semantic, query, reading.text)
        # A header's field speaks of its document: the title's words are its words too
        # ("Author: Vinay Sajip" says who wrote the Logging HOWTO).
        stems = [
            terms_of(f"{named_by(s.passage)} {s.said}") if is_field(s) else content_terms(s.said)
            for s in sentences
        ]
        # A FAQ's question heads its answer, whose sentences need not say it again ("Why does
        # ps get signal 17?" over "No ps release has ever had this problem.").
        # One that asks the user's question in other words says all its terms ("Why is it
        # called Python?" for "Why is the language named Python?").
        asked = {s: content_terms(h) for s in sentences if (h := asked_above(s))}
        asked.update(
            {s: asked[s] | reading.terms for i in restated if (s := sentences[i]) in asked}
        )
        stems = [terms | asked.get(s, set()) for s, terms in zip(sentences, stems, strict=True)]
        # A word the question cuts short ("int", "config", "repo") is said by a sentence's
        # word that it starts ("integer").
        cut = short_words(reading.terms)
        stems = [terms | cut_short(cut, terms) for terms in stems]
        idf = term_weights(reading.terms, stems)
        context = {}
        found_in = list({id(s.passage): s.passage for s in sentences}.values())
        titled = title_words(reading, found_in)
        for passage in found_in:
            # A passage names what its document's name and its section name, as well as what
            # its text does ("LPPL" of "The LaTeX Project Public License", lppl.pdf).
            text = f"{named_by(passage)} {passage.text}"
            context[id(passage)] = (
                min(
                    name_share(reading.entities, text) if reading.entities else 1.0,
                    float(says_all(titled, text)),
                ),
                all(
                    # A unit may be written on ("16 bit" is "16bit"), a full stop may follow;
                    # not more digits ("2.4" is no "2"), but a version names its releases
                    # ("5.1" of "5.1.0b2").
                    re.search(
                        rf"(?<![\w.]){re.escape(n)}(?!\d{_MORE_DIGITS if '.' not in n else ''})",
                        text,
                    )
                    for n in reading.numbers
                ),
            )
        # The words of the sentence before each one in its passage, for one that points back.
        before: dict[Sentence, tuple[set[str], str]] = {}
        for i in range(1, len(sentences)):
            if sentences[i - 1].passage is sentences[i].passage:
                before[sentences[i]] = stems[i - 1], sentences[i - 1].text
        options = _options(reading.asked)
        found = []
        for sentence, sem, terms in zip(sentences, semantic, stems, strict=True):
            item = Signals(sentence, sem, coverage(reading.terms, terms, idf))
            item.names = name_share(reading.names, sentence.said)
            item.key = coverage(reading.key_terms, terms, idf) if reading.key_terms else 1.0
            item.reworded = item.key
            item.typed = looks_typed(reading, sentence.said)
            if reading.subject and may_describe(reading.subject, sentence.said):
                item.typed = 1.0  # "The LDL software package is a set of ...", read closely
            item.context, item.numbers = context[id(sentence.passage)]
            if options and _other_case(options, sentence.said):
                item.context = 0.0  # "-C" is another option than "-c": it answers nothing
            item.wanted = says_wanted(reading, terms, sentence.said)
            item.measured = reading.measures <= terms
            found.append(item)
        release = asks_release(reading)
        when = reading.kind == "when"
        chunks: dict[str, list[Passage]] = {}  # each document's, fetched once
        cheap = dataclasses.replace(self.weights, near=0.0)
        found.sort(key=lambda s: -combine(s, cheap))
        short = found[: self.weights.shortlist]
        read_by = short[: self.weights.selector_candidates]
        chances = (
            self._selector.submit(
                reading.text, [(s.sentence.passage.title, s.sentence.text) for s in read_by]
            )
            if self._selector is not None
            else None
        )
        docs = list(analyse([s.sentence.said for s in short]))
        # The question's words a sentence says in other words ("get wrong": "incorrectly").
        related = related_terms(self._words, dict(reading.words), docs)
        literal: set[int] = set()  # the sentences that say the noun "which" picks, as asked
        counts_asked = self._counts(reading)
        for item, doc, other in zip(short, docs, related, strict=True):
            lemmas = {stem(t.lemma_.lower()) for t in doc if not t.is_stop}
            lemmas |= content_terms(doc.text)
            lemmas |= cut_short(cut, lemmas)
            own = set(lemmas)  # what the sentence itself says, without its heading's question
            lemmas |= asked.get(item.sentence, set())
            if is_field(item.sentence):
                lemmas |= terms_of(named_by(item.sentence.passage))
            item.lexical = coverage(reading.terms, lemmas | other, idf)
            typed, item.near = typed_entity(reading, doc, counts_asked)
            # A sentence that opens with "They" or "This release" names what the sentence
            # before it names ("Of the forms of IPC, sockets are the most popular. They were
            # invented in Berkeley").
            said, text = lemmas, item.sentence.said
            # So does an aside in brackets after it: "(Contributed by Raymond Hettinger.)"
            # after "Added a collections.Counter class ...".
            aside = item.sentence.text.startswith("(")
            if (points_back(doc) or aside) and item.sentence in before:
                said = lemmas | before[item.sentence][0]
                text = f"{before[item.sentence][1]} {text}"
            version = reading.wanted == "version" and new_version(reading, text)
            if reading.key_terms:
                # The noun naming the answer's kind is there when an entity of that kind is
                # ("Available since Ninja 1.5." says which version).
                answered = reading.kind_terms if typed >= 1.0 else frozenset()
                answered |= {"version"} if version else frozenset()
                item.key = coverage(reading.key_terms, said | answered, idf)
                item.reworded = coverage(reading.key_terms, said | answered | other, idf)
            # The surface guess stands for a number the model did not tag ("a thousand").
            # (Not where every number counts another thing than "how many" asks about.)
            counted_other = counts_asked is not None and counts_other(reading, doc, counts_asked)
            item.typed = typed if counted_other else max(typed, 0.5 * item.typed)
            if not reading.expected and titles_name(reading, doc):
                item.typed = 1.0  # "which councilor": "Councilor Derek Olsen"
            if reading.subject:
                # Saying what X is beats opening a section about X, and a point of a list
                # ("• SDoP is a single program") is one thing among others about it.
                item.typed = max(
                    describes(reading.subject, doc),
                    0.9 * opens_section(reading.subject, item.sentence),
                    # "... was Craig Albernaz. He is the catching and bullpen coach for ..."
                    float(
                        says_who_after(
                            reading.subject, item.sentence.said, before.get(item.sentence)
                        )
                    ),
                ) * (0.9 if LIST_MARKER.match(item.sentence.text) else 1.0)
            # Its own words only: a word close in meaning may be the opposite ("optional" for
            # "mandatory"), which would say "Yes" to a sentence that says no.
            # (Said by the sentence itself: "You can, but this is NOT recommended." under "Can
            # I edit the files by hand?" says neither yes nor no to editing.)
            # As a verb, too: "Use of arbitrary Python is forbidden" does not say one may use it.
            # (An adjective before its noun says no more than which thing: "recursive functions
            # are thus illegal" does not say that functions can be recursive.)
            verbs = {
                stem(t.lemma_.lower())
                for t in doc
                if t.pos_ in _PREDICATES
                and not (t.pos_ == "ADJ" and t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "NOUN")
            } & own
            item.verb = asserts(reading, verbs)
            item.some_verb = bool(reading.verbs & verbs)
            item.wanted = says_wanted(reading, said | other, text)
            if item.wanted and says_wanted(reading, said, text):
                literal.add(id(item))
            if version:
                item.typed = 1.0  # the version number is the answer's entity
            if release and (heading := release_heading(item.sentence, stored, chunks, dated=when)):
                # Listed under a release's heading, a change was made in that release: the
                # heading's version or date answers, and its words are the sentence's too.
                said = said | terms_of(heading.text)
                item.key = (
                    coverage(reading.key_terms, said | other, idf) if reading.key_terms else 1.0
                )
                item.reworded = item.key
                item.typed = max(item.typed, 1.0)
                item.wanted = True
            if reading.kind == "why_how" and is_row(item.sentence):
                item.wanted = False  # a table's row says what, never why or how to
            if opens_with_term(reading, item.sentence.said):
                item.key = item.reworded = 1.0  # "-v requests verbose output." is the option's
            if (
                reading.kind != "yes_no"
                and is_row(item.sentence)
                and names_row(reading, item.sentence)
            ):
                item.typed = 1.0  # "the default fontsize": the row of "fontsize" says it
            item.measured = reading.measures <= said
            item.negated = any(t.lower_ in NEGATION for t in doc)
            item.doc = doc
        if literal:
            # Where some sentences name the thing "which" picks in the question's own word
            # ("Our current exhibition, ..."), one that names only a thing near it in meaning
            # ("The museum tells the story of ...") says no such thing.
            for item in short:
                item.wanted = item.wanted and id(item) in literal
        if chances is not None:
            for item, chance in zip(read_by, chances.result(), strict=True):
                item.selected = chance
        return found

    def _counts(self, reading: Reading) -> Callable[[str], bool] | None:
        """Whether a noun is the one "how many" counts, or a word close to it in meaning
        ("staff" for "employees")."""
        wanted = reading.wanted
        if wanted is None:
            return None
        asked = dict(reading.words).get(wanted, wanted)
        return lambda noun: stem(noun) == wanted or self._words.close(asked, noun)

    def _headed(
        self, sentences: Sequence[Sentence], semantic: list[float], query: np.ndarray, question: str
    ) -> tuple[list[float], set[int]]:
        """Similarities, each sentence of the first paragraph under a heading given the
        heading's own, when closer: a FAQ's or a manual's heading asks the question its
        first paragraph answers ("Why is R named R?": "The name is partly based on ...").
        With them, the sentences under a heading that restates the question."""
        import numpy as np

        # A title line counts where the question names it: under "New York Rangers", a
        # sentence is about the Rangers, but not about where they play the Red Wings.
        asked = fold(question)

        def head(sentence: Sentence) -> str | None:
            if heading := heading_above(sentence):
                return heading
            title = titled_by(sentence)
            named = title and re.search(rf"(?<!\w){re.escape(fold(title))}(?!\w)", asked)
            return title if named else None

        under = {i: h for i, s in enumerate(sentences) if (h := head(s))}
        if not under:
            return semantic, set()
        headings = sorted(set(under.values()))
        vectors = np.asarray(self._embedder.embed_documents(headings), dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        close = dict(zip(headings, (float(x) for x in vectors @ query), strict=True))
        out = list(semantic)
        for i, heading in under.items():
            out[i] = max(out[i], close[heading])
        restated = {i for i, h in under.items() if close[h] >= self.weights.restated}
        return out, restated

    def _comparison(
        self,
        reading: Reading,
        passages: Sequence[Passage],
        sentences: Sequence[Sentence],
        stored: StoredSentences | None,
    ) -> Answer:
        """The answer to "What's the difference between X and Y?": a sentence that sets the two
        against each other, if one does, then what the passages say X is and what they say Y
        is, each cited; one side alone when the passages hold only that."""
        # The words that tell the two apart: "pop" and "apply" of "git stash pop" and "git
        # stash apply", which a manual's entries name alone.
        things = told_apart(reading.compared)
        named = named_in(things, [fold(s.text) for s in sentences])
        # Named without the word they share ("collation"), they are asked of without it too.
        asked_of = named if named != things else list(reading.compared)
        things = named
        names = {thing: named_as(thing) for thing in things}
        # Bracketed text is a cross-reference's title ("See Section 7.29 [What is the
        # difference between package and library?]"), not the sentence's own words.
        said = {s: BRACKETED.sub(" ", s.text) for s in sentences}
        both = [
            s for s in sentences
            if all(n.search(fold(said[s])) for n in names.values()) and CONTRAST.search(said[s])
        ]  # fmt: skip
        chosen: list[Sentence] = []
        if both:
            similar = similarities(self._embedder, reading.text, both, stored)
            chosen.append(both[int(max(range(len(both)), key=lambda i: similar[i]))])
        context = [p.text for p in passages]
        for thing, full in zip(things, asked_of, strict=True):
            # Asked as "what is X?" of a thing, whatever word it is ("depends" reads as a verb).
            asked = dataclasses.replace(
                read(truecase(f"What is {full}?", context)), kind="who_is", subject=thing
            )
            # A sentence that names the other thing first is about that one, or about both.
            own = [s for s in sentences if names_first(fold(s.text), names, thing)]
            picked = select(asked, self.signals(asked, own, stored), self.weights, 1, passages)
            if picked is not None and picked[0][0] not in chosen:
                chosen.extend(picked[0])
        if not chosen:
            return self.refusal(reading.text, passages)
        return self._compose(reading.text, passages, chosen, "", separate=True)

    def _summary(
        self, reading: Reading, passages: Sequence[Passage], stored: StoredSentences | None
    ) -> Answer:
        summed = summarize(self._embedder, reading, passages, stored)
        if summed is None:
            return self.refusal(reading.text, passages)
        chosen, shown = summed
        return self._compose(reading.text, shown, chosen, "", separate=True)

    def _compose(
        self,
        question: str,
        passages: Sequence[Passage],
        chosen: Sequence[Sentence],
        prefix: str,
        *,
        separate: bool = False,
        lead: Sentence | None = None,
    ) -> Answer:
        citations, parts = cite(chosen, separate=separate, lead=lead)
        if prefix:
            parts[0] = f"{prefix} {parts[0]}"
        checked = self._verifier.check(parts, citations)
        return Answer(
            question=question,
            searched_for=question,
            answer=self._prompts.extractive_answer.format(sentences=checked.text),
            refused=False,
            citations=checked.citations,
            passages=list(passages),
            claims=checked.claims,
        )


def _introduces_subject(reading: Reading, sentence: Sentence) -> bool:
    """Whether a lead-in to a quote names the person a "who is X?" asks about with their role
    ("Wild GM Bill Guerin gave the following comment:"): it says who they are, though it
    answers nothing else."""
    text = sentence.text.rstrip()
    return (
        reading.kind == "who_is"
        and reading.subject is not None
        and text.endswith(":")
        and fold(reading.subject) in fold(text)
    )


_ANSWER_IS = re.compile(r"(?:the|my|our|short)?\s*answer\s+is\s+(yes|no)\b", re.IGNORECASE)
# A decimal part: "2.4" is no "2"; but a release "7.0.0" is the "pm2 7" a question names.
_MORE_DIGITS = r"|\.(?!0(?:\.0)*(?![.\d]))\d"

"""The reading step on questions typed the way people type them: kinds, sentences, summaries,
"who is", yes/no, accents, and follow-ups, first as units, then with the real model."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED_DOC

from rag.cite import cite
from rag.condense import Turn, condense
from rag.describing import describes
from rag.evaluate_natural import judge
from rag.follow_on import after_colon
from rag.ingest import load_document
from rag.language import analyse, fold, sentence_spans
from rag.pipeline import Pipeline
from rag.question import read
from rag.releases import release_heading, release_headings
from rag.schema import Answer, Citation, Passage
from rag.sentences import (
    Sentence,
    is_field,
    name_share,
    related_terms,
    split_sentences,
)
from rag.spelling import respell, truecase
from rag.text import answer_sentences, flat
from rag.typed import looks_typed, typed_entity
from rag.word_vectors import WordVectors


@pytest.mark.parametrize(
    ("question", "kind", "expected"),
    [
        ("Who kicked the winning field goal?", "who", "PERSON"),
        ("When does Maestro come out on Netflix?", "when", "DATE"),
        ("Where is Scalable Capital based?", "where", "GPE"),
        ("How many classes are there in Baldur's Gate 3?", "how_many", "CARDINAL"),
        ("How much did JPMorgan pay to settle?", "how_much", "MONEY"),
        ("What was Tesla's revenue last quarter?", "what", "MONEY"),
        ("Which city hosted the final?", "what", "GPE"),
        ("Who is Nicolás Maduro?", "who_is", None),
        ("What are quantum dots?", "who_is", None),
        ("what does nit mean", "who_is", None),
        ("Define relative valuation", "who_is", None),
        ("what is the www-data user for?", "what", None),  # what it does, not what it is
        ("what is zoo", "who_is", None),  # the tagger's "participle" is a name here
        ("whats the primary array", "who_is", None),  # typed without the apostrophe
        ("what is happening", "what", None),
        ("Did Russia accept the election result?", "yes_no", None),
        ("What is this article about?", "summary", None),
        ("Summarize the story on VTubers", "summary", None),
        ("Why did Scherzer leave Game 3?", "why_how", None),
        ("whats the difference between single and double quotes", "compare", None),
        ("How do hard links differ from symbolic links?", "compare", None),
        ("And who scored for England?", "who", "PERSON"),  # a follow-up's joining word
        ("So when did it start?", "when", "DATE"),
        # What this is about, whatever the reader calls it; what a release changed.
        ("what is this time dependent covariates vignette about", "summary", None),
        ("what did pm2 7.0.3 fix", "summary", None),
        # A time of something is how long it takes, or when.
        ("whats the default kill retry time", "what", "QUANTITY"),
        ("who is on craig morgans new ep", "who", "PERSON"),  # someone on it, not who it is
        # The question word after its preposition (trial 61: "place" had wanted a place).
        ("and since when has that deal been in place?", "when", "DATE"),
        ("by whom was the lighthouse built?", "who", "PERSON"),
        ("how cheap do the earbuds get on sale", "how_much", "MONEY"),  # a price (trial 61)
        # The noun "what" picks says what is asked, not a later one (trial 65: "values" had
        # wanted a sum of money).
        ("in what python version could you start passing values into a generator", "what", None),
        ("what is the value of the ring road contract", "what", "MONEY"),
        ("what option tracks where uninitialised values come from", "what", None),
    ],
)
def test_a_question_says_what_kind_of_answer_it_wants(
    question: str, kind: str, expected: str | None
) -> None:
    reading = read(question)
    assert reading.kind == kind
    assert (expected in reading.expected) if expected else not reading.expected


def test_the_words_asked_about_leave_out_names_and_framing() -> None:
    reading = read("What did Scalable Capital's CEO say about the revenue?")
    assert reading.names == ("scalable capital",)
    assert "revenu" in reading.terms and "say" not in reading.terms
    assert "capit" not in reading.terms


def test_a_phrase_of_time_on_the_verb_is_not_what_is_asked() -> None:
    # "what did son say after the loss": Son's "It's unacceptable" need not name the loss.
    assert read("What did Son say after the loss?").terms == frozenset()
    assert read("What did Biden say during the debate about taxes?").terms == {"taxi"}
    # All it names is the time: then that is what it asks about.
    assert read("What happened after the election?").terms == {"elect"}


def test_two_names_typed_as_one_are_each_mentioned() -> None:
    # "the spurs west ham game" was read as one name no passage says.
    text = "West Ham are three points back from Spurs."
    assert name_share(("spurs west ham",), text) == 1.0
    assert name_share(("spurs west bromwich",), text) == 0.0


def test_sentences_end_where_sentences_end() -> None:
    text = (
        "Ohtani agreed to sign with the Dodgers on Dec. 9 after Mr. Smith of the U.S. office\n"
        "called. The No. 1 seed beat No.\n4 in the final.\n\nA headline without a full stop\n"
        "The next paragraph starts here. It was founded on August 16th, 1993. (A scan of the "
        "announcement survives.) Then it grew. The library libm.so.* may also be placed in "
        '/usr/lib. Quoting the character ‘"’ in a manual opens no quotation. In posix mode the '
        "‘!’ has no special meaning. It ends here. [An aside set in brackets; it ends "
        "as one.]\n\nIt is written only 1. when a script has finished, or 2. when it starts up."
        "\n\nA new collections.OrderedDict class was added.\n\n1. 1…999 → System users. These "
        'do not map to actual "human"\n   users, but to daemons.\n\n2. 1000…65533 → regular '
        "(human) users.\n\nKeywords as “page”, etc. are used instead of »Seite« etc. It ends. "
        "RUnit by Burger et al. (2018) is used to run 1385 unit tests. It led to a vote titled "
        "init system coupling. which was voted by half of the developers. Unpack it (eg. "
        "`x, y = point()`) to use it. It was in: Proceedings of EuroTeX, Arnhem, pp. 359-370. "
        "So says the director general Adv. Ilit Levi of the authority."
    )
    found = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]
    assert found == [
        "Ohtani agreed to sign with the Dodgers on Dec. 9 after Mr. Smith of the U.S. office "
        "called.",
        "The No. 1 seed beat No. 4 in the final.",
        "A headline without a full stop",
        "The next paragraph starts here.",
        "It was founded on August 16th, 1993.",
        "(A scan of the announcement survives.)",
        "Then it grew.",
        "The library libm.so.* may also be placed in /usr/lib.",
        'Quoting the character ‘"’ in a manual opens no quotation.',
        "In posix mode the ‘!’ has no special meaning.",
        "It ends here.",
        "[An aside set in brackets; it ends as one.]",
        "It is written only 1. when a script has finished, or 2. when it starts up.",
        # No space after the full stop: a dotted name.
        "A new collections.OrderedDict class was added.",
        # A list item's line goes on on the line set in under it.
        "1. 1…999 → System users.",
        'These do not map to actual "human" users, but to daemons.',
        "2. 1000…65533 → regular (human) users.",
        # "etc." goes on with a lower-case word, and ends a sentence before a capital.
        "Keywords as “page”, etc. are used instead of »Seite« etc.",
        "It ends.",
        "RUnit by Burger et al. (2018) is used to run 1385 unit tests.",
        # No sentence starts with "which": a title's own full stop ended it too early.
        "It led to a vote titled init system coupling. which was voted by half of the developers.",
        "Unpack it (eg. `x, y = point()`) to use it.",
        # Pages cited, and a title before a name.
        "It was in: Proceedings of EuroTeX, Arnhem, pp. 359-370.",
        "So says the director general Adv. Ilit Levi of the authority.",
    ]


def test_a_lone_line_break_and_a_chunk_of_headings_read_as_text() -> None:
    # A Markdown file's stray line break once failed the upload; a chunk of a NEWS file,
    # mostly headings, once read as code and answered nothing.
    assert sentence_spans("x\n\n") == [(0, 1)]
    text = (
        "# Release 1.4 (2010-01-20)\n\n## Bug fixes\n\nThis fixes CVE-2010-0001.\n\n"
        "# Release 1.3 (2009-10-30)\n\n## Bug fixes\n\nzdiff exits with status 2 now."
    )
    assert [text[a:b] for a, b in answer_sentences(text)] == [
        "This fixes CVE-2010-0001.",
        "zdiff exits with status 2 now.",
    ]


def test_a_sentence_that_goes_on_past_or_ends_in_displayed_code_is_one_sentence() -> None:
    text = (
        "If f is such a factor, you can use\n\n```\nas.numeric(as.character(f))\n```\n\n"
        "to get the numbers back. Then the work is done.\n\n```\nprint(f)\n```\n\n"
        "With apt, you can hold a package using\n\n```\napt-mark hold name\n```\n\n"
        "and remove the hold with\n\n```\napt-mark unhold name\n```"
    )
    assert [flat(text[a:b]) for a, b in answer_sentences(text)] == [
        "If f is such a factor, you can use as.numeric(as.character(f)) to get the numbers back.",
        "Then the work is done.",
        "With apt, you can hold a package using apt-mark hold name and remove the hold with "
        "apt-mark unhold name",
    ]
    # A clause that names a call and introduces its example answers; "*?," ends no sentence.
    example = (
        "The subn() method does the same work, but returns a 2-tuple with the count:\n\n"
        "```\n>>> p.subn('x', 'ab')\n```\n\nThe solution is to use the quantifiers *?, +?, or "
        "??, which match as little text as possible."
    )
    assert [flat(example[a:b]) for a, b in answer_sentences(example)] == [
        "The subn() method does the same work, but returns a 2-tuple with the count:",
        "The solution is to use the quantifiers *?, +?, or ??, which match as little text as "
        "possible.",
    ]
    # A sentence closing a bracketed aside ends as sentences end, semicolons and all.
    aside = "[BibTeX 0.99b should be used with LaTeX 2.09; the closed format is the default.]"
    assert [flat(aside[a:b]) for a, b in answer_sentences(aside)] == [aside]


def test_a_comparison_names_both_things() -> None:
    assert read("what's the difference between single and double quotes?").compared == (
        "single quotes",
        "double quotes",
    )
    assert read("Compare rsync with dirvish").compared == ("rsync", "dirvish")
    assert read("whats the difference between a package and a library in r").compared == (
        "package",
        "library",
    )


def test_names_compare_without_accents() -> None:
    assert fold("Nicolás Maduro’s") == fold("Nicolas Maduro's") == "nicolas maduro's"


def test_names_typed_in_lower_case_are_read_with_the_documents_capitals() -> None:
    context = [
        "Russian observers affirmed that President Nicolás Maduro won, said Vyacheslav Volodin. "
        "The president thanked them.",
        "Volodin wrote on social media. US Secretary of State Antony Blinken disagreed.",
    ]
    assert truecase("what did volodin say", context) == "what did Volodin say"
    assert truecase("who is nicolas maduro", context) == "who is Nicolás Maduro"
    # A capital inside a word is never a sentence's, even after a colon (trial 64's
    # "draftkings" stayed a word and the lineup's lines did not answer).
    lineup = ["Seahawks vs. Cowboys: DraftKings Showdown lineup\n\nCaptain: Tony Pollard $14,700"]
    assert truecase("how much does pollard cost on draftkings", lineup) == (
        "how much does Pollard cost on DraftKings"
    )
    # A word the documents also write in lower case stays as typed, as do capitals typed.
    assert truecase("what did the president say", context) == "what did the president say"
    assert truecase("What did Blinken say?", context) == "What did Blinken say?"
    assert (
        truecase("What did volodin say to Blinken?", context) == "What did volodin say to Blinken?"
    )
    # "The" opens a sentence: capitalised there only, it is no name.
    assert truecase("the observers", context) == "the observers"


def test_a_name_typed_without_its_hyphen_or_apostrophe_is_the_documents_name() -> None:
    """Trial 69: "who is ostrovitch levi" was refused where "who is Ostrovitch-Levi" was
    answered; "drummonds" was never Drummond's."""
    context = [
        "Headed by Ostrovitch-Levi since May 2022, IMPA fights terror financing. Gacki met her.",
        "It's late, Bill's car is gone, and Drummond's view is that its rules hold.",
    ]
    assert truecase("who is ostrovitch levi", context) == "who is Ostrovitch-Levi"
    assert truecase("What did Ostrovitch Levi say?", context) == "What did Ostrovitch-Levi say?"
    assert truecase("what is drummonds view", context) == "what is Drummond's view"
    # English words stay as typed, and so does a name the documents also write unjoined.
    assert truecase("what are its rules", context) == "what are its rules"
    assert truecase("whose are the bills", context) == "whose are the bills"
    assert truecase("who is levi", [*context, "Ben Levi, a partner"]) == "who is Levi"


def test_misspelt_words_are_put_right_from_the_passages_found() -> None:
    context = [
        "Russia's ambassador to Venezuela, Sergey Melik-Bagdasarov, said the election was "
        "fair, TechCrunch reported. Rosneft invested in the oil industry.",
    ]
    assert respell("who is the russian ambasador", context) == "who is the russian ambassador"
    assert respell("When was the electon?", context) == "When was the election?"
    assert respell("per TcehCrunch", context) == "per TechCrunch"  # a name, as written there
    assert respell("Summmarize it", context) == "Summarize it"  # English, not in the passages
    # Words spelt right are kept although the passages do not have them, and so are names
    # the passages do not know: nothing close is put in their place.
    assert respell("how many died in the riots", context) == "how many died in the riots"
    assert respell("Who is Gawr Gura?", context) == "Who is Gawr Gura?"
    assert respell("whats the default shell on macos", context) == (
        "whats the default shell on macos"  # an apostrophe left out; a short unknown name
    )
    # A word the passages write inflected is no typo for another they write.
    zipped = ["The library reads files compressed by gzip. The rope was gripped."]
    assert respell("can it read gzipped files", zipped) == "can it read gzipped files"
    sworn = ["Morgan enlisted in the Army and was sworn in again at 59."]
    assert respell("when he reenlisted", sworn) == "when he reenlisted"  # a prefix, no typo
    # A word cut short from one the passages write is no typo ("config" is no "confit"), and
    # accents left out make no typo either.
    config = ["This is the only configuration file that must be present. A crème brûlée."]
    assert respell("which config file must be present", config) == (
        "which config file must be present"
    )
    assert respell("how is the creme brulee made", config) == "how is the creme brulee made"
    # A dropped letter is likelier than one typed too many: "happend" is no "append".
    assert respell("what happend to mod_imap", ["You can append text to mod_imap."]) == (
        "what happened to mod_imap"
    )


def test_a_follow_up_typed_in_lower_case_swaps_the_name() -> None:
    history = [Turn(role="user", content="what did volodin say"),
               Turn(role="assistant", content="Volodin wrote that Maduro won [1].")]  # fmt: skip
    # (Written as the earlier name was, with its capital.)
    assert condense("and blinken?", history) == "what did Blinken say"


HISTORY = [Turn(role="user", content="Who kicked Colorado's winning field goal?"),
           Turn(role="assistant", content="Alejandro Mata [1].")]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("When was that?", "When was that? (kicked Colorado's winning field goal, Alejandro Mata)"),
        ("How long was the kick?", "How long was the kick? (Colorado, Alejandro Mata)"),
        (
            "What is this article about?",
            "What is this article about? (kicked Colorado's winning field goal, Alejandro Mata)",
        ),
        # Self-contained: never rewritten with the earlier topic.
        ("Who is Nicolás Maduro?", "Who is Nicolás Maduro?"),
        ("What did Apple say about its earnings?", "What did Apple say about its earnings?"),
        (
            "What is the AI Alliance that Meta and IBM launched?",
            "What is the AI Alliance that Meta and IBM launched?",
        ),
        (
            "Summarize the article about the FTC case against Amazon",
            "Summarize the article about the FTC case against Amazon",
        ),
    ],
)
def test_follow_ups_lean_back_and_new_questions_stand_alone(question: str, searched: str) -> None:
    assert condense(question, HISTORY) == searched


def test_a_new_question_naming_nothing_takes_no_earlier_words_along() -> None:
    # In a conversation about a manual, a question that names nothing may be about another
    # thing of it: the earlier question's words would lead its search astray.
    history = [
        Turn(role="user", content="how do i extract a subsection of an image"),
        Turn(role="assistant", content="specify the range of pixels in brackets."),
    ]
    assert condense("whats the primary array", history) == "whats the primary array"
    # One that points back still gets them.
    assert condense("why would i do that", history) == (
        "why would i do that (extract a subsection of an image)"
    )


def test_what_a_term_is_is_looked_for_where_the_document_first_speaks_of_it() -> None:
    from types import SimpleNamespace

    from rag.named_documents import with_unretrieved

    texts = ["FITS is a file format.", "Each table is called a Header-Data Unit, or HDU.",
             "Every HDU has a header.", "The output HDU is written last."]  # fmt: skip
    chunks = [Passage(rank=i + 1, doc_id="quick.pdf", title="Quick Start", text=t, start=100 * i,
                      end=100 * i + len(t), score=0.5) for i, t in enumerate(texts)]  # fmt: skip
    stored = SimpleNamespace(document=lambda doc_id: chunks)
    found = with_unretrieved(read("what is an HDU?"), [chunks[3]], stored)  # type: ignore[arg-type]
    assert [p.text for p in found] == [texts[3], texts[1]]
    # A document named by the term says what it is where it says "X is a ...", however far in.
    texts = [
        "Copyright 2001 the authors.",
        "Contents: Introduction, Options.",
        "Bugs go to the tracker.",
        "Ferry is a tool for booking berths. It reads a plan.",
    ]
    chunks = [
        c.model_copy(update={"title": "Booking with Ferry", "text": t, "end": c.start + len(t)})
        for c, t in zip(chunks, texts, strict=True)
    ]
    found = with_unretrieved(read("what is ferry?"), [chunks[2]], stored)  # type: ignore[arg-type]
    assert texts[3] in [p.text for p in found]


@pytest.mark.parametrize(
    ("sentence", "subject", "how_plainly"),
    [
        ("Each table or image is called a Header-Data Unit, or HDU.", "hdu", 1.0),
        ('An "MCU" (minimum coded unit) is an interleaved set of blocks.', "mcu", 1.0),
        ("Stephen Twitty, a retired Army Lt. Gen., told Fox.", "stephen twitty", 1.0),
        ("Venezuelan President Nicolás Maduro won.", "nicolas maduro", 0.8),  # a role
        # A clause after the comma, not an apposition; a term, not a name after a noun.
        ("On successful completion of the MCU, the permanent state is updated.", "mcu", 0.3),
        ("The output HDU will then have the structure of the input HDU.", "hdu", 0.3),
        # A kind of thing named in the plural (trial 65's "what is a generator expression" had
        # found no sentence naming it): what they are, or a mention.
        ("Quantum dots are tiny particles of a semiconductor.", "quantum dot", 1.0),
        ("Generator expressions return an iterator.", "generator expression", 0.3),
        ("Generator expressions are surrounded by parentheses.", "generator expression", 0.3),
    ],
)
def test_a_sentence_says_what_a_term_is(sentence: str, subject: str, how_plainly: float) -> None:
    assert describes(subject, analyse([sentence])[0]) == how_plainly


def _answer(text: str, doc_ids: list[str], refused: bool = False) -> Answer:
    citations = [
        Citation(n=n, doc_id=d, title="", quote="q", passage="q", start=0, end=1)
        for n, d in enumerate(doc_ids, start=1)
    ]
    return Answer(question="", searched_for="", answer=text, refused=refused,
                  citations=citations, passages=[])  # fmt: skip


def test_the_natural_benchmark_judges_as_a_reader_would() -> None:
    number = {"kind": "how_many", "answers": ["3"], "doc_id": "a"}
    assert judge(number, _answer("They scored 3 goals [1].", ["a.md"]))
    assert not judge(number, _answer("They scored 30 goals [1].", ["a.md"]))
    assert not judge(number, _answer("3", ["a.md"], refused=True))
    summary = {"kind": "summary", "answers": [], "doc_id": "a"}
    assert judge(summary, _answer("x [1] y [2]", ["a.md", "a.md"]))
    assert not judge(summary, _answer("x [1] y [2]", ["a.md", "b.md"]))
    assert not judge(summary, _answer("x [1]", ["a.md"]))
    yes = {"kind": "yes_no", "answers": ["yes"], "evidence": "observers affirmed", "doc_id": "a"}
    assert judge(yes, _answer("Yes: it did [1].", ["a"]))
    assert not judge(yes, _answer("No: it did not [1].", ["a"]))
    assert judge(yes, _answer("Russian observers affirmed the result [1].", ["a"]))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is Nicolás Maduro?", "Maduro"),
        ("Did Russia accept the election result?", "affirmed"),
        ("When was the election?", "July 28"),
        ("How much of the vote did Maduro get?", "51%"),
        # Typed as many people type: no capitals, no question mark.
        ("what did volodin say", "Volodin"),
        # The noun naming a value ("percentage") is answered by that value ("51%").
        ("what percentage did maduro get", "51%"),
    ],
)
def test_natural_questions_on_the_seed_article(
    real_pipeline: Pipeline, question: str, expected: str
) -> None:
    answer = real_pipeline.ask(question)
    assert not answer.refused, answer.answer
    assert expected in answer.answer


@pytest.mark.slow
def test_a_summary_cites_the_articles_central_sentences(real_pipeline: Pipeline) -> None:
    answer = real_pipeline.ask("What is this article about?")
    assert not answer.refused and len(answer.citations) >= 2
    document = load_document(SEED_DOC, SEED_DOC.name)
    starts = [c.start for c in answer.citations]
    assert starts == sorted(starts)  # in the article's order
    for citation in answer.citations:
        assert document.text[citation.start : citation.end] == citation.quote
    assert any("Maduro" in c.quote for c in answer.citations)


@pytest.mark.slow
def test_an_on_topic_question_the_article_does_not_answer_is_refused(
    real_pipeline: Pipeline,
) -> None:
    answer = real_pipeline.ask("How old is Nicolás Maduro?")
    assert answer.refused and answer.passages  # the closest passages are still listed


@pytest.mark.slow
def test_the_answer_may_say_it_in_other_words_than_the_question(
    real_pipeline: Pipeline,
) -> None:
    # "the final score" is answered by "beat the Bills 24-18": no noun of the question in it.
    text = (
        "The Bengals beat the Bills 24-18 on Sunday night in Cincinnati. "
        "Fans won 3 free tickets to the final home game of the season."
    )
    passages = [Passage(rank=1, doc_id="bengals.md", title="Bengals hold off Bills", text=text,
                        start=0, end=len(text), score=0.5)]  # fmt: skip
    answer = real_pipeline.engine.answer("What was the final score of Bills vs Bengals?", passages)
    assert not answer.refused and answer.citations[0].quote.startswith("The Bengals beat")
    # Whether the documents answer at all still asks for the question's own words and names.
    other = real_pipeline.engine.answer("What was the final score of the Jets game?", passages)
    assert other.refused


def test_reading_a_question_leaves_torch_unloaded() -> None:
    # thinc would import torch only to offer layers spaCy's small model does not use: about
    # 2 s and 180 MB in every process (bench/footprint.py).
    code = (
        "import sys; from rag.language import analyse, sentence_spans; "
        "from rag.spelling import truecase; "
        "analyse('Who is Nicolás Maduro?'); sentence_spans('One. Two.'); truecase('who', ['x']); "
        "assert 'torch' not in sys.modules, 'torch loaded'; "
        "import torch; print(torch.ones(2).sum())"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "tensor(2.)" in done.stdout  # torch itself still imports when something needs it


def _note(text: str, doc_id: str = "note.md", title: str = "Note") -> list[Passage]:
    return [Passage(rank=1, doc_id=doc_id, title=title, text=text, start=0, end=len(text),
                    score=0.5)]  # fmt: skip


@pytest.mark.slow
def test_a_sentence_ending_in_a_colon_comes_with_what_it_leads_to(real_pipeline: Pipeline) -> None:
    """Trial 72: "whats the address of the latex home page" was answered "LATEX has its home
    page on the World Wide Web at:", without the address, set as code below it."""
    note = _note(
        "The harbour office keeps the tide tables. In addition, the harbour has its home page "
        "on the World Wide Web at:\n\n```\nhttp://harbour.example/\n```\n\nFerries leave "
        "from the north quay."
    )
    answer = real_pipeline.engine.answer("whats the address of the harbour home page", note)
    assert "http://harbour.example/" in answer.answer, answer.answer
    assert [c.quote for c in answer.citations][-1] == "http://harbour.example/"


def test_what_a_colon_leads_to_is_found_in_the_next_chunk_and_cited_next() -> None:
    """Trial 73: "what did nadella say about altman getting fired" quoted "... published a
    statement about Altman's firing:", which ended its chunk; the statement began the next."""
    text = (
        "The harbour master left.\n\nMicrosoft's chief published a statement about the "
        "harbour's closing:\n\n“We remain committed to the harbour and its people.”"
    )
    cut = text.index("“")
    first = Passage(rank=1, doc_id="d.md", title="D", text=text[:cut].rstrip(), start=0,
                    end=len(text[:cut].rstrip()), score=0.5)  # fmt: skip
    second = Passage(rank=2, doc_id="d.md", title="D", text=text[cut:], start=cut,
                     end=len(text), score=0.4)  # fmt: skip
    other, lead = split_sentences(first)  # the other one chosen too, earlier in the document
    assert after_colon(lead) is None  # nothing after it in its own chunk
    statement = after_colon(lead, lambda doc_id: [second, first])
    assert statement is not None and statement.text.startswith("“We remain committed")
    citations, _ = cite([lead, other, statement], lead=lead)
    assert [c.quote[:12] for c in citations] == ["Microsoft's ", "“We remain c", "The harbour "]


@pytest.mark.slow
def test_a_follow_up_with_nothing_before_it_is_refused(real_pipeline: Pipeline) -> None:
    # A table's cells are words of the question's kind of answer; "and then?" names nothing.
    note = _note("| With | many | apologies |\n| --- | --- | --- |\n| and | anyone | else |")
    assert real_pipeline.engine.answer("and then?", note).refused
    assert not real_pipeline.ask("and what did Volodin say?").refused


@pytest.mark.slow
def test_where_to_send_something_is_answered_by_a_mail_address(real_pipeline: Pipeline) -> None:
    note = _note(
        "## Going on vacation\n\nIt is common for harbour masters to take leave. Usually this "
        "means that others may moor boats at your berth while you're on vacation. First send a "
        "mail to masters-private@harbour.example and state the period of your vacation."
    )
    answer = real_pipeline.engine.answer("Where do I announce that I'm going on vacation?", note)
    assert "masters-private@harbour.example" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_document_is_named_by_its_titles_initials(real_pipeline: Pipeline) -> None:
    text = "In particular, the act of running the Work is not restricted by the licence."
    passage = Passage(rank=1, doc_id="licence.pdf", title="The Harbour Project Public Licence",
                      text=text, start=0, end=len(text), score=0.5)  # fmt: skip
    answer = real_pipeline.engine.answer("Is running a work under the HPPL restricted?", [passage])
    assert not answer.refused and "not restricted" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_question_naming_one_document_by_its_title_is_not_answered_from_another(
    real_pipeline: Pipeline,
) -> None:
    # "skiff" names the first document only (its title); the second one speaks of footnotes.
    def passage(rank: int, doc_id: str, title: str, text: str) -> Passage:
        return Passage(rank=rank, doc_id=doc_id, title=title, text=text, start=0,
                       end=len(text), score=0.5)  # fmt: skip

    passages = [
        passage(1, "browser.html", "The Wren Browser Guide",
                "Wren shows footnotes at the bottom of the page. Press the left arrow to return."),
        passage(2, "skiff.pdf", "Typesetting letters with skiff",
                "With skiff, a heading is numbered by adding NUMBER to the HEADING macro."),
    ]  # fmt: skip
    engine = real_pipeline.engine
    answer = engine.answer("how do I add footnotes with skiff", passages)
    assert "Wren" not in answer.answer, answer.answer
    answer = engine.answer("how do I number a heading with skiff", passages)
    assert not answer.refused and "NUMBER" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_list_items_bullet_is_no_part_of_its_quote(real_pipeline: Pipeline) -> None:
    note = _note("## Supported features\n\n* Headings and lists.\n\n"
                 "* Footnotes and endnotes of the whole document.\n\n* Tables.")  # fmt: skip
    answer = real_pipeline.engine.answer("does it support footnotes", note)
    assert "Footnotes and endnotes" in answer.answer and "*" not in answer.answer, answer.answer
    assert answer.citations[0].quote == "Footnotes and endnotes of the whole document."


@pytest.mark.slow
def test_an_option_in_another_case_is_another_option(real_pipeline: Pipeline) -> None:
    note = _note("## Options\n\n-c, --constantshow: Constantly display the cursor position "
                 "in the status bar.\n\n-B, --backup: When saving a file, keep the previous "
                 "version of it with a tilde after its name.")  # fmt: skip
    answer = real_pipeline.engine.answer("and what does -C do?", note)
    assert "constantshow" not in answer.answer, answer.answer
    answer = real_pipeline.engine.answer("what does -c do?", note)
    assert "constantshow" in answer.answer, answer.answer


@pytest.mark.slow
def test_how_many_of_a_thing_is_not_answered_by_a_number_of_another(
    real_pipeline: Pipeline,
) -> None:
    note = _note("A report creeps into camp that Johnston is coming with fifty thousand men to "
                 "raise the siege. The guns are nine-inch calibre.")  # fmt: skip
    answer = real_pipeline.engine.answer("how many soldiers died during the siege", note)
    assert answer.refused, answer.answer
    answer = real_pipeline.engine.answer("how many men is johnston bringing", note)
    assert "fifty thousand" in answer.answer, answer.answer


@pytest.mark.slow
def test_who_is_someone_is_said_by_he_is_after_the_sentence_naming_them(
    real_pipeline: Pipeline,
) -> None:
    note = _note("One applicant slated for an interview was Ray Albers. He is the catching and "
                 "bullpen coach for the Harbour City Gulls, says the Quay Gazette.")  # fmt: skip
    answer = real_pipeline.engine.answer("who is ray albers", note)
    assert "bullpen coach" in answer.answer, answer.answer


@pytest.mark.slow
def test_who_is_the_holder_of_a_role_asks_for_a_person(real_pipeline: Pipeline) -> None:
    # "who's the favorite for the X job" asks who holds a role, not what "favorite" is.
    note = _note("The Gulls will hire their sixth manager in ten years. Former Herons manager "
                 "Mike Shildt is the favorite; Ryan Flaherty is considered.")  # fmt: skip
    answer = real_pipeline.engine.answer("who's the favorite for the gulls job", note)
    assert not answer.refused and "Shildt" in answer.answer, answer.answer


def test_a_long_statement_over_a_display_answers_but_a_lead_in_does_not() -> None:
    from rag.sentences import answers_anything, split_sentences

    note = _note("The command \\boxed puts a box around its argument, like \\fbox except that "
                 "the contents are in math mode:\n\n(4.2) x ≤ C(y)\n\nThe rebase "
                 "command's --no-ff option provides a way to do that for a branch like this:"
                 "\n\n(4.3) z")  # fmt: skip
    said = [s.text for s in split_sentences(note[0]) if answers_anything(s)]
    assert said == ["The command \\boxed puts a box around its argument, like \\fbox except that "
                    "the contents are in math mode:"], said  # fmt: skip


def test_a_pictures_caption_and_credit_is_no_answer() -> None:
    # A news page's caption ("iPad Air Photograph: Apple") reads like a header's field.
    from rag.sentences import answers_anything, split_sentences

    note = _note("Author: Ada Quint\n\nWatch Air Photograph: Quay Gazette\n\n"
                 "The Harbour Watch Air comes with a steel case.")  # fmt: skip
    said = [s.text for s in split_sentences(note[0]) if answers_anything(s)]
    assert said == ["Author: Ada Quint", "The Harbour Watch Air comes with a steel case."], said


@pytest.mark.slow
def test_how_much_of_money_is_not_answered_by_another_number(real_pipeline: Pipeline) -> None:
    note = _note("The Series 9 (7/10, Wired Recommends) is the latest Harbour Watch. The customs "
                 "men seized 23 tons of chocolate bars at the crossing.")  # fmt: skip
    for question in ("how much is the harbour watch series 9 on sale for",
                     "how much did the 23 tons of chocolate cost"):  # fmt: skip
        answer = real_pipeline.engine.answer(question, note)
        assert answer.refused, answer.answer
    note = _note("The Series 9 is the latest Harbour Watch. It is on sale for $329 this week.")
    answer = real_pipeline.engine.answer("how much is the harbour watch series 9 on sale for", note)
    assert "$329" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_sentence_that_says_cannot_answers_no(real_pipeline: Pipeline) -> None:
    note = _note("The KX-200 works with 2.4 GHz networks only; it cannot connect to a 5 GHz one.")
    answer = real_pipeline.engine.answer("Does the KX-200 work with 5 GHz Wi-Fi?", note)
    assert answer.answer.startswith("No:"), answer.answer


@pytest.mark.slow
def test_a_word_of_opposite_meaning_says_neither_yes_nor_no(real_pipeline: Pipeline) -> None:
    # "optional" is close to "mandatory" in meaning and says the opposite: no "Yes:" before it.
    note = _note("Use of this mooring format is optional. Boats may keep their old papers.")
    answer = real_pipeline.engine.answer("is using this mooring format mandatory", note)
    assert answer.answer.startswith("Use of this mooring format is optional."), answer.answer


@pytest.mark.slow
def test_the_asked_verb_said_as_a_noun_says_neither_yes_nor_no(real_pipeline: Pipeline) -> None:
    # "Use of ... is forbidden" has the question's "use", as a noun: it is no "Yes", and the
    # list's next point is quoted apart, not under the same citation with its bullet.
    note = _note("## Overview\n\n  * The berth file syntax is a plain list of names.\n"
                 "  * Use of arbitrary scripts in berth files is forbidden.")  # fmt: skip
    answer = real_pipeline.engine.answer("can i use arbitrary scripts in a berth file", note)
    assert not answer.answer.startswith("Yes"), answer.answer
    assert answer.answer.startswith("Use of arbitrary scripts"), answer.answer
    assert all("*" not in c.quote for c in answer.citations), answer.citations


@pytest.mark.slow
def test_a_faq_answer_without_the_asked_verb_says_neither_yes_nor_no(
    real_pipeline: Pipeline,
) -> None:
    # The heading asks it; the answer's "NOT" is about recommending, not about editing.
    note = _note(
        "## Can I edit the berth files by hand?\n\nYou can, but this is NOT recommended. "
        "Use the /berth command instead."
    )
    answer = real_pipeline.engine.answer("can I edit the berth files by hand", note)
    assert answer.answer.startswith("You can, but this is NOT recommended."), answer.answer


@pytest.mark.slow
def test_a_sentence_that_introduces_a_list_is_answered_with_its_items(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "## Berth stanza\n\nThe following fields may be present in a Berth stanza.\n\n"
        "* Berth: required.\n\n* Keeper: required.\n\n* Comment: optional.\n\n"
        "## Examples\n\nA berth stanza names one berth."
    )
    answer = real_pipeline.engine.answer("what fields are required in a berth stanza", note)
    quotes = [c.quote for c in answer.citations]
    assert "Berth: required." in quotes and "Keeper: required." in quotes, answer.answer
    assert "A berth stanza names one berth." not in quotes


@pytest.mark.slow
def test_what_an_abbreviation_stands_for_describes_it(real_pipeline: Pipeline) -> None:
    note = _note(
        "Operationally this would mean folding into PhilEd the roles of FAPE and PEAC. Ana Ruiz "
        "will chair the board of the Philippine Education Development Fund (PhilEd)."
    )
    answer = real_pipeline.engine.answer("What is PhilEd?", note)
    assert [c.quote[:8] for c in answer.citations] == ["Ana Ruiz"], answer.answer


@pytest.mark.slow
def test_a_sentence_that_points_back_brings_what_it_points_to(real_pipeline: Pipeline) -> None:
    note = _note(
        "The app has had many versions. Version 7 Harbour (May 2021): named after the town's "
        "old port. This release made the blue theme the default. Later versions kept it."
    )
    answer = real_pipeline.engine.answer("Which version made the blue theme the default?", note)
    assert "Version 7 Harbour" in answer.answer, answer.answer
    assert answer.answer.index("Version 7") < answer.answer.index("This release")


@pytest.mark.slow
def test_a_question_about_the_subject_gets_what_the_subject_points_to(
    real_pipeline: Pipeline,
) -> None:
    # The sentence names the award the question names, but its subject, the answer, says
    # "This ...": the sentence before says what it is.
    note = _note(
        "Lantern is the latest title from a studio in Aarhus. This quiet puzzle game won Best "
        "Debut Game at the 2024 Harbour Awards. Critics liked its music."
    )
    question = "What won Best Debut Game at the 2024 Harbour Awards?"
    answer = real_pipeline.engine.answer(question, note)
    assert "Lantern" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_passive_it_stands_for_what_the_sentence_before_named(real_pipeline: Pipeline) -> None:
    note = _note(
        "The popcon file counts how often each package is installed. It was downloaded on "
        "2 February 2023 and holds 208,164 reports. It is worth noting that votes differ."
    )
    answer = real_pipeline.engine.answer("When was the popcon file downloaded?", note)
    assert "2 February 2023" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_heading_that_asks_the_question_leads_to_its_paragraph(real_pipeline: Pipeline) -> None:
    # A FAQ's heading asks the question in other words than its answer uses.
    text = (
        "## Why is R named R?\n\nThe name is partly based on the first names of the first two "
        "authors, and partly a play on the name of the Bell Labs language S.\n\n"
        "## How is R started?\n\nR is called from the shell by typing R at the prompt. Then R "
        "is called again each time a script runs."
    )
    answer = real_pipeline.engine.answer("why is R called R", _note(text))
    assert answer.citations[0].quote.startswith("The name is partly based"), answer.answer


@pytest.mark.slow
def test_a_how_to_whose_task_no_passage_names_is_refused(real_pipeline: Pipeline) -> None:
    note = _note(
        "To keep your backups safe, copy them to the backup server with rsync every night. To "
        "compress the backups, add the --compress option to the rsync line."
    )
    asked = real_pipeline.engine.answer("how do I compress my backups?", note)
    assert not asked.refused and "--compress" in asked.answer, asked.answer
    assert real_pipeline.engine.answer("how do I encrypt my backups?", note).refused


@pytest.mark.slow
def test_a_comparison_says_what_each_thing_is(real_pipeline: Pipeline) -> None:
    # A manual's sections: each opens by saying what its subject does, and a later sentence
    # of each names the other thing too.
    text = (
        "##### 3.1 Single Quotes\n\nEnclosing characters in single quotes preserves the literal "
        "value of each character. A single quote may not occur between single quotes.\n\n"
        "##### 3.2 Double Quotes\n\nEnclosing characters in double quotes preserves the literal "
        "value of all characters except the dollar sign. Double quotes are used more often than "
        "single quotes in scripts."
    )
    answer = real_pipeline.engine.answer(
        "whats the difference between single quotes and double quotes", _note(text)
    )
    quotes = [c.quote for c in answer.citations]
    assert [q[:40] for q in quotes] == [
        "Enclosing characters in single quotes pr",
        "Enclosing characters in double quotes pr",
    ], answer.answer


@pytest.mark.slow
def test_a_comparison_of_two_commands_finds_their_entries(real_pipeline: Pipeline) -> None:
    # A reference page's entries name the subcommand alone, with its arguments.
    note = _note(
        "Use git stash when you want to record the current state of the working directory.\n\n"
        "pop [--index] [<stash>]: Remove a single stashed state from the stash list and apply it "
        "on top of the current working tree state.\n\n"
        "apply [--index] [<stash>]: Like pop, but do not remove the state from the stash list."
    )
    answer = real_pipeline.engine.answer(
        "whats the difference between git stash pop and apply", note
    )
    quotes = [c.quote[:6] for c in answer.citations]
    assert "pop [-" in quotes and "apply " in quotes, answer.answer


@pytest.mark.slow
def test_what_an_option_means_goes_on_to_the_paragraph_below_its_entry(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "-k, --keep-index, --no-keep-index: This option is only valid for push and save "
        "commands.\n\nAll changes already added to the index are left intact.\n\n"
        "-p, --patch: This option is only valid for push and save commands.\n\n"
        "Interactively select hunks from the diff to be stashed."
    )
    answer = real_pipeline.engine.answer("what does --keep-index mean", note)
    assert "left intact" in answer.answer and "hunks" not in answer.answer, answer.answer


@pytest.mark.slow
def test_a_documents_own_reference_marks_are_not_the_answers_citations(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "BibTeX version 0.99b should be used with LaTeX version 2.09, as the LaTeX book [2] "
        "describes. Other versions exist."
    )
    answer = real_pipeline.engine.answer("which latex version should bibtex 0.99b use", note)
    assert "[ref. 2]" in answer.answer and "[2]" not in answer.answer, answer.answer
    assert [c.n for c in answer.citations] == [1]
    # An index of code is neither: it is quoted as written.
    assert flat("as in myfile.fits[1][-*, *] to read") == "as in myfile.fits[1][-*, *] to read"


@pytest.mark.slow
def test_which_version_is_answered_by_a_version_number(real_pipeline: Pipeline) -> None:
    note = _note(
        "## The console pool\n\nAvailable since Ninja 1.5. There exists a pre-defined pool named "
        "console with a depth of 1. Ninja version labels follow the major.minor.patch format."
    )
    answer = real_pipeline.engine.answer("which ninja version added the console pool", note)
    assert answer.answer.startswith("Available since Ninja 1.5."), answer.answer
    # "When" is answered by a release as well, a pre-release's letters and all.
    note = _note(
        "Other programs read the format too. 7-Zip and the p7zip port of 7-Zip support the .xz "
        "format starting from the version 9.00alpha. Some day there may be a faster filter."
    )
    when = real_pipeline.engine.answer("when did 7zip start supporting .xz", note)
    assert when.answer.startswith("7-Zip and the p7zip port"), when.answer


@pytest.mark.slow
def test_a_sentence_that_sets_the_two_against_each_other_comes_first(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "A hard link is another name for the same file. A symbolic link is a small file that "
        "holds a path. Hard links can only be made on the same filesystem, while symbolic links "
        "can point anywhere. Links were added early."
    )
    answer = real_pipeline.engine.answer("How do hard links differ from symbolic links?", note)
    assert answer.citations[0].quote.startswith("Hard links can only"), answer.answer
    assert not answer.refused


@pytest.mark.slow
def test_a_question_mark_left_out_changes_nothing(real_pipeline: Pipeline) -> None:
    for question in ("what did russia warn against", "who is the russian ambassador"):
        typed, marked = real_pipeline.ask(question), real_pipeline.ask(question + "?")
        assert typed.answer == marked.answer, question
        assert typed.question == question


@pytest.mark.slow
def test_a_long_manuals_summary_says_what_it_is(real_pipeline: Pipeline) -> None:
    # A manual's centre is its detail (here, seventy option entries); its opening says what
    # it is. Notes and list entries are no summary.
    opening = (
        "Tidewatch is a program that predicts the tides of a harbour from its gauge readings. "
        "It is meant for harbour masters and for the crews of small boats. "
    )
    options = " ".join(
        f"The option --level-{n} sets the reading of gauge {n} to the value given in metres."
        for n in range(70)
    )
    entries = (
        "• The option --level sets the reading of each gauge to the value given in metres.\n\n"
        "⁴See the option --level-3 for the reading of gauge 3, given in metres as the others.\n\n"
    )
    note = _note(opening + "\n\n" + entries + options)
    answer = real_pipeline.engine.answer("summarize this document", note)
    assert answer.answer.startswith("Tidewatch is a program that predicts"), answer.answer
    assert "•" not in answer.answer and "⁴" not in answer.answer, answer.answer


@pytest.mark.slow
def test_a_reference_manual_is_summed_up_by_its_opening(real_pipeline: Pipeline) -> None:
    # SDoP's manual: a short definition opens it, and hundreds of parameter entries make its
    # centre; the definition, however short, sums it up.
    opening = "Moor is a Simple Mooring Planner. It reads gauge files and writes tide tables.\n\n"
    entries = "\n\n".join(
        f"This parameter controls the format of the {kind} titles in part {n}. The value of "
        f"this parameter specifies how {kind} titles are formatted in part {n}."
        for n in range(150)
        for kind in ("example", "table")
    )
    answer = real_pipeline.engine.answer("summarize the moor manual", _note(opening + entries))
    assert answer.answer.startswith("Moor is a Simple Mooring Planner. [1]"), answer.answer


@pytest.mark.slow
def test_what_x_is_is_answered_by_the_sentence_that_says_it(real_pipeline: Pipeline) -> None:
    note = _note(
        "## Using Moor in MATLAB\n\nThe simplest way to use Moor is within MATLAB.\n\n"
        "## Abstract\n\nThe Moor software package is a set of short, concise routines for "
        "planning the moorings of a harbour from the readings of its tide gauges, with some "
        "use for rivers.\n\n• Moor is a single program, written in C."
    )
    answer = real_pipeline.engine.answer("what is Moor?", note)
    assert answer.answer.startswith("The Moor software package is a set of"), answer.answer


@pytest.mark.slow
def test_what_x_in_y_is_answered_by_what_calls_x_so(real_pipeline: Pipeline) -> None:
    note = _note(
        '## What is the [H: 3(1,8)] in the status bar?\n\nThis is called the "tidelist", a '
        "list of berths with the number of boats waiting, by order: ferries, yachts, others. "
        "Other tidelist options can be changed with the options moor.look.tidelist_*."
    )
    answer = real_pipeline.engine.answer("what is the tidelist in moor", note)
    assert answer.answer.startswith('This is called the "tidelist"'), answer.answer


@pytest.mark.slow
def test_a_paper_is_summed_up_by_its_abstract_not_its_references(real_pipeline: Pipeline) -> None:
    # The paper is asked for by its file's name, which its title does not say, and retrieval
    # put its references first; its abstract sums it up, after a note on where it appeared.
    title = "Predicting tides in small harbours"
    parts = [
        ("References", "## References\n\n" + " ".join(
            f"Quint A ({1990 + n}). Tide gauges and the smoothing of their readings, part {n}."
            for n in range(12))),
        (None, f"# {title}\n\nAda Quint\n\nAbstract\n\nA first version of this paper "
         "appeared in the Harbour Journal in 2005 under another title. Tidewatch predicts the "
         "tides of a harbour from the readings of its gauges. This paper describes the model "
         "behind it and how harbour masters use it every day.\n\n"),
        ("1. Introduction", "## 1. Introduction\n\n" + " ".join(
            f"Gauge {n} is read every {n + 2} minutes, and its readings are smoothed over an "
            "hour before the tide model uses them." for n in range(40))),
    ]  # fmt: skip
    passages, at = [], 0
    for rank, (section, text) in enumerate(parts, start=1):
        passages.append(
            Passage(rank=rank, doc_id="tidewatch-paper.pdf", title=title, text=text, start=at,
                    end=at + len(text), score=0.5, section=section)
        )  # fmt: skip
        at += len(text)
    answer = real_pipeline.engine.answer("summarize the tidewatch paper", passages)
    quotes = [c.quote for c in answer.citations]
    assert "Tidewatch predicts the tides of a harbour from the readings of its gauges." in quotes
    assert not any(q.startswith("Quint A") for q in quotes), answer.answer


@pytest.mark.slow
def test_a_summary_sentence_that_leans_on_the_one_before_comes_with_it_or_not_at_all(
    real_pipeline: Pipeline,
) -> None:
    text = (
        "Tidewatch predicts the tides of a harbour from the readings of its gauges. The "
        "harbour master reads the forecast each morning. The ferry company buys a copy. "
        "Gauges are cleaned in spring. It also predicts the tides of small harbours from the "
        "readings of their gauges, and warns of storm tides. The forecast is printed daily."
    )
    answer = real_pipeline.engine.answer("summarize this document", _note(text))
    quotes = [c.quote for c in answer.citations]
    assert quotes and not quotes[0].startswith("It also"), answer.answer
    for before, quote in itertools.pairwise(quotes):
        assert not quote.startswith("It also") or before.startswith("Gauges"), answer.answer


@pytest.mark.slow
def test_a_summary_sentence_states_something_with_a_verb(real_pipeline: Pipeline) -> None:
    # Trial 61: "Certainly not concerning the technological fight for our future climate."
    # opened a summary; it answers the question before it, and says nothing alone.
    text = (
        "Tidewatch predicts the tides of a harbour from the readings of its gauges. Certainly "
        "not concerning the tides of a harbour and the readings of its gauges. The harbour "
        "master reads the tide forecast each morning. The ferry company buys the forecast of "
        "the tides. Gauges are cleaned in spring."
    )
    answer = real_pipeline.engine.answer("summarize this document", _note(text))
    assert len(answer.citations) >= 2, answer.answer
    assert "Certainly not" not in answer.answer, answer.answer


@pytest.mark.slow
def test_who_is_answers_first_with_what_the_person_is(real_pipeline: Pipeline) -> None:
    # "When Maduro won ..." only mentions him; "President Nicolas Maduro's victory" and "the
    # incumbent president, Maduro." say who he is.
    answer = real_pipeline.ask("who is maduro")
    assert "president" in answer.citations[0].quote.lower(), answer.answer


@pytest.mark.slow
def test_a_sentence_that_says_they_has_the_words_it_points_back_to(
    real_pipeline: Pipeline,
) -> None:
    # "They" stands for the sockets of the sentence before, so the sentence holds the noun the
    # question asks about, as a reader sees it, and may answer.
    note = _note(
        "Of the various forms of IPC, sockets are by far the most popular. They were invented "
        "in Berkeley as part of the BSD flavor of Unix. Pipes came earlier."
    )
    reading = read("Where were sockets originally invented?")
    sentences = [s for p in note for s in split_sentences(p)]
    found = real_pipeline.engine.signals(reading, sentences, None)
    key = {item.sentence.text[:4]: item.key for item in found}
    assert key["They"] == 1.0 and key["Pipe"] == 0.0, key


@pytest.mark.slow
def test_a_list_item_above_a_sentence_is_not_quoted_as_what_it_points_to(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "The library parses most of ASN.1. Limits of this release:\n\n"
        "• ANY DEFINED BY.\n\nThis version doesn't handle the REAL type."
    )
    answer = real_pipeline.engine.answer("does libtasn1 support the REAL type?", note)
    assert "REAL type" in answer.answer and "ANY DEFINED" not in answer.answer, answer.answer


def test_sentences_of_two_paragraphs_are_quoted_apart() -> None:
    text = "The pier closed on Tuesday.\n\nIt opens again in May."
    passage = _note(text)[0]
    sentences = split_sentences(passage)
    citations, _ = cite(sentences)
    assert [c.quote for c in citations] == ["The pier closed on Tuesday.", "It opens again in May."]
    joined, _ = cite(split_sentences(_note("The pier closed on Tuesday. It opens in May.")[0]))
    assert len(joined) == 1  # one paragraph: one quote


@pytest.mark.slow
def test_what_noun_asks_for_a_sentence_that_says_that_noun(real_pipeline: Pipeline) -> None:
    # "What uid ...": a sentence about the postgres user that gives no uid does not answer.
    note = _note(
        "Postgres databases are owned by the postgres user and group, which the package "
        "creates when it is installed."
    )
    assert real_pipeline.engine.answer("What uid does the postgres user get?", note).refused
    answer = real_pipeline.engine.answer("What does the postgres user own?", note)
    assert not answer.refused and "databases" in answer.answer


@pytest.mark.slow
def test_a_glossary_entry_says_what_its_term_means(real_pipeline: Pipeline) -> None:
    # A definition list read as "term: definition"; the definition never names its term.
    note = _note(
        "Reviewers mark their comments so authors know what matters. An author who gets a "
        "nit usually fixes it in the next version of the series. nit: Denotes a small issue "
        "that should be fixed, such as a typo. aside, optional: Indicates a comment that "
        "should not block the patch. Optional comments are often left unanswered."
    )
    answer = real_pipeline.engine.answer("what does nit mean", note)
    assert answer.citations and answer.citations[0].quote.startswith("nit:"), answer.answer
    answer = real_pipeline.engine.answer("What does optional mean?", note)
    assert answer.citations and answer.citations[0].quote.startswith("aside"), answer.answer


@pytest.mark.slow
def test_where_in_a_manual_is_a_path(real_pipeline: Pipeline) -> None:
    note = _note(
        "The run-time variable data of a program is kept apart from its static files. Process "
        "identifier files, which were once placed in /etc, must be placed in /run. Their "
        "format stays the same."
    )
    answer = real_pipeline.engine.answer("Where should pid files go?", note)
    assert not answer.refused and "/run" in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_an_amount_answers_for_a_measure_only_where_it_is_called_that(
    real_pipeline: Pipeline,
) -> None:
    raised = _note(
        "Scalable Capital raised $180 million in 2021, in a round led by Tencent. The broker "
        "now serves customers in eight countries."
    )
    question = "What was Scalable Capital's revenue last year?"
    assert real_pipeline.engine.answer(question, raised).refused
    reported = _note(
        "Scalable Capital raised $180 million in 2021. Its revenue was $60 million last year, "
        "the company said."
    )
    answer = real_pipeline.engine.answer(question, reported)
    assert not answer.refused and "$60 million" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_question_whose_noun_no_passage_uses_needs_a_closer_match(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "The maritime museum is at 3 Wharf Road, on the south side of the harbor. Our galleries "
        "sit in the old cannery building, and the historic schooner is moored at the pier."
    )
    assert real_pipeline.engine.answer("Can I bring my dog to the maritime museum?", note).refused
    answer = real_pipeline.engine.answer("Where is the maritime museum?", note)
    assert not answer.refused and "Wharf Road" in answer.answer


@pytest.mark.slow
def test_what_is_a_tool_finds_the_tool_command_is(real_pipeline: Pipeline) -> None:
    note = _note(
        "The output from the debmake command is very verbose and explains what it does. The "
        "debmake command is the helper script for the Debian packaging. It sets defaults."
    )
    answer = real_pipeline.engine.answer("what is debmake", note)
    assert answer.citations[0].quote.startswith("The debmake command is the helper"), answer


@pytest.mark.slow
def test_a_question_word_said_in_other_words_is_found(real_pipeline: Pipeline) -> None:
    words = WordVectors(real_pipeline.embedder)
    reading = read("What did Gemini get wrong about the Oscars?")
    docs = analyse([
        "Gemini claims incorrectly that Brendan Gleeson won Best Actor.",
        "Gemini was asked who won Best Actor.",
    ])  # fmt: skip
    assert related_terms(words, dict(reading.words), docs) == [{"wrong"}, set()]


@pytest.mark.slow
def test_which_version_wants_a_number_not_the_word(real_pipeline: Pipeline) -> None:
    note = _note(
        "Packages that use hooks should depend on the hook-supporting version of the tool. "
        "Hooks run in the order they are declared."
    )
    answer = real_pipeline.engine.answer("which tool version first supported hooks", note)
    assert answer.refused, answer.answer


@pytest.mark.slow
def test_when_in_a_manual_is_a_release(real_pipeline: Pipeline) -> None:
    note = _note(
        "The encoding argument sets the log file's encoding.\n\nChanged in version 3.9: The "
        "encoding argument was added. The errors argument picks how encoding errors are handled."
    )
    answer = real_pipeline.engine.answer("when was the encoding argument added", note)
    assert answer.answer.startswith("Changed in version 3.9"), answer.answer


def test_what_is_x_finds_the_thing_called_x() -> None:
    called = "It seems right to describe a modification of LaTeX to produce a system called fsfTeX."
    assert describes("fsfTeX", analyse([called])[0]) == 1.0
    mentioned = "The contents of the file fsftex.tex should be as shown on page 10."
    assert describes("fsfTeX", analyse([mentioned])[0]) < 1.0


@pytest.mark.slow
def test_a_clause_that_opens_a_list_can_answer(real_pipeline: Pipeline) -> None:
    note = _note(
        "Each hook is named. We currently know three kinds of hooks:\n\n* Check hooks. These "
        "run first.\n\n* Report hooks. These run last."
    )
    answer = real_pipeline.engine.answer("how many kinds of hooks are there", note)
    assert answer.answer.startswith("We currently know three kinds of hooks:"), answer.answer


def _section(rank: int, section: str, text: str, start: int) -> Passage:
    return Passage(rank=rank, doc_id="manual.md", title="Tidewatch Manual", text=text,
                   start=start, end=start + len(text), score=0.5, section=section)  # fmt: skip


@pytest.mark.slow
def test_a_summary_of_a_topic_sums_up_its_section_without_the_licence(
    real_pipeline: Pipeline,
) -> None:
    opening = _section(2, "Overview", (
        "This file may be distributed and/or modified under the conditions of the Public "
        "License. Tidewatch is a program that predicts the tides of a harbour from its gauge "
        "readings. It is meant for harbour masters and for the crews of small boats."
    ), 0)  # fmt: skip
    changes = _section(1, "Differences between versions 1 and 2", (
        "Version 2 reads the gauges every minute instead of every hour. It also writes its "
        "predictions to a web page, which version 1 could not do."
    ), 400)  # fmt: skip
    engine = real_pipeline.engine
    topic = engine.answer("summarize the differences between versions 1 and 2", [changes, opening])
    assert topic.citations and {c.start for c in topic.citations} >= {400}, topic.answer
    assert all(c.start >= 400 for c in topic.citations), topic.answer
    whole = engine.answer("summarize this document", [opening, changes])
    assert "License" not in whole.answer and "Tidewatch is a program" in whole.answer


@pytest.mark.slow
def test_who_wrote_a_document_is_read_from_its_header(real_pipeline: Pipeline) -> None:
    head = _section(5, "", "Author: Vinay Sajip <vinay_sajip at red-dove dot com>", 0)
    body = _section(1, "Basic Logging Tutorial", (
        "Logging is a means of tracking events that happen when some software runs. The "
        "software's developer adds logging calls to their code."
    ), 60)  # fmt: skip
    howto = {"title": "Logging HOWTO", "doc_id": "logging.html"}
    head, body = head.model_copy(update=howto), body.model_copy(update=howto)
    assert is_field(split_sentences(head)[0])
    answer = real_pipeline.engine.answer("who wrote the logging howto", [body, head])
    assert answer.answer.startswith("Author: Vinay Sajip"), answer.answer
    # Its file's name names it too: "the log howto" of logging.html ("log" is no title word).
    called = {"title": "Event Recording HOWTO", "doc_id": "uploads/log.html"}
    head = head.model_copy(update=called)
    body = body.model_copy(update={**called, "text": body.text + (
        " The first log module of this howto was written by Guido van Rossum in 2001."
    )})  # fmt: skip
    answer = real_pipeline.engine.answer("who wrote the log howto", [body, head])
    assert answer.answer.startswith("Author: Vinay Sajip"), answer.answer


@pytest.mark.slow
def test_who_wrote_a_document_named_by_its_title_and_no_other(real_pipeline: Pipeline) -> None:
    # "who wrote moor" names the document by its title: its Author field answers. Another
    # document's Author field does not answer for a document it is not.
    head = _section(5, "", "Author: Ada Quint", 0).model_copy(
        update={"title": "Moor: A Simple Mooring Planner", "doc_id": "moor.pdf"}
    )
    body = _section(1, "Introduction", "Moor is a Simple Mooring Planner. It reads gauges.", 40)
    body = body.model_copy(update={"title": head.title, "doc_id": "moor.pdf"})
    answer = real_pipeline.engine.answer("who wrote moor", [body, head])
    assert answer.answer.startswith("Author: Ada Quint"), answer.answer
    style = _section(1, "Code style", "Early versions of Ferry took after its initial author.", 0)
    style = style.model_copy(update={"title": "The Ferry code style", "doc_id": "style.md"})
    answer = real_pipeline.engine.answer("who is the initial author of ferry", [style, head])
    assert "Ada Quint" not in answer.answer, answer.answer


class _FakeStoredDocument:
    """Stands in for the store's copy of one document: its chunks, in order."""

    def __init__(self, chunks: list[Passage]) -> None:
        self._chunks = chunks

    def document(self, doc_id: str) -> list[Passage]:
        return [c for c in self._chunks if c.doc_id == doc_id]

    def vectors_of(self, passage: Passage) -> dict[tuple[int, int], object]:
        return {}  # none stored: the reading step embeds what it reads


def test_a_manual_pages_authors_section_says_who_wrote_it() -> None:
    from rag.head import header_answer

    update = {"title": "Harbour manual - moor(1)", "doc_id": "moor.1.html"}
    top = _section(1, "DESCRIPTION", "The moor command ties a boat to its berth.", 0)
    end = _section(2, "AUTHOR(S)", "## AUTHOR(S)\n\n```\nAda Quint\nNorth Pier\n```", 900)
    chunks = [top.model_copy(update=update), end.model_copy(update=update)]
    found = header_answer(read("who wrote moor?"), chunks, _FakeStoredDocument(chunks))  # type: ignore[arg-type]
    assert found is not None and found.text == "Ada Quint"


def test_a_title_pages_byline_and_not_its_title_says_who_wrote_it() -> None:
    from rag.head import header_answer

    # The model takes "Quick Start Guide" for a person's name.
    title = "CFITSIO Quick Start Guide"
    text = f"# {title}\n\nWilliam Pence\n\nJanuary 2003\n\n## 1 Introduction\n\nThis guide helps."
    chunks = [_section(1, title, text, 0).model_copy(update={"title": title, "doc_id": "q.pdf"})]
    found = header_answer(read("who wrote the cfitsio quick start guide?"), chunks,
                          _FakeStoredDocument(chunks))  # type: ignore[arg-type]  # fmt: skip
    assert found is not None and found.text == "William Pence"
    # Names set side by side, their marks dropped, are a byline too.
    text = f"# {title}\n\nAchim Zeileis Torsten Hothorn\n\n## 1 Introduction\n\nThis guide helps."
    chunks = [chunks[0].model_copy(update={"text": text, "end": len(text)})]
    found = header_answer(read("who wrote the cfitsio quick start guide?"), chunks,
                          _FakeStoredDocument(chunks))  # type: ignore[arg-type]  # fmt: skip
    assert found is not None and found.text == "Achim Zeileis Torsten Hothorn"
    # A long list of names is one too; and bodies' names alone under the title, with no person.
    names = ("Ada Quinton, Benjamin Okafor, Clara Marsh, Daniel Holm, Eva Lindqvist, "
             "Frank Rowe, George Lamb, Helen Birk, Isabel Moss, James Reed")  # fmt: skip
    for byline in (names, "American Mathematical Society, LaTeX Project"):
        text = f"# {title}\n\n{byline}\n\nJanuary 2003\n\n## 1 Introduction\n\nThis guide helps."
        chunks = [chunks[0].model_copy(update={"text": text, "end": len(text)})]
        found = header_answer(read("who wrote the cfitsio quick start guide?"), chunks,
                              _FakeStoredDocument(chunks))  # type: ignore[arg-type]  # fmt: skip
        assert found is not None and found.text == byline


@pytest.mark.slow
def test_a_release_the_search_missed_is_read_from_its_section(real_pipeline: Pipeline) -> None:
    # A search for "1.0.0" found other releases; the document's own section for it says when.
    update = {"title": "Changelog", "doc_id": "CHANGELOG.md"}
    chunks = [
        _section(1, "1.2.0 - 2025-10-26", "## 1.2.0 - 2025-10-26\n\n- Add support for 3.14.", 0),
        _section(2, "1.0.0 - 2023-02-24", "## 1.0.0 - 2023-02-24\n\n- Drop support for 3.7.", 60),
    ]
    chunks = [c.model_copy(update=update) for c in chunks]
    answer = real_pipeline.engine.answer(
        "when was version 1.0.0 released?",
        chunks[:1],
        _FakeStoredDocument(chunks),  # type: ignore[arg-type]
    )
    assert "2023-02-24" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_table_row_answers_under_its_column_headings(real_pipeline: Pipeline) -> None:
    note = _note(
        "## Admission\n\n| Ticket | Price |\n| Adults | $14 |\n| Seniors (65 and over) | $11 |\n"
        "| Children 6 to 17 | $6 |\n\nTickets can be bought at the front desk or online; "
        "visitor parking costs $2 per hour."
    )
    answer = real_pipeline.engine.answer("how much is an adult ticket", note)
    assert answer.answer == "Ticket: Adults; Price: $14 [1]", answer.answer
    assert answer.citations[0].quote == "| Adults | $14 |"


@pytest.mark.slow
def test_who_wrote_a_document_without_an_author_is_refused(real_pipeline: Pipeline) -> None:
    page = _section(1, "Storage classes", (
        "SQLite does not have a separate Boolean storage class. Instead, Boolean values are "
        "stored as integers 0 and 1. Richard Hipp designed the type system."
    ), 0).model_copy(update={"title": "Datatypes In SQLite"})  # fmt: skip
    answer = real_pipeline.engine.answer("who wrote the sqlite datatypes page", [page])
    assert answer.refused, answer.answer


def test_a_sentence_that_sends_the_reader_elsewhere_answers_nothing() -> None:
    from rag.sentences import answers_anything

    text = ("The msgmerge program refreshes a PO file from a newer template. See section "
            "Invoking the msgmerge Program, for more information. For more details, see the "
            "manual.")  # fmt: skip
    passage = Passage(rank=1, doc_id="g.html", title="gettext", text=text, start=0,
                      end=len(text), score=0.5)  # fmt: skip
    said = [s.text for s in split_sentences(passage) if answers_anything(s)]
    assert said == ["The msgmerge program refreshes a PO file from a newer template."]


def test_an_english_word_typed_in_lower_case_is_no_name() -> None:
    reading = read("whats the best way to get max performance logging to stdout?")
    assert reading.entities == () and reading.names == (), reading
    assert "max" in reading.key_terms
    assert "max verstappen" in read("Who is Max Verstappen?").names


def test_a_sentence_that_asks_answers_nothing() -> None:
    from rag.sentences import answers_anything

    text = ('But why is Purdy known as "Mr. Irrelevant" if he was pivotal for the 49ers? Well, '
            "Mr. Irrelevant is the nickname given to the final pick of the NFL Draft.")  # fmt: skip
    passage = Passage(rank=1, doc_id="p.md", title="Purdy", text=text, start=0,
                      end=len(text), score=0.5)  # fmt: skip
    said = [s.text for s in split_sentences(passage) if answers_anything(s)]
    assert said == [
        "Well, Mr. Irrelevant is the nickname given to the final pick of the NFL Draft."
    ]


@pytest.mark.slow
def test_where_is_answered_by_a_place_said_as_a_place(real_pipeline: Pipeline) -> None:
    # A team, a league or a network a sentence names may be a place; "at Madison Square
    # Garden" is one.
    preview = _note(
        "With the Rangers still figuring out how to deal with the loss of Fox, there should be "
        "some opportunities there for Sprong to find at least three shots tonight. For the Red "
        "Wings, they don't have Panarin, but this summer, they did acquire one of Kane's other "
        "wing partners from the Blackhawks."
    )
    games = _note(
        "Tuesday night's NHL national games feature an Original Six matchup at Madison Square "
        "Garden in addition to a battle between the team that left and the team that came. The "
        "Rangers are 5-1 and the Red Wings 4-2."
    )[0].model_copy(update={"rank": 2, "doc_id": "games.md"})
    answer = real_pipeline.engine.answer(
        "Where are the Rangers playing the Red Wings?", [*preview, games]
    )
    assert not answer.refused and "Madison Square Garden" in answer.answer, answer.answer


def test_the_learned_selector_tells_the_answer_from_the_topic() -> None:
    from rag.selector import Selector

    selector = Selector()
    assert selector.available()  # shipped in the repository, not fetched
    topic, answer = selector.chances(
        "Who plays the lead in the drama Harbour Lights?",
        [
            ("Harbour Lights", "Harbour Lights was the first live-action drama on the quay."),
            ("Harbour Lights", "In the series we follow Mara Lind, played by Ada Quint."),
        ],
    )
    assert answer > 2 * topic, (topic, answer)


@pytest.mark.slow
def test_the_selectors_pick_is_shown_when_the_signals_choose_otherwise(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "Unlike the wisecracking detective of the films, Harbour Lights was the first "
        "live-action drama filmed on the North Quay, and it does not even take place in the "
        "town of the novels. The drama's director, Tom Berg, also wrote the scripts. In the "
        "series, we follow Mara Lind, played by the stage actress Ada Quint, a recent graduate "
        "who moves to the coast to live alone for the first time. The first season has eight "
        "episodes."
    )
    answer = real_pipeline.engine.answer(
        "Who plays the lead in the live-action drama Harbour Lights?", note
    )
    assert not answer.refused and "Ada Quint" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_sentence_that_says_the_question_in_other_words_may_answer(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "The Quay Gazette tested HarbourBot on questions about the Summer Regatta. Note that "
        "HarbourBot claims incorrectly that Ada Quint won the Summer Regatta last year, not Tom "
        "Berg, the actual winner. HarbourBot was released in May."
    )
    question = "What did HarbourBot get wrong about the Summer Regatta, per the Quay Gazette?"
    answer = real_pipeline.engine.answer(question, note)
    assert not answer.refused and "incorrectly" in answer.answer, answer.answer


def test_a_chunk_that_starts_inside_code_quotes_none_of_it() -> None:
    inside = (
        "x FROM t1 WHERE a = d ORDER BY x;\n--result 1 4\n\n/* Sorting is performed using the "
        "NOCASE collating sequence. */\nSELECT x FROM t1 ORDER BY d;\n```\n\nNOCASE folds the "
        "upper case letters of ASCII to lower case before it compares."
    )
    assert [inside[a:b] for a, b in answer_sentences(inside)] == [
        "NOCASE folds the upper case letters of ASCII to lower case before it compares."
    ]
    # A log's lines, which read as no code, run on without a blank line between.
    log = (
        "[quotes] DEBUG: Saved file quotes-2.html\n2016-12-16 21:24:05 [scrapy.core.engine] "
        "INFO: Closing spider (finished)\n...\n```\n\nNow, check the files in the directory."
    )
    assert [log[a:b] for a, b in answer_sentences(log)] == [
        "Now, check the files in the directory."
    ]
    whole = "x = f(1);\ny = g(x);\nprint(y);\nreturn y;"  # a piece with no fence at all
    assert answer_sentences(whole) == []
    prose = "Use foo() to open it.\n\nThen call bar(x) to read it.\n\nClose it with baz()."
    assert len(answer_sentences(prose)) == 3


@pytest.mark.slow
def test_a_comparison_finds_the_things_as_the_passages_name_them(real_pipeline: Pipeline) -> None:
    note = _note(
        "## Collating Sequences\n\nSQLite has three built-in collating functions: BINARY, "
        "NOCASE, and RTRIM.\n\nBINARY - Compares string data using memcmp(), regardless of text "
        "encoding.\n\nNOCASE - Similar to binary, except that it uses sqlite3_strnicmp() for the "
        "comparison.\n\nRTRIM - The same as binary, except that trailing space characters are "
        "ignored."
    )
    answer = real_pipeline.engine.answer(
        "whats the difference between BINARY and NOCASE collation", note
    )
    assert "BINARY - Compares" in answer.answer and "NOCASE - Similar" in answer.answer, (
        answer.answer
    )


def test_how_old_wants_an_age_and_one_is_no_count() -> None:
    old = read("How old is Suzie Taylor?")
    assert typed_entity(old, analyse(["Suzie Taylor, 31, won the prize."])[0])[0] == 1.0
    assert looks_typed(old, "On December 17, Taylor had around 12,000 subscribers.") == 0.0
    many = read("How many copies did Pink Friday 2 sell in its first week?")
    assert looks_typed(many, "One might be gagged by a record like Pink Friday 2.") == 0.0
    assert looks_typed(many, "It sold 228,000 copies in its first week.") == 1.0


def test_a_name_with_a_word_put_after_it_is_the_name_the_question_holds() -> None:
    """Trial 72: "who founded the comprehensive tex archive network" was answered with a
    sentence that names no founder: "TEX-related" looked like a name the question lacked."""
    who = read("who founded the Comprehensive TeX Archive Network")
    home = "The electronic home of anything TEX-related is the Comprehensive TEX Archive Network."
    assert looks_typed(who, home) == 0.0
    assert looks_typed(who, "It was founded by the Ada Quint-Smith fund.") == 1.0
    assert looks_typed(who, "It was set up by anything Quint-related.") == 1.0


@pytest.mark.slow
def test_when_a_document_was_written_is_read_from_its_head(real_pipeline: Pipeline) -> None:
    guide = {"title": "Configuration options for LaTeX", "doc_id": "cfgguide.pdf"}
    head = _section(5, "", "# Configuration options for LaTeX\n\nThe LaTeX Team\n\n14 February "
                    "2003", 0).model_copy(update=guide)  # fmt: skip
    body = _section(1, "Introduction", (
        "This document describes the possibilities for configuration in this release of "
        "LaTeX. It was written for people who install LaTeX."
    ), 80).model_copy(update=guide)  # fmt: skip
    answer = real_pipeline.engine.answer("when was the configuration guide written", [body, head])
    assert answer.answer == "14 February 2003 [1]", answer.answer
    # A title page may say it in a line without a full stop.
    paper = {"title": "Extending R with C++", "doc_id": "Rcpp-introduction.pdf"}
    head = _section(5, "", "# Extending R with C++\n\nDirk Eddelbuettel\n\nThis version was "
                    "compiled on January 11, 2022", 0).model_copy(update=paper)  # fmt: skip
    body = body.model_copy(update=paper)
    for question in ("when was the rcpp paper compiled", "when was this version compiled"):
        answer = real_pipeline.engine.answer(question, [body, head])
        assert answer.answer == "This version was compiled on January 11, 2022 [1]", answer.answer


def test_a_dropped_letter_is_put_back_rather_than_another_taken_away() -> None:
    assert respell("when was the howto writen", ["Linus wrote it; we write."]) == (
        "when was the howto written"
    )
    # Two letters swapped keep every letter typed: "retrun" is "return", not "rerun".
    context = ["The subn() method returns a tuple. Rerun the tests; they return the value."]
    assert respell("what does subn retrun", context) == "what does subn return"


@pytest.mark.slow
def test_a_faqs_run_in_question_heads_its_answer(real_pipeline: Pipeline) -> None:
    note = _note(
        "Frequently asked questions\n\nWhat is the difference between fastx3 and fasty3? – "
        "fastx3 uses a simpler codon based model. fastx3 is about 30% faster, but fasty3 can "
        "produce higher quality alignments in some cases.\n\nWhat is ktup? – All of the "
        "programs with fast in their name use a lookup table to speed the search. For "
        "proteins, ktup=2 by default."
    )
    engine = real_pipeline.engine
    ktup = engine.answer("whats ktup", note)
    assert ktup.answer.startswith("All of the programs with fast in their name"), ktup.answer
    both = engine.answer("difference between fastx and fasty", note)
    assert "fastx3 is about 30% faster, but fasty3" in both.answer, both.answer


@pytest.mark.slow
def test_a_table_row_answers_for_the_thing_in_its_first_cell(real_pipeline: Pipeline) -> None:
    note = _note(
        "The attributes of nodes:\n\n| Name | Default | Values |\n| --- | --- | --- |\n"
        "| fixedsize | false | label text has no effect on node size |\n"
        "| fontsize | 14 | point size of label |\n| height | .5 | minimum height in inches |\n\n"
        "To make a drawing easier to read, increase the node fontsize."
    )
    answer = real_pipeline.engine.answer("whats the default fontsize for nodes", note)
    assert answer.citations[0].quote.startswith("| fontsize | 14"), answer.answer


@pytest.mark.slow
def test_a_word_cut_short_and_a_statement_over_its_example_answer(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "## Other changes\n\nround(x, n) now returns an integer if x is an integer. Previously "
        "it returned a float.\n\nAdded a collections.Counter class to support convenient "
        "counting of unique items in a sequence or iterable:\n\n```\n>>> Counter(['red', 'blue', "
        "'red'])\nCounter({'red': 2, 'blue': 1})\n```\n\nThe conversion is exact but can "
        "sometimes be surprising."
    )
    # "int" is short for the sentence's "integer".
    assert real_pipeline.engine.answer("does round return an int now", note).answer.startswith(
        "Yes: round(x, n) now returns an integer"
    )
    counted = real_pipeline.engine.answer("what new class was added for counting items", note)
    assert "collections.Counter" in counted.citations[0].quote, counted.answer


@pytest.mark.slow
def test_a_glossary_entry_an_option_and_a_number_with_its_unit_answer(
    real_pipeline: Pipeline,
) -> None:
    note = _note(
        "There are several ways to refer to jobs in the shell:\n\n%%: Current job.\n\n"
        "%-: Previous job.\n\nThe tool reads from standard input. Its options: -o FILE writes "
        "output into FILE. -v requests verbose output. Before release 2.4 the counter was 16bit "
        "wide, and it overflowed."
    )
    engine = real_pipeline.engine
    assert engine.answer("how do i refer to the previous job", note).citations[0].quote == (
        "%-: Previous job."
    )
    assert engine.answer("what does the -v option do", note).citations[0].quote == (
        "-v requests verbose output."
    )
    dated = engine.answer("when was the counter 16 bit", note)
    assert "Before release 2.4" in dated.answer, dated.answer


@pytest.mark.slow
def test_a_release_heading_says_when_and_which_release(real_pipeline: Pipeline) -> None:
    # A NEWS file: each change listed under its release's heading.
    note = _note(
        "# Noteworthy changes in release 1.4 (2010-01-20) [stable]\n\n## Bug fixes\n\n"
        "gzip -d could segfault on a crafted file. This fixes CVE-2010-0001.\n\n"
        "# Noteworthy changes in release 1.3 (2009-10-30) [beta]\n\n## Bug fixes\n\n"
        "zdiff would exit with status 2 rather than 1 when both inputs differed."
    )
    engine = real_pipeline.engine
    fixed = engine.answer("which gzip release fixed CVE-2010-0001", note)
    assert "This fixes CVE-2010-0001." in fixed.answer, fixed.answer
    assert "release 1.4 (2010-01-20)" in fixed.answer, fixed.answer
    released = engine.answer("when was gzip 1.3 released", note)
    assert released.citations[0].quote.startswith("Noteworthy changes in release 1.3"), (
        released.answer
    )
    # A comment in a listing is no release's heading.
    listing = _note(
        "The benchmark compares the two functions:\n\n```\nbenchmark(r, cpp)\n"
        "# 1 r 100 4.552 3.099\n```\n\nThe C++ function is three times faster."
    )
    assert release_headings(listing) == []


def test_a_title_pages_version_line_says_no_release_date() -> None:
    # A user's guide's title page: its version over the lab's name, no date in the line.
    title = _note(
        "# Version 4.0.2 Harbour Systems Division Quay Laboratory\n\nThe guide explains how "
        "to run ferries.\n\n# Changes in release 4.0 (2022-11-03)\n\nFaster crossings."
    )
    assert [s.text for s in release_headings(title)] == ["Changes in release 4.0 (2022-11-03)"]


@pytest.mark.slow
def test_when_is_not_answered_by_an_undated_version_line(real_pipeline: Pipeline) -> None:
    note = _note(
        "# Version 4.0.2 Harbour Systems Division Quay Laboratory\n\nThis guide assumes "
        "that FerryRun has already been installed. If FerryRun has not yet been installed, "
        "see the FerryRun Installer's Guide."
    )
    answer = real_pipeline.engine.answer("when was ferryrun first released", note)
    assert "Version 4.0.2" not in answer.answer, answer.answer


@pytest.mark.slow
def test_a_faqs_no_opening_its_answer_says_no(real_pipeline: Pipeline) -> None:
    note = _note(
        "## Can ferrymail keep mail on the server for offline reading?\n\nNo. Ferrymail is a "
        "mail transport agent, best understood as a gateway between the quay's servers and "
        "the harbour office. Offline reading requires an elaborate interactive client."
    )
    answer = real_pipeline.engine.answer("does ferrymail keep mail for offline reading", note)
    assert answer.answer.startswith("No:"), answer.answer


@pytest.mark.slow
def test_a_faq_answer_need_not_repeat_its_question(real_pipeline: Pipeline) -> None:
    note = _note(
        "## Why does ps get signal 17?\n\nNo ps release has ever had this problem. Most likely "
        "your system has been broken into.\n\n## What systems are supported?\n\nLinux 2.4 and "
        "2.6 are commonly tested with procps and expected to work well.\n\n"
        "| package | roman | sans |\n| --- | --- | --- |\n| utopia | Utopia | Helvetica |\n\n"
        "Use of the utopia package is no longer recommended, because the newer package "
        "fourier loads suitable math fonts."
    )
    engine = real_pipeline.engine
    signal = engine.answer("why does ps get signal 17", note)
    assert signal.citations[0].quote.startswith("No ps release has ever"), signal.answer
    systems = engine.answer("what systems does procps support", note)
    assert systems.citations[0].quote.startswith("Linux 2.4 and 2.6"), systems.answer
    # A table's row says what, not why.
    why = engine.answer("why is the utopia package not recommended anymore", note)
    assert why.citations[0].quote.startswith("Use of the utopia package"), why.answer


@pytest.mark.slow
def test_a_faq_heading_asked_in_other_words_is_answered_by_its_opening(
    real_pipeline: Pipeline,
) -> None:
    # "named" is not "called", no passage says "tool", and the answer's first sentence says
    # neither; the heading asks the user's question.
    note = _note(
        "## Why is it called Tidewatch?\n\nWhen she began writing it, Ada Quint was reading "
        "the logbooks of the lighthouse on Tidewatch Point. She wanted a name that was short "
        "and plain, so the program took the point's name.\n\n## Is Tidewatch free?\n\n"
        "Yes, the program is free for harbour masters and for the crews of small boats."
    )
    answer = real_pipeline.engine.answer("Why is the tool named Tidewatch?", note)
    assert answer.citations[0].quote.startswith("When she began writing it"), answer.answer


@pytest.mark.slow
def test_release_notes_answer_from_their_sections(real_pipeline: Pipeline) -> None:
    # A changelog as Sphinx writes it, a chunk to each release's section, which opens with
    # its fields.
    sections = [
        ("Change history", "# Change history\n\nThis document lists the changes of the 5.1 "
         "series.\n\n"),
        ("5.1.2", "## 5.1.2\n\nrelease-date: 2021-06-28 16.15 P.M UTC+3:00\n\nrelease-by: "
         "Omer Katz\n\nWhen chords fail, correctly call errbacks. (#6814)\n\nAvoid using the "
         "deprecated isSet() alias of events. (#6824)\n\n"),
        ("5.1.0b1", "## 5.1.0b1\n\nrelease-date: 2021-04-02 10.25 P.M UTC+6:00\n\nrelease-by: "
         "Asif Saif Uddin\n\nInitial support of python 3.9 added.\n"),
    ]  # fmt: skip
    note, at = [], 0
    for rank, (section, text) in enumerate(sections, start=1):
        note.append(Passage(rank=rank, doc_id="changes.html", title="Change history", text=text,
                            start=at, end=at + len(text), score=0.5, section=section))  # fmt: skip
        at += len(text)
    engine = real_pipeline.engine
    fixed = engine.answer("what was fixed in 5.1.2", note)
    assert "errbacks" in fixed.answer and "python 3.9" not in fixed.answer, fixed.answer
    # "5.1" names the releases of the 5.1 series ("5.1.0b1").
    supported = engine.answer("does 5.1 support python 3.9", note)
    assert "Initial support of python 3.9 added." in supported.answer, supported.answer
    released = engine.answer("when was 5.1.2 released", note)
    assert "2021-06-28" in released.answer, released.answer


@pytest.mark.slow
def test_who_wrote_a_paper_is_its_title_pages_byline(real_pipeline: Pipeline) -> None:
    text = (
        "# Drawing graphs with dot\n\nEmden R. Gansner and Eleftherios Koutsofios and Stephen "
        "North\n\nJanuary 5, 2015\n\nAbstract. dot draws directed graphs as hierarchies.\n\n"
        "ContMap\n\nFreeMap\n\nWe thank Phong Vo for his advice about graph drawing."
    )
    note = _note(text, "dotguide.pdf", "Drawing graphs with dot")
    answer = real_pipeline.engine.answer("who wrote the dot guide", note)
    assert answer.citations[0].quote.startswith("Emden R. Gansner and"), answer.answer
    # A byline set as a heading, with the date on its line: the names, without the marks.
    text = (
        "# Information for Harbour Masters\n\n### Ada Quint last updated February 26, 2022\n\n"
        "This file holds advice for whoever keeps the harbour's gauges."
    )
    note = _note(text, "harbour.pdf", "Information for Harbour Masters")
    answer = real_pipeline.engine.answer("who wrote the harbour masters document", note)
    assert answer.citations[0].quote == "Ada Quint last updated February 26, 2022", answer.answer
    # Names that end in "et al.", over the body they work at (trial 60's "who wrote the index
    # preparation paper" had been answered by "Computer Science Division University of ...").
    text = (
        "# Tide Preparation and Processing\n\nAda Quint Ben A. Okafor et al.\n\nComputer "
        "Science Division University of Gullhaven\n\nAbstract\n\nTide tables are tedious work."
    )
    note = _note(text, "tides.pdf", "Tide Preparation and Processing")
    answer = real_pipeline.engine.answer("who wrote the tide preparation paper", note)
    assert answer.citations[0].quote == "Ada Quint Ben A. Okafor et al.", answer.answer


class _Chunks:
    """A document's chunks in order, as the store gives them (only what release_heading uses)."""

    def __init__(self, chunks: list[Passage]) -> None:
        self._chunks = chunks

    def document(self, doc_id: str) -> list[Passage]:
        return [c for c in self._chunks if c.doc_id == doc_id]


def test_a_change_knows_its_release_from_an_earlier_chunk() -> None:
    # A chunk starts at each heading: the release's heading is a chunk of its own.
    texts = [
        "# Noteworthy changes in release 1.4 (2010-01-20) [stable]",
        "## Bug fixes\n\ngzip -d could segfault. This fixes CVE-2010-0001.",
        "# Noteworthy changes in release 1.3 (2009-10-30) [beta]",
        "## Bug fixes\n\nzdiff exits with status 2 now.",
    ]
    chunks, at = [], 0
    for rank, text in enumerate(texts, start=1):
        section = text.split("\n")[0].lstrip("# ")
        chunks.append(Passage(rank=rank, doc_id="NEWS.txt", title="NEWS", text=text, start=at,
                              end=at + len(text), score=0.5, section=section))  # fmt: skip
        at += len(text) + 2
    fix = chunks[1].text.index("This fixes")
    found = release_heading(Sentence(chunks[1], fix, len(chunks[1].text)), _Chunks(chunks))
    assert found is not None and found.text.startswith("Noteworthy changes in release 1.4")
    later = release_heading(Sentence(chunks[3], 14, len(chunks[3].text)), _Chunks(chunks))
    assert later is not None and "release 1.3" in later.text


@pytest.mark.slow
def test_an_aside_in_brackets_speaks_of_the_sentence_before(real_pipeline: Pipeline) -> None:
    note = _note(
        "## New modules\n\nAdded a collections.Counter class to support convenient counting of "
        "unique items in a sequence or iterable:\n\n```\n>>> Counter(['red', 'blue', 'red'])\n"
        "```\n\n(Contributed by Raymond Hettinger; bpo-1696199.)\n\nAdded a new module, "
        "tkinter.ttk, for access to the Tk themed widget set."
    )
    answer = real_pipeline.engine.answer("who contributed the Counter class", note)
    assert "Raymond Hettinger" in answer.answer, answer.answer


CHANGELOG = """## 2.1.0

### Features

- Add the `--tide` option to plan berths around high water
- Show berth numbers in the summary table

### Bug Fixes

- Fix `moor plan` crashing on an empty harbour list — the parser expected one berth at least

## 2.0.1

### Bug Fixes

- Fix mooring lines drawn twice on Windows; switched to a single drawing pass

## 2.0.0

### Breaking Changes

- Require Python >= 3.10 (dropped Python 3.8 support)
- Rename the `dock` command to `berth`
"""


@pytest.mark.slow
def test_a_changelogs_points_answer_under_their_release(
    real_pipeline: Pipeline, tmp_path: Path
) -> None:
    # A changelog as npm packages write them: releases over "Bug Fixes", points without a
    # full stop (pm2's, trial 57, had every one of its questions refused).
    folder = tmp_path / "moor"
    folder.mkdir()
    (folder / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    real_pipeline.ingest([folder], "changelog")
    chunks = real_pipeline.retriever("changelog").stored.document("CHANGELOG.md")  # type: ignore[union-attr]
    assert chunks[0].title == "CHANGELOG"  # not its latest release's "2.1.0"
    assert {c.section for c in chunks} >= {"2.0.1 › Bug Fixes", "2.1.0 › Bug Fixes"}

    def ask(question: str) -> str:
        return real_pipeline.ask(question, collection="changelog").answer

    assert "drawn twice" in ask("what did moor 2.0.1 fix")
    assert "2.1.0" in ask("which version fixed moor plan crashing on an empty harbour list")
    dropped = ask("when did moor drop python 3.8 support")
    assert "dropped Python 3.8 support" in dropped and "2.0.0" in dropped, dropped
    assert "Python >= 3.10" in ask("what python version does moor 2 require")


@pytest.mark.slow
def test_a_sentence_dated_by_another_comes_with_the_date(real_pipeline: Pipeline) -> None:
    # "The Ouija board was patented the following year." said no year (trial 56).
    note = _note(
        "In 1890, a medium in Baltimore asked the talking board what she should call it. The "
        "board spelled out a name, which it said meant good luck.\n\nThe talking board was "
        "patented the following year. Toy makers sold it for decades."
    )
    answer = real_pipeline.engine.answer("when was the talking board patented", note)
    assert "the following year" in answer.answer and "1890" in answer.answer, answer.answer


@pytest.mark.slow
def test_someone_named_only_as_an_author_is_said_to_be_one(
    real_pipeline: Pipeline, tmp_path: Path
) -> None:
    # "who is terry therneau" of the vignette he wrote had been refused (trial 57).
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 24)
    pdf.cell(0, 12, "Harbour almanac", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 14)
    pdf.cell(0, 10, "Ada Quint and Ben Okafor", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "The night ferry to Skarholm runs twice a week in winter. " * 3)
    folder = tmp_path / "almanac"
    folder.mkdir()
    pdf.output(str(folder / "almanac.pdf"))
    real_pipeline.ingest([folder], "almanac")
    answer = real_pipeline.ask("who is ben okafor", collection="almanac")
    assert not answer.refused and "Ben Okafor" in answer.answer, answer.answer
    assert real_pipeline.ask("who is cleo marsh", collection="almanac").refused


@pytest.mark.slow
def test_a_claim_comes_with_its_reason_and_a_question_with_its_answer(
    real_pipeline: Pipeline,
) -> None:
    # Trial 57: "why are thread locals a bad idea" got the claim without its reason, and
    # "do i need to worry about ..." the question restated without its answer.
    note = _note(
        "Yes it is usually not such a bright idea to use harbour locks. They jam when the tide "
        "turns and make large marinas harder to run.\n\nOne common question with this setup is "
        "whether we need to worry about moorings that share a post. The answer is no, we do "
        "not. Each boat keeps its own line."
    )
    why = real_pipeline.engine.answer("why are harbour locks a bad idea", note)
    assert "They jam when the tide turns" in why.answer, why.answer
    worry = real_pipeline.engine.answer(
        "do i need to worry about moorings that share a post?", note
    )
    assert worry.answer.startswith("No:") and "The answer is no" in worry.answer, worry.answer


def test_a_link_to_another_story_is_no_header_field() -> None:
    story = _note(
        "The team has cap room for him.\n\nMORE: Why the Gulls traded for Ben Okafor, "
        "explained\n\nOkafor signed a one-year deal."
    )[0]
    memo = _note("TO: All staff of the harbour office on the quay\n\nFROM: Ada Quint\n\nHi.")[0]
    link, memo_to = (next(s for s in split_sentences(p) if ":" in s.text) for p in (story, memo))
    assert not is_field(link)  # trial 58 quoted "POWER RANKINGS: Where Saints, ..."
    assert is_field(memo_to)
    # A label with a note in brackets (trial 62's "who is the captain in the draftkings lineup").
    lineup = _note("Lineup\n\nCaptain (1.5x points, 1.5x salary): WR Ben Okafor, Gulls ($14,400)")
    (captain,) = (s for s in split_sentences(lineup[0]) if ":" in s.text)
    assert is_field(captain)


@pytest.mark.slow
def test_who_is_someone_is_said_by_their_surname_too(real_pipeline: Pipeline) -> None:
    # "who is eddy cue": "Cue is one of the highest-profile witnesses ..." (trial 58).
    note = _note(
        "Eddy Vane, in a dark suit, peered down at the monitor in front of him. Vane is one of "
        "the highest-profile witnesses in the case so far."
    )
    answer = real_pipeline.engine.answer("who is eddy vane", note)
    assert "one of the highest-profile witnesses" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_question_set_as_a_paragraph_is_answered_by_the_next_with_its_list(
    real_pipeline: Pipeline, tmp_path: Path
) -> None:
    # Click's "Why Click?" page (trial 59): the question closes a paragraph, the answer opens
    # the next and ends in a colon over an HTML list, whose points had lost their markers.
    folder = tmp_path / "moor"
    folder.mkdir()
    (folder / "why.html").write_text(
        "<html><head><title>Why Moor?</title></head><body><h1>Why Moor?</h1>"
        "<p>There are so many tools out there for planning berths; why does Moor exist?</p>"
        "<p>This question is easy to answer: because there is not a single berth planner out "
        "there which ticks the following boxes:</p><ul><li><p>Is lazily composable without "
        "restrictions.</p></li><li><p>Supports reading tide tables out of the box.</p></li></ul>"
        "<p>There are many alternatives to Moor; the obvious ones are Dock and Quay. Moor is "
        "designed to be fun and customizable but not overly flexible.</p></body></html>",
        encoding="utf-8",
    )
    real_pipeline.ingest([folder], "moor")
    text = real_pipeline.retriever("moor").stored.document("why.html")[0].text  # type: ignore[union-attr]
    assert "\n\n- Is lazily composable without restrictions." in text, text
    answer = real_pipeline.ask("why does moor exist", collection="moor").answer
    assert "because there is not a single berth planner" in answer, answer
    assert "Is lazily composable" in answer, answer


@pytest.mark.slow
def test_who_is_someone_is_said_by_the_role_that_leads_in_their_quote(
    real_pipeline: Pipeline,
) -> None:
    # "who is bill guerin": "Wild GM Bill Guerin gave the following comment:" (trial 56).
    note = _note(
        "The Gulls have relieved their head coach of his duties.\n\nGulls GM Ben Okafor gave "
        'the following comment:\n\n"Dean did an excellent job during his tenure with the Gulls."'
    )
    answer = real_pipeline.engine.answer("who is ben okafor", note)
    assert "Gulls GM Ben Okafor" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_report_says_who_holds_a_post_by_its_signature(real_pipeline: Pipeline) -> None:
    # "Who is Corvane's CFO?": the report signs off "Ravi Menon" / "Chief Financial Officer",
    # a name and a title with no verb, and the question writes the title as an acronym.
    text = (
        "We had a strong quarter, and the board raised its guidance for the year. We expect "
        "margins to hold.\n\nAda Quint\nChief Financial Officer\n\nThis report contains "
        "forward-looking statements."
    )
    note = _note(text, "q3.pdf", "Harbour Freight Ltd. Q3 Report")
    answer = real_pipeline.engine.answer("who is harbour freight's CFO?", note)
    assert not answer.refused and "Ada Quint" in answer.answer, answer.answer


@pytest.mark.slow
def test_which_is_answered_by_the_name_its_noun_titles(real_pipeline: Pipeline) -> None:
    # "Which councilor missed the March 12 meeting?": "Absent: Councilor Derek Olsen"; "What
    # exhibition is on ...": "Our current exhibition, Lights Along the Shoal, ..." over the
    # sentences about the museum that a word near "exhibition" in meaning had let say it.
    minutes = _note(
        "The town council met on March 12.\n\nPresent: Councilor Luis Ferreira, Councilor "
        "Amelia Grant\n\nAbsent: Councilor Derek Olsen (excused)\n\nThe minutes were approved."
    )
    # (Typed in lower case, "councilor" is read as a name: the minutes always capitalise it.)
    missed = real_pipeline.engine.answer("Which councilor missed the March 12 meeting?", minutes)
    assert missed.answer.startswith("Absent: Councilor Derek Olsen"), missed.answer
    museum = _note(
        "The Gullhaven Maritime Museum tells the story of the fishermen and lighthouse keepers "
        "of the North Coast. Our galleries sit in the old cannery building on the harbor.\n\n"
        "Our current exhibition, Lights Along the Shoal: Lighthouse Keepers of the North Coast, "
        "runs until January 12, 2025."
    )
    on = real_pipeline.engine.answer("what exhibition is on at the gullhaven museum?", museum)
    assert on.answer.startswith("Our current exhibition"), on.answer


def test_an_acronym_is_said_by_its_words_written_out() -> None:
    from rag.language import spells_out

    assert spells_out("cfo", "Ravi Menon, Chief Financial Officer")
    assert spells_out("dod", "a Department of Defense contract")
    assert spells_out("usmnt", "the U.S. men's national team")
    assert not spells_out("cfo", "we can find out")  # short: its words are capitalised
    assert not spells_out("cfo", "Chief Officer of Finance")


@pytest.mark.slow
def test_when_is_answered_by_a_time_on_the_clock(real_pipeline: Pipeline) -> None:
    # "The harbour ferry to Øresund leaves at 07:45 every weekday": the small model tags no
    # time there, and "when does the harbour ferry leave" had been refused (trial 61).
    note = _note(
        "Weekly bulletin. The harbour ferry to Øresund leaves at 07:45 every weekday, said "
        "captain Åsa Lindqvist. The café on the pier sells coffee and cake."
    )
    answer = real_pipeline.engine.answer("when does the harbour ferry leave", note)
    assert "07:45" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_score_is_two_numbers_not_any_number_of_the_game(real_pipeline: Pipeline) -> None:
    # "What was the final score of Bills vs Bengals?" had been answered by a sentence with a
    # drive's numbers ("nine plays and 3:15"), not by the one with "24-18".
    note = _note(
        "The Gulls scored an opening-drive touchdown on just nine plays, matched quickly by a "
        "Terns scoring drive of seven plays.\n\nThe Gulls jumped out to a first-half lead, and "
        "the defense did the rest as they beat the Terns 24-18 for a fourth straight win."
    )
    answer = real_pipeline.engine.answer("What was the final score of Gulls vs Terns?", note)
    assert "24-18" in answer.answer.split("[1]")[0], answer.answer


@pytest.mark.slow
def test_a_sentence_denying_with_the_questions_verb_says_no(real_pipeline: Pipeline) -> None:
    # "Did Apple consider walking away from its Google search deal?": "Apple never seriously
    # considered switching to another provider" says no, in other words than the question's.
    note = _note(
        "The ferries run twice a day in summer. The chair said the harbour board never "
        "seriously considered switching to another operator when its ferry contract ran out."
    )
    answer = real_pipeline.engine.answer(
        "Did the harbour board consider walking away from its ferry contract?", note
    )
    assert answer.answer.startswith("No:") and "never seriously" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_title_line_the_question_names_heads_its_paragraph(real_pipeline: Pipeline) -> None:
    # A review list sets each book's title on a line of its own: "Stone Yard Devotional" /
    # "Charlotte Wood, Allen & Unwin, $32.99. ..." answers "Who wrote Stone Yard Devotional?".
    note = _note(
        "Here are the best books for October.\n\nThe Salt Road\n\nBen Okafor, Harbour Press, "
        "$29.99. A sailor's memoir of the coast, told by a writer who has been unable to write "
        "about his mother until now.\n\nTide Tables\n\nAda Quint, Gull Books, $32.99. Another "
        "reckoning with a family's past, from the sure hands of a novelist."
    )
    answer = real_pipeline.engine.answer("Who wrote Tide Tables?", note)
    assert answer.answer.startswith("Ada Quint") and "Okafor" not in answer.answer, answer.answer
    # (A title line is no signature, though set as one is: "Ben Okafor" / "Harbour Press".)
    assert "The Salt Road" not in answer.answer


@pytest.mark.slow
def test_a_writers_own_question_is_answered_by_the_paragraph_after_it(
    real_pipeline: Pipeline,
) -> None:
    # 'But why is Purdy known as "Mr. Irrelevant" if he is so good?' / "Well, Mr. Irrelevant
    # is the nickname given to the final pick of the NFL Draft." (the abbreviation had cut
    # the question short, and "Well," was no answer's opening).
    note = _note(
        'Ada Quint has had a dream start as a harbour pilot. But why is she known as "Mr. '
        'Slow" among the crews if she is so good?\n\nWell, Mr. Slow is the nickname given to '
        "the last pilot to qualify each year. Since then, Quint has made a mockery of her "
        '"Mr. Slow" tag.'
    )
    answer = real_pipeline.engine.answer("Why is Ada Quint called Mr. Slow?", note)
    assert answer.answer.startswith("Well, Mr. Slow is the nickname"), answer.answer


@pytest.mark.slow
def test_a_street_is_a_place_the_model_does_not_tag() -> None:
    # "Where do I park for the maritime museum?": "Visitor parking is in the public lot on
    # Cannery Lane, ..." had been no place to the small model, and lost to the museum's
    # address (trial documents of the natural set).
    from rag.language import analyse

    reading = read("Where do I park for the maritime museum?")
    (doc,) = analyse(["Visitor parking is in the public lot on Cannery Lane, which costs $2."])
    assert typed_entity(reading, doc)[0] == 1.0


@pytest.mark.slow
def test_a_work_named_answers_what_the_work_is_called(real_pipeline: Pipeline) -> None:
    # "What's Don McLean's new Christmas album called?": the sentence that names the album
    # ('"Christmas Memories: Remixed & Remastered" features ...') need not say "album".
    note = _note(
        "Ada Quint has just released a new album of sea shanties, she told us this week. The "
        'Songwriters Hall of Fame member\'s "Harbour Lights: Remixed & Remastered" features '
        'her take on such classics as "Drunken Sailor" and "Leave Her, Johnny".'
    )
    answer = real_pipeline.engine.answer("What's Ada Quint's new album called?", note)
    assert "Harbour Lights" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_formats_directive_is_what_its_sentence_says_it_does(real_pipeline: Pipeline) -> None:
    # Trial 60: "what does %L do in the log format" was answered by the format's general
    # sentence, and "%b" by the one about "%B", another directive.
    note = _note(
        "The format string consists of percent directives, each of which tell the server to "
        'log a particular piece of information. To log "0" for no content, use %B instead. '
        "Putting a %L token in both logs will produce a log entry ID to correlate them."
    )
    answer = real_pipeline.engine.answer("what does %L do in the log format?", note)
    assert answer.answer.startswith("Putting a %L token"), answer.answer
    assert "%B" not in real_pipeline.engine.answer("what does %b do?", note).answer


@pytest.mark.slow
def test_an_adjective_before_its_noun_settles_no_yes_or_no(real_pipeline: Pipeline) -> None:
    # Trial 63: "can functions be recursive?" was answered "Yes: You must define a function
    # before using it; recursive functions are thus illegal."
    note = _note(
        "You must define a function before using it; recursive functions are thus illegal. "
        "A function may call any function defined before it."
    )
    answer = real_pipeline.engine.answer("can functions be recursive?", note)
    assert not answer.answer.startswith("Yes"), answer.answer


@pytest.mark.slow
def test_how_many_is_not_answered_by_a_number_of_another_thing(real_pipeline: Pipeline) -> None:
    """Trial questions: "How many employees did Pebble have" had been answered with "20,000
    registered users"; a number of the thing asked about, or of a word close to it, answers."""
    note = _note(
        "Pebble, an app started by former Twitter employees, shut down after a year, growing "
        "to just 20,000 registered users. Its founders thanked the community."
    )
    engine = real_pipeline.engine
    assert engine.answer("How many employees did Pebble have?", note).refused
    answer = engine.answer("How many users did Pebble have?", note)
    assert not answer.refused and "20,000" in answer.answer, answer.answer
    # A score counts goals, not fans (trial 64: "how many fans were at the spurs west ham game").
    scored = _note("The fans don't deserve this, when you go 1-0 up you should play with energy.")
    assert engine.answer("How many fans were at the match?", scored).refused
    staffed = _note("Pebble employed 14 staff when it shut down after a year.")
    answer = engine.answer("How many employees did Pebble have?", staffed)
    assert not answer.refused and "14" in answer.answer, answer.answer


@pytest.mark.slow
def test_an_answer_comes_from_a_passage_naming_all_the_question_names(
    real_pipeline: Pipeline,
) -> None:
    """Trial 64: "how much money did hamas raise on tiktok" was answered from a passage about
    Hamas's money that never names TikTok. A name said in the plural counts ("Oscars")."""
    note = _note("Hamas raises $100 million a year through charities and money changers.")
    engine = real_pipeline.engine
    assert engine.answer("How much money did Hamas raise on TikTok?", note).refused
    answer = engine.answer("How much money does Hamas raise?", note)
    assert not answer.refused and "$100 million" in answer.answer, answer.answer
    oscars = _note("Gemini claims incorrectly that Brendan Gleeson won Best Actor at the Oscar "
                   "ceremony last year, not Brendan Fraser.")  # fmt: skip
    answer = engine.answer("What did Gemini get wrong about the Oscars?", oscars)
    assert not answer.refused and "Gleeson" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_words_vector_does_not_depend_on_the_words_beside_it(real_pipeline: Pipeline) -> None:
    """The int8 model scales a batch's activations together: "licence" embedded beside other
    words had another vector than alone, and a question was refused after one question and
    answered after another."""
    import numpy as np

    embedder = real_pipeline.engine._embedder
    alone = WordVectors(embedder).get(["licence"])["licence"]
    crowded = WordVectors(embedder).get(["licence", "antidisestablishmentarianism", "a", "x"])
    assert np.array_equal(alone, crowded["licence"])


@pytest.mark.slow
def test_a_question_word_cut_short_is_said_by_the_word_it_starts(real_pipeline: Pipeline) -> None:
    """Trial 65: "what command do apps have to run ..." was refused: no passage says "apps",
    and a noun the documents never use makes refusal likelier; "applications" says it."""
    note = _note(
        "Each application installs a single XML file into the packages directory. After "
        "installing, uninstalling or modifying this file, the application MUST run the "
        "update-mime-database command."
    )
    answer = real_pipeline.engine.answer(
        "what command do apps have to run after installing their xml file", note
    )
    assert not answer.refused and "update-mime-database" in answer.answer, answer.answer

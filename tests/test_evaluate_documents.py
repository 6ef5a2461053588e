"""The real-documents benchmark's measures judge what a reader would: a running header left in
a chunk, a quote cut from a longer sentence, a right answer worded with other punctuation."""

from __future__ import annotations

from rag.evaluate_documents import (
    DocumentsReport,
    _mentions,
    ask_questions,
    running_noise,
    whole_sentence,
)
from rag.schema import Answer, Passage


def test_running_lines_and_page_numbers_are_found_but_headings_are_not() -> None:
    running = ["A Brief History of Debian"]
    assert running_noise("The leader was elected.\n\n12\n\nThe next one", running)
    assert running_noise("was elected. A Brief History of Debian 4 / 21 The next", running)
    assert running_noise("A Brief History of Debian iv\n\nThe project began.", ["x"]) is False
    assert not running_noise("## A Brief History of Debian\n\nIt began in 1993.", running)
    assert not running_noise("This is a brief history of Debian, told in order.", running)


def test_a_quote_is_whole_unless_it_opens_mid_sentence() -> None:
    assert whole_sentence("babelbib has been developed for more languages.")
    assert whole_sentence("• the name of the file is changed.")
    assert whole_sentence("the name of the file is changed.", "are met:\n\n• ")  # its bullet
    assert not whole_sentence("which was voted by close to half of the developers.")
    assert not whole_sentence("The Debian Project was officially founded by")


def test_a_line_quoted_whole_is_whole_without_a_full_stop() -> None:
    # A list point or a field is whole as written, when quoted from its line's start to its end.
    item = "1.1 Buzz released June 1996 (474 packages, 2.0 kernel)"
    assert whole_sentence(item, "this time:\n\n• ", "\n\n• 1.2 Rex released")
    assert whole_sentence("Author: Gordon McMillan", "", "\n\nAbstract")
    assert not whole_sentence(item, "this time:\n\n• ", " and 1.2 Rex")  # the line goes on
    assert not whole_sentence(item, "Between 1993 and ", "\n")  # it starts mid-line
    # A line that ends in a function word was cut by a line break.
    assert not whole_sentence("The Debian Project was officially founded by", "\n", "\nIan")


def test_answers_are_matched_by_their_words_in_order() -> None:
    assert _mentions("Ian Murdock, and his wife, Debra.", "Ian Murdock and his wife Debra")
    assert _mentions("Named after Nicolás Maduro.", "Nicolas Maduro")
    assert not _mentions("It has 30 packages.", "3")


def test_a_count_or_paraphrase_is_found_in_a_passage_by_its_sentence() -> None:
    # "How many languages?" is answered by a list of ten; the gold answer "ten" is written
    # nowhere, the sentence that lists them is.
    listing = "Version 0.40 supports Afrikaans, Danish and eight more languages."
    question = {"id": "q", "question": "How many languages does it support?", "answer": "ten",
                "gold_sentence": listing}  # fmt: skip

    def ask(text: str) -> Answer:
        passage = Passage(rank=1, doc_id="a.pdf", title="A", text=f"It is a package. {listing}",
                          start=0, end=80, score=1.0)  # fmt: skip
        return Answer(question=text, searched_for=text, answer="It supports ten.", refused=False,
                      citations=[], passages=[passage])  # fmt: skip

    report = DocumentsReport()
    ask_questions(report, [question], ask)
    figures = report.as_dict()
    assert figures["gold_in_top3"] == 1.0 and figures["answer_words_in_top3"] == 0.0
    report = DocumentsReport()
    ask_questions(report, [{**question, "gold_sentence": "It supports Welsh."}], ask)
    assert report.as_dict()["gold_in_top3"] == 0.0

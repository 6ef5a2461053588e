"""The MultiHop-RAG metrics, on hand-made rankings and through `python -m rag eval`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import SHARED
from fakes import HashingEmbedderFake

from rag import Settings, cli
from rag.evaluate import RetrievalScores
from rag.schema import Passage
from rag.wiring import build_pipeline


def _passages(*texts: str) -> list[Passage]:
    return [Passage(rank=i, doc_id=f"d{i}", title="t", text=t, start=0, end=len(t), score=0.0)
            for i, t in enumerate(texts, start=1)]  # fmt: skip


def test_metrics_follow_the_paper_definitions() -> None:
    scores = RetrievalScores()
    ranking = _passages("nothing here", "still nothing", "The  FIRST fact\nis here.", "x", "y",
                        "the second fact is here", "z")  # fmt: skip
    scores.add(["the first fact is here", "the second fact is here", "a missing fact"], ranking)
    scores.add(["never retrieved"], ranking)
    row = scores.row()
    assert row["queries"] == 2
    assert row["hits@4"] == 0.5 and row["hits@10"] == 0.5
    assert row["mrr@10"] == pytest.approx((1 / 3) / 2, abs=1e-4)
    assert row["evidence_recall@10"] == pytest.approx((2 / 3) / 2, abs=1e-4)


def test_eval_command_scores_a_small_multihop_slice(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:  # fmt: skip
    multihop = SHARED / "bench" / "multihop"
    queries = [json.loads(line) for line in (multihop / "queries.public.jsonl").open()]
    chosen = [q for q in queries if q["evidence"]][:4]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for doc_id in {d for q in chosen for d in q["gold_doc_ids"]}:
        shutil.copy(multihop / "corpus" / f"{doc_id}.md", corpus)
    query_file = tmp_path / "q.jsonl"
    query_file.write_text("".join(json.dumps(q) + "\n" for q in chosen))
    embedder = HashingEmbedderFake()
    monkeypatch.setattr(cli, "build_pipeline", lambda s, **_: build_pipeline(s, embedder=embedder))

    argv = ["eval", "multihop", "--queries", str(query_file), "--corpus", str(corpus), "--json"]
    assert cli.main(argv, settings=settings) == 0
    report = json.loads(capsys.readouterr().out)
    overall = report["overall"]
    assert overall["queries"] == 4
    # every gold article is in this tiny corpus, so the right chunks are easy to find
    assert overall["hits@10"] == 1.0
    assert 0 < overall["evidence_recall@10"] <= 1
    assert report["mean_passage_chars"] <= 1400


def test_multihop_answers_are_scored_on_refusal_and_on_quoting_the_gold_answer() -> None:
    from types import SimpleNamespace

    from rag.evaluate import evaluate_null_queries

    replies = {
        "q1": SimpleNamespace(refused=False, answer="The  court heard Sam\nBankman-Fried. [1]"),
        "q2": SimpleNamespace(refused=False, answer="Google paid billions. [1]"),
        "q3": SimpleNamespace(refused=True, answer="The documents do not cover this question."),
        "q4": SimpleNamespace(refused=False, answer="Both reported it. [1]"),
        "q5": SimpleNamespace(refused=True, answer="The documents do not cover this question."),
    }
    queries = [
        {"question": "q1", "answer": "Sam Bankman-Fried"},
        {"question": "q2", "answer": "Apple"},
        {"question": "q3", "answer": "OpenAI"},
        {"question": "q4", "answer": "Yes"},  # a verdict: not looked for in the answer
        {"question": "q5", "answer": "Insufficient information", "should_refuse": True},
    ]
    null, answerable, quoted = (s.row() for s in evaluate_null_queries(queries, replies.get))
    assert null["asked"] == 1 and null["refused"] == 1.0
    assert answerable["asked"] == 4 and answerable["refused"] == 0.25
    assert quoted["asked"] == 3
    assert quoted["correct"] == pytest.approx(1 / 3, abs=1e-4)
    assert quoted["refused"] == pytest.approx(1 / 3, abs=1e-4)


def test_rgb_pools_follow_the_protocol() -> None:
    from rag.evaluate import load_queries, rgb_documents

    rgb = SHARED / "bench" / "rgb"
    rejection, answerable = rgb_documents(rgb)
    queries = load_queries(rgb / "queries.public.jsonl")
    alternatives = [
        " ".join(str(a).lower().split())
        for q in [*queries, *load_queries(rgb / "negative_rejection.public.jsonl")]
        for group in q["answer_groups"]  # type: ignore[attr-defined]
        for a in group
    ]
    assert rejection and answerable
    for doc in rejection:  # no passage of the refusal pool holds any answer
        assert not any(a in " ".join(doc.text.lower().split()) for a in alternatives)
    positives = {pid for q in queries for pid in q["positive_pids"]}  # type: ignore[attr-defined]
    assert positives <= {doc.doc_id for doc in answerable}


def test_answer_shape_needs_the_named_year_and_a_new_name() -> None:
    from rag.profiles.news_shape import AnswerShape
    from rag.sentences import split_sentences

    def sentence(text: str) -> object:
        passage = Passage(rank=1, doc_id="d", title="", text=text, start=0, end=len(text),
                          score=0.0)  # fmt: skip
        return split_sentences(passage)[0]

    shape = AnswerShape.of("Who won the women's singles Wimbledon in 2019?")
    assert shape.fits(sentence("Simona Halep won the 2019 Wimbledon final."))  # type: ignore[arg-type]
    assert not shape.fits(sentence("Ashleigh Barty won Wimbledon in 2021."))  # type: ignore[arg-type]
    assert not shape.fits(sentence("Who won the women's singles at Wimbledon in 2019?"))  # type: ignore[arg-type]
    when = AnswerShape.of("When was Splatoon 2 released?")
    assert when.fits(sentence("Splatoon 2 was released on July 21, 2017."))  # type: ignore[arg-type]
    assert not when.fits(sentence("Splatoon 2 was released to great reviews."))  # type: ignore[arg-type]
    # A number the question names may be written out in the answer.
    eleven = AnswerShape.of("When did season 11 of The Walking Dead premiere?")
    assert eleven.fits(
        sentence("The eleventh and final season of the show premiered on August 22, 2021.")  # type: ignore[arg-type]
    )
    assert not eleven.fits(sentence("The tenth season of the show premiered on October 6, 2019."))  # type: ignore[arg-type]
    quarter = AnswerShape.of("How much revenue did Tesla report in Q3 2019?")
    assert quarter.fits(sentence("Tesla's revenue was $6.3 billion in the third quarter of 2019."))  # type: ignore[arg-type]
    assert quarter.fits(sentence("Tesla's third-quarter revenue for 2019 was $6.3 billion."))  # type: ignore[arg-type]
    assert not quarter.fits(sentence("Tesla's second-quarter revenue for 2019 was $6.4 billion."))  # type: ignore[arg-type]
    # A month is not a name, and a snippet's dateline is not the day a thing happened.
    tour = AnswerShape.of("Who won the 2019 Tour de France?")
    assert tour.fits(sentence("Egan Bernal won the 2019 Tour de France."))  # type: ignore[arg-type]
    assert not tour.fits(
        sentence("Jul 30, 2019 ... After decades of trying, a rider has won the Tour de France.")  # type: ignore[arg-type]
    )
    announced = AnswerShape.of("When was the Pixel 5a announced?")
    assert not announced.fits(
        sentence("Apr 9, 2021 ... Google has officially announced a new Pixel phone.")  # type: ignore[arg-type]
    )
    assert announced.fits(sentence("Aug 17, 2021 ... Google announced the Pixel 5a today."))  # type: ignore[arg-type]
    # "What is the release date" asks for a date, "which city" for a name.
    dated = AnswerShape.of("What is the release date of Cyberpunk 2077?")
    assert not dated.fits(sentence("Cyberpunk 2077's release date was delayed again."))  # type: ignore[arg-type]
    assert dated.fits(sentence("Cyberpunk 2077 was released on December 10, 2020."))  # type: ignore[arg-type]
    city = AnswerShape.of("Which city hosted the Olympic Games in 2008?")
    assert not city.fits(sentence("In 2008 the games were hosted to great acclaim."))  # type: ignore[arg-type]
    assert city.fits(sentence("Beijing hosted the Olympic Games in 2008."))  # type: ignore[arg-type]


def test_answer_shape_needs_the_word_a_factoid_question_turns_on() -> None:
    from rag.profiles.news_shape import AnswerShape
    from rag.sentences import split_sentences

    def fits(question: str, text: str) -> bool:
        passage = Passage(rank=1, doc_id="d", title="", text=text, start=0, end=len(text),
                          score=0.0)  # fmt: skip
        return AnswerShape.of(question).fits(split_sentences(passage)[0])

    masters = "Who won the Masters golf tournament in 2021?"
    assert fits(masters, "Hideki Matsuyama wins the 2021 Masters by one stroke.")
    assert not fits(masters, "The 2021 Masters Tournament runs April 8-11 at Augusta National.")
    # The doer's noun is the verb's form too, even for a short verb; a longer word is not.
    assert fits(masters, "Masters winners: 2021, Hideki Matsuyama (Japan).")
    assert not fits(masters, "The 2021 Masters window opened at Augusta National.")
    assert fits("Who directed Titanic?", "Titanic's director, James Cameron, cast DiCaprio.")
    assert not fits("Who directed Titanic?", "Titanic starred Leonardo DiCaprio and Kate Winslet.")
    released = "When was Splatoon 2 released?"
    assert fits(released, "Nintendo released Splatoon 2 on July 21, 2017.")
    assert not fits(released, "Splatoon 2 had sold 13 million copies by March 2023.")
    # A number is asked for by "how many" or "what was the price", not by naming a price.
    assert not fits("What was the price of the phone?", "The phone sold out within hours.")
    which = "Which company, as reported by TechCrunch, cut the price of its phone?"
    assert fits(which, "Nothing Technology cut the phone's launch offer.")
    # A long multi-hop question has no single such word: nothing more is asked of a sentence.
    long = (
        "Who is the individual alleged to have built a crypto exchange on falsehoods, as "
        "reported by both Fortune and TechCrunch?"
    )
    assert fits(long, "Sam Bankman-Fried denied the charges in a Manhattan court.")


def test_the_corroborated_name_is_the_one_most_articles_mention() -> None:
    from rag.profiles.news_shape import corroborated_name

    def article(doc_id: str, text: str) -> Passage:
        return Passage(rank=1, doc_id=doc_id, title="", text=text, start=0, end=len(text),
                       score=0.0)  # fmt: skip

    question = "Who is the individual whose departure from OpenAI was called shocking?"
    passages = [
        article("a", "The board said Sam Altman was ousted. Choose your news carefully."),
        article("b", "Altman’s exit was shocking, analysts said. Choose a plan to read on."),
        article("c", "OpenAI named an interim chief; you can choose to follow the story."),
    ]
    # A surname, possessive or not, counts for the full name; "Choose" only opens sentences;
    # OpenAI is in the question.
    assert corroborated_name(question, passages) == "Sam Altman"
    # Named by one article only: nothing is corroborated.
    assert corroborated_name(question, passages[::2]) is None


def test_dates_a_question_names_are_looked_for_across_the_passages() -> None:
    from rag.profiles.news_shape import AnswerShape

    def article(day: str, text: str) -> Passage:
        return Passage(rank=1, doc_id=day, title="", published_at=f"{day}T09:00:00+00:00",
                       text=text, start=0, end=len(text), score=0.0)  # fmt: skip

    passages = [
        article("2024-03-01", "The town bakery won the national sourdough prize."),
        article("2024-03-05", "The mayor praised the bakery on Tuesday."),
    ]
    asked = (
        "Did the Daily Crumb report on March 1, 2024 that a bakery won a prize, and did the "
        "Town Herald report on March 5, 2024 that the mayor praised it?"
    )
    shape = AnswerShape.of(asked)
    assert shape.numbers == frozenset()  # the dates' numbers are not asked of each sentence
    assert shape.dates_found(passages)
    # One article of a multi-hop question may be missing from the passages read: the answer
    # is still given from the others.
    assert AnswerShape.of(asked.replace("March 5", "March 9")).dates_found(passages)
    # No passage from any day the question names (give or take one): not these documents.
    elsewhere = asked.replace("March 1", "March 12").replace("March 5", "March 9")
    assert not AnswerShape.of(elsewhere).dates_found(passages)
    assert not AnswerShape.of("What did the mayor say on March 3, 2024?").dates_found(passages)
    assert AnswerShape.of("What did the mayor say on March 4, 2024?").dates_found(passages)
    # A long question's other numbers belong to different articles, not all of which may be
    # among the passages: they are not asked of the answer.
    many = AnswerShape.of(
        "Did the Daily Crumb report that the bakery won 2 prizes, and did the Town Herald report "
        "that the mayor praised it in 3 speeches over the course of the spring?"
    )
    assert many.numbers == frozenset() and many.dates_found(passages)
    # Times of day and days named without a year are not numbers an answer must hold.
    timed = AnswerShape.of("Who spoke at 18:00:38 on November 9 about the 2024 budget?")
    assert timed.numbers == {"2024"}
    assert AnswerShape.of(
        "What did the Town Herald report at 2024-03-05T09:00:00+00:00?"
    ).dates == {dt.date(2024, 3, 5)}
    in_text = [article("2024-01-01", "The prize was announced on March 1, 2024, in the town.")]
    assert AnswerShape.of("What happened on March 1, 2024?").dates_found(in_text)


def test_typed_slips_change_one_word_by_one_edit_the_same_at_every_run() -> None:
    from rapidfuzz.distance import DamerauLevenshtein

    from rag.evaluate_natural import misspell

    question = "Where was the 2023 Cricket World Cup final played?"
    slipped = misspell(question, "nat-006")
    assert slipped == misspell(question, "nat-006") != question
    changed = [(a, b) for a, b in zip(question.split(), slipped.split(), strict=True) if a != b]
    assert len(changed) == 1 and DamerauLevenshtein.distance(*changed[0]) == 1

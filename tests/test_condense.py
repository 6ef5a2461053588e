"""Follow-up questions become standalone queries, and the answer says what was searched."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import seed_folder

from rag.condense import Turn, condense, names
from rag.pipeline import Pipeline

VOLODIN = [Turn(role="user", content="What did Volodin claim?"),
           Turn(role="assistant", content="Volodin said ... [1]")]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "standalone"),
    [
        ("And Blinken?", "What did Blinken claim?"),
        ("What about Antony Blinken?", "What did Antony Blinken claim?"),
        # "he" is the one person the earlier question named.
        ("What did he say about the US?", "What did Volodin say about the US?"),
        # Joined by "And", it goes on with the earlier question: its names come along.
        ("And what did Blinken say?", "And what did Blinken say? (Volodin)"),
        ("What did Blinken say?", "What did Blinken say?"),  # it stands alone
        ("Who is the Russian ambassador?", "Who is the Russian ambassador?"),
    ],
)
def test_follow_ups_carry_the_earlier_subject(question: str, standalone: str) -> None:
    assert condense(question, VOLODIN) == standalone


@pytest.mark.parametrize(
    ("earlier", "reply", "question", "standalone"),
    [
        # Trial 64's "who is he?" was searched as "who is he? (Tim Sherwood say about Spurs)"
        # and refused.
        ("what did tim sherwood say about spurs",
         "On Optus Sport, ex-Spurs boss Tim Sherwood tore strips off Spurs. [1]",
         "who is he?", "who is Tim Sherwood?"),
        ("who is andrea gacki", "Andrea Gacki is the Director of FinCEN. [1]",
         "what did she tell him?", "what did Andrea Gacki tell him?"),
        # "Who is X?" names a person, though the small model tags "Ilya Sutskever" as an
        # organisation (trial 73's "what did he say after the firing?" was about Brockman).
        ("who is ilya sutskever",
         "Greg Brockman resigned. Ilya Sutskever, the chief scientist, texted Altman. [1]",
         "what did he say after the firing?", "what did Ilya Sutskever say after the firing?"),
        # Asked who someone was, "he" is more often the one the answer named: both come along.
        ("Who replaced Harbaugh?", "Sherrone Moore coached Michigan against Penn State. [1]",
         "how old is he?", "how old is he? (Harbaugh, Sherrone Moore, Michigan)"),
    ],
)  # fmt: skip
def test_he_or_she_is_the_one_person_the_earlier_question_named(
    earlier: str, reply: str, question: str, standalone: str
) -> None:
    history = [Turn(role="user", content=earlier), Turn(role="assistant", content=reply)]
    assert condense(question, history) == standalone


def test_a_name_that_is_also_a_word_swaps_with_the_earlier_name() -> None:
    """Trial 66: "and howe?" after "what did moyes say after the west ham win" had been
    searched as "what did howe? (Moyes say ...)", and "what about dyche" after it as "what did
    howe? dyche say after the west ham win)?": "howe" is a word too."""
    history = [
        Turn(role="user", content="what did moyes say after the west ham win"),
        Turn(role="assistant", content='"Huge performance," said coach David Moyes. [1]'),
    ]
    assert condense("and howe?", history) == "what did Howe say after the west ham win"
    history += [
        Turn(role="user", content="and howe?"),
        Turn(role="assistant", content='"We have to do better," said Howe. [1]'),
    ]
    assert condense("what about dyche", history) == "what did Dyche say after the west ham win"
    # An earlier follow-up's context is carried as words, not brackets within brackets.
    history = [
        Turn(role="user", content="who stars in the last seduction"),
        Turn(role="assistant", content="The real star of the show is Joan Crawford. [1]"),
        Turn(role="user", content="and who directed it?"),
        Turn(role="assistant", content="Director: Robert Wise [1]"),
    ]
    searched = condense("when was that released", history)
    assert searched.count("(") == 1 and "?" not in searched, searched


def _talk(*said: str) -> list[Turn]:
    """A conversation: the person's and the assistant's turns in turn."""
    return [Turn(role=("user", "assistant")[n % 2], content=text) for n, text in enumerate(said)]


def test_a_follow_up_reads_the_earlier_follow_up_as_it_was_searched() -> None:
    """ "what did their manager say?" after "and the equaliser?" after "who scored West Ham's
    winner": the earlier question is about West Ham's equaliser, not "the equaliser" alone."""
    history = _talk(
        "who scored west hams winner",
        "The rebound fell for the midfielder to finish. [1]",
        "and the equaliser?",
        "The ball fell into the path of the winger. [1]",
    )
    assert condense("what did their manager say after?", history) == (
        "what did their manager say after? (scored west hams equaliser)"
    )
    # Typed without question marks, the earlier follow-up's context is no bracket left open
    # (trial 71: "how did he score it (equalised (Tottenham, ...)").
    history = _talk(
        "who scored first for tottenham",
        "Kulusevski scored for Tottenham against Chelsea. [1]",
        "who equalised",
        "Chelsea quickly pushed on after their equaliser. [1]",
    )
    assert condense("how did he score it", history) == (
        "how did he score it (equalised, Tottenham, Kulusevski, Chelsea)"
    )


@pytest.mark.parametrize(
    ("earlier", "question", "standalone"),
    [
        # The earlier question's term written the same way makes way for the new one.
        ("what does na.locf do", "and na.approx?", "what does na.approx do?"),
        ("does zsh ignore the QUIT signal", "and INT?", "does zsh ignore the INT signal?"),
        ("what does the --rsyncable option do", "and --synchronous?",
         "what does the --synchronous option do?"),
        ("what does concentrate=true do", "and compound?", "what does compound do?"),
        # A plain word for the earlier question's one noun of its kind, however it is asked.
        ("how are dictionaries implemented in cpython", "and what about lists?",
         "how are lists implemented in cpython?"),
        ("how are dictionaries implemented in cpython", "what about lists",
         "how are lists implemented in cpython?"),
        # A year is no term of code to swap: "and prices?" asks the same of oil prices.
        ("what happened to oil prices in 2023", "and 2024?",
         "what happened to oil prices in 2024?"),
        # "one" is the earlier question's noun; the word before it makes way.
        ("whats the Disclaimer field for", "and the comment one?",
         "whats the comment field for?"),
        ("what is a point event", "and a linear one?", "what is a linear event?"),
        # A name no dictionary has (a command's) for the earlier question's one such name.
        ("what does msgmerge do", "and msgfmt?", "what does msgfmt do?"),
        # A phrase that opens with a preposition swaps the earlier one that opens with it.
        ("what is the beaconing cycle for network beacons", "and for radio?",
         "what is the beaconing cycle for radio?"),
        ("how do i convert a docx to html in node", "and to plain text?",
         "how do i convert a docx to plain text in node?"),
        # The earlier question said "he": the name goes in its place (trial 56's "what did
        # he post on x" / "and brockman?" had become "what did Brockman? (post on x)").
        ("what did he post on x", "and Brockman?", "what did Brockman post on x"),
        ("what was her salary", "and Bob Smith?", "what was Bob Smith's salary"),
        # A noun with its article for the earlier question's one noun (trial 64's "and the
        # equaliser?" had become "who the equaliser? (scored west hams winner)").
        ("who scored west hams winner", "and the equaliser?", "who scored west hams equaliser?"),
        # The one term no dictionary has makes way for a word that is one (trial 67's "and
        # info?" had become "what does info? (geturl)").
        ("what does geturl do", "and info?", "what does info do?"),
        # A name with the words that lead to it takes the earlier name's place without them
        # (trial 69's "and on the rams?" had become "which on the Rams players got hurt").
        ("which Seahawks players got hurt", "and on the Rams?", "which Rams players got hurt"),
        ("who coaches the Rams", "and the Seahawks?", "who coaches the Seahawks"),
        # A first name typed in lower case that no reply wrote goes with its surname (trial
        # 71's "and what about kristen bell?" had become "what does mila Kristen Bell tell").
        ("what does mila Kunis tell her kids", "and what about kristen bell?",
         "what does Kristen Bell tell her kids"),
        ("what did coach sean McVay say", "and kyle shanahan?", "what did coach Kyle Shanahan say"),
    ],
)  # fmt: skip
def test_and_x_asks_the_earlier_question_of_x(earlier: str, question: str, standalone: str) -> None:
    history = [Turn(role="user", content=earlier), Turn(role="assistant", content="It ... [1]")]
    assert condense(question, history) == standalone


def test_a_follow_up_carries_words_not_markup_or_the_asker() -> None:
    history = [
        Turn(role="user", content="how do i report a security bug in node"),
        Turn(role="assistant", content="Report them via [HackerOne](https://hackerone.com/n). [1]"),
    ]
    assert condense("and what if they dont reply?", history) == (
        "and what if they dont reply? (Report a security bug in node, HackerOne)"
    )


def test_what_about_a_thing_asks_it_within_the_earlier_topic() -> None:
    config = [Turn(role="user", content="where is the dirvish config file"),
              Turn(role="assistant", content="/etc/dirvish/master.conf [1]")]  # fmt: skip
    assert condense("what about the expiry rules?", config) == (
        "what about the expiry rules? (dirvish config file)"
    )
    # The earlier question's topic, without its closing verb.
    meant = [Turn(role="user", content="what does GPL-2+ mean"),
             Turn(role="assistant", content="It is GPL-2+ with an exception. [1]")]  # fmt: skip
    assert condense("what about plain GPL?", meant) == "what about plain GPL? (GPL-2+)"
    # Nor with the words that open a turn of talk.
    turn = [Turn(role="user", content="ok so why did the board close the pier"),
            Turn(role="assistant", content="The pier was unsafe. [1]")]  # fmt: skip
    assert condense("when was that?", turn) == "when was that? (board close the pier)"
    # Nor with what pointed back in it: "is it patented?" carries "patented", not "it".
    patented = [Turn(role="user", content="is it patented?"),
                Turn(role="assistant", content="Yes: The design is patented. [1]")]  # fmt: skip
    assert condense("which rfc describes it?", patented) == "which rfc describes it? (patented)"


def test_and_a_thing_asks_the_earlier_question_of_it() -> None:
    added = [Turn(role="user", content="when was the encoding argument added to basicConfig"),
             Turn(role="assistant", content="Changed in version 3.9: The encoding argument "
                                            "was added. [1]")]  # fmt: skip
    assert condense("and the style parameter?", added) == (
        "when was the style parameter? (encoding argument added to basicConfig)"
    )


def test_a_new_question_naming_a_command_stands_alone() -> None:
    # A lower-case command or a term of code names what the question is about: no earlier
    # topic is carried into it.
    pam = [Turn(role="user", content="what does pam stand for"),
           Turn(role="assistant", content="Pluggable Authentication Modules [1]")]  # fmt: skip
    assert condense("where does postsuper report problems", pam) == (
        "where does postsuper report problems"
    )
    assert condense("what does use_first_pass mean", pam) == "what does use_first_pass mean"
    assert condense("is it safe?", pam) != "is it safe?"


def test_words_of_the_last_answer_come_along_only_if_they_are_names() -> None:
    reply = "apt allows the administrator of an archive to provide a signature of it. [1]"
    trust = [Turn(role="user", content="what happens if the archive index is unsigned"),
             Turn(role="assistant", content=reply)]  # fmt: skip
    assert condense("and if the signature is wrong?", trust) == (
        "and if the signature is wrong? (happens if the archive index is unsigned)"
    )


def test_and_with_its_own_names_carries_the_earlier_questions_names_not_the_answers() -> None:
    match = [Turn(role="user", content="Who scored twice for Belgium against England?"),
             Turn(role="assistant", content="Tessa Wullaert, and a late penalty. [1]")]  # fmt: skip
    assert condense("And who scored for England?", match) == "And who scored for England? (Belgium)"


def test_first_question_is_searched_as_asked() -> None:
    assert condense("What did he say?", []) == "What did he say?"
    assert condense("And Blinken?", [Turn(role="assistant", content="Hello")]) == "And Blinken?"


def test_names_skip_question_words() -> None:
    assert names("What did Antony Blinken tell Nicolas Maduro?") == [
        "Antony Blinken",
        "Nicolas Maduro",
    ]


def test_ask_with_history_reports_what_it_searched_for(pipeline: Pipeline, tmp_path: Path) -> None:
    folder = seed_folder(tmp_path)
    pipeline.ingest([folder])
    answer = pipeline.ask("And Blinken?", history=VOLODIN)
    assert answer.question == "And Blinken?"
    assert answer.searched_for == "What did Blinken claim?"
    assert not answer.refused
    assert any("Blinken" in c.quote for c in answer.citations)
    alone = pipeline.ask("What did Volodin claim?")
    assert alone.searched_for == alone.question


def _after_a_refusal(pipeline: Pipeline, tmp_path: Path, asked: str) -> list[Turn]:
    """The seed article and a harbour note indexed; a conversation whose question they do
    not answer."""
    folder = seed_folder(tmp_path)
    (folder / "harbour.md").write_text(
        "# Harbour news\n\nThe lighthouse keeper, Ada Quint, retired after fifty winters. "
        "She worked at the north pier for most of them.\n"
    )
    pipeline.ingest([folder])
    return [
        Turn(role="user", content=asked),
        Turn(role="assistant", content="The documents do not cover this question."),
    ]


def test_a_question_of_its_own_after_a_refusal_is_asked_as_typed(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    history = _after_a_refusal(pipeline, tmp_path, "What is the capital of Australia?")
    question = "Who is the lighthouse keeper who retired?"
    # Read alone, it has no name of its own, so it is first taken for a follow-up about
    # Australia; that finds nothing, and the question as typed is answered.
    assert condense(question, history) != question
    answer = pipeline.ask(question, history=history)
    assert not answer.refused and "Ada Quint" in answer.answer
    assert answer.searched_for == question


def test_a_follow_up_with_nothing_of_its_own_is_not_answered_as_typed(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    history = _after_a_refusal(pipeline, tmp_path, "Who founded the Tern Bay Rowing Club?")
    # "They" are the club's founders, whom the documents do not name: read as typed, the
    # question would be answered about whoever worked somewhere.
    answer = pipeline.ask("Where did they work?", history=history)
    assert answer.refused, answer.answer
    assert answer.passages  # the refusal still lists the closest passages


def test_a_follow_up_is_answered_from_the_document_the_conversation_is_about(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    folder = tmp_path / "games"
    folder.mkdir()
    (folder / "colorado.md").write_text(
        "# Colorado edges Arizona State\n\nColorado beat Arizona State on Saturday night. "
        "Alejandro Mata kicked the winning field goal for Colorado with 12 seconds left. "
        "The Buffaloes won by a score of 27-24 at Folsom Field.\n"
    )
    # A week earlier, the same team and kicker: the follow-up's words fit this one better.
    (folder / "oregon.md").write_text(
        "# Oregon routs Colorado\n\nWhat was the final score of the Colorado game? The final "
        "score was 42-6, and Colorado fans said the final score flattered Alejandro Mata, who "
        "missed twice.\n"
    )
    pipeline.ingest([folder])
    history = [
        Turn(role="user", content="Who kicked the winning field goal for Colorado?"),
        Turn(role="assistant", content="Alejandro Mata kicked the winning field goal [1]."),
    ]
    answer = pipeline.ask("What was the final score?", history=history)
    assert not answer.refused, answer.answer
    assert "27-24" in answer.answer
    assert {c.doc_id for c in answer.citations} == {"colorado.md"}

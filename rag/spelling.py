"""A question as typed -> as the documents write it: names typed in lower case get the
passages' capitals ("volodin" -> "Volodin"), names typed without their hyphen or apostrophe
get them back ("ostrovitch levi" -> "Ostrovitch-Levi"), and misspelt words are put right
("ambasador" -> "ambassador"); with which words are English, by spaCy's lemmatizer tables."""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable, Sequence

from rag.language import _import_spacy, _model, fold

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

"""Words as retrieval and answering compare them: lower-cased, stemmed, stopwords dropped."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

_WORD = re.compile(r"[a-z0-9]+")


@functools.cache
def stopwords() -> frozenset[str]:
    """NLTK's English stopwords, as bundled with llama-index (nothing is downloaded)."""
    from llama_index.core.utils import globals_helper

    return frozenset(globals_helper.stopwords)


@functools.cache
def _stemmer() -> Callable[[str], str]:
    from nltk.stem import PorterStemmer  # rules in code: needs no downloaded data

    stem: Callable[[str], str] = PorterStemmer().stem
    return functools.lru_cache(maxsize=200_000)(stem)


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words, in order."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Stemmed words that carry meaning, in order and with repeats (for term frequencies)."""
    stem, stop = _stemmer(), stopwords()
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in stop]


def content_terms(text: str) -> set[str]:
    """The distinct stemmed words of a text that carry meaning."""
    return set(content_words(text))

"""A comparison's things ("What's the difference between git stash pop and apply?") as the
passages name them: the words that tell them apart, and which sentence speaks of which."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.language import fold


def told_apart(things: Sequence[str]) -> list[str]:
    """The things compared without the words they all start with, when each keeps some."""
    split = [t.split() for t in things]
    shared = 0
    while all(len(w) > shared + 1 for w in split) and len({w[shared] for w in split}) == 1:
        shared += 1
    return [" ".join(w[shared:]) for w in split]


def named_as(thing: str) -> re.Pattern[str]:
    """A thing compared as a folded text names it, with any version number written on
    ("fastx" is "fastx3" and "fastx36" too), not inside a longer word."""
    return re.compile(rf"(?<![\w-]){re.escape(fold(thing))}\d*(?![\w-])")


def named_in(things: list[str], texts: Sequence[str]) -> list[str]:
    """The things compared as the passages name them: without a last word they share when
    that is how they are written ("BINARY" and "NOCASE" of "BINARY and NOCASE collation");
    as asked otherwise ("single quotes", "double quotes")."""
    split = [t.split() for t in things]
    if len({w[-1] for w in split}) != 1 or not all(len(w) > 1 for w in split):
        return things

    def named(thing: str) -> bool:
        return any(named_as(thing).search(t) for t in texts)

    short = [" ".join(w[:-1]) for w in split]
    return short if not any(named(t) for t in things) and all(named(t) for t in short) else things


def names_first(text: str, names: Mapping[str, re.Pattern[str]], thing: str) -> bool:
    """Whether a sentence names no other thing compared before `thing`, if at all."""
    found = {t: m.start() for t, n in names.items() if (m := n.search(text))}
    mine = found.get(thing)
    return all(mine is not None and mine < at for t, at in found.items() if t != thing)

"""The citation parser: markers that point nowhere vanish, in whole text and in a stream."""

from __future__ import annotations

import random

from rag.verify import MarkerFilter, answer_sentences, drop_unknown_markers

TEXT = "Maduro won [1]. Blinken disagreed [2][7]. See [12] and [x] and [3 ]. Ends [3]"


def test_unknown_markers_are_removed_and_known_kept() -> None:
    assert drop_unknown_markers(TEXT, known=3) == (
        "Maduro won [1]. Blinken disagreed [2]. See and [x] and [3 ]. Ends [3]"
    )


def test_streamed_text_equals_the_checked_whole_however_it_is_cut() -> None:
    rng = random.Random(3)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(TEXT)), rng.randint(1, 20)))
        pieces = [TEXT[a:b] for a, b in zip([0, *cuts], [*cuts, len(TEXT)], strict=True)]
        markers = MarkerFilter(known=3)
        streamed = "".join(markers.feed(p) for p in pieces) + markers.flush()
        assert streamed == drop_unknown_markers(TEXT, known=3)


def test_sentences_keep_the_markers_that_follow_them() -> None:
    assert answer_sentences('He said "no." [2] Then left [1]. Done') == [
        'He said "no." [2]',
        "Then left [1].",
        "Done",
    ]

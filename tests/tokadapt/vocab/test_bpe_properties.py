"""Properties of merge derivation for BPE (hypothesis): new tokens become reachable, old words
keep their segmentation, merges never fire on text without a Latin letter."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tokadapt.data.scripts import char_script
from tokadapt.vocab.bpe import BpeState

LATIN, OTHER = "abcdkmos", "абвгд"
MERGES = [
    ("a", "b"),
    ("a", "bc"),
    ("м", "о"),
    ("k", "a"),
    ("б", "в"),
    ("s", "k"),
    ("o", "s"),
    ("мо", "д"),
    ("c", "d"),
]


def _state() -> BpeState:
    vocab: dict[str, int] = {}
    for ch in LATIN + OTHER:
        vocab.setdefault(ch, len(vocab))
    for a, b in MERGES:
        vocab.setdefault(a + b, len(vocab))
    model = {"vocab": vocab, "merges": [f"{a} {b}" for a, b in MERGES]}
    state = BpeState.from_model(model)
    state.keep = lambda tok: any(char_script(c) == "Latin" for c in tok)
    return state


latin_words = st.text(alphabet=LATIN + OTHER, min_size=2, max_size=8).filter(
    lambda w: any(c in LATIN for c in w)
)
other_words = st.text(alphabet=OTHER + "-", min_size=1, max_size=10)


@settings(max_examples=200, deadline=None)
@given(
    new=st.lists(latin_words, min_size=1, max_size=12, unique=True),
    probes=st.lists(other_words, min_size=1, max_size=10),
)
def test_added_tokens_are_produced_whole_and_other_script_words_unchanged(
    new: list[str], probes: list[str]
) -> None:
    state = _state()
    before = {w: state.segment(list(w)) for w in probes}
    added: list[str] = []
    for token in new:
        if token in state.vocab:
            continue
        result = state.add_token(token, 1000 + len(state.vocab))
        if result is not None:
            added.append(token)
            assert result[-1] == token
    for token in added:
        assert state.segment(list(token)) == [token]
    for word, segs in before.items():
        assert state.segment(list(word)) == segs
    for a, b in state.appended:
        assert any(c in LATIN for c in a + b)

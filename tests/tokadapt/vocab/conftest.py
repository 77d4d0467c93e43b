"""Fixtures for vocabulary extension: real multilingual text and tiny tokenizers trained on it.

Text: CLDR territory and language names (via ``babel``) in ~50 locales covering ~35 scripts,
plus uroman's own multi-script test text. Tokenizers (trained once per session with
``tokenizers`` on that text): Unigram (+ its SentencePiece ``.model``), byte-level BPE,
character-level BPE with ``</w>``, WordPiece (``vocab.txt``). The XLM-R ``.model`` is rebuilt
from the real XLM-R ``tokenizer.json`` with the sentencepiece protobuf (slow tests only).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel import Locale
from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    trainers,
)
from vocab_helpers import FAMILY_FIXTURES, QWEN_SPECIALS

import translit
from tokadapt.data.resources import uroman_golden, xlmr_tokenizer_json
from tokadapt.data.scripts import char_script, text_script
from tokadapt.vocab import ExtendResult, extend_vocab
from tokadapt.vocab.spm import from_tokenizer_json

#: locales whose CLDR names are written in a non-Latin script (one or more per script)
NON_LATIN = [
    "ru",
    "uk",
    "bg",
    "sr",
    "el",
    "he",
    "yi",
    "ar",
    "fa",
    "ur",
    "hi",
    "mr",
    "ne",
    "bn",
    "pa",
    "gu",
    "or",
    "ta",
    "te",
    "kn",
    "ml",
    "si",
    "th",
    "lo",
    "km",
    "my",
    "ka",
    "hy",
    "am",
    "ja",
    "ko",
    "zh",
    "zh_Hant",
    "bo",
    "chr",
    "vai",
    "nqo",
    "sat",
    "syr",
    "zgh",
    "ff_Adlm",
    "ii",
]
LATIN = ["en", "de", "fr", "tr", "vi"]

SPECIALS_UNIGRAM = ["<s>", "<pad>", "</s>", "<unk>"]


def cldr_names(locale: str) -> list[str]:
    loc = Locale.parse(locale)
    names = {*loc.territories.values(), *loc.languages.values()}
    return sorted(n for n in names if n.strip())


@pytest.fixture(scope="session")
def names_by_locale() -> dict[str, list[str]]:
    return {loc: cldr_names(loc) for loc in [*NON_LATIN, *LATIN]}


@pytest.fixture(scope="session")
def uroman_lines() -> list[str]:
    text, _ = uroman_golden()
    lines = []
    for line in text.read_text(encoding="utf-8").splitlines():
        if line.startswith("::lcode "):
            line = line.split(" ", 2)[2] if line.count(" ") >= 2 else ""
        if line.strip():
            lines.append(line)
    return lines


def _no_latin(text: str) -> bool:
    return not any(char_script(c) == "Latin" for c in text)


@pytest.fixture(scope="session")
def original_script_texts(
    names_by_locale: dict[str, list[str]], uroman_lines: list[str]
) -> list[str]:
    """Real text without a Latin letter: CLDR names of the non-Latin locales and uroman's lines.

    (Names such as "Σύμβολα Bliss" that mix in Latin words are Latin text for this purpose.)
    """
    texts = [n for loc in NON_LATIN for n in names_by_locale[loc]]
    texts += [ln for ln in uroman_lines if text_script(ln) != "Common"]
    return [t for t in texts if _no_latin(t)]


@pytest.fixture(scope="session")
def romanized_sample(names_by_locale: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(originals, romanizations by translit): 40 CLDR names per non-Latin locale."""
    originals = [n for loc in NON_LATIN for n in names_by_locale[loc][::7][:40] if _no_latin(n)]
    return originals, translit.Romanizer().romanize_batch(originals)


Extended = tuple[Path, Path, ExtendResult]


@pytest.fixture(scope="session")
def extended(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Extended]:
    """``extended(kind, mode="max", protect=True)`` -> (input dir, output dir, result),
    computed once; ``protect=False`` is TransMI's plain append (no protected English)."""
    cache: dict[tuple[str, str, bool], Extended] = {}

    def get(kind: str, mode: str = "max", protect: bool = True) -> Extended:
        if (kind, mode, protect) not in cache:
            src: Path = request.getfixturevalue(FAMILY_FIXTURES[kind])
            out = tmp_path_factory.mktemp(f"ext_{kind}_{mode}_{protect}") / "out"
            result = extend_vocab(src, out, mode=mode, protect=protect)
            cache[kind, mode, protect] = (src, out, result)
        return cache[kind, mode, protect]

    return get


@pytest.fixture(scope="session")
def corpus(names_by_locale: dict[str, list[str]], uroman_lines: list[str]) -> list[str]:
    return [n for names in names_by_locale.values() for n in names] + uroman_lines


def _save(tok: Tokenizer, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    tok.save(str(directory / "tokenizer.json"))
    return directory


@pytest.fixture(scope="session")
def unigram_dir(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> Path:
    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=8000,
        special_tokens=SPECIALS_UNIGRAM,
        unk_token="<unk>",
        max_piece_length=12,
        n_sub_iterations=1,
        seed_size=50000,
        shrinking_factor=0.5,
    )
    tok.train_from_iterator(corpus, trainer)
    return _save(tok, tmp_path_factory.mktemp("unigram"))


@pytest.fixture(scope="session")
def bytelevel_dir(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> Path:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=6000,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(corpus, trainer)
    return _save(tok, tmp_path_factory.mktemp("bytelevel"))


QWEN_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)


@pytest.fixture(scope="session")
def qwenlike_dir(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> Path:
    """Qwen2/Llama-3 layout: byte-level BPE behind a digit-splitting regex, special tokens
    *after* the model vocabulary (not in it), a non-special ``normalized: false`` token, an
    added token that duplicates a vocabulary entry, and ``ignore_merges``."""
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN_SPLIT), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=6000, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(corpus, trainer)
    tok.add_special_tokens(QWEN_SPECIALS)
    tok.add_tokens([AddedToken("<tool>", normalized=False), AddedToken("the", normalized=True)])
    return _save(tok, tmp_path_factory.mktemp("qwenlike"))


@pytest.fixture(scope="session")
def charbpe_dir(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> Path:
    tok = Tokenizer(models.BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    ascii_letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + list(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    )
    trainer = trainers.BpeTrainer(
        vocab_size=8000,
        special_tokens=["<unk>"],
        end_of_word_suffix="</w>",
        initial_alphabet=ascii_letters,
    )
    tok.train_from_iterator(corpus, trainer)
    return _save(tok, tmp_path_factory.mktemp("charbpe"))


@pytest.fixture(scope="session")
def wordpiece_dir(tmp_path_factory: pytest.TempPathFactory, corpus: list[str]) -> Path:
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    ascii_letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    trainer = trainers.WordPieceTrainer(
        vocab_size=8000,
        special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
        initial_alphabet=ascii_letters,
    )
    tok.train_from_iterator(corpus, trainer)
    directory = tmp_path_factory.mktemp("wordpiece")
    vocab = tok.get_vocab()
    lines = [p for p, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    (directory / "vocab.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def unigram_spm_dir(tmp_path_factory: pytest.TempPathFactory, unigram_dir: Path) -> Path:
    """The tiny Unigram as a directory holding both tokenizer.json and its .model."""
    data = json.loads((unigram_dir / "tokenizer.json").read_text(encoding="utf-8"))
    directory = tmp_path_factory.mktemp("unigram_spm")
    (directory / "tokenizer.json").write_text(
        json.dumps(data, ensure_ascii=False), encoding="utf-8"
    )
    (directory / "spiece.model").write_bytes(from_tokenizer_json(data))
    return directory


@pytest.fixture(scope="session")
def xlmr_spm_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The real XLM-R tokenizer.json plus a .model rebuilt from it (ids identical)."""
    raw = xlmr_tokenizer_json().read_bytes()
    directory = tmp_path_factory.mktemp("xlmr")
    (directory / "tokenizer.json").write_bytes(raw)
    (directory / "sentencepiece.bpe.model").write_bytes(from_tokenizer_json(json.loads(raw)))
    yield directory

"""Embedding and dictionary files: formats, round trips, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tokadapt.bli.dictionary import Dictionary, lookup, read_dictionary
from tokadapt.bli.embeddings import Embeddings, read_embeddings, read_npy, read_vec, write_vec
from tokadapt.errors import InputFileError, OutputExistsError, ShapeError


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_vec_with_and_without_header_read_the_same(tmp_path: Path) -> None:
    body = "москва 1 2 3\nlondon 0.5 -1 2e-1\n"
    a = read_vec(write(tmp_path, "a.vec", "2 3\n" + body))
    b = read_vec(write(tmp_path, "b.vec", body))
    assert a.words == b.words == ["москва", "london"]
    np.testing.assert_array_equal(a.vectors, np.float32([[1, 2, 3], [0.5, -1, 0.2]]))
    np.testing.assert_array_equal(a.vectors, b.vectors)


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    emb = Embeddings(["a", "b c"], np.array([[1.5, -2.0], [0.25, 3.0]]))
    write_vec(emb, tmp_path / "x.vec")
    back = read_vec(tmp_path / "x.vec")
    assert back.words == ["a", "b c"]
    np.testing.assert_array_equal(back.vectors, emb.vectors)
    with pytest.raises(OutputExistsError):
        write_vec(emb, tmp_path / "x.vec")


def test_npy_with_vocab_file(tmp_path: Path) -> None:
    np.save(tmp_path / "e.npy", np.arange(6, dtype=np.float32).reshape(3, 2))
    write(tmp_path, "e.vocab", "x\ny\nz\n")
    emb = read_embeddings(tmp_path / "e.npy")
    assert emb.words == ["x", "y", "z"] and emb.vectors[2].tolist() == [4.0, 5.0]
    write(tmp_path, "bad.vocab", "x\ny\n")
    with pytest.raises(ShapeError, match="2 words"):
        read_npy(tmp_path / "e.npy", tmp_path / "bad.vocab")


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "m.vec", "3 2\na 1 2\nb 1\nc 1 2\n")
    with pytest.raises(InputFileError, match=r"m\.vec:3: expected a word and 2 numbers"):
        read_vec(path)
    path = write(tmp_path, "n.vec", "a 1 2\nb 1 zwei\n")
    with pytest.raises(InputFileError, match=r"n\.vec:2: a vector value is not a number"):
        read_vec(path)


def test_nan_and_inf_rows_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "nan.vec", "2 2\na 1 2\nb nan 1\n")
    with pytest.raises(InputFileError, match=r"nan\.vec:3: the vector of 'b' contains NaN"):
        read_vec(path)
    with pytest.raises(InputFileError, match="row 1"):
        Embeddings(["a", "b"], np.array([[0.0, 1.0], [np.inf, 0.0]]))


def test_duplicate_words_name_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "d.vec", "a 1 2\nb 3 4\na 5 6\n")
    with pytest.raises(
        InputFileError, match=r"d\.vec:3: duplicate word 'a' \(first at .*d\.vec:1\)"
    ):
        read_vec(path)


def test_muse_and_tsv_dictionaries(tmp_path: Path) -> None:
    muse = read_dictionary(write(tmp_path, "m.txt", "cat кошка\ncat кот\n\ndog собака\ncat кот\n"))
    assert muse.pairs == (("cat", "кошка"), ("cat", "кот"), ("dog", "собака"))
    tsv = read_dictionary(write(tmp_path, "t.tsv", "source\ttarget\nNew York\tНью-Йорк\n"))
    assert tsv.pairs == (("New York", "Нью-Йорк"),)


def test_malformed_dictionary_line(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"d\.txt:2: expected two fields"):
        read_dictionary(write(tmp_path, "d.txt", "a b\na b c\n"))
    with pytest.raises(InputFileError, match="no pairs"):
        read_dictionary(write(tmp_path, "e.txt", "# only a comment\n"))


def test_lookup_counts_out_of_vocabulary_pairs() -> None:
    src = Embeddings(["s1", "s2", "s3"], np.eye(3))
    tgt = Embeddings(["t1", "t2", "t3"], np.eye(3))
    d = Dictionary.from_pairs(
        [("s1", "t1"), ("s1", "t2"), ("s2", "t3"), ("s3", "tX"), ("s4", "t1")]
    )
    found = lookup(d, src, tgt)
    assert found.src_idx.tolist() == [0, 1]
    assert found.gold == {0: {0, 1}, 1: {2}}
    assert (found.n_pairs, found.n_oov_pairs, found.n_src_words) == (5, 2, 4)
    assert found.coverage == 0.5

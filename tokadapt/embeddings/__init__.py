"""Embedding initialization for extended vocabularies (TransMI's third stage, generalized).

* :func:`init_embeddings` — checkpoint surgery: new rows for every new piece of an extended
  tokenizer in the input embeddings, the tied/untied output embeddings and the MLM bias;
* :data:`STRATEGIES` / :func:`register` — the open registry of strategies (``transmi`` and its
  merge modes, ``subword-mean``, ``random``, ``mvn``), pure functions over numpy arrays.
"""

from __future__ import annotations

from tokadapt.embeddings.initialize import init_embeddings
from tokadapt.embeddings.strategies import STRATEGIES, InitRequest, get_strategy, register

__all__ = ["STRATEGIES", "InitRequest", "get_strategy", "init_embeddings", "register"]

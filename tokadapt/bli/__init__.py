"""Bilingual lexicon induction and embedding-space alignment evaluation.

Embedding IO (:mod:`~tokadapt.bli.embeddings`, :mod:`~tokadapt.bli.static`), normalization,
mappings (Procrustes, MUSE-style refinement, VecMap-style self-learning), exact retrieval with
interchangeable backends (:mod:`~tokadapt.eval.search`: FAISS GPU/CPU, torch, numpy), CSLS and
inverted softmax (:mod:`~tokadapt.eval.scoring`), P@k in the MUSE and VecMap conventions and
reproducibility signatures.
"""

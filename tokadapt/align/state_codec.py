"""Store nested training state (optimizer, scheduler, RNG) as safetensors + JSON, never pickle.

``encode(obj)`` splits a structure of dicts, lists, tuples, numbers, strings, ``None``, torch
tensors and numpy arrays into a JSON tree and a flat ``{name: tensor}`` dict; ``decode`` builds
the same structure back. Loading can only ever create those types: unlike ``torch.load`` /
pickle, a crafted file cannot run code. Dict keys that are not strings (optimizer parameter ids)
and tuples (``betas``, RNG states) are tagged so the round trip is exact.

Mostly-zero 2-D tensors (AdamW moments of embedding rows that never received a gradient: most of
a 250k-row vocabulary) are stored as the non-zero rows plus their indices. A row counts as zero
only when all its bytes are zero, so the round trip is bit-exact (``-0.0`` stays ``-0.0``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tokadapt.errors import DataError

_SPARSE_MIN_ROWS = 1024


def _sparse_rows(tensor: torch.Tensor) -> torch.Tensor | None:
    if tensor.dim() != 2 or tensor.shape[0] < _SPARSE_MIN_ROWS or tensor.numel() == 0:
        return None
    raw = tensor.detach().cpu().contiguous().view(torch.uint8).reshape(tensor.shape[0], -1)
    used = raw.ne(0).any(dim=1).nonzero().flatten()
    return used if used.numel() * 2 < tensor.shape[0] else None


class _Encoder:
    def __init__(self) -> None:
        self.tensors: dict[str, torch.Tensor] = {}

    def tensor(self, value: torch.Tensor, path: str) -> dict[str, Any]:
        value = value.detach().cpu()
        rows = _sparse_rows(value)
        if rows is None:
            self.tensors[path] = value.contiguous().clone()
            return {"__tensor__": path}
        self.tensors[path + "#rows"] = rows.to(torch.int64)
        self.tensors[path] = value.index_select(0, rows).contiguous()
        return {"__sparse_rows__": path, "shape": list(value.shape)}

    def __call__(self, obj: Any, path: str) -> Any:
        if obj is None or isinstance(obj, bool | int | float | str):
            return obj
        if isinstance(obj, torch.Tensor):
            return self.tensor(obj, path)
        if isinstance(obj, np.ndarray):
            raw = np.frombuffer(np.ascontiguousarray(obj).tobytes(), dtype=np.uint8)
            self.tensors[path] = torch.from_numpy(raw.copy())
            return {"__ndarray__": path, "dtype": obj.dtype.str, "shape": list(obj.shape)}
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, tuple):
            return {"__tuple__": [self(v, f"{path}.{i}") for i, v in enumerate(obj)]}
        if isinstance(obj, list):
            return [self(v, f"{path}.{i}") for i, v in enumerate(obj)]
        if isinstance(obj, dict):
            items = [
                [self(k, f"{path}.k{i}"), self(v, f"{path}.{i}")]
                for i, (k, v) in enumerate(obj.items())
            ]
            return {"__dict__": items}
        raise TypeError(f"cannot store {type(obj).__name__} at {path} without pickle")


def encode(obj: Any) -> tuple[Any, dict[str, torch.Tensor]]:
    enc = _Encoder()
    tree = enc(obj, "s")
    return tree, enc.tensors


def _decode(node: Any, tensors: dict[str, torch.Tensor]) -> Any:
    if isinstance(node, list):
        return [_decode(v, tensors) for v in node]
    if not isinstance(node, dict):
        return node
    if "__tensor__" in node:
        return tensors[node["__tensor__"]]
    if "__ndarray__" in node:
        raw = tensors[node["__ndarray__"]].numpy().tobytes()
        dtype = np.dtype(node["dtype"])
        if dtype.hasobject:
            raise TypeError(f"object arrays are refused ({node['dtype']})")
        array = np.frombuffer(raw, dtype=dtype).copy()
        return array.reshape(node["shape"])
    if "__sparse_rows__" in node:
        key = node["__sparse_rows__"]
        values = tensors[key]
        full = torch.zeros(tuple(node["shape"]), dtype=values.dtype)
        full.index_copy_(0, tensors[key + "#rows"], values)
        return full
    if "__tuple__" in node:
        return tuple(_decode(v, tensors) for v in node["__tuple__"])
    if "__dict__" in node:
        return {_decode(k, tensors): _decode(v, tensors) for k, v in node["__dict__"]}
    raise KeyError(f"unknown node {sorted(node)}")


def save(obj: Any, directory: Path, stem: str) -> list[str]:
    """Write ``stem.json`` and ``stem.safetensors``; returns the two file names."""
    from safetensors.torch import save_file

    tree, tensors = encode(obj)
    save_file(tensors, str(directory / f"{stem}.safetensors"), metadata={"format": "pt"})
    text = json.dumps(tree, sort_keys=True, allow_nan=True)
    (directory / f"{stem}.json").write_text(text + "\n", encoding="utf-8")
    return [f"{stem}.json", f"{stem}.safetensors"]


def load(directory: Path, stem: str) -> Any:
    """Read what :func:`save` wrote; a malformed file raises :class:`DataError` naming it."""
    from safetensors.torch import load_file

    tensor_file, tree_file = directory / f"{stem}.safetensors", directory / f"{stem}.json"
    try:
        tensors = load_file(str(tensor_file))
    except Exception as exc:  # safetensors raises its own error types for bad headers
        raise DataError(f"{tensor_file} is not a valid safetensors file ({exc})") from exc
    try:
        tree = json.loads(tree_file.read_text(encoding="utf-8"))
        return _decode(tree, tensors)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, IndexError) as exc:
        raise DataError(f"{tree_file} does not match {tensor_file.name} ({exc})") from exc

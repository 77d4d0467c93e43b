"""Read a Hugging Face checkpoint's tensors without instantiating the model.

Supports ``model.safetensors``, sharded safetensors (``model.safetensors.index.json``),
``pytorch_model.bin`` and its sharded index. safetensors files are memory-mapped; torch files
are loaded with ``torch.load(mmap=True, weights_only=True)``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tokadapt.errors import InputFileError
from tokadapt.io.hf_dir import SAFETENSORS, SAFETENSORS_INDEX, TORCH_BIN, TORCH_BIN_INDEX
from tokadapt.io.safetensors_io import NP_DTYPES, SafetensorsFile

log = logging.getLogger(__name__)

_TORCH_TO_ST = {
    "float64": "F64",
    "float32": "F32",
    "float16": "F16",
    "bfloat16": "BF16",
    "int64": "I64",
    "int32": "I32",
    "int16": "I16",
    "int8": "I8",
    "uint8": "U8",
    "bool": "BOOL",
}


@dataclass
class Shard:
    """One weight file and the tensor names it holds (in file order)."""

    path: Path
    names: list[str]
    st: SafetensorsFile | None = None
    torch_state: dict[str, Any] = field(default_factory=dict)

    @property
    def output_name(self) -> str:
        """The safetensors file name this shard is written to."""
        name = self.path.name
        if name.endswith(".bin"):
            name = name[: -len(".bin")] + ".safetensors"
            name = name.replace("pytorch_model", "model", 1)
        return name


def _load_torch(path: Path) -> dict[str, Any]:
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except Exception as exc:  # torch raises many types for a corrupt file
        raise InputFileError(f"{path}: cannot load the PyTorch checkpoint ({exc})") from exc
    return {k: v for k, v in state.items() if hasattr(v, "dtype")}


class Checkpoint:
    """Tensors and ``config.json`` of a model directory."""

    def __init__(self, model_dir: str | Path) -> None:
        self.dir = Path(model_dir)
        if not self.dir.is_dir():
            raise InputFileError(f"model directory {self.dir} does not exist")
        config_path = self.dir / "config.json"
        try:
            self.config: dict[str, Any] = json.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputFileError(f"{config_path} not found: not a Hugging Face checkpoint") from exc
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{config_path} is not valid JSON: {exc}") from exc
        self.shards = self._find_shards()
        self.index = {name: shard for shard in self.shards for name in shard.names}

    def _find_shards(self) -> list[Shard]:
        for index_name in (SAFETENSORS_INDEX, TORCH_BIN_INDEX):
            index_path = self.dir / index_name
            if index_path.is_file():
                return self._shards_from_index(index_path)
        for single in (SAFETENSORS, TORCH_BIN):
            path = self.dir / single
            if path.is_file():
                return [self._open(path)]
        raise InputFileError(
            f"{self.dir} has no weights: expected {SAFETENSORS}, {SAFETENSORS_INDEX}, "
            f"{TORCH_BIN} or {TORCH_BIN_INDEX}"
        )

    def _shards_from_index(self, index_path: Path) -> list[Shard]:
        try:
            weight_map: dict[str, str] = json.loads(index_path.read_text())["weight_map"]
        except (KeyError, json.JSONDecodeError) as exc:
            raise InputFileError(f"{index_path}: not a checkpoint index ({exc})") from exc
        shards = []
        for file_name in sorted(set(weight_map.values())):
            path = self.dir / file_name
            if not path.is_file():
                raise InputFileError(f"{index_path} names the shard {file_name}, which is missing")
            shards.append(self._open(path))
        return shards

    def _open(self, path: Path) -> Shard:
        if path.suffix == ".safetensors":
            st = SafetensorsFile(path)
            names = sorted(st.tensors, key=lambda n: st.tensors[n].begin)
            return Shard(path, names, st=st)
        state = _load_torch(path)
        return Shard(path, list(state), torch_state=state)

    # -- tensor access -------------------------------------------------------------------
    def dtype(self, name: str) -> str:
        shard = self.index[name]
        if shard.st is not None:
            return shard.st.tensors[name].dtype
        torch_dtype = str(shard.torch_state[name].dtype).removeprefix("torch.")
        if torch_dtype not in _TORCH_TO_ST:
            raise InputFileError(f"{shard.path}: tensor {name} has unsupported dtype {torch_dtype}")
        return _TORCH_TO_ST[torch_dtype]

    def shape(self, name: str) -> tuple[int, ...]:
        shard = self.index[name]
        if shard.st is not None:
            return shard.st.tensors[name].shape
        return tuple(shard.torch_state[name].shape)

    def array(self, name: str) -> np.ndarray:
        """The stored values (BF16 as uint16 bit patterns), memory-mapped where possible."""
        shard = self.index[name]
        if shard.st is not None:
            return shard.st.array(name)
        import torch

        tensor = shard.torch_state[name].contiguous()
        if tensor.dtype == torch.bfloat16:
            return tensor.view(torch.int16).numpy().view(np.uint16)
        return tensor.numpy()

    def byte_chunks(self, name: str, begin: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Raw bytes of a tensor (relative byte range), streamed."""
        shard = self.index[name]
        if shard.st is not None:
            yield from shard.st.byte_chunks(name, begin, end)
            return
        flat = np.ascontiguousarray(self.array(name)).reshape(-1).view(np.uint8)
        stop = flat.size if end is None else end
        step = 64 << 20
        for start in range(begin, stop, step):
            yield flat[start : min(start + step, stop)].tobytes()

    def itemsize(self, name: str) -> int:
        return np.dtype(NP_DTYPES[self.dtype(name)]).itemsize

"""Environment report for bug reports (``tokadapt env``) and benchmark signatures."""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import sys
from typing import Any


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _translit_core() -> dict[str, Any]:
    try:
        from translit import _core

        info: dict[str, Any] = dict(_core.build_info())
        info["available"] = hasattr(_core, "Engine")
        return info
    except ImportError as exc:
        return {"available": False, "error": str(exc)}


def _torch() -> dict[str, Any]:
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return {"version": None}
    cuda = bool(torch.cuda.is_available())
    info: dict[str, Any] = {
        "version": torch.__version__,
        "cuda_available": cuda,
        "cuda_version": torch.version.cuda,
    }
    if cuda:
        info["devices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return info


def _faiss() -> dict[str, Any]:
    try:
        faiss = importlib.import_module("faiss")
    except ImportError:
        return {"version": None}
    gpus = faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0
    return {"version": getattr(faiss, "__version__", "?"), "gpus": gpus}


def collect() -> dict[str, Any]:
    import translit
    from tokadapt import __version__

    return {
        "tokadapt": __version__,
        "translit": translit.__version__,
        "translit_implementation": translit.implementation(),
        "translit_core": _translit_core(),
        "uroman_data": {
            "version": translit.UROMAN_VERSION,
            "installed": _version("uroman"),
            "hash": translit.data_hash(),
        },
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": _version("numpy"),
        "tokenizers": _version("tokenizers"),
        "sentencepiece": _version("sentencepiece"),
        "transformers": _version("transformers"),
        "safetensors": _version("safetensors"),
        "torch": _torch(),
        "faiss": _faiss(),
    }

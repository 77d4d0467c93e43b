"""The two romanization backends behind one small protocol.

``cpp``: the native ``translit._core.Engine`` (C++17, GIL released, thread pool).
``python``: the reference implementation itself, ``uroman.Uroman`` 1.3.1.1 (slow; same results).

Both receive text that :mod:`translit.api` has already validated, so they raise the same
exceptions for the same input.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any, Protocol

from translit._data import read_tables
from translit._regex_props import TABLE as REGEX_TABLE
from translit._regex_props import regex_props_table
from translit.errors import BackendError, ReferenceCrashError
from translit.vocab import split_piece

log = logging.getLogger(__name__)

RawEdge = tuple[int, int, str, str]


class Backend(Protocol):
    name: str

    def romanize(self, text: str, lcode: str) -> str: ...

    def romanize_batch(self, texts: Sequence[str], lcode: str, num_threads: int) -> list[str]: ...

    def romanize_vocab(self, pieces: Sequence[str], lcode: str, num_threads: int) -> list[str]: ...

    def edges(self, text: str, lcode: str) -> list[RawEdge]: ...


class PythonBackend:
    """The reference romanizer ``uroman.Uroman`` (the package this library is compatible with)."""

    name = "python"
    _lock = threading.Lock()
    _uroman: Any = None

    @classmethod
    def _engine(cls) -> Any:
        with cls._lock:
            if cls._uroman is None:
                import uroman

                cls._uroman = uroman.Uroman()
            return cls._uroman

    def romanize(self, text: str, lcode: str) -> str:
        return _reference_call(self._engine(), text, lcode)

    def romanize_batch(self, texts: Sequence[str], lcode: str, num_threads: int) -> list[str]:
        engine = self._engine()
        return [_reference_call(engine, t, lcode) for t in texts]

    def romanize_vocab(self, pieces: Sequence[str], lcode: str, num_threads: int) -> list[str]:
        parts = [split_piece(p) for p in pieces]
        payloads = self.romanize_batch([p.payload for p in parts], lcode, num_threads)
        return [p.prefix + rom + p.suffix for p, rom in zip(parts, payloads, strict=True)]

    def edges(self, text: str, lcode: str) -> list[RawEdge]:
        import uroman

        result = _reference_call(self._engine(), text, lcode, rom_format=uroman.RomFormat.EDGES)
        return [(e.start, e.end, e.txt, e.type) for e in result]


def _reference_call(engine: Any, text: str, lcode: str, **kwargs: Any) -> Any:
    """Call uroman; its internal crashes (e.g. AttributeError on ``百分之``) become a clear error.

    The native backend defines an output for these inputs (docs/uroman-compat.md); the reference
    cannot, so the fallback raises :class:`ReferenceCrashError` instead of leaking uroman's
    AttributeError/TypeError.
    """
    try:
        return engine.romanize_string(text, lcode or None, **kwargs)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        raise ReferenceCrashError(
            f"uroman 1.3.1.1 (the pure-Python fallback) crashed on {text[:80]!r} with "
            f"{type(exc).__name__}: {exc}. The native backend defines a result for such input "
            "(see docs/uroman-compat.md); build the C++ core to get it."
        ) from exc


class CppBackend:
    """The native engine; one process-wide instance shares the parsed tables across Romanizers."""

    name = "cpp"
    _lock = threading.Lock()
    _instance: Any = None

    def __init__(self) -> None:
        self._core = load_core()
        with CppBackend._lock:
            if CppBackend._instance is None:
                tables = dict(read_tables())
                tables[REGEX_TABLE] = regex_props_table(self._core.unassigned_ranges())
                CppBackend._instance = self._core.Engine(tables)
        self._engine = CppBackend._instance

    def romanize(self, text: str, lcode: str) -> str:
        result: str = self._engine.romanize(text, lcode)
        return result

    def romanize_batch(self, texts: Sequence[str], lcode: str, num_threads: int) -> list[str]:
        result: list[str] = self._engine.romanize_batch(list(texts), lcode, num_threads)
        return result

    def romanize_vocab(self, pieces: Sequence[str], lcode: str, num_threads: int) -> list[str]:
        """The marker split of :func:`translit.vocab.split_piece`, done natively."""
        result: list[str] = self._engine.romanize_vocab(list(pieces), lcode, num_threads)
        return result

    def edges(self, text: str, lcode: str) -> list[RawEdge]:
        result: list[RawEdge] = self._engine.edges(text, lcode)
        return result


def load_core() -> Any:
    """Import ``translit._core`` or raise :class:`BackendError` with the fix."""
    try:
        from translit import _core
    except ImportError as exc:
        raise BackendError(
            "the native romanizer translit._core is not built in this installation "
            f"({exc}). Fix: reinstall with a C++17 compiler available, e.g. "
            "TRANSLIT_STRICT_BUILD=1 pip install --force-reinstall --no-deps tokadapt"
        ) from exc
    if not hasattr(_core, "Engine"):
        raise BackendError(
            "translit._core is an incomplete build (no Engine); rebuild the extension"
        )
    built_for = _core.build_info().get("unicode_version")
    if built_for != unicodedata.unidata_version:
        raise BackendError(
            f"translit._core was built with Unicode {built_for} tables but this Python has "
            f"unicodedata {unicodedata.unidata_version} (which uroman consults); rebuild the "
            "extension with this interpreter: TRANSLIT_STRICT_BUILD=1 pip install -e ."
        )
    return _core


_backends: dict[str, Backend] = {}
_backends_lock = threading.Lock()


def get_backend(name: str) -> Backend:
    """``"auto"`` prefers the native engine and falls back to uroman with a logged warning."""
    if name not in ("auto", "cpp", "python"):
        raise ValueError(f"backend must be 'auto', 'cpp' or 'python', got {name!r}")
    with _backends_lock:
        if name in _backends:
            return _backends[name]
    backend: Backend
    if name == "python":
        backend = PythonBackend()
    elif name == "cpp":
        backend = CppBackend()
    else:
        try:
            backend = CppBackend()
        except BackendError as exc:
            log.warning("%s; falling back to the pure-Python uroman backend (slow)", exc)
            backend = PythonBackend()
    with _backends_lock:
        _backends.setdefault(name, backend)
        return _backends[name]

"""Exceptions raised by :mod:`translit`.

Every error derives from :class:`TranslitError` and from the matching builtin, so callers can
catch either (``except translit.InputError`` or ``except ValueError``).
"""

from __future__ import annotations


class TranslitError(Exception):
    """Base class of every error raised by translit."""


class InputError(TranslitError, ValueError):
    """The text given to the romanizer is not valid Unicode text (lone surrogate, bad UTF-8)."""


class DataError(TranslitError, ValueError, RuntimeError):
    """uroman's data tables are missing, of the wrong version (their hash does not match the
    pinned release), or corrupt."""


class BackendError(TranslitError, ImportError):
    """The requested backend (``"cpp"``) is not available in this installation."""


class ReferenceCrashError(TranslitError, RuntimeError):
    """The pure-Python fallback (uroman 1.3.1.1) crashed on an input the native core handles."""


class MissingDependencyError(TranslitError, ImportError):
    """An optional dependency (PyICU: scripts, ICU schemes) is missing (message: the pip fix)."""


class ResourceError(TranslitError, RuntimeError):
    """The operating system refused a resource the native core needs (e.g. a worker thread)."""

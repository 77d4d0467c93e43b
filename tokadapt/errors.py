"""Exceptions raised by :mod:`tokadapt`; each also subclasses the matching builtin."""

from __future__ import annotations


class TokadaptError(Exception):
    """Base class of every error raised by tokadapt."""


class ConfigError(TokadaptError, ValueError):
    """An option or argument has a value that is not allowed."""


class InputFileError(TokadaptError, ValueError):
    """An input file (tokenizer, checkpoint, embeddings, dictionary) is missing or corrupt."""


class ShapeError(TokadaptError, ValueError):
    """Arrays, vocabularies or checkpoints do not fit together (sizes, dimensions)."""


class OutputExistsError(TokadaptError, FileExistsError):
    """The output path exists and ``overwrite`` was not requested."""


class MissingDependencyError(TokadaptError, ImportError):
    """An optional dependency is not installed; the message carries the exact pip command."""


def require(module: str, extra: str, pip_name: str | None = None) -> object:
    """Import an optional dependency or raise :class:`MissingDependencyError` with the fix."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        hint = f"pip install 'tokadapt[{extra}]'"
        if pip_name:
            hint += f" (or: pip install {pip_name})"
        raise MissingDependencyError(
            f"this feature needs the package '{module}'. Fix: {hint}"
        ) from exc

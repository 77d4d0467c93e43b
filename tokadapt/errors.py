"""Exceptions raised by :mod:`tokadapt`; each also subclasses the matching builtin."""

from __future__ import annotations


class TokadaptError(Exception):
    """Base class of every error raised by tokadapt.

    ``exit_code`` is what the CLI exits with: 1 for data/runtime errors, 2 for usage errors.
    """

    exit_code = 1


class ConfigError(TokadaptError, ValueError):
    """An option or argument has a value that is not allowed."""

    exit_code = 2


class InputFileError(TokadaptError, ValueError):
    """An input file (tokenizer, checkpoint, embeddings, dictionary) is missing or corrupt."""


class DataError(InputFileError):
    """An input file's content is malformed; the message names the file (and line or key)."""


class ShapeError(TokadaptError, ValueError):
    """Arrays, vocabularies or checkpoints do not fit together (sizes, dimensions)."""


class OutputExistsError(TokadaptError, FileExistsError):
    """The output path exists and may not be replaced (no ``overwrite``, or not ours)."""

    exit_code = 2


class OutputOverlapError(TokadaptError, ValueError):
    """An output path equals, contains or sits inside an input path (refused always)."""

    exit_code = 2


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

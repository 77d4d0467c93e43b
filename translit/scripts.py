"""Script identity from ICU: ISO 15924 codes and names, per character and per piece of text.

Every answer comes from ICU's ``UScript`` API through PyICU (imported lazily; the uroman path never
needs it): a character's script is ``icu.Script.getScript``; its name is ICU's long property-value
name (``Cyrillic``, ``Han``, ``Ol_Chiki``; ``Common``, ``Inherited``) and its code the ISO 15924
code (``Cyrl``, ``Hani``, ``Olck``, ``Zyyy``, ``Zinh``). No name is made up here.

The script of a piece of text follows UAX #24: Inherited characters (combining marks) take the
script of the character before them; a Common or Inherited character whose Script_Extensions name
real scripts (``ー`` → Hiragana, Katakana; ``॥`` → Devanagari, Bengali, …) counts for the one of
those scripts the rest of the text uses. The text's script is the most frequent real script
(ties: alphabetical by name), else ``Common``.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType
from typing import NamedTuple

from translit.errors import InputError, MissingDependencyError

PIP_HINT = 'pip install "tokadapt[icu]"'
COMMON = "Common"
INHERITED = "Inherited"
_NEUTRAL = {"Zyyy", "Zinh", "Zzzz"}


class ScriptId(NamedTuple):
    """One ISO 15924 script as ICU knows it: ``code`` (``Cyrl``), long ``name`` (``Cyrillic``)."""

    code: str
    name: str


def require_icu(feature: str = "this feature") -> ModuleType:
    """Import PyICU or raise :class:`MissingDependencyError` with the exact pip command."""
    try:
        import icu
    except ImportError as exc:
        raise MissingDependencyError(
            f"{feature} needs ICU (the PyICU package), which is not installed. Fix: {PIP_HINT}"
        ) from exc
    return icu


def icu_version() -> str:
    """``"ICU 72.1 / Unicode 15.0"`` of the PyICU in use."""
    icu = require_icu("ICU version")
    return f"ICU {icu.ICU_VERSION} / Unicode {icu.UNICODE_VERSION}"


@lru_cache(maxsize=1)
def _table() -> tuple[dict[int, ScriptId], dict[str, ScriptId]]:
    """Every UScriptCode ICU defines: ``{number: ScriptId}`` and ``{lowercase alias: ScriptId}``."""
    icu = require_icu("script identity")
    by_num: dict[int, ScriptId] = {}
    aliases: dict[str, ScriptId] = {}
    num = 0
    while True:
        try:
            script = icu.Script(num)
            code, name = script.getShortName(), script.getName()
        except (icu.ICUError, ValueError):
            break
        if not code:
            break
        sid = ScriptId(code, name)
        by_num[num] = sid
        aliases.setdefault(code.lower(), sid)
        aliases.setdefault(_fold(name), sid)
        num += 1
    return by_num, aliases


def _fold(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def all_scripts() -> list[ScriptId]:
    """Every script ICU knows, in UScriptCode order."""
    return list(_table()[0].values())


def lookup(name_or_code: str) -> ScriptId:
    """``Cyrl``/``cyrillic``/``Cyrillic``/``ol chiki`` → :class:`ScriptId`; unknown → InputError.

    The error names what was given and suggests the closest known codes and names.
    """
    if not isinstance(name_or_code, str):
        raise InputError(f"script must be a str, got {type(name_or_code).__name__}")
    aliases = _table()[1]
    sid = aliases.get(_fold(name_or_code))
    if sid is not None:
        return sid
    close = difflib.get_close_matches(_fold(name_or_code), list(aliases), n=3, cutoff=0.6)
    hint = ", ".join(dict.fromkeys(aliases[c].name for c in close))
    raise InputError(
        f"unknown script {name_or_code!r}: not an ISO 15924 code or name known to ICU"
        + (f"; did you mean {hint}?" if hint else "")
        + " (examples: Latn/Latin, Cyrl/Cyrillic, Hani/Han, Deva/Devanagari)"
    )


@lru_cache(maxsize=65536)
def char_script_id(char: str) -> ScriptId:
    """ICU's Script property of one character (``Я`` → ``ScriptId('Cyrl', 'Cyrillic')``)."""
    icu = require_icu("script identity")
    return _table()[0][icu.Script.getScript(char).getScriptCode()]


def char_script(char: str) -> str:
    """ICU's long script name of a character (``Cyrillic``, ``Han``, ``Common``, ``Inherited``)."""
    return char_script_id(char).name


@lru_cache(maxsize=65536)
def char_extensions(char: str) -> tuple[str, ...]:
    """The real scripts (names) in a character's Script_Extensions; empty for Common-only."""
    icu = require_icu("script identity")
    table = _table()[0]
    names = (table[n] for n in icu.Script.getScriptExtensions(char))
    return tuple(sorted(s.name for s in names if s.code not in _NEUTRAL))


def resolve(text: str) -> list[str]:
    """The script name of every character of ``text``, Common/Inherited resolved by context."""
    own = [char_script_id(c) for c in text]
    used = {s.name for s in own if s.code not in _NEUTRAL}
    out: list[str] = []
    for char, sid in zip(text, own, strict=True):
        if sid.code not in _NEUTRAL:
            out.append(sid.name)
            continue
        ext = [s for s in char_extensions(char) if s in used]
        if ext:
            out.append(ext[0])
        elif sid.code == "Zinh" and out and out[-1] not in (COMMON, INHERITED):
            out.append(out[-1])
        else:
            out.append(sid.name if sid.code != "Zzzz" else COMMON)
    return out


def text_script(text: str) -> str:
    """The most frequent real script of ``text`` after resolution (ties: alphabetical)."""
    counts = Counter(s for s in resolve(text) if s not in (COMMON, INHERITED))
    if not counts:
        return COMMON
    best = max(counts.values())
    return min(s for s, n in counts.items() if n == best)


def scripts_in(texts: Iterable[str]) -> Counter[str]:
    """How many of ``texts`` each script is the :func:`text_script` of."""
    return Counter(text_script(t) for t in texts)

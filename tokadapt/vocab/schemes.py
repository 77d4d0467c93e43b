"""Romanizers for ``extend_vocab``: schemes × per-script languages, validated up front.

``scheme`` is one spec or several (``"uroman,icu:iso9"``, :func:`translit.schemes.parse_schemes`);
``lang`` is one code for every script (``rus``), FLORES-200 (``rus_Cyrl`` = ``Cyrillic=rus``) or
``SCRIPT=LCODE`` pairs whose scripts are ISO 15924 codes or names in any case (``cyrl=ukr``).
Unknown schemes, scripts and language codes are a :class:`~tokadapt.errors.ConfigError` with a
"did you mean".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tokadapt.data.scripts import icu_errors, script_name
from tokadapt.errors import ConfigError
from translit.langs import parse_lang
from translit.schemes import RomanizerLike, make_romanizer, parse_schemes

LangOption = str | Mapping[str, str] | None


def _pairs(lang: str) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in lang.split(",") if item.strip()]
    if not pairs or any(len(p) != 2 for p in pairs):
        raise ConfigError(f"lang must be LCODE or SCRIPT=LCODE[,SCRIPT=LCODE...], got {lang!r}")
    return {k.strip(): v.strip() for k, v in pairs}


def lang_by_script(lang: LangOption) -> tuple[dict[str, str | None], str | dict[str, str] | None]:
    """``{ICU script name or "*": ISO 639-3 code or None}`` and the option as recorded."""
    if lang is None or lang == "":
        return {"*": None}, None
    with icu_errors():
        if isinstance(lang, str) and "=" not in lang:
            spec = parse_lang(lang)
            if spec.script is None:
                return {"*": spec.lang}, spec.lang
            return {spec.script: spec.lang, "*": None}, {spec.script: spec.lang}
        items = _pairs(lang) if isinstance(lang, str) else dict(lang)
        codes: dict[str, str | None] = {}
        for key, value in items.items():
            script = "*" if key == "*" else script_name(key)
            found = parse_lang(value) if value else None
            if found is not None and found.script is not None and found.script != script:
                raise ConfigError(
                    f"lang {key}={value}: {value!r} is written in {found.script}, not {script}"
                )
            codes[script] = found.lang if found else None
    codes.setdefault("*", None)
    return codes, {s: c or "" for s, c in sorted(codes.items())}


def romanizer_sets(
    scheme: str | Sequence[str], lang: LangOption
) -> tuple[dict[str, dict[str, RomanizerLike]], str | dict[str, str] | None]:
    """``{scheme spec: {script or "*": romanizer}}`` and the language option as recorded."""
    codes, recorded = lang_by_script(lang)
    with icu_errors():
        specs = parse_schemes(scheme if isinstance(scheme, str) else list(scheme))
        sets = {
            spec: {script: make_romanizer(spec, code) for script, code in sorted(codes.items())}
            for spec in specs
        }
    return sets, recorded

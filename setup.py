"""Native extension only: ``translit._core`` from ``csrc/`` (metadata lives in pyproject.toml).

Set ``TRANSLIT_STRICT_BUILD=1`` (the Makefile and CI do) to make a failed native build fatal.
Without it, a machine with no compiler still installs the package and ``translit`` falls back to
the pure-Python reference romanizer (``uroman``) with a logged warning.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pybind11.setup_helpers import Pybind11Extension, build_ext
from setuptools import setup

ROOT = Path(__file__).parent
STRICT = os.environ.get("TRANSLIT_STRICT_BUILD", "") not in ("", "0", "false", "no")


def _sources() -> list[str]:
    files = sorted((ROOT / "csrc" / "translit").glob("*.cc"))
    files += sorted((ROOT / "csrc" / "bindings").glob("*.cc"))
    return [str(p.relative_to(ROOT)) for p in files if not p.name.endswith("_test.cc")]


GEN_DIR = ROOT / "build" / f"translit_gen-py{sys.version_info[0]}{sys.version_info[1]}"


def _generate_unicode_db() -> None:
    """Write unicode_db.inc from this interpreter's unicodedata (see csrc/gen/unicode_db.py)."""
    script = ROOT / "csrc" / "gen" / "unicode_db.py"
    subprocess.run([sys.executable, str(script), str(GEN_DIR / "unicode_db.inc")], check=True)


class OptionalBuildExt(build_ext):  # type: ignore[misc]
    """Build the extension; on failure either abort (strict) or warn and continue."""

    def run(self) -> None:
        try:
            _generate_unicode_db()
            super().run()
        except Exception as exc:
            self._fail(exc)

    def build_extension(self, ext: Pybind11Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        if STRICT:
            raise exc
        sys.stderr.write(
            f"WARNING: building translit._core failed ({exc}); translit will use the slow "
            "pure-Python fallback. Set TRANSLIT_STRICT_BUILD=1 to make this an error.\n"
        )


def _warning_flags() -> list[str]:
    """``-Wall -Wextra`` (GCC/Clang; MSVC: /W4), fatal in the strict build."""
    if sys.platform == "win32":
        return ["/W4", *(["/WX"] if STRICT else [])]
    return ["-Wall", "-Wextra", *(["-Werror"] if STRICT else [])]


ext = Pybind11Extension(
    "translit._core",
    _sources(),
    include_dirs=["csrc", str(GEN_DIR)],
    cxx_std=17,
    extra_compile_args=([] if sys.platform == "win32" else ["-O2", "-fvisibility=hidden"])
    + _warning_flags()
    + os.environ.get("TRANSLIT_EXTRA_CFLAGS", "").split(),
    extra_link_args=os.environ.get("TRANSLIT_EXTRA_LDFLAGS", "").split(),
    depends=[str(p.relative_to(ROOT)) for p in sorted((ROOT / "csrc").rglob("*.h"))]
    + ["csrc/gen/unicode_db.py"],
    define_macros=[("TRANSLIT_VERSION_INFO", '"0.1.0"')],
)

setup(ext_modules=[ext], cmdclass={"build_ext": OptionalBuildExt})

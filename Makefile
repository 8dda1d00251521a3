# Every target sets up what it needs: a .venv with the dependencies from PyPI, and
# the extension built into it. `make test` and `make bench` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LEVELS := sse2 avx2 avx512
PYTEST_ARGS ?=

.PHONY: all build test test-level bench test-asan fuzz clean

all: test

$(VENV)/.ready: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "scikit-build-core>=0.10" cmake ninja \
	    pytest hypothesis orjson ssrjson msgspec ujson simplejson pyperf matplotlib atheris
	touch $@

build: $(VENV)/.ready
	$(PY) -m pip install -q --no-build-isolation --no-deps .

# The whole suite once per SIMD level (RJSON_SIMD caps the level chosen at import).
# A level this CPU lacks is skipped, and the reason printed.
test: build
	@set -e; for level in $(LEVELS); do \
	  got=$$(RJSON_SIMD=$$level $(PY) -c "import rjson; print(rjson.simd_level())"); \
	  if [ "$$got" != "$$level" ]; then \
	    echo "== SKIP level $$level: this CPU lacks it (best available: $$got)"; continue; fi; \
	  echo "== pytest at SIMD level $$level"; \
	  RJSON_SIMD=$$level $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests; \
	done

bench: build
	$(PY) bench/bench.py

clean:
	rm -rf build $(VENV)

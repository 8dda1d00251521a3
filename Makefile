# Every target sets up what it needs: a .venv with the dependencies from PyPI, and
# the extension built into it. `make test` and `make bench` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LEVELS := sse2 avx2 avx512
PYTEST_ARGS ?=

.PHONY: all build test test-level bench test-asan test-long test-versions fuzz clean

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

# The same suite with RJSON_LONG_TESTS=1: 100,000-call leak loops and the ~1 GiB document.
test-long: build
	RJSON_LONG_TESTS=1 $(MAKE) --no-print-directory test

# ASan+UBSan build of the extension (Debug: asserts on) installed into build/asan/site,
# which PYTHONPATH puts ahead of .venv's copy; the whole suite then runs at every level.
# PYTHONMALLOC=malloc lets ASan see Python objects' buffers (pymalloc would hide them).
ASAN_SITE := build/asan/site
ASAN_ENV  := PYTHONPATH=$(CURDIR)/$(ASAN_SITE) PYTHONMALLOC=malloc \
	LD_PRELOAD=$$(gcc -print-file-name=libasan.so) \
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
test-asan: build
	$(PY) -m pip install -q --no-build-isolation --no-deps --upgrade --target $(ASAN_SITE) \
	    --config-settings=cmake.define.RJSON_SANITIZE=ON --config-settings=cmake.build-type=Debug \
	    --config-settings=build-dir=build/asan/cmake .
	@set -e; start=$$(date +%s); for level in $(LEVELS); do \
	  got=$$(env $(ASAN_ENV) RJSON_SIMD=$$level $(PY) -c "import rjson; print(rjson.simd_level())"); \
	  if [ "$$got" != "$$level" ]; then \
	    echo "== SKIP level $$level: this CPU lacks it (best available: $$got)"; continue; fi; \
	  echo "== pytest under ASan+UBSan at SIMD level $$level"; \
	  env $(ASAN_ENV) RJSON_SIMD=$$level $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests; \
	done; echo "== test-asan took $$(( $$(date +%s) - start )) s"

# Differential fuzzing with atheris (libFuzzer), FUZZ_SECONDS per target. Seeds are read
# from fuzz/corpus/<target>; new inputs go to build/fuzz/corpus/<target>, and a crash or
# mismatch is saved as build/fuzz/artifacts/<target>-crash-* (see docs/reliability.md).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := loads dumps
fuzz: build
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t build/fuzz/artifacts; echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  rc=0; $(PY) fuzz/fuzz_$$t.py build/fuzz/corpus/$$t fuzz/corpus/$$t -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=4096 -timeout=30 -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$t- \
	    > build/fuzz/$$t.log 2>&1 || rc=$$?; \
	  if [ $$rc -ne 0 ]; then tail -40 build/fuzz/$$t.log; echo "== fuzz_$$t FAILED"; exit $$rc; fi; \
	  grep -E "^(Done|stat::(number_of_executed_units|peak_rss_mb))" build/fuzz/$$t.log; \
	done

# The suite under every other CPython 3.9+ that pyenv holds (CI has one version): each
# gets its own venv and build dir in build/versions/<x.y>/, from PyPI. Not part of `make
# test`. PYENV_VERSIONS_DIR picks another pyenv root; TEST_VERSIONS_ARGS goes to pytest.
PYENV_VERSIONS_DIR ?= $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions
TEST_VERSIONS_ARGS ?= -x
test-versions:
	@set -e; found=0; failed=""; \
	for py in $(PYENV_VERSIONS_DIR)/3.*/bin/python; do \
	  [ -x "$$py" ] || continue; \
	  ver=$$("$$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || continue; \
	  case $$ver in 3.[0-8]) continue;; esac; \
	  found=1; dir=$(CURDIR)/build/versions/$$ver; \
	  echo "== Python $$ver ($$py)"; \
	  [ -x $$dir/venv/bin/python ] || "$$py" -m venv $$dir/venv; \
	  $$dir/venv/bin/python -m pip install -q --upgrade pip; \
	  $$dir/venv/bin/python -m pip install -q "scikit-build-core>=0.10" cmake ninja pytest hypothesis orjson; \
	  if ! $$dir/venv/bin/python -m pip install -q --no-build-isolation --no-deps \
	      --config-settings=build-dir=$$dir/cmake .; then \
	    echo "== Python $$ver: BUILD FAILED"; failed="$$failed $$ver(build)"; continue; fi; \
	  $$dir/venv/bin/python -m pytest -q -p no:cacheprovider $(TEST_VERSIONS_ARGS) tests \
	    || failed="$$failed $$ver"; \
	done; \
	if [ $$found = 0 ]; then echo "== SKIP test-versions: no pyenv Python 3.9+ in $(PYENV_VERSIONS_DIR)"; exit 0; fi; \
	if [ -n "$$failed" ]; then echo "== test-versions FAILED on:$$failed"; exit 1; fi; \
	echo "== test-versions: all passed"

bench: build
	$(PY) bench/bench.py

clean:
	rm -rf build $(VENV)

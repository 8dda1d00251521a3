"""Replay the fuzz seeds and every saved fuzz finding through the fuzz targets' own
checks: fuzz/corpus/<target>/ (seeds) and fuzz/regressions/<target>/ (inputs that once
crashed or mismatched, copied from build/fuzz/artifacts/). Each finding also gets a
readable test of its own (see test_hostile.py and below)."""
import importlib
import pathlib
import sys
import warnings

import pytest

atheris = pytest.importorskip("atheris")
FUZZ = pathlib.Path(__file__).resolve().parent.parent / "fuzz"


def target(name):
    sys.path.insert(0, str(FUZZ))
    try:
        with warnings.catch_warnings():  # json is already imported: not instrumented here
            warnings.simplefilter("ignore")
            return importlib.import_module(f"fuzz_{name}")
    finally:
        sys.path.remove(str(FUZZ))


def inputs(name):
    return sorted(p for d in ("corpus", "regressions") for p in (FUZZ / d / name).glob("*")
                  if p.is_file() and not p.name.startswith("."))


@pytest.mark.parametrize("path", inputs("loads"), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_loads_replay(path):
    target("loads").one_input(path.read_bytes())


@pytest.mark.parametrize("path", inputs("dumps"), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_dumps_replay(path):
    target("dumps").one_input(path.read_bytes())

"""Shared test configuration: hypothesis profiles and the corpus loader."""
import gzip
import json
import os
import pathlib
import sys

from hypothesis import HealthCheck, settings

sys.path.insert(0, os.path.dirname(__file__))

# Moderate example counts: the suite runs once per SIMD level. RJSON_HYPOTHESIS_PROFILE=
# thorough gives many more examples for a local bug hunt.
_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.data_too_large,
                                                     HealthCheck.filter_too_much])
settings.register_profile("rjson", max_examples=150, **_common)
settings.register_profile("thorough", max_examples=3000, **_common)
settings.load_profile(os.environ.get("RJSON_HYPOTHESIS_PROFILE", "rjson"))

CORPUS_DIR = pathlib.Path(__file__).resolve().parent.parent / "data" / "corpus"
CORPUS_NAMES = ["canada", "citm_catalog", "github_events", "twitter"]

_corpus_cache = {}


def corpus_text(name):
    """The corpus document as text (decompressed from data/corpus/<name>.json.gz)."""
    if name not in _corpus_cache:
        with gzip.open(CORPUS_DIR / f"{name}.json.gz", "rb") as f:
            _corpus_cache[name] = f.read().decode("utf-8")
    return _corpus_cache[name]


def corpus_object(name):
    """A fresh Python object parsed from the corpus document with json.loads."""
    return json.loads(corpus_text(name))


# dumpb follows orjson 3.12+; the newest orjson for Python 3.9 (3.11.x) writes float
# exponents without '+' (1e16, not 1e+16) and lets an empty list sit one level past the
# depth limit. Comparisons against such an orjson skip when that is the whole difference.
def _orjson_is_old():
    try:
        import orjson
    except ImportError:
        return None
    if orjson.dumps(1e16) == b"1e16":
        return f"orjson {orjson.__version__} writes exponents without '+' and has an older depth limit"
    return None


OLD_ORJSON = _orjson_is_old()


def skip_if_old_orjson(got, exp, got_error=None):
    """Skip (not fail) when got differs from orjson's exp only as an old orjson differs."""
    if not OLD_ORJSON:
        return
    import re

    import pytest
    if isinstance(got, bytes) and isinstance(exp, bytes):
        if re.sub(rb"(?<=[0-9])e(?=[0-9])", b"e+", exp) == got:
            pytest.skip(OLD_ORJSON)
    elif isinstance(got, str) and isinstance(exp, str):
        if re.sub(r"(?<=[0-9])e(?=[0-9])", "e+", exp) == got:
            pytest.skip(OLD_ORJSON)
    elif got_error is not None and "Recursion limit" in str(got_error):
        pytest.skip(OLD_ORJSON)

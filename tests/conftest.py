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

"""JSONTestSuite (data/conformance) and the benchmark corpus: rjson.loads accepts exactly
what json.loads accepts and returns the same values, or raises the same error."""
import gzip
import json
import pathlib

import pytest

import rjson
from _compare import assert_same, same_value

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
SUITE = sorted((DATA / "conformance" / "test_parsing").glob("*.json")) + sorted(
    (DATA / "conformance" / "test_transform").glob("*.json"))
CORPUS = sorted((DATA / "corpus").glob("*.json.gz"))


def test_suite_is_present():
    assert len(SUITE) > 300
    assert any(p.name.startswith("n_") for p in SUITE) and any(p.name.startswith("y_") for p in SUITE)


@pytest.mark.parametrize("path", SUITE, ids=lambda p: p.name)
def test_suite_file(path):
    raw = path.read_bytes()
    outcome = assert_same(raw)
    if path.name.startswith("y_"):
        assert outcome[0] == "ok"  # json accepts every y_ file; so must we
    # The same document as str, when it decodes (json decides how).
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
    except UnicodeDecodeError:
        return
    assert_same(text)
    assert_same(bytearray(raw))
    assert_same(raw, rjson_doc=memoryview(raw))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus(path):
    raw = gzip.decompress(path.read_bytes())
    expected = json.loads(raw)
    assert same_value(rjson.loads(raw), expected)
    assert same_value(rjson.loads(raw.decode("utf-8")), expected)
    assert same_value(rjson.loads(memoryview(raw)), expected)

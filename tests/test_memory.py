"""Memory: rjson never attaches a UTF-8 copy to the str objects it serializes
(PyUnicode_AsUTF8 keeps one for the str's whole life; orjson makes one for every
non-ASCII str it sees), and loads' peak is the objects it returns."""
import gc
import gzip
import json
import pathlib
import sys
import tracemalloc

import orjson
import pytest

import rjson

TEXTS = ["caf\u00e9 " * 20, "\u65e5\u672c\u8a9e" * 30, "\U0001f600 emoji " * 10, "lone \ud800 surrogate"]


def fresh(text):
    return (text + "!")[:-1]  # a new str object, no cache attached


@pytest.mark.parametrize("call", [
    lambda o: rjson.dumpb(o), lambda o: rjson.dumps(o), lambda o: rjson.dumps(o, ensure_ascii=False),
    lambda o: rjson.dumps(o, indent=2, sort_keys=True),
], ids=["dumpb", "dumps", "dumps-non-ascii", "dumps-indent-sorted"])
@pytest.mark.parametrize("text", TEXTS, ids=["latin1", "cjk", "emoji", "surrogate"])
def test_no_utf8_copy_left_on_serialized_strs(call, text):
    value, key = fresh(text), fresh(text)
    before = sys.getsizeof(value), sys.getsizeof(key)
    try:
        call({key: [value]})
    except rjson.JSONEncodeError:
        assert "\ud800" in text  # dumpb rejects lone surrogates, as orjson does
    assert (sys.getsizeof(value), sys.getsizeof(key)) == before


def test_the_check_can_see_a_utf8_copy():
    # The same measurement on orjson shows the copy it leaves behind.
    value = fresh(TEXTS[1])
    before = sys.getsizeof(value)
    orjson.dumps([value])
    assert sys.getsizeof(value) > before
    assert json.loads(rjson.dumpb([value])) == [value]


CORPUS = pathlib.Path(__file__).resolve().parent.parent / "data" / "corpus"


def traced_peak_and_result(loads, data):
    """(peak, retained) bytes that tracemalloc sees during loads(data)."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = loads(data)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak - base, current - base


@pytest.mark.parametrize("name", ["twitter", "citm_catalog", "canada", "github_events"])
@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "str"])
def test_loads_peak_memory_is_the_result(name, as_bytes):
    """loads builds the objects in one pass: its peak stays within 10% of the objects it
    returns, and below orjson's (whose DOM and input copy come first)."""
    text = gzip.open(CORPUS / f"{name}.json.gz", "rt", encoding="utf-8").read()
    data = text.encode() if as_bytes else text
    peak, retained = traced_peak_and_result(rjson.loads, data)
    orjson_peak, _ = traced_peak_and_result(orjson.loads, data)
    assert peak <= retained * 1.1 + 64 * 1024, (peak, retained)
    assert peak < orjson_peak, (peak, orjson_peak)


@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "str"])
def test_floats_come_from_the_current_object_allocator(as_bytes):
    """Floats are allocated through the object allocator fetched at the parse's start:
    with tracemalloc on, each one is traced (it was allocated through its hook)."""
    text = "[" + ", ".join(f"{i}.{i:04d}e{i % 30}" for i in range(1, 200)) + "]"
    data = text.encode() if as_bytes else text
    tracemalloc.start()
    try:
        result = rjson.loads(data)
        traced = [tracemalloc.get_object_traceback(x) is not None for x in result]
    finally:
        tracemalloc.stop()
    assert result == json.loads(text)
    assert all(traced)
    assert rjson.loads(data) == result  # and again without tracemalloc

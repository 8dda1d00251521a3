"""rjson never attaches a UTF-8 copy to the str objects it serializes (PyUnicode_AsUTF8
keeps one for the str's whole life; orjson makes one for every non-ASCII str it sees)."""
import json
import sys

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

"""Keys written again from their stored text (encode/key_text.hpp): byte output (dumpb,
dumps with ensure_ascii) copies a key object's text back once the encoder has written
that object and some dicts. Every case compares with json / orjson, with the same key
objects shared by many dicts, as json.loads makes them."""
import json
import sys

import orjson
import pytest

import rjson

# Keys of every length around the stored text's limit (31 bytes with quotes and
# separator), needing escapes, or past ASCII (stored as written for dumpb; never
# stored by dumps, which escapes them on the general path).
KEYS = (
    [("k" * n) for n in range(0, 40)]
    + ['q"uote', "back\\slash", "tab\there", "nl\n", "\x00", "\x7f"]
    + ["é", "café", "ÿ" * 12, "中文", "中" * 10, "😀", "a😀b" * 4, "\ud800"]
)


def _same(obj, **kw):
    assert rjson.dumps(obj, **kw) == json.dumps(obj, **kw)


def _same_b(obj):
    try:
        want = orjson.dumps(obj)
    except orjson.JSONEncodeError:
        with pytest.raises(rjson.JSONEncodeError):
            rjson.dumpb(obj)
        return
    assert rjson.dumpb(obj) == want


@pytest.mark.parametrize("key", KEYS, ids=range(len(KEYS)))
def test_shared_key_in_many_dicts(key):
    # One key object in many dicts, beside others: written fresh, then from the cache.
    other = "other"
    obj = [{key: i, other: [i], "n": None} for i in range(40)]
    obj.append({"nested": [{key: {key: {key: 1}}} for _ in range(12)]})
    _same_b(obj)
    for kw in ({}, {"ensure_ascii": False}, {"separators": (",", ":")}, {"indent": 2}, {"sort_keys": True},
               {"separators": ("\t,", " : ")}):
        _same(obj, **kw)


def test_many_distinct_keys_colliding():
    # More key objects than slots: slots are taken over again and again.
    keys = [f"key{i:05d}" for i in range(3000)]
    obj = [{k: j for k in keys[j::7]} for j in range(7)] * 3
    _same_b(obj)
    _same(obj)
    _same(obj, sort_keys=True)


def test_keys_near_buffer_ends():
    # A key's stored text is copied whole (32 bytes): at every offset near the end of
    # the writer's buffer, the output is still exact.
    key = "abcdefghijklmnopqrstuvwxyz"
    for pad in range(0, 300, 7):
        obj = ["x" * pad] + [{key: i, "b": "y" * (i % 40)} for i in range(200)]
        _same_b(obj)
        _same(obj)


def test_new_keys_from_default_after_old_ones_are_freed():
    # default= makes fresh key objects each time; those of earlier calls are freed, so
    # new keys may come at addresses that held other keys. The cache holds its keys, so
    # an address it knows still holds that key.
    class Thing:
        def __init__(self, i):
            self.i = i

    def default(o):
        return {("fresh" + str(o.i % 5)) * (1 + o.i % 3): o.i, ("k" + str(o.i)): [o.i]}

    obj = [{"t": Thing(i), "u": {"v": i}} for i in range(300)]
    want = orjson.dumps(obj, default=default)
    assert rjson.dumpb(obj, default=default) == want
    assert rjson.dumps(obj, default=default) == json.dumps(obj, default=default)


def test_default_mutating_dicts_keys():
    # default= deletes and adds keys of dicts still to be written: their new keys are
    # new objects (the cache holds the old ones alive), and the text follows them.
    later = [{"aaaa": 1, "bbbb": 2} for _ in range(20)]

    def default(o):
        for d in later:
            d.clear()
            d["aaaa" + "x"] = 3
        return None

    obj = [{"aaaa": 0, "bbbb": 1} for _ in range(20)] + [object()] + later
    got = rjson.dumpb(obj, default=default)
    later[:] = [{"aaaa": 1, "bbbb": 2} for _ in range(20)]
    obj = [{"aaaa": 0, "bbbb": 1} for _ in range(20)] + [object()] + later
    assert got == orjson.dumps(obj, default=default)


def test_key_references_released():
    key = "".join(["refcounted", "key"])  # a fresh object, not interned
    obj = [{key: i} for i in range(100)]
    before = sys.getrefcount(key)
    for _ in range(3):
        rjson.dumpb(obj)
        rjson.dumps(obj)
    assert sys.getrefcount(key) == before

"""Every API call, success and error paths, repeated: no growth of traced memory and no
change in the reference counts of the arguments.

tracemalloc sees the Python allocators (PyMem_*/PyObject_*: every Python object and every
buffer the extension takes through PyMem), not plain malloc/new. The default run repeats
each call N_FAST times; RJSON_LONG_TESTS=1 (`make test-long`) repeats it 100,000 times.
"""
import gc
import io
import json
import sys
import tracemalloc

import pytest

import rjson
from hardening_support import LONG

N = 100_000 if LONG else 1_500
WARMUP = 1_000
# One leaked small object (>= 32 bytes) per call adds N * 32 >= 48 KiB per window.
SLACK = 24 * 1024


class Unknown:
    pass


class Boom(Exception):
    pass


def raising_default(obj):
    raise Boom("no")


def str_default(obj):
    return "u"


def growth(fn):
    """Traced bytes added by N calls, after a warm-up.

    Measured over two consecutive windows of N calls and the smaller one returned: a real
    leak grows in both, while CPython's own bounded caches (the type attribute cache keeps
    the names it looked up, for one) fill up in the first and stop.
    """
    for _ in range(WARMUP):
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        windows = []
        for _ in range(2):
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(N):
                fn()
            gc.collect()
            windows.append(tracemalloc.get_traced_memory()[0] - before)
        return min(windows)
    finally:
        tracemalloc.stop()


def call_quietly(fn, *args, expect=None, **kw):
    def call():
        if expect is None:
            fn(*args, **kw)
        else:
            try:
                fn(*args, **kw)
            except expect:
                pass
            else:
                raise AssertionError(f"{fn.__name__} did not raise {expect}")
    return call


def check(fn, *args, expect=None, **kw):
    watched = list(args) + list(kw.values())
    for a in list(watched):  # the elements of containers too
        if isinstance(a, (list, tuple)):
            watched += list(a)
        elif isinstance(a, dict):
            watched += list(a) + list(a.values())
    # None/True/False are shared with the whole interpreter: their counts are noise.
    watched = [a for a in watched if a is not None and not isinstance(a, bool)]
    gc.collect()  # garbage left by earlier tests may still hold references to shared objects
    refs = [sys.getrefcount(a) for a in watched]
    grew = growth(call_quietly(fn, *args, expect=expect, **kw))
    assert grew < SLACK, f"{grew} bytes still traced after {N} calls"
    after = [sys.getrefcount(a) for a in watched]
    assert after == refs, f"reference counts changed: {refs} -> {after}"


DOC = {"name": "caf\u00e9 \U0001f600", "id": 12345678901234567890, "pi": 3.14159, "ok": True,
       "none": None, "list": [1, 2.5, "x\n\"y\"", [], {}], "nested": {"a": [{"b": -0.0}]}}
TEXT = json.dumps(DOC, ensure_ascii=False)

DUMPS_KWARGS = [
    {}, {"ensure_ascii": False}, {"indent": 2}, {"indent": "\t"}, {"separators": (",", ":")},
    {"sort_keys": True}, {"allow_nan": False}, {"skipkeys": True}, {"check_circular": False},
    {"default": str_default}, {"cls": json.JSONEncoder},
]


@pytest.mark.parametrize("kw", DUMPS_KWARGS, ids=lambda kw: ",".join(kw) or "plain")
def test_dumps(kw):
    obj = dict(DOC, extra=Unknown()) if "default" in kw else DOC
    check(rjson.dumps, obj, **kw)


@pytest.mark.parametrize("doc", [TEXT, TEXT.encode(), bytearray(TEXT.encode()),
                                 TEXT.encode("utf-16"), '"\\ud800 lone"', "NaN"],
                         ids=["str", "bytes", "bytearray", "utf16", "lone-surrogate", "nan"])
def test_loads(doc):
    check(rjson.loads, doc)


def test_loads_hooks():
    check(rjson.loads, TEXT, object_hook=dict, parse_float=float, parse_int=int)
    check(rjson.loads, TEXT, object_pairs_hook=list, parse_constant=str)


def test_dump_load_files():
    def roundtrip():
        buf = io.StringIO()
        rjson.dump(DOC, buf)
        buf.seek(0)
        rjson.load(buf)
    check(roundtrip)


@pytest.mark.parametrize("doc", ['{"a": 1,}', "[1, 2", '"abc', '{"a" 1}', "[1] x", "",
                                 '"\\uZZZZ"', '"\x01"', "\ufeff[]", b"\xff\xfe\x00", b'"\xc3"',
                                 "[-]", "1e", "[" * 5000, "1" * 5000],
                         ids=lambda d: repr(d[:10]))
def test_loads_errors(doc):
    # JSONDecodeError, UnicodeDecodeError, RecursionError and the int digit limit.
    check(rjson.loads, doc, expect=(ValueError, RecursionError))


def circular():
    a = [1, {"k": None}]
    a[1]["k"] = a
    return a


def deep(n):
    x = []
    for _ in range(n):
        x = [x]
    return x


DUMPS_ERRORS = [
    ("unsupported", [Unknown()], {}, TypeError),
    ("default-raises", [Unknown()], {"default": raising_default}, Boom),
    ("circular", circular(), {}, ValueError),
    # Past the C recursion limit of every version (10000 on 3.13, sys.getrecursionlimit() to 3.11).
    ("recursion", deep(30000), {}, RecursionError),
    ("nan", [float("nan")], {"allow_nan": False}, ValueError),
    ("inf-indent", {"x": float("inf")}, {"allow_nan": False, "indent": 1}, ValueError),
    ("bad-key", {(1, 2): 3}, {}, TypeError),
    ("mixed-keys-sorted", {1: 1, "a": 2}, {"sort_keys": True}, TypeError),
    ("huge-int", [10 ** 5000], {}, ValueError),
]


@pytest.mark.parametrize("obj,kw,exc", [c[1:] for c in DUMPS_ERRORS],
                         ids=[c[0] for c in DUMPS_ERRORS])
def test_dumps_errors(obj, kw, exc):
    check(rjson.dumps, obj, expect=exc, **kw)


# ---- dumpb: orjson conventions -------------------------------------------------------

# orjson's flags that rjson.dumpb supports (it exports each one it implements).
@pytest.mark.parametrize("option", [""] + [name for name in (
    "OPT_INDENT_2", "OPT_SORT_KEYS", "OPT_APPEND_NEWLINE", "OPT_NON_STR_KEYS") if hasattr(rjson, name)])
def test_dumpb(option):
    obj = dict(DOC, id=1234567890123)  # orjson: no integers beyond 64 bits
    if option == "OPT_NON_STR_KEYS":
        obj[7] = "seven"
    check(rjson.dumpb, obj, option=getattr(rjson, option) if option else None)
    check(rjson.dumpb, [Unknown(), 1], default=str_default)


@pytest.mark.parametrize("obj,kw", [
    ([Unknown()], {}), ([Unknown()], {"default": raising_default}), (circular(), {}),
    (deep(5000), {}), ([10 ** 30], {}), ({1: 2}, {}), (["\ud800"], {}), ({"\udfff": 1}, {}),
], ids=["unsupported", "default-raises", "circular", "deep", "big-int", "int-key",
        "lone-surrogate", "surrogate-key"])
def test_dumpb_errors(obj, kw):
    check(rjson.dumpb, obj, expect=(rjson.JSONEncodeError, RecursionError), **kw)


def test_detector_catches_a_leak():
    """The checker itself: a call that keeps one small object per call is caught."""
    kept = []
    with pytest.raises(AssertionError, match="still traced"):
        check(lambda: kept.append(object()))


def test_detector_catches_a_reference_leak():
    """A call that keeps one more reference to its argument is caught."""
    kept = []
    with pytest.raises(AssertionError, match="still traced|reference counts changed"):
        check(kept.append, "a string argument " * 3)

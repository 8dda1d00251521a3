"""Number decoding against json.loads at the boundaries of the fast paths: the one-word
integer part (up to 7 digits), the one-pass float path (float_tail: up to 19 digits in all,
fraction words of 8, exponents of up to 3 digits, 40 units of room after the number's
start), the exact-double and 64-bit product conversions, and ints around the small-int cache."""
import json
import math
import random
import struct
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rjson
from _compare import assert_same, outcome

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAD = ", " + "1" * 48  # room for the fast paths after the number


def bits(x):
    return struct.pack("<d", x) if isinstance(x, float) else x


def check_many(texts):
    """One document of all the texts (fast paths) and each alone (the end of input)."""
    import json
    for doc in ("[" + ", ".join(texts) + PAD + "]", "[" + ",".join(texts) + "]"):
        for d in (doc, doc.encode()):
            got, want = rjson.loads(d), json.loads(d)
            assert [type(x) for x in got] == [type(x) for x in want]
            bad = [(t, g, w) for t, g, w in zip(texts, got, want) if bits(g) != bits(w)]
            assert not bad, bad[:5]
    for t in texts:
        assert_same(t)


def test_digit_counts_around_words():
    # Integer parts of 1..9 digits, fractions of 0..25 digits, with every exponent form.
    texts = []
    for sign in ("", "-"):
        for ni in range(1, 10):
            for nf in range(0, 26):
                ip = "1234567890"[:ni] if ni > 1 else "7"
                fp = ("98765432109876543210987654321"[:nf])
                base = sign + ip + ("." + fp if nf else "")
                for exp in ("", "e0", "E5", "e+12", "e-7", "e308", "e-324", "e-999", "e1000", "e0001", "E+022"):
                    texts.append(base + exp)
    check_many(texts)


def test_zero_forms():
    texts = ["0", "-0", "0.0", "-0.0", "0e0", "-0e-5", "0.000", "-0.0000000000000000000", "0E+400", "-0e400",
             "0.0000000000000000001", "0.00000000000000000001", "0." + "0" * 17 + "5e10"]
    check_many(texts)


@pytest.mark.parametrize("n", [14, 15, 16, 17, 18, 19, 20, 21])
def test_integer_digit_counts(n):
    rng = random.Random(n)
    texts = []
    for _ in range(200):
        v = rng.randrange(10 ** (n - 1), 10 ** n)
        texts += [str(v), "-" + str(v), str(10 ** n - 1), str(10 ** (n - 1)), "-" + str(10 ** n - 1)]
    texts += [str(2 ** 63 - 1), str(2 ** 63), str(-(2 ** 63)), str(-(2 ** 63) - 1), str(2 ** 64 - 1), str(2 ** 64)]
    check_many(texts)


def test_one_digit_int_objects():
    # Around the small-int cache (-5..256) and the one-digit limit (2^30 - 1).
    vals = list(range(-300, 300)) + [2 ** 30 - 1, 2 ** 30, 2 ** 30 + 1, -(2 ** 30 - 1), -(2 ** 30), 10 ** 7 - 1,
                                    10 ** 7, -(10 ** 7), 10 ** 8 - 1, 2 ** 31]
    got = rjson.loads("[" + ",".join(map(str, vals)) + "]")
    assert got == vals
    assert [hash(x) for x in got] == [hash(x) for x in vals]
    assert [x.bit_length() for x in got] == [x.bit_length() for x in vals]
    assert [(-x, x * 3, x >> 1, x // 7) for x in got] == [(-x, x * 3, x >> 1, x // 7) for x in vals]
    assert [x.to_bytes(8, "little", signed=True) for x in got] == [x.to_bytes(8, "little", signed=True) for x in vals]
    assert all(x is y for x, y in zip(got, vals) if -5 <= x <= 256)
    # The shared objects' table: "-0" and the ends, from bytes and str, at every path.
    for text in ("[-0,0,-5,-6,256,257,-256]", "-0", "256", " -5 ", '{"a":-0,"b":256}', "[1.5,-0,7e0,3]"):
        assert rjson.loads(text) == json.loads(text)
        assert rjson.loads(text.encode()) == json.loads(text)
    assert rjson.loads("-0") is int("0") and rjson.loads(b"[256]")[0] is int("256")


def test_hard_roundings():
    # Halfway cases and many-digit mantissas that must round exactly as float(text).
    texts = ["9007199254740993", "9007199254740993.0", "9007199254740992.5", "9007199254740993.0000000001",
             "1.00000000000000011102230246251565404236316680908203125",
             "1.0000000000000001110223024625156540423631668090820312",
             "1.0000000000000001110223024625156540423631668090820313",
             "2.2250738585072011e-308", "2.2250738585072012e-308", "4.9406564584124654e-324",
             "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
             "1.7976931348623158e308", "1.7976931348623159e308", "8.98846567431158e307",
             "0.1", "0.2", "0.3", "123.45", "5e-324", "1e23", "8.5e-323", "9.88131291682493e-324"]
    check_many(texts)


@SETTINGS
@given(st.integers(min_value=0, max_value=2 ** 64 - 1))
def test_bit_patterns_in_context(b):
    x = struct.unpack("<d", struct.pack("<Q", b))[0]
    if not math.isfinite(x):
        return
    # repr (up to 17 digits), fixed 1-7 digit integer parts, and subnormal-sized values.
    check_many([repr(x), "%.17e" % x, "%.16e" % x, "%.15e" % x, "%.18e" % x, "%.7g" % x, "%.12f" % (x % 1e6)])


@SETTINGS
@given(st.integers(min_value=0, max_value=10 ** 19), st.integers(min_value=-345, max_value=330))
def test_mantissa_exponent(m, e):
    s = str(m)
    check_many([f"{s}e{e}", f"{s[:1]}.{s[1:] or '0'}e{e}", f"-{s[:7]}.{s[7:] or '0'}e{e}", f"0.{s}e{e}"])


def test_int_objects_by_digit_count():
    # Ints are built in place (1 to 3 30-bit digits): around each digit boundary, both
    # signs, every path that makes them (short, 8-18 digits, 19 digits, at the end of
    # the input), the object must be int(text)'s: value, size, hash, arithmetic.
    edges = [2 ** 30, 2 ** 60, 2 ** 63, 2 ** 64, 10 ** 7, 10 ** 18, 10 ** 19]
    vals = [m + d for m in edges for d in (-2, -1, 0, 1)] + [257, 1000, 999999, 12345678]
    vals += [-v for v in vals]
    for doc in ("[" + ", ".join(map(str, vals)) + "]", "[" + ",".join(map(str, vals)) + "]"):
        for d in (doc, doc.encode()):
            got = rjson.loads(d)
            assert got == vals
            assert [sys.getsizeof(x) for x in got] == [sys.getsizeof(int(str(v))) for v in vals]
            assert [(x.bit_length(), hash(x), -x, x * 3 + 1, x >> 29, x // 7) for x in got] == \
                   [(v.bit_length(), hash(v), -v, v * 3 + 1, v >> 29, v // 7) for v in vals]
    for v in vals:
        assert_same(str(v))
        assert_same(str(v).encode())


def test_int_allocations_traced():
    # Ints are set up without PyObject_Init where that only re-records tracemalloc's
    # traceback: each allocation is still traced, to the caller's line, at its size.
    import tracemalloc
    keep = [None] * 4

    def traced(fn, arg, slot):
        before = tracemalloc.get_traced_memory()[0]
        keep[slot] = fn(arg)
        return tracemalloc.get_traced_memory()[0] - before

    for v in (1000, -(2 ** 30), 2 ** 45, -(2 ** 62), 2 ** 64 - 1):
        doc = "[" + ",".join([str(v)] * 1000) + "]"
        zeros = "[" + ",".join(["0"] * 1000) + "]"
        tracemalloc.start()
        try:
            one = traced(int, str(v), 0) - traced(int, "0", 1)
            extra = traced(rjson.loads, doc, 2) - traced(rjson.loads, zeros, 3)
            snap = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
        # int(text)'s size, or PyLong_FromLong's (rounded up to 8) where that is used;
        # a few bytes of slack for the interpreter's own bookkeeping.
        assert one > 0 and 1000 * one - 64 <= extra <= 1000 * -(-one // 8 * 8) + 64, (v, extra, one)
        here = [s for s in snap.statistics("lineno") if s.traceback[0].filename == __file__]
        assert sum(s.size for s in here) >= 1000 * one
        keep[:] = [None] * 4


def test_exponent_digit_forms():
    # float_tail reads four chars after the exponent's sign whatever they are, and takes
    # 1 to 3 digits by compare: every count, with what may follow it.
    texts = []
    for base in ("1", "-7.5", "123.4567890123"):
        for sign in ("", "+", "-"):
            for digits in ("", "0", "5", "09", "99", "308", "999", "0001", "1234"):
                for after in ("", "x", ".5", "e1", " "):
                    texts.append(base + "e" + sign + digits + after)
    for t in texts:
        for doc in (t, "[" + t + "]", "[" + t + ", 1.5e-3]", '{"k": ' + t + "}"):
            assert_same(doc)
            assert_same(doc.encode())


def test_mantissa_words_without_the_point():
    # float_tail reads the mantissa with the point taken out: the integer digits and the
    # first fraction word as one word, then words at fixed offsets past the point. Every
    # integer length with every fraction length, the point with nothing after it, and
    # every str kind (wide units are read as bytes).
    texts = []
    for ni in range(1, 9):
        for nf in range(0, 21):
            ip = ("9" + "0123456789" * 2)[:ni]
            fp = "5" + "0987654321" * 3
            t = ip + "." + fp[:nf]
            texts += [t, "-" + t, t + "e-5", t + "E+300"]
    for t in texts:
        for doc in (t, "[" + t + "]", "[" + t + PAD + "]", "[" + t + ', "中"' + PAD + "]",
                    "[" + t + ', "😀"' + PAD + "]", "[" + t + "x" + PAD + "]"):
            assert_same(doc)
            assert_same(doc.encode())


@pytest.mark.parametrize("text", [
    "[" + ",".join(map(str, range(-300, 700))) + "]",                       # outermost list on the heap stack
    "[[" + ",".join(["1.5"] * 300) + "], 2]",                                # stack grew inside, outer list small
    "[" + ",".join(['{"a": [1, 2]}', '"s"', "null", "[]"] * 100) + "]",     # mixed items
    '{"k": [' + ",".join(["7"] * 500) + "]}",                                # not outermost
    "[" + ",".join(["1"] * 128) + "]", "[" + ",".join(["1"] * 129) + "]",    # the inline stack's edge
    "[" + ",".join(map(str, range(40000))) + "]",                            # large block, kept untrimmed
    "[[" + ",".join(["0"] * 100000) + "]," + ",".join(["2"] * 30000) + "]",  # block mostly unused: copied
])
def test_outermost_list_takes_the_stack(text):
    for doc in (text, text.encode()):
        got = rjson.loads(doc)
        assert got == json.loads(text)
        # The list's own growth and shrinking on the adopted block.
        lst = got if isinstance(got, list) else got["k"]
        n = len(lst)
        lst.extend(range(1000))
        lst.append(1)
        del lst[n // 2:]
        lst.insert(0, None)
        assert len(lst) == n // 2 + 1


def test_short_ints_mixed_with_shared_small_ints():
    # Shared small ints and allocated ints at random, across many batches of blocks:
    # values, identity of the shared ones, and no leaked or double-counted reference.
    import random
    import sys
    rng = random.Random(5)
    values = [rng.choice([rng.randint(-6, 257), rng.randint(-9999999, 9999999)]) for _ in range(5000)]
    text = "[" + ", ".join(map(str, values)) + "]"
    for doc in (text, text.encode()):
        got = rjson.loads(doc)
        assert got == values
        assert not [v for v, g in zip(values, got) if -5 <= v <= 256 and g is not int(str(v))]
        got = None

        def counts(loads):
            # References to the shared 7 that a result holds, and that remain after it
            # goes (none from 3.12, where small ints are immortal: json is the measure).
            before = sys.getrefcount(7)
            result = loads(doc)
            during = sys.getrefcount(7)
            result = None
            return during - before, sys.getrefcount(7) - before

        assert counts(rjson.loads) == counts(json.loads)


def test_long_int_parts_in_every_width():
    # 8+ digit integer parts go on from the word the short-int test read, and one digit
    # past a word takes its own step: every length, sign and follower, in str of each
    # kind and bytes.
    for digits in range(8, 21):
        for lead in ("1", "9"):
            text = lead + "0123456789012345678901"[: digits - 1]
            for sign in ("", "-"):
                for tail in ("", ",1", "]", " ", ".5", "e3", "x"):
                    for wide in ("", "\u00e9", "\u4e2d", "\U0001f600"):
                        doc = f'["{wide}", {sign}{text}{tail}'
                        doc += "" if tail == "x" else "]"
                        for arg in (doc, doc.encode()):
                            assert outcome(rjson.loads, arg) == outcome(json.loads, arg), (arg, tail)

"""Number text: the fast shortest-float writer against repr, orjson and std::to_chars;
integers against str().

_rjson._format_float(x, style) is a private hook: styles 0/1 are the fast path laid out
as repr / orjson does, 2/3 the same layouts over std::to_chars digits.
"""
import array
import json
import math
import random
import struct

import orjson
import pytest
from hypothesis import given, strategies as st

import rjson
from conftest import skip_if_old_orjson
from rjson import _rjson

FAST_REPR, FAST_ORJSON, STD_REPR, STD_ORJSON = range(4)
fmt = _rjson._format_float


def from_bits(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def orjson_text(x):
    return orjson.dumps(x).decode()


def check(x):
    """Every path agrees on x: the hook, dumps against json, dumpb against orjson."""
    r = repr(x)
    o = orjson_text(x)
    assert fmt(x, FAST_REPR) == r
    assert fmt(x, STD_REPR) == r
    assert rjson.dumps([x]) == json.dumps([x])
    skip_if_old_orjson(fmt(x, FAST_ORJSON), o)
    assert fmt(x, FAST_ORJSON) == o
    assert fmt(x, STD_ORJSON) == o
    assert rjson.dumps([x]) == json.dumps([x])
    assert rjson.dumpb(x) == orjson.dumps(x)


def edge_values():
    vals = [0.0, 5e-324, 1e-323, 2.2250738585072014e-308, 2.225073858507201e-308,
            1.7976931348623157e308, 1.7976931348623155e308, 0.1, 0.2, 0.3, 1 / 3, 2 / 3,
            9007199254740992.0, 9007199254740993.0, 4503599627370496.5, 123456789.0]
    # Subnormals: the smallest few, the largest few, and single-bit significands.
    vals += [from_bits(b) for b in range(1, 64)]
    vals += [from_bits((1 << 52) - b) for b in range(1, 64)]
    vals += [from_bits(1 << i) for i in range(52)]
    vals += [from_bits((1 << i) - 1) for i in range(1, 53)]
    # Every power of two (the irregular intervals) and its neighbours.
    for e in range(-1074, 1024):
        p = math.ldexp(1.0, e)
        vals += [p, math.nextafter(p, 0.0), math.nextafter(p, math.inf)]
    # Powers of ten and their neighbours; layout boundaries 1e16, 1e-4, 1e-5.
    for e in range(-323, 309):
        t = float(f"1e{e}")
        vals += [t, math.nextafter(t, 0.0), math.nextafter(t, math.inf)]
    for t in (1e16, 1e-4, 1e-5, 1e15, 1e17, 1e-3, 1e-6):
        for d in (1.0, 9.999999999999999, 9.5, 1.5, 1.0000000000000002, 0.9999999999999999):
            vals += [t * d, t * d / 10, math.nextafter(t * d, 0.0), math.nextafter(t * d, math.inf)]
    vals += [9999999999999998.0, 9999999999999999.0, 0.00009999999999999999, 0.0001000000000000001]
    # Integer-valued doubles past 2^53, where exact ties between two candidates occur.
    vals += [float(m * 10 ** e) for m in (1, 5, 15, 25, 125, 999, 1023) for e in range(14, 24)]
    vals += [float((1 << 53) + i) * (1 << s) for i in range(0, 40, 3) for s in range(0, 12)]
    return [v for x in vals for v in (x, -x)]


def test_edges():
    for x in edge_values():
        check(x)


@given(st.integers(0, (1 << 64) - 1))
def test_random_bit_patterns(bits):
    x = from_bits(bits)
    if math.isfinite(x):
        check(x)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_hypothesis_floats(x):
    check(x)


@given(st.integers(-(10 ** 6), 10 ** 6), st.integers(-12, 12))
def test_short_decimals(m, e):
    # Short decimals as people write them (1.5, 0.25, 3e-7): the common case.
    check(float(f"{m}e{e}"))


def test_few_fraction_bits():
    # Doubles whose scaled value or interval ends are exact (a few fraction bits, near
    # 2^53, or integers times small powers of two): where the product's rounding can
    # not decide and the exact search answers. Random significands with their low bits
    # cleared, over the binary exponents where that happens, and a little around them.
    rng = random.Random(5)
    for q in range(-70, 14):
        for zeros in range(0, 53, 2):
            for _ in range(12):
                c = (rng.getrandbits(52) >> zeros << zeros) | (1 << 52)
                x = math.ldexp(float(c), q)
                for y in (x, math.nextafter(x, 0.0), math.nextafter(x, math.inf)):
                    assert fmt(y, FAST_REPR) == repr(y)
                    assert fmt(y, FAST_ORJSON) == fmt(y, STD_ORJSON)


def test_layout_boundaries():
    # Every digit count n (1, 2, 16, 17 and between) at every decimal-point position
    # around the layout changes (0.000DIGITS, DIG.ITS, DIGITS0.0, exponent): point =
    # -5..1 and 15..18, both signs; also the short significands the exact search gives
    # (integers below 2^53, powers of two, subnormals) and zero.
    digits = "12345678901234567"
    vals = [0.0, 1.0, 2.0, 0.5, 5e-324, 2.5e-323, 9007199254740991.0, 4503599627370496.0]
    for n in range(1, 18):
        for point in list(range(-6, 3)) + list(range(14, 19)):
            vals.append(float(f"0.{digits[:n]}e{point}"))
            vals.append(float(f"0.{'9' * n}e{point}"))
    vals += [float(f"1e{e}") for e in range(-7, 19)]
    vals += [float(f"{m}") for m in (1, 12, 123, 1234567, 123456789012345, 1234567890123456, 12345678901234567)]
    for x in vals:
        check(x)
        check(-x)


def test_every_binade():
    # The fast search takes its 10^-k multiplier for each binary exponent from a row of
    # its own (pre-shifted to that exponent): every row, at random significands and the
    # binade's ends.
    rng = random.Random(7)
    for biased in range(1, 2047):
        fractions = [0, 1, (1 << 52) - 1] + [rng.getrandbits(52) for _ in range(40)]
        for f in fractions:
            x = from_bits((biased << 52) | f)
            assert fmt(x, FAST_REPR) == repr(x)
            assert fmt(x, FAST_ORJSON) == fmt(x, STD_ORJSON)


def test_million_bit_patterns():
    rng = random.Random(20240611)
    xs = array.array("d", rng.randbytes(8 * 1_000_000))
    xs = [x for x in xs if math.isfinite(x)]
    got = [fmt(x, FAST_REPR) for x in xs]
    want = [repr(x) for x in xs]
    if got != want:
        bad = [(x, g, w) for x, g, w in zip(xs, got, want) if g != w]
        pytest.fail(f"{len(bad)} mismatches, first: {bad[:3]}")
    # The orjson layout of the same digits, on a slice (orjson.dumps per call is slower).
    part = xs[:100_000]
    assert [fmt(x, FAST_ORJSON) for x in part] == [fmt(x, STD_ORJSON) for x in part]


def test_dumps_float_array():
    rng = random.Random(7)
    xs = [from_bits(rng.getrandbits(64)) for _ in range(20_000)]
    xs = [x for x in xs if math.isfinite(x)] + edge_values()
    assert rjson.dumps(xs) == json.dumps(xs)
    skip_if_old_orjson(rjson.dumpb(xs), orjson.dumps(xs))
    assert rjson.dumpb(xs) == orjson.dumps(xs)


def test_dumps_float_pairs():
    # Short lists of floats ([x, y] as in GeoJSON), which the lane writes without
    # entering a container, with the float writer inlined there: every output form.
    rng = random.Random(11)
    xs = [from_bits(rng.getrandbits(64)) for _ in range(20_000)]
    xs = [x for x in xs if math.isfinite(x)] + edge_values()
    doc = {"coordinates": [[[xs[i], xs[i + 1]] for i in range(0, len(xs) - 1, 2)], [(x,) for x in xs[:500]]]}
    assert rjson.dumps(doc) == json.dumps(doc)
    assert rjson.dumps(doc, ensure_ascii=False, separators=(",", ":")) == json.dumps(
        doc, ensure_ascii=False, separators=(",", ":"))
    skip_if_old_orjson(rjson.dumpb(doc), orjson.dumps(doc))
    assert rjson.dumpb(doc) == orjson.dumps(doc)


def int_edges():
    vals = [0, 1, 9, 10, 99, 100, 999, 1000]
    for p in range(1, 20):
        vals += [10 ** p - 1, 10 ** p, 10 ** p + 1]
    for b in range(1, 65):
        vals += [(1 << b) - 1, 1 << b, (1 << b) + 1]
    vals += [2 ** 63 - 1, 2 ** 63, 2 ** 64 - 1]
    vals = [v for x in vals for v in (x, -x)]
    return [v for v in vals if -(2 ** 63) <= v < 2 ** 64]


def test_lists_of_lists_mixed():
    # A nested list that starts with a list takes a loop that looks at the items 8..23
    # ahead (their types, sizes and first and last items): items of every kind there,
    # empty and long lists among them, and such lists near their ends.
    rng = random.Random(13)
    kinds = [lambda: [rng.random(), rng.random()], lambda: [], lambda: [1] * 20, lambda: (1.5, 2.5),
             lambda: "s", lambda: 7, lambda: None, lambda: {"a": [1.0]}, lambda: [[0.5]], lambda: 2.0]
    for n in (24, 25, 26, 31, 32, 40, 100, 1000):
        ring = [[0.1, 0.2]] + [rng.choice(kinds)() for _ in range(n - 1)]
        doc = {"coordinates": [ring, [[x] for x in range(n)]]}
        assert rjson.dumps(doc) == json.dumps(doc)
        assert rjson.dumps(doc, ensure_ascii=False, separators=(",", ":")) == json.dumps(
            doc, ensure_ascii=False, separators=(",", ":"))
        assert json.loads(rjson.dumpb(doc)) == json.loads(json.dumps(doc))


def test_int_edges():
    vals = int_edges()
    assert rjson.dumps(vals) == json.dumps(vals)
    skip_if_old_orjson(rjson.dumpb(vals), orjson.dumps(vals))
    assert rjson.dumpb(vals) == orjson.dumps(vals)
    for v in vals:
        assert rjson.dumps(v) == str(v)
        assert rjson.dumpb(v) == str(v).encode()


@given(st.integers(-(2 ** 63), 2 ** 64 - 1))
def test_random_ints(v):
    assert rjson.dumps([v]) == f"[{v}]"
    assert rjson.dumpb([v]) == f"[{v}]".encode()


def test_many_ints():
    rng = random.Random(3)
    vals = [rng.randint(-(2 ** 63), 2 ** 63 - 1) >> rng.randint(0, 63) for _ in range(50_000)]
    vals += [rng.randint(0, 2 ** 64 - 1) >> rng.randint(0, 63) for _ in range(10_000)]
    assert rjson.dumps(vals) == json.dumps(vals)
    assert rjson.dumpb(vals) == b"[" + ",".join(map(str, vals)).encode() + b"]"

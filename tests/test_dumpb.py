"""rjson.dumpb against the oracle orjson.dumps (orjson 3.13, no options).

Inside orjson's domain the bytes must be identical; outside it both must reject, with
rjson raising rjson.JSONEncodeError (a TypeError) for non-str keys, ints beyond 64 bits,
lone surrogates and unsupported types, and a TypeError for the rest (too deep, circular,
default failing).

RJSON_TEST_DUMPB_IMPL=orjson runs every comparison against orjson.dumps itself, to check
that the tests are right; the few tests of rjson's own contract (option values orjson
accepts but rjson does not) are skipped then.
"""
import collections
import os

import orjson
import pytest
from hypothesis import given, strategies as st

import rjson
import strategies as S
from conftest import CORPUS_NAMES, corpus_object, skip_if_old_orjson

IMPL = os.environ.get("RJSON_TEST_DUMPB_IMPL", "rjson")
if IMPL == "orjson":
    dumpb = orjson.dumps
    EncodeError = orjson.JSONEncodeError
elif IMPL == "rjson":
    dumpb = rjson.dumpb
    EncodeError = rjson.JSONEncodeError
else:
    raise RuntimeError(f"RJSON_TEST_DUMPB_IMPL={IMPL!r}: expected rjson or orjson")

rjson_only = pytest.mark.skipif(IMPL != "rjson", reason="rjson's own contract")


def outcome(fn, *args, **kw):
    try:
        return ("ok", fn(*args, **kw), None)
    except Exception as exc:  # noqa: BLE001
        return ("raise", type(exc), exc)


def assert_same(obj, **kw):
    """dumpb(obj, **kw) == orjson.dumps(obj, **kw), or both reject (a TypeError)."""
    exp_kind, exp, exp_exc = outcome(orjson.dumps, obj, **kw)
    got_kind, got, got_exc = outcome(dumpb, obj, **kw)
    if exp_kind == "ok":
        if got_kind != "ok":
            skip_if_old_orjson(None, None, got_exc)
        assert got_kind == "ok", f"orjson gave {exp!r}, dumpb raised {got.__name__}: {got_exc}"
        assert type(got) is bytes
        if got != exp:
            skip_if_old_orjson(got, exp)
        assert got == exp
        return got
    assert got_kind == "raise", f"orjson raised ({exp_exc}), dumpb returned {got!r}"
    assert isinstance(got_exc, TypeError), f"dumpb raised {got.__name__}: {got_exc}"
    return got_exc


def assert_rejects(obj, strict=True, **kw):
    """orjson rejects obj (checks the test data); dumpb must too, with EncodeError when
    strict, else with some TypeError."""
    with pytest.raises(TypeError):
        orjson.dumps(obj, **kw)
    with pytest.raises(EncodeError if strict else TypeError) as info:
        dumpb(obj, **kw)
    return info.value


# ---------------------------------------------------------------------- hypothesis


@given(S.orjson_objects())
def test_domain(obj):
    assert_same(obj)


@given(S.texts(surrogates=False))
def test_strings(s):
    assert_same(s)
    assert_same([s, {s: s}])


@given(S.block_strings(surrogates=False))
def test_strings_escapes_at_block_edges(s):
    assert_same([s, s[1:], s[:-1], s[2:-3]])


@pytest.mark.parametrize("start", range(0, 0x110000, 0x4000))
def test_every_char(start):
    # UCS-2 text goes to UTF-8 eight 3-byte chars at a time where all eight are, and
    # char by char around them: every code point, in runs and alone between ASCII.
    chars = [chr(c) for c in range(start, start + 0x4000) if not 0xD800 <= c < 0xE000]
    dense = "".join(chars)
    sparse = "a".join(chars[::7])
    assert_same([dense, dense[1:], dense[3:], sparse, {sparse: dense[:40]}])


@pytest.mark.parametrize("at", [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33])
@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff"])
def test_surrogate_in_cjk_run(at, surrogate):
    s = "\u4e2d" * 40
    assert_same(s[:at] + surrogate + s[at:])


@pytest.mark.parametrize("odd", ["a", "\u00e9", "\u07ff", "\ud800", "\udfff", '"', "\n", "\uffff"])
def test_cjk_tails(odd):
    # A string's last chars (under eight) go to UTF-8 in one step when all take three
    # bytes: every tail length, with a char that does not (or must stop) at each place.
    for n in range(1, 17):
        base = "".join(chr(0x4E00 + 37 * i) for i in range(n))
        cases = [base, [base, base[:1]], {base: base}]
        cases += [base[:at] + odd + base[at + 1:] for at in range(n)]
        for case in cases:
            assert_same(case)


@pytest.mark.parametrize("odd", ["", "a", "\u00e9", "\ud800", '"', "\\", "\x01"])
def test_ucs2_strings_in_containers(odd):
    # Two-byte strings are written in the containers' own loop (keys, values, list items,
    # short scalar lists) when they need no escape and fit: every place, every length
    # up to past the first buffer (the room test), with a char that stops the kernel.
    for n in (1, 2, 7, 8, 9, 16, 17, 40, 120, 130, 200, 400, 1000):
        s = "".join(chr(0x4E00 + 37 * i) for i in range(n))
        t = s[: n // 2] + odd + s[n // 2 :]
        for x in (s, t):
            assert_same([x, 1, x])
            assert_same({x: x, "k": [x, 2.5], "z": [1, x]})
            assert_same(["a" * 300, x, {"q": x}])


@given(st.lists(st.text(st.sampled_from([chr(c) for c in range(0x4E00, 0x4E40)] + list("ab\u00e9\u0800\uffff\ud7ff\ue000")),
                        max_size=20)))
def test_short_cjk_strings(xs):
    assert_same(xs)


@given(S.ints(big=False))
def test_ints(n):
    assert_same(n)
    assert_same([n, {"k": -n if -n >= S.INT64_MIN else n}])


@given(S.floats())
def test_floats(x):
    # orjson's float text (shortest round-trip, its own exponent style), NaN/inf -> null
    assert_same(x)
    assert_same([x, {"k": x}])


@given(S.orjson_objects(with_unsupported=True))
def test_default(obj):
    assert_same(obj, default=S.default_fn)


@given(S.json_objects(with_unsupported=True, with_bad_keys=True))
def test_anything_agrees_or_both_reject(obj):
    # outside the domain too: ok with the same bytes, or both raise a TypeError
    assert_same(obj)
    assert_same(obj, default=S.default_fn)


@given(S.orjson_objects(), st.sampled_from([None, 0]))
def test_option_none_or_zero(obj, option):
    skip_if_old_orjson(dumpb(obj, option=option), orjson.dumps(obj))
    assert dumpb(obj, option=option) == orjson.dumps(obj)
    assert dumpb(obj, None, option) == orjson.dumps(obj)


# ------------------------------------------------------------------ explicit values

TOP_LEVEL = [
    "", "x", '"', "\\", "\x00\x1f\x7f", "/", "\u00e9", "\u2028\u2029", "\U0001f600",
    0, -1, S.UINT64_MAX, S.INT64_MIN, 2**63, -(2**62), 0.0, -0.0, 1e16, 1e-5, 1e-7,
    123456789.0, 5e-324, 1.7976931348623157e308, float("nan"), float("inf"),
    float("-inf"), True, False, None, [], {}, (), [[]], [{}], {"": {}}, ([], {}),
]


@pytest.mark.parametrize("obj", TOP_LEVEL, ids=repr)
def test_top_level_and_empty(obj):
    assert_same(obj)


SUBCLASSES_ACCEPTED = [
    S.MyStr("s\u00e9"), S.ReprStr("real"), S.StrEnumLike.QUOTE, S.StrEnumLike.WIDE,
    S.MyInt(-5), S.MyInt(S.UINT64_MAX), S.ReprInt(42), S.Color.RED, S.Color.NEG,
    S.Color.BIG, S.Flag.A | S.Flag.B, S.MyList([1, S.MyList()]), S.IterList([9, 8]),
    S.MyDict(a=1), S.ItemsDict(a=9), S.ItemsOrderedDict(a=1, b=2),
    collections.OrderedDict([("z", 1), ("a", 2)]), collections.defaultdict(int, a=1),
    {"k": [S.MyStr("v"), S.Color.ZERO]},
]


@pytest.mark.parametrize("obj", SUBCLASSES_ACCEPTED, ids=repr)
def test_subclasses_accepted(obj):
    out = assert_same(obj)
    assert isinstance(out, bytes)


SUBCLASSES_REJECTED = [S.MyFloat(1.5), S.ReprFloat(2.0), S.MyTuple((1,)),
                       S.IterTuple((1,)),
                       [S.MyFloat(0.0)], {"k": S.MyTuple()}]


@pytest.mark.parametrize("obj", SUBCLASSES_REJECTED, ids=repr)
def test_subclasses_rejected_without_default(obj):
    assert_rejects(obj)
    # but default= is called for them
    assert_same(obj, default=lambda o: ["via-default", float(o) if isinstance(o, float)
                                        else list(o)])


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_corpus(name):
    obj = corpus_object(name)
    assert_same(obj)
    assert_same(obj, option=0)


# -------------------------------------------------------------------------- rejects

NON_STR_KEYS = [{1: 1}, {None: 1}, {True: 1}, {1.5: 1}, {(1,): 1}, {S.MyStr("k"): 1},
                {S.Color.RED: 1}, {"ok": {2: 2}}, [{"a": 1, b"b": 2}]]
BIG_INTS = [2**64, -(2**63) - 1, 2**100, -(10**30), [1, 2**64], {"k": 2**64},
            S.MyInt(2**64), 10**5000]
LONE_SURROGATES = ["\ud800", "a\udfff", ["x", "\ud83d"], {"\udc00": 1}, {"k": "\ud800"},
                   S.MyStr("\ud800"), "\U0001f600\ud800" * 20]
UNSUPPORTED = [S.Opaque(1), {1, 2}, frozenset(), b"x", bytearray(b"x"), 1j,
               __import__("decimal").Decimal("1.5"), range(3), [S.Opaque(1)],
               {"k": object()}]


@pytest.mark.parametrize("obj", NON_STR_KEYS + BIG_INTS + LONE_SURROGATES + UNSUPPORTED,
                         ids=lambda o: type(o).__name__)
def test_rejects_with_jsonencodeerror(obj):
    exc = assert_rejects(obj)
    assert isinstance(exc, TypeError)


def test_too_deep_and_circular_rejected():
    deep = S.nested_list(100_000, leaf=1)
    try:
        assert_rejects(deep, strict=False)
    finally:
        S.free_nested(deep)
    assert_rejects(S.nested_dict(300), strict=False)
    a = []
    a.append(a)
    assert_rejects(a, strict=False)
    d = {}
    d["d"] = {"x": [d]}
    assert_rejects(d, strict=False)
    assert dumpb([1]) == b"[1]"  # still usable


@pytest.mark.parametrize("make", [S.nested_list, S.nested_dict], ids=["list", "dict"])
def test_depth_limit_matches_orjson(make):
    for depth in range(245, 260):
        assert_same(make(depth, leaf=1))
        assert_same(make(depth))


def test_default_limits_match_orjson():
    class Chain:
        def __init__(self, n):
            self.n = n

    def default(o):
        return Chain(o.n - 1) if o.n > 0 else ["done"]

    for n in range(245, 260):
        assert_same(Chain(n), default=default)
        assert_same([[Chain(n)]], default=default)
    assert_rejects([S.Opaque(1)], strict=False, default=lambda o: o)


class UserError(Exception):
    pass


@pytest.mark.parametrize("exc_type", [UserError, ValueError, TypeError, KeyError])
def test_default_raising_is_chained(exc_type):
    raised = []

    def default(o):
        raised.append(exc_type("user"))
        raise raised[-1]

    exc = assert_rejects({"a": [S.Opaque(1)]}, strict=False, default=default)
    assert exc.__cause__ is raised[-1]


def test_default_returning_unsupported_or_bad_values():
    assert_rejects([S.Opaque(1)], default=lambda o: {1, 2}, strict=False)
    assert_rejects([S.Opaque(1)], default=lambda o: {1: 2}, strict=False)
    assert_rejects([S.Opaque(1)], default=lambda o: 2**64, strict=False)
    assert_rejects([S.Opaque(1)], default=lambda o: "\ud800", strict=False)
    assert_same([S.Opaque(1)], default=lambda o: {"v": [o.value, float("nan"), "\u00e9"]})
    assert_same([S.Opaque(1)], default=lambda o: None)


@pytest.mark.parametrize("default", [None, 1, "str"], ids=repr)
def test_default_none_or_not_callable(default):
    assert_same([1, "a"], default=default)
    assert_rejects([S.Opaque(1)], strict=False, default=default)


def test_default_reentrant():
    # default calls the encoder under test again: no shared buffer may be clobbered
    obj = {"a": [S.Opaque(i) for i in range(5)], "b": "x" * 100}
    exp = orjson.dumps(obj, default=lambda o: orjson.dumps({"v": [o.value] * 30}).decode())
    got = dumpb(obj, default=lambda o: dumpb({"v": [o.value] * 30}).decode())
    assert got == exp


def test_default_mutating_container_does_not_crash():
    lst = [1, S.Opaque(1), 3]

    def default(o):
        lst.clear()
        lst.extend(range(10))
        return "o"

    kind, got, exc = outcome(dumpb, lst, default=default)
    assert kind == "ok" and type(got) is bytes or isinstance(exc, TypeError)


# ------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("args,kw", [
    ((), {}), ((), {"obj": 1}), ((1,), {"foo": 1}), ((1,), {"default": None, "foo": 1}),
    ((1,), {"option": 0, "Option": 0}),
], ids=repr)
def test_bad_arguments(args, kw):
    assert outcome(orjson.dumps, *args, **kw)[0] == "raise"
    with pytest.raises(TypeError):
        dumpb(*args, **kw)


@rjson_only
def test_too_many_positional_arguments():
    # dumpb(obj, /, default=None, option=None): a fourth positional is an error
    # (orjson 3.13 silently ignores it)
    with pytest.raises(TypeError):
        dumpb(1, None, 0, 5)


def test_positional_and_keyword_default_option():
    assert dumpb(S.Opaque(3), S.default_fn) == b'{"opaque":3}'
    assert dumpb(S.Opaque(3), default=S.default_fn, option=None) == b'{"opaque":3}'
    assert dumpb(S.Opaque(3), S.default_fn, 0) == b'{"opaque":3}'


@pytest.mark.parametrize("option", [-1, "x", 1.0, None.__class__, [0], False],
                         ids=repr)
def test_invalid_option_rejected_like_orjson(option):
    with pytest.raises(TypeError):
        orjson.dumps(1, option=option)
    with pytest.raises(TypeError):
        dumpb(1, option=option)


@rjson_only
@pytest.mark.parametrize("option", [orjson.OPT_INDENT_2, orjson.OPT_SORT_KEYS,
                                    orjson.OPT_NON_STR_KEYS, orjson.OPT_APPEND_NEWLINE,
                                    orjson.OPT_SERIALIZE_NUMPY, 1 << 20, 2**70, True],
                         ids=repr)
def test_unsupported_options_rejected(option):
    # rjson supports option=None/0 only for now: everything else raises
    with pytest.raises(TypeError):
        dumpb({"b": 1, "a": 2}, option=option)


# Short lists and tuples of scalars are written inline by the lane (GeoJSON's [x, y]);
# anything in them the lane cannot write sends the whole list back to the general path.
SHORT_LIST_ITEMS = [1.5, -0.0, 1e300, 7, -2**63, 2**64 - 1, True, False, None, "ab", "",
                    "\u00e9", "a\nb", float("nan"), float("inf"), 2**64, [1.0], (2.0,), {},
                    {"k": 1.5}, S.MyFloat(2.5)]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 15, 16, 17, 40])
def test_short_lists_of_scalars(n):
    items = (SHORT_LIST_ITEMS * 3)[:n]
    for k in range(len(SHORT_LIST_ITEMS)):
        lst = [1.25] * n
        if n:
            lst[k % n] = SHORT_LIST_ITEMS[k]
        for seq in (lst, tuple(lst)):
            assert_same([seq, [seq], {"a": seq}, seq])
    assert_same([items, tuple(items), {"v": items}])


def test_short_lists_near_buffer_ends():
    # Long strings and many pairs move the leaf's room checks across every offset.
    for k in range(0, 1200, 7):
        assert_same([["x" * k, 1.5, "y" * (k % 13)], [2.5, 3.5]] * 3)
    assert_same([[i * 0.1, -i * 0.2] for i in range(20_000)])


@pytest.mark.parametrize("depth", range(248, 260))
def test_short_list_at_depth_limit(depth):
    # (A tuple at the bottom is left out: orjson does not count it as a level.)
    for leaf in ([1.5, 2.5], [], [1, "a"], [2**64]):
        assert_same(S.nested_list(depth, leaf=leaf))


def _mixed_nesting(depth, leaf):
    """Dicts, lists and tuples in turn, with siblings of every kind at each level."""
    obj = leaf
    for i in range(depth):
        kind = i % 3
        if kind == 0:
            obj = {"a": 1, "n": obj, "e": {}, "z": [2.5, "s"]}
        elif kind == 1:
            obj = [[], obj, {"k": None}, ()]
        else:
            obj = ("t", obj)
    return obj


@pytest.mark.parametrize("leaf", [1, {}, [], "x", {"k": [1, {"j": []}]}], ids=repr)
def test_nested_containers_at_depth_limit(leaf):
    # Containers inside containers are written by the lane itself: the limit, empty
    # containers and siblings must come out as the general path writes them.
    for depth in range(240, 262):
        assert_same(_mixed_nesting(depth, leaf))
        assert_same(S.nested_dict(depth, leaf=[leaf]))


def test_default_mutating_nested_dict_does_not_crash():
    inner = {"a": 1, "o": S.Opaque(1), "b": 2}

    def default(o):
        inner.clear()  # frees the table the walk was reading
        inner.update({str(i): i for i in range(100)})
        return "o"

    kind, got, exc = outcome(dumpb, [{"x": inner, "y": [inner]}], default=default)
    assert kind == "ok" and type(got) is bytes or isinstance(exc, TypeError)


def test_every_ascii_char_in_short_strings():
    # Short strings are checked 16 bytes at a time inline: every ASCII char at the
    # edges of those blocks, as key and value, with lengths on both sides of 16, 32, 64.
    for c in range(128):
        for pos in (0, 1, 14, 15, 16, 17, 30, 31, 32, 33, 47, 62, 63, 64):
            s = "a" * pos + chr(c) + "b" * (64 - pos)
            for t in (s, s[:pos + 1], s[:17], s[:33], s[:64], s[pos - 40:pos + 1] if pos > 40 else s[:40]):
                assert_same([t, {t: t}])


def test_strings_at_page_ends():
    # Inline copies read whole vectors from a string's data, or (32 < n <= 64) the
    # first and last 32 bytes: strings whose data ends near a page end (among many
    # objects of each size, and the interpreter's one-char singletons) must not change
    # what is written.
    for n in range(0, 70):
        strs = [str(i).rjust(n, "x")[-n:] if n else "" for i in range(3000)]
        assert_same(strs)
        assert_same({s: n for s in strs[:500]})
    singletons = [chr(c) for c in range(256)]
    assert_same([singletons, {c: c for c in singletons}])


def test_every_ascii_char_in_long_strings():
    # ASCII strs go through the kernel that stops only on what UTF-8 output escapes
    # (DEL is written as it is): each char at vector and step edges of long strings,
    # at top level, in a list and as a key; latin-1 strs of the same shape still stop
    # on their non-ASCII chars.
    for c in list(range(0x20)) + [0x22, 0x5C, 0x7F, 0x80, 0xE9, 0xFF]:
        for n in (65, 255, 257, 1024, 5000):
            for pos in (0, 63, 64, 255, 256, 257, n - 1):
                if pos >= n:
                    continue
                s = "a" * pos + chr(c) + "b" * (n - pos - 1)
                assert_same(s)
                assert_same([s, {s: s}])

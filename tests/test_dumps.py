"""rjson.dumps / rjson.dump against the oracle json.dumps / json.dump.

For every input and keyword combination the two must agree character for character,
or both raise: the same exception class (compared exactly) and, where json's message is
deterministic, the same message. json takes its C encoder when indent is None and the
pure-Python _make_iterencode otherwise; whichever path it takes is the reference.

RJSON_TEST_DUMPS_IMPL=module:function swaps the implementation under test (e.g.
simplejson:dumps) to check that these tests do catch differences.
"""
import collections
import decimal
import importlib
import io
import json
import os
import re
import sys

import pytest
from hypothesis import given, strategies as st

import rjson
import strategies as S
from conftest import CORPUS_NAMES, corpus_object

_impl = os.environ.get("RJSON_TEST_DUMPS_IMPL")
if _impl:
    _mod, _, _fn = _impl.partition(":")
    dumps = getattr(importlib.import_module(_mod), _fn or "dumps")

    def dump(obj, fp, **kw):
        fp.write(dumps(obj, **kw))
else:
    dumps = rjson.dumps
    dump = rjson.dump

# json messages that do not depend on how the encoder is written: they must match too.
DETERMINISTIC_MESSAGES = re.compile(
    r"Circular reference detected|Out of range float values|keys must be str|"
    r"is not JSON serializable|Exceeds the limit|unexpected keyword argument|"
    r"object is not callable|^user-raised")

_MISSING = object()


def outcome(fn, *args, **kw):
    try:
        return ("ok", fn(*args, **kw), None)
    except Exception as exc:  # noqa: BLE001 - RecursionError included
        return ("raise", type(exc), exc)


def assert_same(obj, _msg=None, **kw):
    """rjson.dumps(obj, **kw) must equal json.dumps(obj, **kw), or raise like it."""
    exp_kind, exp, exp_exc = outcome(json.dumps, obj, **kw)
    got_kind, got, got_exc = outcome(dumps, obj, **kw)
    if exp_kind == "ok":
        assert got_kind == "ok", f"json returned {exp!r}, rjson raised {got!r}: {got_exc}"
        assert type(got) is type(exp)
        assert got == exp
        return got
    assert got_kind == "raise", f"json raised {exp.__name__}({exp_exc}), rjson returned {got!r}"
    assert got is exp, f"json raised {exp.__name__}({exp_exc}), rjson {got.__name__}({got_exc})"
    if _msg is True or (_msg is None and DETERMINISTIC_MESSAGES.search(str(exp_exc))):
        assert str(got_exc) == str(exp_exc)
    assert getattr(got_exc, "__notes__", None) == getattr(exp_exc, "__notes__", None)
    assert type(got_exc.__cause__) is type(exp_exc.__cause__)
    return got_exc


# ------------------------------------------------------------------ keyword strategies

INDENTS = st.one_of(
    st.none(), st.integers(-3, 8), st.booleans(),
    st.sampled_from(["", " ", "  ", "\t", "\u00e9", "\u4e2d\u6587", "\U0001f600", "--\n"]),
)
SEPARATORS = st.one_of(
    st.none(),
    st.sampled_from([(",", ":"), (", ", ": "), (",", ": "), (" , ", " : "), ("", ""),
                     ("\n", "\t"), ("\u00e9", "\U0001f600"), ("\u2028,", ":\u2029"),
                     [";", "="], ("a\x00b", "\x00"), (",,,,,,,,", "::::::::"), (",,,,,,,,,", ":")]),
)
KWARGS = st.fixed_dictionaries({}, optional={
    "skipkeys": st.booleans(),
    "ensure_ascii": st.booleans(),
    "check_circular": st.booleans(),
    "allow_nan": st.booleans(),
    "sort_keys": st.booleans(),
    "indent": INDENTS,
    "separators": SEPARATORS,
    "default": st.sampled_from([None, S.default_fn]),
})


# ---------------------------------------------------------------------- hypothesis


@given(S.json_objects())
def test_default_arguments(obj):
    assert_same(obj)


@given(S.json_objects(), st.booleans())
def test_ensure_ascii(obj, ensure_ascii):
    assert_same(obj, ensure_ascii=ensure_ascii)


@given(S.texts(), st.booleans())
def test_strings(s, ensure_ascii):
    assert_same(s, ensure_ascii=ensure_ascii)
    assert_same([s, {s: s}], ensure_ascii=ensure_ascii)


@given(S.block_strings(), st.booleans(), st.sampled_from([None, 2]))
def test_strings_escapes_at_block_edges(s, ensure_ascii, indent):
    assert_same([s, s[1:], s[:-1]], ensure_ascii=ensure_ascii, indent=indent)


@pytest.mark.parametrize("start", range(0, 0x110000, 0x4000))
def test_ensure_ascii_every_char(start):
    # Each \uXXXX comes from a table of hex pairs and one 8-byte store past the escape:
    # every code point, in runs (dense escapes) and alone between ASCII (sparse).
    chars = [chr(c) for c in range(start, start + 0x4000)]
    dense = "".join(chars)
    sparse = "a".join(chars[::7])
    assert_same([dense, dense[1:], sparse, {sparse: dense[:40]}])


@given(S.ints())
def test_ints(n):
    assert_same(n)
    assert_same({n: [n, -n]}, indent=1)


@given(S.floats(), st.booleans())
def test_floats(x, allow_nan):
    assert_same(x, allow_nan=allow_nan)
    assert_same([x, {x: x}], allow_nan=allow_nan)
    assert_same([x], allow_nan=allow_nan, indent=0)


@given(S.str_key_objects(with_unsupported=True), KWARGS)
def test_keyword_combinations_str_keys(obj, kw):
    assert_same(obj, **kw)


@given(S.json_objects(with_unsupported=True, with_bad_keys=True), KWARGS)
def test_keyword_combinations_any_keys(obj, kw):
    assert_same(obj, **kw)


@given(S.json_objects(with_bad_keys=True), st.booleans(), st.sampled_from([None, 2, "\t"]))
def test_skipkeys(obj, sort_keys, indent):
    assert_same(obj, skipkeys=True, sort_keys=sort_keys, indent=indent)
    assert_same(obj, skipkeys=False, indent=indent)


@given(S.json_objects(), st.sampled_from([None, 0, 3]))
def test_sort_keys(obj, indent):
    # mixed key types make json raise TypeError from the sort; rjson must raise it too
    assert_same(obj, sort_keys=True, indent=indent)


@given(S.json_objects(with_unsupported=True), st.sampled_from([None, 1]),
       st.booleans())
def test_default_callable(obj, indent, check_circular):
    assert_same(obj, default=S.default_fn, indent=indent, check_circular=check_circular)


@given(S.json_objects(with_unsupported=True, with_bad_keys=True), KWARGS)
def test_dump_to_stringio(obj, kw):
    exp_fp, got_fp = io.StringIO(), io.StringIO()
    exp_kind, _, exp_exc = outcome(json.dump, obj, exp_fp, **kw)
    got_kind, _, got_exc = outcome(dump, obj, got_fp, **kw)
    assert got_kind == exp_kind, (exp_exc, got_exc)
    if exp_kind == "ok":
        assert got_fp.getvalue() == exp_fp.getvalue()
    else:
        assert type(got_exc) is type(exp_exc)


# ------------------------------------------------------------ top level, empty, corpus

TOP_LEVEL = [
    "", "x", '"', "\\", "\u00e9", "\U0001f600", "\ud800", 0, -1, 2**64, -(2**100), 0.0,
    -0.0, 1e16, 1e-5, float("nan"), float("inf"), float("-inf"), True, False, None,
    [], {}, (), S.MyList(), S.MyDict(), S.MyTuple(), collections.OrderedDict(),
    S.MyStr("s"), S.ReprStr("r"), S.MyInt(7), S.ReprInt(-7), S.Color.RED, S.Color.BIG,
    S.Flag.A | S.Flag.B, S.MyFloat(2.5), S.ReprFloat(-0.0), S.ReprFloat(float("nan")),
    S.StrEnumLike.QUOTE, [[]], [{}], {"": {}}, {"a": []}, [[], {}, ()],
]
SIMPLE_KWARGS = [
    {}, {"indent": 2}, {"indent": 0}, {"indent": -1}, {"indent": "\t"},
    {"indent": "\u00e9"}, {"separators": (",", ":")}, {"ensure_ascii": False},
    {"allow_nan": False}, {"sort_keys": True}, {"check_circular": False},
    {"skipkeys": True}, {"indent": 4, "separators": (" ,", " :"), "sort_keys": True},
]


@pytest.mark.parametrize("kw", SIMPLE_KWARGS, ids=repr)
@pytest.mark.parametrize("obj", TOP_LEVEL, ids=repr)
def test_top_level_and_empty(obj, kw):
    assert_same(obj, **kw)


CORPUS_KWARGS = [
    {}, {"indent": 2}, {"sort_keys": True}, {"ensure_ascii": False},
    {"separators": (",", ":")},
    {"indent": "\t", "sort_keys": True, "ensure_ascii": False, "check_circular": False},
]


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_corpus(name):
    obj = corpus_object(name)
    for kw in CORPUS_KWARGS:
        assert_same(obj, **kw)
    exp_fp, got_fp = io.StringIO(), io.StringIO()
    json.dump(obj, exp_fp, sort_keys=True)
    dump(obj, got_fp, sort_keys=True)
    assert got_fp.getvalue() == exp_fp.getvalue()


# ------------------------------------------------------------------------------ cls


class DefaultEncoder(json.JSONEncoder):
    """Overrides default(): sets and Opaque become lists; everything else -> super."""

    def default(self, o):
        if isinstance(o, (set, frozenset)):
            return sorted(o)
        if isinstance(o, S.Opaque):
            return ["opaque", o.value]
        return super().default(o)


class EncodeOverride(json.JSONEncoder):
    def encode(self, o):
        return "ENCODE:" + super().encode(o)


class NonStrEncode(json.JSONEncoder):
    def encode(self, o):
        return (o, self.indent, self.sort_keys)


class IterencodeOverride(json.JSONEncoder):
    def iterencode(self, o, _one_shot=False):
        for chunk in super().iterencode(o, _one_shot=False):
            yield chunk.upper()


class ExtraKwEncoder(json.JSONEncoder):
    def __init__(self, *, prefix="", **kw):
        super().__init__(**kw)
        self.prefix = prefix

    def encode(self, o):
        return self.prefix + super().encode(o)


class SeparatorEncoder(json.JSONEncoder):
    item_separator = " | "
    key_separator = " = "


CLS_OBJECTS = [
    {"a": [1, 2.5, None, True], "b": {"c": "\u00e9"}},
    [{1, 2}, S.Opaque(3), "s"],
    {"k": frozenset({3, 1})},
    [object()],
    "top-level str",
    [float("nan")],
]


@pytest.mark.parametrize("kw", [{}, {"indent": 2}, {"sort_keys": True},
                                {"ensure_ascii": False, "separators": (",", ":")},
                                {"allow_nan": False}, {"check_circular": False}], ids=repr)
@pytest.mark.parametrize("cls", [None, json.JSONEncoder, DefaultEncoder, EncodeOverride,
                                 IterencodeOverride, ExtraKwEncoder, SeparatorEncoder,
                                 NonStrEncode])
@pytest.mark.parametrize("obj", CLS_OBJECTS, ids=repr)
def test_cls(obj, cls, kw):
    assert_same(obj, cls=cls, **kw)


def test_cls_returning_non_str_is_passed_through():
    obj = [1]
    got = dumps(obj, cls=NonStrEncode, indent=3)
    assert got == (obj, 3, False) and got[0] is obj


def test_cls_extra_keyword_is_forwarded():
    assert_same({"a": 1}, cls=ExtraKwEncoder, prefix=">>")
    assert dumps([1], cls=ExtraKwEncoder, prefix="\u00e9") == "\u00e9[1]"
    assert_same({"a": 1}, cls=DefaultEncoder, prefix=">>")  # TypeError as json


def test_cls_default_keyword_wins_over_method():
    obj = [{1}, S.Opaque(1)]
    assert_same(obj, cls=DefaultEncoder, default=lambda o: "kw-default")
    assert_same(obj, cls=DefaultEncoder, default=lambda o: "kw-default", indent=1)


@pytest.mark.parametrize("cls", [dict, int, object, "notaclass", json.JSONDecoder])
def test_cls_not_an_encoder(cls):
    assert_same([1], _msg=False, cls=cls)


def test_cls_subclass_not_serializable_message():
    exc = assert_same([S.Opaque(1), b"x"], cls=json.JSONEncoder)
    assert "is not JSON serializable" in str(exc)


# --------------------------------------------------------------------------- default


class UserError(Exception):
    pass


@pytest.mark.parametrize("exc_type", [UserError, ValueError, TypeError, KeyError,
                                      RuntimeError, OverflowError])
@pytest.mark.parametrize("indent", [None, 2])
def test_default_raises_propagates_same_exception(exc_type, indent):
    raised = []

    def default(o):
        e = exc_type("user-raised " + type(o).__name__)
        raised.append(e)
        raise e

    obj = {"a": [1, {"b": S.Opaque(2)}]}
    for fn in (json.dumps, dumps):
        with pytest.raises(exc_type) as info:
            fn(obj, default=default, indent=indent)
        assert info.value is raised[-1]  # the very object default raised, unwrapped
        assert info.value.__cause__ is None
    assert_same(obj, default=default, indent=indent)


@pytest.mark.parametrize("indent", [None, 2])
def test_default_returning_same_object(indent):
    obj = [S.Opaque(1)]
    exc = assert_same(obj, default=lambda o: o, indent=indent)
    assert isinstance(exc, ValueError) and str(exc) == "Circular reference detected"
    exc = assert_same(obj, default=lambda o: o, indent=indent, check_circular=False)
    assert isinstance(exc, RecursionError)
    assert dumps([1]) == "[1]"  # still usable afterwards


@pytest.mark.parametrize("indent", [None, 2])
def test_default_chain(indent):
    # default returns another unsupported object, handled by a further default call
    def default(o):
        if isinstance(o, S.Opaque):
            return S.Opaque(o.value - 1) if o.value > 0 else ["end", o.value]
        return S.default_fn(o)

    obj = {"x": S.Opaque(5), "y": [decimal.Decimal("1.5"), S.Opaque(0)]}
    assert_same(obj, default=default, indent=indent)
    # default returning a fresh unsupported object each time never ends: RecursionError
    assert_same([S.Opaque(0)], default=lambda o: S.Opaque(o.value + 1), indent=indent,
                _msg=False)


@pytest.mark.parametrize("indent", [None, 2])
def test_default_returns_containers_and_specials(indent):
    def default(o):
        return {"v": o.value, "list": [o.value] * 2, "nan": float("nan"),
                "big": 2**80, "s": S.MyStr("\u00e9\ud800")}

    obj = [S.Opaque(1), {"k": S.Opaque("\U0001f600")}]
    assert_same(obj, default=default, indent=indent)
    assert_same(obj, default=default, indent=indent, allow_nan=False)
    assert_same(obj, default=default, indent=indent, ensure_ascii=False)


def test_default_not_callable():
    assert_same([S.Opaque(1)], default=1)
    assert_same([S.Opaque(1)], default="x", indent=2)
    assert_same([1, 2], default=1)  # never called: fine


@pytest.mark.parametrize("indent", [None, 2])
def test_default_reentrant(indent):
    # default itself calls the encoder under test: no shared state may be clobbered
    def make_default(fn):
        return lambda o: {"inner": fn({"v": [o.value, "\u00e9" * 40, 1.5]}, indent=indent)}

    obj = {"a": [S.Opaque(i) for i in range(5)], "b": "x" * 100}
    exp = json.dumps(obj, default=make_default(json.dumps), indent=indent)
    got = dumps(obj, default=make_default(dumps), indent=indent)
    assert got == exp


@pytest.mark.parametrize("indent", [None, 1])
def test_default_mutates_list_being_encoded(indent):
    def run(fn):
        lst = [1, S.Opaque(1), 3]

        def default(o):
            if len(lst) < 6:
                lst.append(len(lst))
            return "o"
        return outcome(fn, lst, default=default, indent=indent)

    exp, got = run(json.dumps), run(dumps)
    assert got[0] == exp[0] and got[1] == exp[1]


@pytest.mark.parametrize("indent", [None, 1])
def test_default_mutates_dict_being_encoded(indent):
    def run(fn):
        dct = {"a": S.Opaque(1), "b": 2}

        def default(o):
            dct["c%d" % len(dct)] = 1
            return "o"
        return outcome(fn, dct, default=default, indent=indent)

    exp, got = run(json.dumps), run(dumps)
    assert got[0] == exp[0] and got[1] == exp[1]


# ----------------------------------------------------------------- circular, deep


def _circular_objects():
    a = []
    a.append(a)
    d = {}
    d["self"] = d
    outer = [1, {"x": [2]}]
    outer[1]["x"].append(outer)
    t_list = []
    t = (t_list,)
    t_list.append(t)
    sub = S.MyList()
    sub.append({"k": sub})
    od = collections.OrderedDict()
    od["o"] = [od]
    return {"list": a, "dict": d, "indirect": outer, "tuple": t, "sublist": sub,
            "ordereddict": od}


@pytest.mark.parametrize("kind", list(_circular_objects()))
@pytest.mark.parametrize("indent", [None, 2])
def test_circular(kind, indent):
    obj = _circular_objects()[kind]
    exc = assert_same(obj, indent=indent)
    assert isinstance(exc, ValueError) and str(exc) == "Circular reference detected"
    exc = assert_same(obj, indent=indent, check_circular=False)
    assert isinstance(exc, RecursionError)
    assert dumps({"still": "fine"}) == '{"still": "fine"}'


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("check_circular", [True, False])
def test_shared_references_are_not_circular(indent, check_circular):
    x = [1, {"a": "b"}]
    y = {"k": x}
    obj = [x, x, y, y, {"x": x, "y": y}, (x, x)]
    assert_same(obj, indent=indent, check_circular=check_circular)


@pytest.mark.parametrize("make", [S.nested_list, S.nested_dict], ids=["list", "dict"])
@pytest.mark.parametrize("kw", [{}, {"check_circular": False}, {"indent": 1},
                                {"sort_keys": True, "check_circular": False}], ids=repr)
def test_too_deep_raises_recursionerror(make, kw):
    obj = make(100_000, leaf=1)
    try:
        for fn in (json.dumps, dumps):
            with pytest.raises(RecursionError):
                fn(obj, **kw)
    finally:
        S.free_nested(obj)
    assert dumps([[1]], **kw) == json.dumps([[1]], **kw)


@pytest.mark.parametrize("make", [S.nested_list, S.nested_dict], ids=["list", "dict"])
@pytest.mark.parametrize("indent", [None, 1])
def test_moderately_deep_succeeds(make, indent):
    obj = make(150, leaf="\u00e9")
    assert_same(obj, indent=indent)


# -------------------------------------------------------------------------- ints


def test_int_beyond_str_digits_limit():
    big = 10**5000
    for kw in ({}, {"indent": 2}):
        exc = assert_same(big, **kw)
        assert isinstance(exc, ValueError)
        assert isinstance(assert_same([1, -big], **kw), ValueError)
        assert isinstance(assert_same({big: 1}, **kw), ValueError)


@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="no digit limit")
def test_int_digits_limit_is_the_interpreters():
    old = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(0)  # unlimited
        assert_same([10**6000 + 7, {-(10**5000): 1}])
        sys.set_int_max_str_digits(640)
        assert_same([10**639])
        assert isinstance(assert_same([10**700]), ValueError)
        assert isinstance(assert_same({10**700: 1}, indent=1), ValueError)
    finally:
        sys.set_int_max_str_digits(old)


# ---------------------------------------------------------------- subclass overrides


OVERRIDES = [
    S.IterList([9, 9]), S.IterTuple((9,)), S.ItemsDict(a=9),
    S.ItemsOrderedDict(a=1, b=2, c=3),
    {"k": S.IterList([0])}, [S.ItemsDict(b=1)], S.ReprStr("real\u00e9"), S.ReprInt(42),
    S.ReprFloat(1.25), {S.ReprStr("key"): 1, S.ReprInt(5): 2, S.ReprFloat(0.5): 3},
    {S.Color.NEG: S.Color.BIG, S.Flag.A | S.Flag.B: S.StrEnumLike.WIDE},
]


@pytest.mark.parametrize("kw", [{}, {"indent": 2}, {"sort_keys": True},
                                {"ensure_ascii": False}], ids=repr)
@pytest.mark.parametrize("obj", OVERRIDES, ids=repr)
def test_subclass_overrides(obj, kw):
    assert_same(obj, **kw)


# --------------------------------------------------------------- keys and skipkeys


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("obj", [
    {(1,): 1}, {(1,): 1, "a": 2}, {"a": 1, (1,): 2}, {"a": 1, (1,): 2, "b": 3},
    {(1,): 1, (2,): 2}, {b"x": 1, 1j: 2, frozenset(): 3, S.HashableKey(1): 4},
    {"a": {(1,): {(2,): 3}}}, [{(1,): 1}, {}],
], ids=repr)
def test_skipkeys_edges(obj, indent):
    assert_same(obj, skipkeys=True, indent=indent)
    assert_same(obj, skipkeys=True, indent=indent, sort_keys=True)
    exc = assert_same(obj, indent=indent)
    assert isinstance(exc, TypeError) and "keys must be str" in str(exc)


@pytest.mark.parametrize("obj", [
    {1: "a", "b": 2}, {None: 1, "a": 2}, {1.5: 1, "x": 2}, {True: 1, "t": 2},
    {(1,): 1, "a": 2}, {"b": 1, 2: 2, 3.5: 3},
], ids=repr)
@pytest.mark.parametrize("skipkeys", [False, True])
@pytest.mark.parametrize("indent", [None, 2])
def test_sort_keys_mixed_types(obj, skipkeys, indent):
    exc = assert_same(obj, sort_keys=True, skipkeys=skipkeys, indent=indent)
    assert isinstance(exc, TypeError)


@pytest.mark.parametrize("obj", [
    {1: 1, 2.5: 2, True: 3, None: 4, False: 5, -0.0: 6, "s": 7},
    {float("nan"): 1, float("inf"): 2, float("-inf"): 3},
    {S.Color.RED: 1, S.MyInt(-3): 2, S.MyFloat(1e300): 3, S.MyStr("m"): 4},
    {2**64: 1, -(2**100): 2, 5e-324: 3, 1e16: 4},
    {"\ud800": 1, "\U0001f600": 2, "\x00": 3, '"': 4},
], ids=repr)
@pytest.mark.parametrize("kw", [{}, {"allow_nan": False}, {"indent": 1},
                                {"indent": 1, "allow_nan": False}, {"ensure_ascii": False}],
                         ids=repr)
def test_non_str_keys(obj, kw):
    assert_same(obj, **kw)


# ------------------------------------------------------------------- argument passing


def test_obj_by_keyword():
    assert dumps(obj=[1, "a"]) == json.dumps(obj=[1, "a"])
    assert dumps(obj={"a": 1}, indent=1) == json.dumps(obj={"a": 1}, indent=1)


@pytest.mark.parametrize("args,kw", [
    ((), {}), ((1, True), {}), ((1,), {"obj": 1}), ((1,), {"foo": 1}),
    ((1,), {"indent": 2, "unknown": None}), ((1,), {"encoding": "utf-8"}),
    ((1,), {"cls": None, "bogus": 1}), ((S.Opaque(1),), {"default": None}),
], ids=repr)
def test_bad_arguments(args, kw):
    exp = outcome(json.dumps, *args, **kw)
    got = outcome(dumps, *args, **kw)
    assert exp[0] == "raise" and got[0] == "raise"
    assert got[1] is exp[1]
    if "unexpected keyword" in str(exp[2]) or "not JSON serializable" in str(exp[2]):
        assert str(got[2]) == str(exp[2])


@pytest.mark.parametrize("kw", [
    {"skipkeys": 1, "ensure_ascii": 0, "check_circular": "", "allow_nan": [],
     "sort_keys": "yes"},
    {"ensure_ascii": None, "sort_keys": 0.0, "allow_nan": 2},
    {"cls": None, "indent": None, "separators": None, "default": None},
    {"indent": True}, {"indent": False}, {"indent": 2.0}, {"indent": b" "},
    {"indent": S.MyInt(3)}, {"indent": S.MyStr("..")},
    {"separators": [",", ":"]}, {"separators": (",",)}, {"separators": (1, 2)},
    {"separators": ",:"}, {"separators": (S.MyStr(";"), S.MyStr("="))},
    {"separators": (",", ":"), "indent": 1}, {"separators": ("", "")},
    {"separators": (b",", b":")}, {"separators": (1, 2), "indent": 1},
], ids=repr)
@pytest.mark.parametrize("obj", [{"a": [1, {"b": None}], "c": float("nan")}, [], "s", 5],
                         ids=repr)
def test_odd_keyword_values(obj, kw):
    assert_same(obj, _msg=False, **kw)


@pytest.mark.parametrize("seps", [
    (",", ":"), ("".join([","]), "".join([":"])), [",", ":"], (";", "="), ("\x00", "\x7f"),
    ("\u00e9", ":"), (",", "\u20ac"), (S.MyStr(","), ":"), (",", S.MyStr(":")), (", ", ":"),
    (",", ""), ("", ":"), (str(1), str(2)), (b",", ":"),
], ids=repr)
@pytest.mark.parametrize("kw", [{"ensure_ascii": False}, {"ensure_ascii": True}, {"ensure_ascii": 0},
                                {"indent": 1}, {"ensure_ascii": False, "sort_keys": True}], ids=repr)
def test_one_char_separators(seps, kw):
    """dumps' inline path for separators of one ASCII char each: the same output for
    equal-but-not-identical strs, lists, subclasses and the non-ASCII or empty cases it
    must leave to the general path."""
    obj = {"b": [1, 2.5, {"x": None}], "a": ["s", True, []], "c": {}}
    assert_same(obj, separators=seps, **kw)
    assert_same(obj, **kw, separators=seps)  # the keywords in the other order
    assert_same([1, [2, 3], {"k": "v"}], separators=seps, **kw)


class _Seps(tuple):
    pass


@pytest.mark.parametrize("kw", [
    {"ensure_ascii": False, "separators": (",", ":")}, {"separators": (",", ":"), "ensure_ascii": False},
    {"ensure_ascii": 0, "separators": (",", ":")}, {"ensure_ascii": False, "separators": _Seps((",", ":"))},
    {"ensure_ascii": False, "separators": (",", ":", "")}, {"ensure_ascii": False, "separators": (":", ",")},
    {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": True},
    {"ensure_ascii": False, "separators": None}, {"ensure_ascii": True, "separators": (",", ":")},
], ids=repr)
def test_compact_call_keywords(kw):
    """dumps' match of the usual compact call (ensure_ascii=False, separators=(",", ":"))
    against near misses that must take the general parse."""
    for obj in ({"b": [1, "\u00e9"], "a": {"k": [None, 1.5]}}, [], "\u20ac", [float("nan")], {1: 2}):
        assert_same(obj, **kw)


class _Attrs:
    pass


def _odd_tables(size, every):
    """Dicts whose tables are not what json.loads makes: `size` str keys with every
    `every`-th deleted, one emptied, and an instance's split table."""
    holes = {str(i): i for i in range(size)}
    for i in range(0, size, every):
        del holes[str(i)]
    emptied = {"k": 1}
    del emptied["k"]
    inst = _Attrs()
    inst.x, inst.y = 1, "z"
    return holes, emptied, vars(inst)


def test_dict_table_layouts():
    """Dicts whose tables the encoder reads in place or through PyDict_Next: with
    deleted entries, re-added keys, non-str keys, and an instance's split table."""
    holes, emptied, split = _odd_tables(50, 3)
    readded = dict.fromkeys("abcd", 0)
    del readded["a"], readded["d"]
    readded["a"] = 5
    general = {1: "a", 3: 2, 2.5: [1]}
    for d in (holes, readded, emptied, split, general, [holes, split, readded]):
        for kw in ({}, {"sort_keys": True}, {"indent": 1}, {"ensure_ascii": False, "separators": (",", ":")}):
            assert rjson.dumps(d, **kw) == json.dumps(d, **kw)
        if d is not general:  # dumpb: the same text, compact
            assert rjson.dumpb(d) == json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode()


def test_nested_lists_of_dicts():
    """Nested lists that start with a dict take a loop of their own, which reads the
    tables and values of the dicts ahead: every table layout, other items among them,
    and lengths on both sides of its batch of 16."""
    holes, emptied, split = _odd_tables(9, 2)
    kinds = [{"a": 1, "b": []}, holes, emptied, {}, split, {"x": {"y": [1, {"z": None}]}}, [1], "s", 2.5]
    for n in (1, 2, 3, 15, 16, 17, 18, 40):
        items = [kinds[(i * 7) % len(kinds)] for i in range(n)]
        items[0] = {"first": True}
        for obj in ({"l": items}, [items, items[:1]], [[items]]):
            for kw in ({}, {"ensure_ascii": False, "separators": (",", ":")}):
                assert rjson.dumps(obj, **kw) == json.dumps(obj, **kw)
            assert rjson.dumpb(obj) == json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    general = [{"a": 1}, {1: "a", 3: 2, 2.5: [1]}, {2: 3}]
    assert rjson.dumps({"l": general}) == json.dumps({"l": general})


# Short lists and tuples of scalars are written inline by the lane (GeoJSON's [x, y]);
# anything in them the lane cannot write sends the whole list back to the general path.
SHORT_LIST_ITEMS = [1.5, -0.0, 1e300, 1e-7, 7, 2**64, True, False, None, "ab", "", "\u00e9",
                    "\U0001f600", "a\nb", float("nan"), float("inf"), [1.0], (2.0,), {},
                    {"k": 1.5}, S.MyFloat(2.5)]


@pytest.mark.parametrize("kw", [{}, {"separators": (",", ":")}, {"ensure_ascii": False},
                                {"indent": 2}, {"indent": 0}, {"indent": "\t", "separators": (" ,", " : ")},
                                {"indent": 3, "ensure_ascii": False},
                                {"allow_nan": False}, {"sort_keys": True}], ids=repr)
def test_short_lists_of_scalars(kw):
    for n in (0, 1, 2, 3, 16, 17):
        for k in range(len(SHORT_LIST_ITEMS)):
            lst = [1.25] * n
            if n:
                lst[k % n] = SHORT_LIST_ITEMS[k]
            for seq in (lst, tuple(lst)):
                assert_same([seq, [seq], {"a": seq}, seq], **kw)


def test_short_lists_near_buffer_ends():
    for k in range(0, 1200, 7):
        assert_same([["x" * k, 1.5, "\u00e9" * (k % 13)], [2.5, 3.5]] * 3, ensure_ascii=False)
        assert_same([["x" * k, 1.5], [2.5, 3.5]] * 3)
    assert_same([[i * 0.1, -i * 0.2] for i in range(20_000)])
    # Indented: a leaf's lines come from the indent kept written out, one level deeper.
    for k in range(0, 600, 11):
        assert_same([["x" * k, 1.5], [2.5, 3.5]] * 3, indent=k % 9)
        assert_same({"a": [[1.5, "\u00e9" * k]] * 4}, indent=" " * (k % 5), ensure_ascii=False)
    assert_same([[[i * 0.1, -i * 0.2] for i in range(2_000)]], indent=2)


def json_nesting_limit():
    """The depth at which json's C encoder raises RecursionError. It meets
    sys.getrecursionlimit() up to 3.11; from 3.12 C calls have their own limit (1500 on
    3.12, 10000 on 3.13), so it is found by bisection on json itself."""
    if sys.version_info < (3, 12):
        return sys.getrecursionlimit()
    lo, hi = 1, 100_000
    while lo < hi:
        mid = (lo + hi) // 2
        if outcome(json.dumps, S.nested_list(mid, leaf=[2**64]))[0] == "ok":
            lo = mid + 1
        else:
            hi = mid
    return lo


def test_short_list_at_recursion_limit():
    # A leaf written inline must meet the interpreter's limit exactly where a nested
    # list the lane cannot write inline ([2**64] goes the general way) meets it.
    limit = json_nesting_limit()
    seen = set()
    for depth in range(limit - 80, limit + 5):
        inline = outcome(dumps, S.nested_list(depth, leaf=[1.5, 2.5]))
        general = outcome(dumps, S.nested_list(depth, leaf=[2**64]))
        assert inline[0] == general[0], depth
        # Indented, the same against rjson's own general path (json's indent encoder is
        # Python code, whose limit depends on the caller's frames).
        indented = outcome(lambda o: dumps(o, indent=1), S.nested_list(depth, leaf=[1.5, 2.5]))
        assert indented[0] == outcome(lambda o: dumps(o, indent=1), S.nested_list(depth, leaf=[2**64]))[0], depth
        assert inline[1] is RecursionError or inline[0] == "ok"
        seen.add(inline[0])
    assert seen == {"ok", "raise"}


def first_too_deep(fn, make):
    """The smallest depth of make(depth) for which fn raises, and its message."""
    def failure(depth):
        kind, _, exc = outcome(fn, make(depth))
        return None if kind == "ok" else f"{type(exc).__name__}: {exc}"
    lo, hi = 1, 1
    while failure(hi) is None:
        lo, hi = hi + 1, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        if failure(mid) is None:
            lo = mid + 1
        else:
            hi = mid
    return lo, failure(lo)


def at_frame_depth(frames, fn):
    """fn(), called from ``frames`` more Python frames than the caller's."""
    return at_frame_depth(frames - 1, fn) if frames else fn()


class Opaque:
    pass


_DEEP_SHAPES = {
    "lists": lambda d: S.nested_list(d, leaf=1),
    "empty_lists": lambda d: S.nested_list(d),
    "dicts": lambda d: S.nested_dict(d, leaf="x"),
    "tuples_in_dicts": lambda d: S.nested_dict(d // 2, leaf=S.nested_list(d - d // 2, leaf=None)),
    "short_leaf": lambda d: S.nested_list(d, leaf=[1.5, 2.5]),
    "via_default": lambda d: S.nested_list(d, leaf=Opaque()),
}


@pytest.mark.parametrize("shape", sorted(_DEEP_SHAPES))
def test_too_deep_at_json_depth(shape):
    # json's C encoder runs under its own Python frames (json.dumps, encode, iterencode),
    # which up to 3.11 count against the limit its levels meet: rjson, called with no
    # frames between, must still fail at json's depth, from any caller depth.
    make = _DEEP_SHAPES[shape]
    kw = {"default": lambda o: [None]} if shape == "via_default" else {}
    for frames in (0, 25):
        expected = at_frame_depth(frames, lambda: first_too_deep(lambda o: json.dumps(o, **kw), make))
        got = at_frame_depth(frames, lambda: first_too_deep(lambda o: dumps(o, **kw), make))
        assert got == expected, frames


@pytest.mark.parametrize("shape", ["lists", "dicts", "tuples_in_dicts"])
def test_too_deep_indented_near_json_depth(shape):
    # Under indent, json up to 3.12 is pure Python: its last level's check lands in an
    # isinstance() or repr() call that depends on the leaf, so rjson matches the depth
    # to within one level (and the class, not the message).
    make = _DEEP_SHAPES[shape]
    for frames in (0, 25):
        exp_depth, exp_msg = at_frame_depth(frames, lambda: first_too_deep(lambda o: json.dumps(o, indent=1), make))
        got_depth, got_msg = at_frame_depth(frames, lambda: first_too_deep(lambda o: dumps(o, indent=1), make))
        assert abs(got_depth - exp_depth) <= 1 and got_msg.split(":")[0] == exp_msg.split(":")[0], (frames, got_depth, exp_depth)


_KEY_PIECES = st.sampled_from(["a", "b", "\x00", "\xe9", "\xff", "\u0100", "\U0001f600", "abcdefgh"])


@given(st.dictionaries(st.lists(_KEY_PIECES, max_size=5).map("".join), st.integers(), max_size=30))
def test_sort_keys_prefixes(d):
    """sort_keys orders one-byte keys by an 8-byte prefix first: keys that share it,
    end inside it, or hold NULs must still come out in str order."""
    narrow = {k: v for k, v in d.items() if max(k, default="a") <= "\xff"}
    for obj in (d, narrow):
        assert rjson.dumps(obj, sort_keys=True) == json.dumps(obj, sort_keys=True)


@given(st.lists(st.tuples(st.integers(0, 40), st.permutations(range(70)), st.integers(2, 70)), max_size=12),
       st.booleans())
def test_sort_keys_repeated_shapes(shapes, wide):
    """sort_keys remembers the order of dicts with the same key objects in the same
    order: many shapes (evictions), repeats, sizes around the table's limit (64), keys
    that share their first 8 bytes, one-byte and wider keys."""
    pool = ["".join(["prefix__", chr(0x100 if wide and i % 7 == 0 else 0x61), str(i)]) for i in range(70)]
    dicts = []
    for reps, order, size in shapes:
        keys = [pool[i] for i in order[:size]]
        dicts += [{k: n for n, k in enumerate(keys)} for _ in range(reps % 5 + 1)]
        dicts.append(dict(reversed(dicts[-1].items())))
        holed = {"extra": 0, **dicts[-1]}  # a deleted entry: the same keys, read another way
        del holed["extra"]
        dicts.append(holed)
    obj = [dicts[i * 7 % len(dicts)] for i in range(len(dicts))] if dicts else []
    for kw in ({}, {"separators": (",", ":")}, {"indent": 1}):
        assert rjson.dumps(obj, sort_keys=True, **kw) == json.dumps(obj, sort_keys=True, **kw)


def test_sort_keys_order_forgotten_when_python_runs():
    """A remembered order is known by its keys' addresses: Python code (here default=)
    may free the keys and make new ones at the same addresses (pymalloc reuses freed
    blocks last-in first-out), which must be sorted afresh."""
    def fresh(c):
        return "".join([c] * 3)

    class Odd:
        pass

    def default(o):
        doc[8] = None  # frees the dict and its keys
        c, b, a = fresh("x"), fresh("y"), fresh("z")  # the keys' blocks, in reverse
        doc[10] = {a: 1, b: 2, c: 3}
        return 0

    for _ in range(20):
        doc = [{fresh(c): 0 for c in "pqrs"} for _ in range(8)]
        doc += [{fresh("a"): 1, fresh("b"): 2, fresh("c"): 3}, Odd(), None]
        expected = json.dumps(doc[:9] + [0, {"zzz": 1, "yyy": 2, "xxx": 3}], sort_keys=True)
        assert rjson.dumps(doc, sort_keys=True, default=default) == expected


def test_sort_keys_order_forgotten_after_default_result_released():
    """The same when releasing default's result frees the keys: default returns
    {"z": <dict of fresh keys>, "a": Remaker()}; "a" is written first (sorted), so the
    inner dict's order is remembered after the last Python code ran, and releasing the
    result frees that dict's keys before Remaker.__del__ makes new ones at their
    addresses."""
    def fresh(c):
        return "".join([c] * 3)

    class Odd:
        pass

    class Remaker:
        def __del__(self):
            c, b, a = fresh("x"), fresh("y"), fresh("z")  # the freed keys' blocks, in reverse
            doc[9] = {a: 1, b: 2, c: 3}

    def default(o):
        if isinstance(o, Odd):
            return {"z": {fresh("a"): 1, fresh("b"): 2, fresh("c"): 3}, "a": Remaker()}
        return 0

    for _ in range(10):
        for ensure_ascii in (True, False):
            outs = []
            for dumps_ in (json.dumps, rjson.dumps):
                doc = [{fresh(c): 0 for c in "pqrs"} for _ in range(8)] + [Odd(), None]
                outs.append(dumps_(doc, sort_keys=True, default=default, ensure_ascii=ensure_ascii))
            assert outs[1] == outs[0]


@pytest.mark.parametrize("text", ["ascii", "caf\u00e9", "\u4e2d\u6587", "\U0001f600"], ids=repr)
def test_large_outputs_finished_both_ways(text):
    """Past 128 KiB a result is copied out of a buffer the allocator mapped, and shrunk
    in place otherwise; a buffer leaving the scratch space is sized from the last such
    output. Each size, growing, is encoded three times at each kind of str output and
    as bytes, so fresh mappings, heap blocks and both first sizes come up."""
    for n in (3_000, 9_000, 30_000, 100_000):
        obj = [{"k": i, "t": text * (i % 5), "f": i / 7} for i in range(n)]
        for _ in range(3):
            for kw in ({}, {"ensure_ascii": False, "separators": (",", ":")}):
                assert rjson.dumps(obj, **kw) == json.dumps(obj, **kw)
            assert rjson.dumpb(obj) == json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize("wide", ["\xe9", "\u4e2d", "\U0001f600"], ids=repr)
def test_widening_inside_nested_containers(wide):
    """A wider char deep in nested containers widens the str being written midway: the
    inner containers finish at the new width, then each outer one."""
    for depth in range(1, 7):
        for pos in range(3):
            leaf = ["a", "b", "c"]
            leaf[pos] = wide
            obj = leaf
            for i in range(depth):
                obj = {"k": obj, "after": [i, "x"]} if i % 2 else [obj, {"after": i}, ("t", [])]
            for kw in ({"ensure_ascii": False}, {"ensure_ascii": False, "separators": (",", ":")},
                       {"ensure_ascii": False, "check_circular": False}):
                assert_same([obj, obj], **kw)


@pytest.mark.parametrize("wide", ["\xe9", "\u4e2d", "\U0001f600"], ids=repr)
def test_widening_late_in_large_outputs(wide):
    """A buffer sized from the last output keeps its room in bytes when a wide char
    arrives late, so it then holds fewer chars than the rest of the document needs: it
    must grow again at the new width."""
    for n in (20_000, 60_000):
        for at in (0.05, 0.5, 0.95):
            obj = [["abcdefgh"] * int(n * at), [wide, "ij" * 9], ["klmnopqr"] * n]
            for _ in range(3):
                assert_same(obj, ensure_ascii=False, separators=(",", ":"))
                assert_same(obj, ensure_ascii=False)


def test_widening_early_in_large_outputs_twice():
    """A large buffer widened while it holds little of its capacity is set aside and
    freed before the wider one is made: output from Latin-1 to UCS-2 to UCS-4 early in
    a document sized from the last one, and after documents of other kinds."""
    tail = [{"k": "abcdefgh", "n": i} for i in range(30_000)]
    docs = [[["x" * 20] * 50, "\xe9", ["y"] * 30, "\u4e2d", ["z"] * 40, "\U0001f600", tail],
            [["x"] * 10, "\u4e2d\n", tail], [["x"] * 10, "\U0001f600", tail], ["\xe9", tail], tail]
    for doc in docs + docs[::-1] + docs:
        assert_same(doc, ensure_ascii=False, separators=(",", ":"))
        assert_same(doc, ensure_ascii=False)


@pytest.mark.parametrize("wide", ["\u4e2d", "\U0001f600"], ids=repr)
def test_wide_output_ints_escapes_and_short_strs(wide):
    """In UCS-2/UCS-4 output ints are stored widened from registers, escapes in strs
    from their table entry, and short ASCII strs store their second half only past 16
    chars: every int length and sign, every escape after wide chars, and every short
    length with a char to escape at each place."""
    ints = [0, 7, -7]
    for d in range(1, 21):
        ints += [10 ** d - 1, 10 ** (d - 1), -(10 ** d - 1), -(10 ** (d - 1))]
    ints += [2**63 - 1, -(2**63), 2**64 - 1, 2**64, -(2**64)]
    escapes = ["\n", '"', "\\", "\x01", "\x1f", "\x7f", "\xe9", "\r\t"]
    texts = [wide * k + e + "ab" * j for k in (1, 3, 20) for e in escapes for j in (0, 1, 9)]
    shorts = ["x" * n for n in range(34)]
    shorts += ["x" * n + e + "y" * m for n in range(0, 33, 3) for m in (0, 1, 15, 17) for e in ('"', "\n", "\x00")]
    obj = [wide, ints, {str(i): i for i in ints}, texts, shorts, {s: s for s in shorts}, [[i, wide] for i in ints]]
    for kw in ({"ensure_ascii": False, "separators": (",", ":")}, {"ensure_ascii": False}):
        assert_same(obj, **kw)
        assert_same({"k": obj, "wide_first": [wide] + ints + shorts}, **kw)


def test_short_ascii_strs_del_and_escapes():
    """The lane's inline check of short ASCII strs lets DEL through for str output (it is
    written as it is there, escaped with ensure_ascii) and sends any str with an escape
    to the general path: every short length, with each boundary char at each place, as
    values and as keys, in narrow and wide output."""
    marks = ["\x7f", '"', "\\", "\n", "\x00", "\x1f", " ", "~", "\x7f\x7f", "\x7f\n"]
    strs = ["x" * n + e + "y" * m for n in range(0, 33) for m in (0, 1, 2, 15, 16, 17, 31) for e in marks]
    strs = [s for s in strs if len(s) <= 40]
    for obj in (strs, {s: s for s in strs}, [strs, "\u4e2d"], [strs, "\xe9"]):
        for kw in ({"ensure_ascii": False, "separators": (",", ":")}, {"ensure_ascii": False}, {}):
            assert_same(obj, **kw)


def test_latin1_guess_right_and_wrong():
    """After outputs past the scratch space that held Latin-1, the next one starts as a
    Latin-1 str: it must still come out ASCII when it holds none, and Latin-1 (not
    wider) when it holds some, wherever that char comes, and in strs the lane writes
    as well as in keys and escaped strings."""
    ascii_doc = [{"k": "abc", "n": i} for i in range(2_000)]
    latin = [{"k": "abc", "n": i} for i in range(2_000)] + [{"caf\xe9": "na\xefve\n"}]
    wide = [{"k": "abc", "n": i} for i in range(2_000)] + ["\u4e2d"]
    sequence = [latin, latin, ascii_doc, latin, latin, latin, wide, latin, latin, ascii_doc, ascii_doc, latin, [1, "\xe9"]]
    for obj in sequence:
        for kw in ({"ensure_ascii": False, "separators": (",", ":")}, {"ensure_ascii": False},
                   {"ensure_ascii": False, "indent": 1}):
            out, expected = rjson.dumps(obj, **kw), json.dumps(obj, **kw)
            assert out == expected
            assert sys.getsizeof(out) == sys.getsizeof(expected)  # the same kind and layout (ASCII or not)


@pytest.mark.parametrize("kw", [{}, {"ensure_ascii": False, "separators": (",", ":")}, {"separators": (",", ":")}],
                         ids=repr)
def test_circular_with_fewest_references(kw):
    """Containers the lane reads from a slot skip the circular search when that slot holds
    their only reference. A container on the path always has another (the encoder's),
    so a cycle back to any ancestor, or to the root, held nowhere else, is still found."""
    for depth in range(1, 6):
        for back in range(depth + 1):
            def build():
                chain = [[] if i % 2 else {} for i in range(depth + 1)]
                for i in range(depth):
                    if i % 2:
                        chain[i].extend([1, chain[i + 1], "x"])
                    else:
                        chain[i].update(a=1, b=chain[i + 1], c="x")
                last = chain[depth]
                target = chain[back]
                last.append(target) if isinstance(last, list) else last.update(z=target)
                return chain[0]  # the chain itself is freed: slots hold the only references
            exc = assert_same(build(), **kw)
            assert isinstance(exc, ValueError) and str(exc) == "Circular reference detected"
            assert isinstance(assert_same([build()], **kw), ValueError)


def test_levels_entered_again_count_at_the_limit():
    """Levels the lane enters again at a depth already allowed are counted without the
    interpreter, and entered there before anything asks it: a list subclass (the
    general path) under exact lists meets the limit at the same depth whether or not a
    sibling went that deep first."""
    limit = json_nesting_limit()
    seen = set()
    for depth in range(limit - 60, limit + 5):
        for leaf in (S.MyList([1]), [2**64], {"k": S.MyList([])}):
            alone = outcome(dumps, [S.nested_list(depth, leaf=leaf)])
            after = outcome(dumps, [S.nested_list(depth, leaf=1), S.nested_list(depth, leaf=leaf)])
            assert alone[0] == after[0], (depth, leaf)
            seen.add(alone[0])
    assert seen == {"ok", "raise"}

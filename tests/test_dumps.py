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
                     [";", "="]]),
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

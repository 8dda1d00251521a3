"""rjson.loads against json.loads: generated documents, mutations, every keyword argument,
every input type, errors compared as (class, msg, pos, lineno, colno)."""
import json
import math
import struct
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rjson
from _compare import assert_same, outcome, same_value

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=20)
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | text)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(text, inner, max_size=6),
    max_leaves=30,
)
dump_styles = st.sampled_from([
    {}, {"ensure_ascii": False}, {"indent": 2}, {"indent": "\t", "ensure_ascii": False},
    {"separators": (",", ":")}, {"separators": (" , ", " : "), "indent": 0},
])


@SETTINGS
@given(documents, dump_styles)
def test_generated_documents(obj, style):
    doc = json.dumps(obj, **style)
    assert assert_same(doc)[0] == "ok"
    assert_same(doc.encode("utf-8", "surrogatepass"))
    assert_same(bytearray(doc.encode("utf-8", "surrogatepass")))


@SETTINGS
@given(documents, st.data())
def test_mutated_documents(obj, data):
    doc = json.dumps(obj, ensure_ascii=data.draw(st.booleans()))
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(doc)))
        op = data.draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        ch = data.draw(st.sampled_from(list('{}[]",:\\ \t\n01-.eEtrufalsnNI\x00\x1fxé\ud800😀')))
        if op == "delete":
            doc = doc[:i] + doc[i + 1:]
        elif op == "insert":
            doc = doc[:i] + ch + doc[i:]
        elif op == "replace":
            doc = doc[:i] + ch + doc[i + 1:]
        else:
            doc = doc[:i]
    assert_same(doc)
    assert_same(doc, strict=False)
    assert_same(doc.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.binary(max_size=40))
def test_random_bytes(raw):
    assert_same(raw)


@SETTINGS
@given(st.binary(max_size=12), st.sampled_from([b'["', b'{"', b'"', b'[1, "x', b'"\\u']))
def test_random_bytes_in_strings(raw, prefix):
    # Invalid UTF-8 wins over any syntax error; valid UTF-8 gives the same str.
    assert_same(prefix + raw + b'"]')
    assert_same(prefix + raw)


@SETTINGS
@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_float_bit_patterns(bits):
    x = struct.unpack("<d", struct.pack("<Q", bits))[0]
    if math.isnan(x) or math.isinf(x):
        return
    for t in (repr(x), "%.17e" % x, "%.15g" % x, "%.25e" % x, "%.3f" % x):
        y, expected = rjson.loads(t), json.loads(t)  # "-0" is the int 0, so compare with json
        assert type(y) is type(expected), t
        assert struct.pack("<d", float(y)) == struct.pack("<d", float(expected)), t


@SETTINGS
@given(st.integers(min_value=0, max_value=2**54 + 10), st.integers(min_value=-25, max_value=25))
def test_short_decimals(m, e):
    # Around the exact-double path (mantissa < 2^53, |exponent| <= 22) and its edges.
    for t in (f"{m}e{e}", f"{m}.5e{e}", f"0.{m}", f"-{m}e{e}", f"{m % 1000}.{m % 97:02d}", f"[{m}E{e}, 1]"):
        assert_same(t)
        assert_same(t.encode())


@SETTINGS
@given(st.integers(min_value=-(10**60), max_value=10**60))
def test_integers(n):
    assert_same(str(n))
    assert_same(f"[{n}, {n}.5, {n}e2]".encode())


@pytest.mark.parametrize("doc", [
    "1e400", "-1e400", "1e-400", "-1e-400", "4.9e-324", "2.4e-324", "2.5e-324", "1.7976931348623157e308",
    "1.7976931348623159e308", "2.2250738585072011e-308", "0.1", "9007199254740993", "9007199254740993.0",
    "-0", "-0.0", "0e5", "1E+2", "1e-2", "123456789012345678901234567890.5", "0." + "0" * 30 + "1",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "99999999999999999999", "-" + "9" * 200,
    "NaN", "Infinity", "-Infinity", "[NaN, Infinity, -Infinity]", "-NaN", "infinity", "nan",
    "01", "-01", "1.", ".1", "1e", "1e+", "1e-", "-", "+1", "1.e5", "0x10", "1_000",
])
def test_number_edges(doc):
    assert_same(doc)
    assert_same(doc.encode())
    assert_same(f"[{doc}]")


@pytest.mark.parametrize("digits", [d[:k] for d in ("1234567890123456789012", "9999999999999999999999", "0000000000")
                                    for k in range(0, 23)] + ["01", "00", "10", "-", "--1", "+1", "1a", "0x1"])
def test_number_words(digits):
    # Every digit count around the 8-byte words of the short-int and digit scanners,
    # each followed by every kind of terminator, with and without room for a word.
    for sign in ("", "-"):
        for after in ("", ",", "]", " ", ".", ".5", "e", "e5", "E-2", "x", "\n", "/", "\u0130", "\U00010030"):
            num = sign + digits + after
            for doc in (num, "[" + num + "]", "[" + num + ", 123456789]", '{"a": ' + num + ', "b": 0}'):
                assert_same(doc)
                assert_same(doc.encode())
                # In UCS2 and UCS4 strs, whose units are packed to bytes for the scan
                # (U+0130 and U+10030 have a digit in their low byte).
                for wide in ("\u20ac", "\U0001f600"):
                    assert_same('["' + wide + '", ' + doc + "]")
                    assert_same('["' + wide + '", ' + digits + after + digits + "]")


def test_big_int_digit_limit():
    doc = "1" * 5000
    assert outcome(json.loads, doc)[0] == "ValueError"
    assert_same(doc)
    assert_same(doc.encode())
    assert_same("1" * 4300)


def test_constants_are_json_s_objects():
    # json returns its shared NaN object, so [NaN] == [NaN] holds for its results.
    assert rjson.loads("[NaN]") == json.loads("[NaN]")
    assert rjson.loads("NaN") is json.loads("NaN")


@pytest.mark.parametrize("doc", [
    '"\\ud800"', '"\\udc00"', '"\\ud800\\udc00"', '"\\uD83D\\uDE00x"', '"\\ud800\\ud800"', '"\\ud800\\u0041"',
    '"\\ud800\\u00zz"', '"\\ud800\\udc0"', '"\\ud800\\udc00"', '"\\ud800\\udc00', '"\\ud800\\"', '"\\ud800x"',
    '"\\u0000"', '"\\u00e9\\u20ac"', '"\\u12"', '"\\u1234', '"\\u123"', '"\\uGGGG"', '"\\', '"\\x"', '"\\/\\b\\f\\n\\r\\t\\"\\\\"',
    '"abc', '"', '"a\x00b"', '"a\x1fb"', '"a\x7fb"', '"é€😀\ud800"', '["a", "b\x01"]', '{"\x01": 1}',
])
def test_string_edges(doc):
    assert_same(doc)
    assert_same(doc, strict=False)
    assert_same(doc.encode("utf-8", "surrogatepass"))
    assert_same(doc.encode("utf-8", "surrogatepass"), strict=False)


@pytest.mark.parametrize("raw", [
    b'"\xed\xa0\x80"', b'"\xed\xb0\x80\xed\xa0\x80"', b'"\xc0\x80"', b'"\xe0\x80\x80"', b'"\xf0\x80\x80\x80"',
    b'"\xf4\x90\x80\x80"', b'"\xf5"', b'"\x80"', b'"\xc3"', b'"\xe2\x82"', b'[1,]\xff', b'\xff', b'[\xc3\xa9]',
    b'\xef\xbb\xbf[1]', b'\xef\xbb\xbf', b'\xef\xbb\xbf\xff', b'\xef\xbb\xbf[1,]', b'"\xf0\x9f\x98\x80"',
])
def test_utf8_edges(raw):
    assert_same(raw)
    assert_same(raw, rjson_doc=memoryview(raw))


SEQUENCES = [b"\xc2\x80", b"\xc3\xa9", b"\xdf\xbf", b"\xe0\xa0\x80", b"\xe2\x82\xac", b"\xed\x9f\xbf",
             b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xef\xbf\xbf", b"\xf0\x90\x80\x80", b"\xf0\x9f\x98\x80",
             b"\xf4\x8f\xbf\xbf", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x9f\xbf", b"\xf0\x8f\xbf\xbf",
             b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xbf", b"\xc3",
             b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3\x28", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xff"]


@pytest.mark.parametrize("seq", SEQUENCES)
def test_utf8_sequences_in_context(seq):
    # Each sequence at a string's start, middle and end, in short and long strings, next
    # to escapes, and at the document's very end (where fewer than 4 bytes are left).
    for pre, post in ((b"", b""), (b"ab", b"cd"), (b"\xc3\xa9" * 9, b"x" * 20), (b"\\n", b"\\t"),
                      (b"\xe4\xb8\xad" * 7, b"\xf0\x9f\x98\x80" * 3)):
        body = pre + seq + post
        for doc in (b'"' + body + b'"', b'["' + body + b'", "' + body + b'", 1, 2]', b'{"' + body + b'": 0}'):
            assert_same(doc)
            assert_same(doc[:-1])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("doc", ['[1, "é€😀", {"a": null}]', '"x"', "12", '[1,]', '{"a" 1}'])
def test_utf16_utf32(encoding, doc):
    assert_same(doc.encode(encoding))


@pytest.mark.parametrize("doc", [
    "", " ", "[", "]", "{", "}", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "{1:2}", '{"a"}', '{"a":}', '{"a":1,}',
    '{"a":1 "b":2}', '{"a" 1}', '{,}', "[1]]", "[1] x", "tru", "nul", "falsy", "nulll", "\ufeff[]", "\ufeff",
    "\n\n  [1,\n  x]", "[\r\n\t]", "[\x0b]", "[\xa0]", "\u3000[]", "[1]\x00", "[é]", "\ud800",
])
def test_syntax_errors(doc):
    assert_same(doc)
    assert_same(doc.encode("utf-8", "surrogatepass"))


def test_error_is_json_decode_error():
    with pytest.raises(json.JSONDecodeError) as info:
        rjson.loads('{"a": [1, 2,, 3]}')
    assert isinstance(info.value, rjson.JSONDecodeError) and isinstance(info.value, ValueError)
    assert (info.value.msg, info.value.pos, info.value.lineno, info.value.colno) == ("Expecting value", 12, 1, 13)
    assert str(info.value) == "Expecting value: line 1 column 13 (char 12)"


def test_bytes_error_doc_is_decoded_str():
    with pytest.raises(json.JSONDecodeError) as info:
        rjson.loads('["é€", x]'.encode())
    assert info.value.doc == '["é€", x]' and info.value.pos == 7


@pytest.mark.parametrize("value", [1, 1.5, None, [], {}, object(), b"x".decode, memoryview])
def test_type_errors(value):
    assert_same(value)


def test_memoryview_accepted():
    assert rjson.loads(memoryview(b'{"a": [1, 2]}')) == {"a": [1, 2]}
    assert rjson.loads(memoryview(b'xx[1]xx')[2:5]) == [1]
    assert rjson.loads(memoryview(b"[1, 2]  ")[::1]) == [1, 2]
    assert rjson.loads(memoryview(b"[x1x,x2x]")[::2]) == [1, 2]  # non-contiguous: taken as bytes


DOC = '{"a": [1, 2.5, -3, 1e5, NaN, -Infinity, "s", {"b": null, "a": true}], "c": {}, "a2": [], "d": 12345678901234567890}'


def log_hook(log, tag):
    def hook(x):
        log.append((tag, x))
        return (tag, x)
    return hook


@pytest.mark.parametrize("kw", [
    {"object_hook": "oh"}, {"object_pairs_hook": "ph"}, {"parse_float": "pf"}, {"parse_int": "pi"},
    {"parse_constant": "pc"}, {"object_hook": "oh", "object_pairs_hook": "ph"},
    {"object_hook": "oh", "parse_float": "pf", "parse_int": "pi", "parse_constant": "pc"},
])
@pytest.mark.parametrize("doc", [DOC, DOC.encode(), bytearray(DOC.encode()), DOC + " x", '{"a": {"b": 1}, "c": [1.5]'])
def test_hooks_called_alike(kw, doc):
    # Same results and the same calls in the same order (hooks see the same arguments).
    logs = {}
    for name, fn in (("json", json.loads), ("rjson", rjson.loads)):
        log = logs[name] = []
        args = {k: log_hook(log, v) for k, v in kw.items()}
        res = outcome(fn, doc, **args)
        log.append(("result", res))
    assert repr(logs["json"]) == repr(logs["rjson"])


@pytest.mark.parametrize("kw", [
    {"parse_float": float}, {"parse_int": int}, {"parse_float": None, "object_hook": None}, {"cls": json.JSONDecoder},
    {"cls": None}, {"parse_float": 0}, {"parse_int": ""}, {"strict": 0}, {"strict": []}, {"strict": "yes"},
])
def test_default_equivalent_keywords(kw):
    assert_same(DOC, **kw)
    assert_same('["a\tb"]', **kw)


def test_parse_float_decimal():
    from decimal import Decimal
    assert_same("[1.10, 2e-3, 3]", parse_float=Decimal)
    assert rjson.loads("1.10", parse_float=Decimal) == Decimal("1.10")


def test_hook_errors_propagate():
    def boom(x):
        raise KeyError("boom")
    for kw in ({"object_hook": boom}, {"object_pairs_hook": boom}, {"parse_int": boom}, {"parse_float": boom},
               {"parse_constant": boom}, {"object_hook": 5}):
        assert_same(DOC, **kw)
        assert_same(DOC.encode(), **kw)


def test_custom_cls_and_unknown_keywords_delegate():
    class Dec(json.JSONDecoder):
        def decode(self, s):
            return ("custom", super().decode(s))

    assert rjson.loads("[1]", cls=Dec) == ("custom", [1])
    assert_same("[1]", foo=1)
    assert_same("[1]", cls=Dec, strict=False)
    assert rjson.loads(s="[2]") == [2]
    assert_same("[1]", object_hook=None, strict=True)


def test_subclasses_delegate():
    class S(str):
        pass

    class B(bytes):
        pass

    assert_same(S('{"a": 1}'))
    assert_same(B(b'{"a": 1}'))
    assert_same(S("[1,]"))


def test_duplicate_keys_last_wins_first_position():
    doc = '{"a": 1, "b": 2, "a": 3, "c": 4, "d": 5, "e": 6, "f": 7, "a": 8}'
    assert list(rjson.loads(doc).items()) == list(json.loads(doc).items())
    assert_same(doc, object_pairs_hook=list)


def test_key_cache_compares_bytes():
    # Many distinct keys through a small cache: collisions must never return a wrong key.
    keys = [f"k{i}" for i in range(5000)] + ["x" * 64, "x" * 65, "é", "\ud800", "a\\n"]
    doc = json.dumps({k: i for i, k in enumerate(keys)})
    for _ in range(2):
        assert list(rjson.loads(doc)) == list(json.loads(doc))
        assert list(rjson.loads(doc.encode())) == list(json.loads(doc))
    d = rjson.loads('{"abc": 1}')
    assert hash(next(iter(d))) == hash("abc")


def test_key_cache_sets():
    # Keys that differ only in their last char (9+ chars: once all one slot), more keys
    # than a set holds evicting and moving one another, records in shifting orders so
    # that guesses name slots whose key has moved, the empty key, in every str kind.
    keys = [p + c for p in ("20570599", "contributors_", "k") for c in "0123456789abcdef"]
    keys += ["", "a", "result_type", "contributors", "x" * 17, "x" * 16 + "y"]
    records = [{k: i for k in (keys[i % len(keys):] + keys[:i % len(keys)])[: 2 + i % 9]} for i in range(400)]
    for doc in (json.dumps(records), json.dumps(records, indent=1)):
        for wide in ("", "\u00e9", "\u20ac", "\U0001f600"):
            text = doc[:-1] + ', "' + wide + '"]'
            for _ in range(2):
                assert_same(text)
                assert_same(text.encode())


@pytest.mark.parametrize("n", range(0, 70))
def test_key_and_string_lengths(n):
    # Keys that share their first and last 8 chars and differ in the middle (the cache
    # matches by length and those words), strings around the 32-byte inline scan, and
    # both at the very end of the document (where fewer than 8 or 32 bytes remain).
    mid = ["x" * n, ("ab" * n)[:n]] + [("x" * n)[:i] + "y" + ("x" * n)[i + 1:] for i in (n // 2, n - 1) if n]
    for wide in ("", "\u20ac", "\U0001f600", "\u00e9"):
        keys = ["a" * 8 + m + "b" * 8 for m in mid] + mid + [m + wide for m in mid] + [wide + m for m in mid]
        doc = json.dumps({k: k for k in keys}, ensure_ascii=False)
        for _ in range(2):
            assert_same(doc)
            assert_same(doc.encode())
            # The same keys in UCS2 and UCS4 strs: é must still make a UCS1 key.
            assert_same(doc[:-1] + ', "\u20ac": 0}')
            assert_same(doc[:-1] + ', "\U0001f600": 0}')
        for k in keys:
            for tail in ("", "\u00e9", "\\n", "\x01"):
                s = json.dumps(k + tail, ensure_ascii=False)
                for d in (s, "{" + s + ":" + s + "}", "[" + s + "]"):
                    assert_same(d)
                    assert_same(d.encode())


@pytest.mark.parametrize("odd", ["\x7f", "\x80", "\xff", "\u0100", "\u0122", "\u5c22", "\u8022", "\uff5c",
                                 "\ud800", "\uffff", "\U00010022", "\U0010ffff", "\\n", "\x01", '\\"'])
def test_keys_narrowed_in_wide_strs(odd):
    # UCS2/UCS4 strs scan a key's first 16 units and whitespace narrowed to bytes: a unit
    # whose low byte is '"', '\\' or a control must not stop it, DEL and non-ASCII must
    # give the key its exact kind, at every offset around the 16 units.
    for i in range(0, 19):
        for pad in ("a", "\u20ac", "\U0001f600"):
            key = "k" * i + odd + "z" * (18 - i)
            doc = '{"%s": [%s, "%s"],\n        "%s" : 1}' % (key, '"' + pad + '"', key[:i + 1], key[i:])
            assert_same(doc)
            assert_same(" " * i + doc + " " * (17 - i))


@pytest.mark.parametrize("near", ["b", "bc", "b" * 8, "b" * 9, "b" * 16, "b" * 17, "bcdefghijklmnopqrstuvwxyz" * 2])
def test_keys_guessed_from_the_last_object(near):
    # Each key is first guessed to be the one that followed the previous key last time
    # (per nesting depth for the first key). Every near miss of the guess must parse as
    # itself: longer, shorter, one unit changed (to a char whose low byte is the guessed
    # one: U+0162 and U+10062 end in 'b'), escaped, at the document's very end.
    n = len(near)
    others = [near[:-1], near + "b", near[:-1] + "c", "c" + near[1:], near[:-1] + "\u0062", "\u0062" + near[1:],
              near[:-1] + "\u0162", "\u0162" + near[1:], near[:-1] + "\U00010062", near[:n // 2] + "\u0162" + near[n // 2 + 1:],
              near[:-1] + "\x7f", near[:-1] + "\\u0062"]
    for other in others:
        for wide in ("", "\u20ac", "\U0001f600"):
            for doc in ('[{"%s": 1, "%s": 2}, {"%s": 3, "%s": 4}]' % (near, other, near, near),
                        '[{"a": {"%s": 1}}, {"a": {"%s": 2}}, {"%s": 3}, "%s"]' % (near, other, other, wide),
                        '{"a": {"%s": 1}, "b": {"%s": 2}}' % (near, other),
                        '[{"%s": 1}, {"%s":1}]' % (near, other),
                        '[{"%s": 1}, {"%s"' % (near, other)):
                for _ in range(2):
                    assert_same(doc)
                    assert_same(doc.encode("utf-8", "surrogatepass"))
                    assert_same(doc + wide)
                    assert_same(wide + doc)


def test_keys_guessed_in_shifting_orders():
    rows = [{k: i for k in keys} for i, keys in enumerate(
        [["a", "b", "c"], ["b", "c"], ["a", "c", "b"], ["a", "a", "b"], [], ["c"], ["a", "b", "c", "d"]] * 3)]
    nested = {"x": rows, "y": {"x": rows, "a": [[{"a": {"a": 1}}]] * 3}}
    deep = 0
    for i in range(100):
        deep = {"k%d" % (i % 3): deep, "a": i}
    for obj in (rows, nested, deep):
        for style in ({}, {"indent": 1}, {"separators": (",", ":")}):
            doc = json.dumps(obj, **style)
            assert_same(doc)
            assert_same(doc.encode())
            assert_same(doc + "\u20ac")
            assert_same(doc + "\U0001f600")


@pytest.mark.parametrize("n", range(0, 41))
def test_narrow_strs_from_wide_docs(n):
    # A UCS2 or UCS4 document's strs of a narrower kind are copied unit by unit, 8 or
    # 16 at a time: every length, with 0x80..0xFF (the signed packs' edge) anywhere.
    for body in ("a" * n, ("\xe9\x80\xffz" * n)[:n], "a" * (n - 1) + "\xff" if n else ""):
        for wide in ("\u20ac", "\U0001f600", "\u0100"):
            doc = json.dumps({body: [body, wide], "k": body}, ensure_ascii=False)
            assert_same(doc)
            assert_same(doc.encode())
    # UCS2 strs from a UCS4 document, 8 units at a time (the signed pack's edges
    # 0x7FFF/0x8000 and 0xFFFF, a lone surrogate), plain and after an escape.
    for body in (("\u4e00\u7fff\u8000\uffffa\ud800\x80" * n)[:n], "\u0100" * n, "a" * (n - 1) + "\uffff" if n else ""):
        doc = json.dumps([body, "\U0001f600", body + "\n", "\n" + body, {body: body}], ensure_ascii=False)
        assert_same(doc)


@pytest.mark.parametrize("depth", [10, 500, 990])
def test_nesting_within_limit(depth):
    assert_same("[" * depth + "]" * depth)
    assert_same('{"a":' * depth + "1" + "}" * depth)


@pytest.mark.parametrize("doc", ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 100_000])
def test_deep_nesting_raises_recursion_error(doc):
    with pytest.raises(RecursionError):
        rjson.loads(doc)
    with pytest.raises(RecursionError):
        rjson.loads(doc.encode())


def test_million_brackets_with_raised_limit_no_crash():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(10**7)
    try:
        for doc in ("[" * 1_000_000, "{\"a\":" * 1_000_000, "[" * 1_000_000 + "]" * 1_000_000):
            with pytest.raises(RecursionError):
                rjson.loads(doc)
    finally:
        sys.setrecursionlimit(old)
    assert rjson.loads("[[1]]") == [[1]]


def test_whitespace_only_json_whitespace():
    assert_same(" \t\n\r[ \t\n\r1 \t\n\r, \t\n\r2 \t\n\r] \t\n\r")
    for ws in ("\x0b", "\x0c", "\xa0", "\u2028", "\x85"):
        assert_same(ws + "1")
        assert_same("[1" + ws + "]")


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65])
def test_whitespace_runs(n):
    # Runs around the run skipper's step (32 units, 8 in a UCS4 str), ending at every
    # offset, at the document's end, and broken by a char that is not JSON whitespace
    # (also one whose low bits, or 16-bit saturation, could pass for a space).
    for unit in (" ", "\t", "\n", "\r", " \n\t\r"):
        ws = (unit * n)[:n]
        for doc in ("[" + ws + "1" + ws + "," + ws + "2" + ws + "]" + ws, ws + "{" + ws + '"a"' + ws + ":" + ws + "[]}",
                    "[1," + ws + "\x0b" + ws + "2]", "[" + ws, ws, "[1," + ws + "\u0120" + ws + "2]",
                    "[1," + ws + "\U00010020" + ws + "2]", "[1," + ws + "\U00010020]"):
            assert_same(doc)
            assert_same(doc.encode())
            assert_same(doc + "\u20ac")  # the same in a UCS2 str
            assert_same("\U0001f600" + doc)  # and UCS4 (an error right away, but parsed)
            assert_same('["\U0001f600", ' + doc[1:] if doc.startswith("[") else doc + "\U0001f600")


@pytest.mark.parametrize("odd", ["\t", "\n", "\r", "\x0b", "\xa0", "x"])
def test_space_runs_broken_once(odd):
    # The run skipper compares spaces first and the other whitespace only in a block
    # where something else comes first: one odd char at every offset of the run.
    for n in (5, 16, 33):
        for i in range(n + 1):
            ws = " " * i + odd + " " * (n - i)
            for doc in ("[1," + ws + "2]", '{"a":' + ws + '1,' + ws + '"b": [' + ws + ']}', "[\n" + ws + "3]"):
                assert_same(doc)
                assert_same(doc.encode())
                assert_same(doc + "\u20ac")
                assert_same(doc + "\U0001f600")


@SETTINGS
@given(st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=300))
def test_long_strings_all_kinds(s):
    # Strings long enough to take whole SIMD blocks, in every str kind.
    for doc in (json.dumps(s), json.dumps(s, ensure_ascii=False), json.dumps([s, {s: s}], ensure_ascii=False)):
        assert_same(doc)
        assert_same(doc.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("n", [0, 7, 8, 9, 1023, 1024, 1025, 5000])
def test_escaped_strings_widen_late(n):
    # The escape decoder holds bytes until a char above 0xFF, then code points: every
    # width arriving after n narrow chars, as an escape, raw, or UTF-8, and many such
    # strings in one document (the buffer is reused and must not grow each time).
    for wide in ("\u00e9", "\u20ac", "\U0001f600", "\ud800"):
        for body in ("a" * n + "\n" + wide + "b", "\t" * n + wide + "\\", wide + "x\"" * n):
            doc = json.dumps([body] * 50, ensure_ascii=False)
            assert_same(doc)
            assert_same(doc.encode("utf-8", "surrogatepass"))
            assert_same(json.dumps(body))


def test_gc_state_restored():
    import gc
    was = gc.isenabled()
    try:
        gc.disable()
        rjson.loads("[[1], {}]")
        assert not gc.isenabled()
        gc.enable()
        rjson.loads("[[1], {}]")
        assert gc.isenabled()
        rjson.loads("[[1], {}]", object_hook=lambda d: (assert_gc_on(), d)[1])
        with pytest.raises(json.JSONDecodeError):
            rjson.loads("[[1], {}")
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def assert_gc_on():
    import gc
    assert gc.isenabled()  # hooks run with the collector as the user left it


# Found by make fuzz: json rejects a leading BOM only in str input; a BOM that survives
# decoding bytes (a second one after UTF-16's or UTF-8-sig's own) is an unexpected char.
@pytest.mark.parametrize("doc", [b"\xff\xfe\xff\xfe", b"\xfe\xff\xfe\xff\x001", b"\xef\xbb\xbf\xef\xbb\xbf1",
                                 "\ufeff1", "\ufeff"])
def test_bom_left_after_decoding_bytes(doc):
    assert_same(doc)


# Dicts are built in one go from their parsed pairs (decode/dict_build.hpp on 3.11 and
# 3.12): table sizes around the 1-, 2- and 4-byte index boundaries, repeated keys (cached,
# uncached, equal strs of other kinds), and that the result is an ordinary dict after.
dict_keys = st.lists(st.sampled_from(["a", "b", "é", "\u20ac", "\U0001f600", "x" * 70, "x" * 70 + "y", "", "\ud800"])
                     | text, max_size=30)


@SETTINGS
@given(dict_keys, st.booleans())
def test_dict_pairs_repeated_keys(keys, escaped):
    body = ", ".join(f"{json.dumps(k, ensure_ascii=escaped)}: {i}" for i, k in enumerate(keys))
    doc = "{" + body + "}"
    assert_same(doc)
    assert_same(doc.encode("utf-8", "surrogatepass"))
    assert_same(doc, object_hook=lambda d: sorted(d.items()))
    assert_same(doc, object_pairs_hook=list)


@pytest.mark.parametrize("n", [0, 1, 5, 6, 10, 11, 85, 86, 170, 171, 172, 43690, 43691, 50000])
def test_dict_sizes_behave_as_json_s(n):
    import gc
    doc = json.dumps({f"key{i}": [i] if i % 7 == 0 else i for i in range(n)})
    doc2 = doc[:-1] + (", " if n else "") + '"key0": "last"}' if n else doc
    for d in (doc, doc2, doc.encode()):
        got, want = rjson.loads(d), json.loads(d)
        assert same_value(got, want)
        if d is not doc2:  # (with a repeated key the table may be a size larger)
            assert sys.getsizeof(got) == sys.getsizeof(want)
        assert gc.is_tracked(got) == gc.is_tracked(want)
        # Lookups of every key, and growth and deletion afterwards.
        assert all(got[k] == want[k] for k in want)
        for k in list(want)[::3]:
            del got[k], want[k]
        got.update({f"new{i}": i for i in range(40)})
        want.update({f"new{i}": i for i in range(40)})
        assert list(got.items()) == list(want.items())
        assert got == want and got.copy() == want


def test_dict_tracking_follows_values():
    import gc
    for doc in ('{"a": 1}', '{"a": "x", "b": null}', '{"a": []}', '{"a": {}}', '{"a": {"b": 1}}', '{"a": 1, "a": []}'):
        assert gc.is_tracked(rjson.loads(doc)) == gc.is_tracked(json.loads(doc)), doc
    assert gc.is_tracked(rjson.loads('{"a": 1}', object_hook=lambda d: d)) == gc.is_tracked(
        json.loads('{"a": 1}', object_hook=lambda d: d))


def test_dict_as_namespace():
    # The table must serve exec/globals and instance dicts as any dict does.
    ns = rjson.loads('{"a": 1, "b": 2}')
    exec("c = a + b", ns)
    assert ns["c"] == 3
    class O:
        pass
    o = O()
    o.__dict__ = rjson.loads('{"x": 1, "y": 2}')
    assert (o.x, o.y) == (1, 2)
    o.z = 3
    assert o.__dict__ == {"x": 1, "y": 2, "z": 3}


# Runs of 3- and 4-byte UTF-8 are decoded two chars per 8-byte word: every run length
# and position of a bad or different sequence within a run, and at the document's end
# (where fewer than 8 bytes stay readable).
UTF8_PIECES = [
    "\u4e2d".encode(), "\uffff".encode(), "\u0800".encode(), "\ud7ff".encode(), "\U0001f600".encode(),
    "\U00010000".encode(), "\U0010ffff".encode(), "é".encode(), b"a",
    b"\xed\xa0\x80",  # encoded surrogate (surrogatepass keeps it)
    b"\xe0\x80\xaf", b"\xe0\x9f\xbf",  # overlong 3-byte
    b"\xf0\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf7\xbf\xbf\xbf",  # overlong, too big
    b"\xe4\xb8", b"\xf0\x9f\x98", b"\x80", b"\xe4\x28\xad", b"\xf0\x9f\x28\x80",  # truncated, bad continuation
]


@pytest.mark.parametrize("run", ["\u4e2d".encode(), "\U0001f600".encode()])
@pytest.mark.parametrize("bad", UTF8_PIECES)
def test_utf8_runs_with_one_odd_sequence(run, bad):
    for n in range(0, 9):
        for j in range(0, n + 1):
            body = run * j + bad + run * (n - j)
            for doc in (b'"' + body + b'"', b'["' + body + b'", 1]', b'{"' + body + b'": "' + body + b'"}'):
                assert_same(doc)


@SETTINGS
@given(st.lists(st.sampled_from(UTF8_PIECES), max_size=24), st.sampled_from([b'"', b'["', b'{"k": "']))
def test_utf8_piece_sequences(pieces, prefix):
    body = b"".join(pieces)
    close = {b'"': b'"', b'["': b'"]', b'{"k": "': b'"}'}[prefix]
    assert_same(prefix + body + close)
    assert_same(prefix + body + close + b" " * 7)


# Lists get their item array from PyMem_Malloc at the exact size (not PyList_New's
# zeroed one): every size, around the value stack's inline capacity too, every kind of
# item, and lists that are then grown and shrunk like any other.
@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7, 8, 9, 16, 127, 128, 129, 300])
def test_list_sizes(n):
    items = ["1.5", "-2", "0", "1e400", "NaN", '"s"', "null", "true", "[]", "{}", "[1.25, -3]", '{"a": [0.5]}']
    for k in range(len(items)):
        doc = "[" + ", ".join(items[(k + i) % len(items)] for i in range(n)) + "]"
        assert_same(doc)
        assert_same(doc.encode())
        assert_same(doc.replace(", ", ","))
        assert_same(doc.replace(", ", " \n,\t"))
    got = rjson.loads("[" + ",".join(["2.5"] * n) + "]")
    assert got == [2.5] * n
    got.append(1)
    got.extend(range(50))
    del got[: n // 2]
    got.insert(0, [])
    assert got == [[]] + [2.5] * (n - n // 2) + [1] + list(range(50))


# Lists whose items are all of the value stack's (top-level arrays, arrays first in
# one) or sit above others', around the stack's inline capacity, nested every way.
@pytest.mark.parametrize("n", [1, 128, 129, 130, 300])
def test_list_blocks(n):
    run = ", ".join(str(i * 1000) for i in range(n))
    docs = [f"[[{run}], 1]", f"[[[{run}]]]", f"[1, [{run}], [{run}]]", f"[[{run}], [{run}, [{run}]]]",
            f'{{"a": [{run}], "b": [[{run}], 2]}}', f"[[{run}], {run}]", f"[{run}, [{run}]]"]
    for doc in docs:
        assert_same(doc)
        assert_same(doc.encode())
    # The lists own their blocks: grown, shrunk and freed like any other.
    got, want = rjson.loads(f"[[{run}], [{run}]]"), json.loads(f"[[{run}], [{run}]]")
    for outer in (got, want):
        for lst in outer + [outer]:
            lst.append(7)
            lst.extend(range(300))
            del lst[: len(lst) // 3]
            lst.insert(0, None)
    assert got == want


# Literals are compared a word at a time: every prefix and every one-char change of
# them, alone (at the end of the input) and followed by more, in bytes and in strs of
# each kind (wide chars whose low byte is the expected letter included).
@pytest.mark.parametrize("word", ["true", "false", "null"])
def test_literal_variants(word):
    swaps = ["x", "\0", "t", "f", "e", "\u0172", "\u0165", "\U00010072"]
    variants = [word[:k] for k in range(1, len(word) + 1)] + [word + "e", "talse", "frue", "nulll", "fals", "tru"]
    for i in range(len(word)):
        for ch in swaps + [word[i].upper()]:
            variants.append(word[:i] + ch + word[i + 1:])
    for v in variants:
        for doc in (v, f"[{v}]", f"[{v}, 1]", f"[{v},{v}]", f"[1, {v}]", f'{{"a": {v}}}', f"[{v}" + " " * 9 + "]"):
            assert_same(doc)
            assert_same(doc.encode())
            for wide in ("\u20ac", "\U0001f600"):
                assert_same(f'["{wide}", {doc}]')


# Every prefix of a document, as a view of the whole (the bytes past its end would
# complete a literal, a number or a separator) and in a buffer of exactly its size (a
# ctypes array, heap-allocated past 16 bytes, hence the leading spaces), with nothing
# after it: reads past the end show in the results or to ASan (make test-asan).
@pytest.mark.parametrize("doc", ["[true, false, null]", "[false,true]", "false", "true", "null", "[1, 22, -333]",
                                 '[1, "a", [], {}, 2.5, false]', '{"a": [true, 12345678901]}', "[0,-0, 7]"])
def test_prefixes_as_views(doc):
    import ctypes
    raw = (" " * 17 + doc).encode()
    for k in range(len(raw) + 1):
        assert_same(raw[:k], rjson_doc=memoryview(raw)[:k])
        if k > 16:
            assert_same(raw[:k], rjson_doc=memoryview((ctypes.c_char * k).from_buffer_copy(raw[:k])))


# Array separators: the compact and ", " forms take a fast path, everything else
# (other whitespace, trailing commas, missing items, the end of the input) the general one.
@pytest.mark.parametrize("sep", [",", ", ", ",  ", " ,", " , ", ",\n", ",\t", "\n,", ", \n ", ",,", ", ,", " ", ""])
def test_array_separators(sep):
    items = ["1", "true", "false", "null", '"s"', "[]", "{}", "-5", "2.5", "[1, 2]", '{"a": 1}']
    for k in range(1, 4):
        body = sep.join(items[:k] * 3)
        for doc in (f"[{body}]", f"[{body}{sep}]", f"[{body}{sep}", f"[{body}", f"[{body}{sep}1]", f"[[{body}]]",
                    f"[{sep}{body}]", f"[{body}]{sep}"):
            assert_same(doc)
            assert_same(doc.encode())
            assert_same('["\u20ac", ' + doc + "]")
            assert_same('["\U0001f600", ' + doc + "]")


@pytest.mark.parametrize("doc", [
    "[1.5, 2.5", "[1.5, 2.5,", "[1.5, 2.5,]", "[1.5 2.5]", "[1.5, x]", "[1.5, -]", "[-, 1]", "[1.5,, 2]",
    "[[1.5, 2.5], [3.5, 4.5]", "[[1.5, 2.5]] ]", "[[1.5, 2.5],[1.5, 2.5,]]", "[[1.5, -Infinity], [NaN, 1e5]]",
])
def test_short_list_errors(doc):
    assert_same(doc)
    assert_same(doc.encode())


def test_leaf_lists_at_the_recursion_limit():
    # The innermost list counts against the limit like json's whatever it holds: the first
    # depth that raises moves with the leaf exactly as json's does (json itself sits a few
    # Python frames deeper, json.loads -> decode -> raw_decode, hence the offset).
    import subprocess
    code = (
        "import json, sys, rjson\n"
        "sys.setrecursionlimit(200)\n"
        "def first(mod, leaf):\n"
        "    for d in range(100, 200):\n"
        "        try: mod.loads('[' * d + leaf + ']' * d)\n"
        "        except RecursionError: return d\n"
        "leaves = ['1.5', '[]', '[1.5]', '[1.5, 2.5]', '[1, 2, 3]', '[\"a\", 1.5]', '[[1.5, 2.5]]', '{}']\n"
        "if first(json, '[]') is None: print('unlimited')\n"
        "else: print(len({first(json, l) - first(rjson, l) for l in leaves}),\n"
        "           [first(rjson, l) - first(rjson, '[]') for l in leaves])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    if out == "unlimited\n":
        # 3.12 and 3.13 check C recursion against a fixed C limit, not sys.setrecursionlimit:
        # json parses 200 levels there without raising, so there is no depth to compare.
        pytest.skip("json's C recursion check ignores sys.setrecursionlimit on this Python")
    assert out.split(None, 1) == ["1", "[1, 0, 0, 0, 0, 0, -1, 0]\n"]


def test_float_allocations_traced():
    # Floats are set up without PyObject_Init where that only re-records tracemalloc's
    # traceback: the allocation must still be traced, to the caller's line.
    import tracemalloc
    doc = "[" + ",".join(["1.5"] * 10_000) + "]"
    tracemalloc.start()
    try:
        got = rjson.loads(doc)
        snap = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    here = [s for s in snap.statistics("lineno") if s.traceback[0].filename == __file__]
    assert sum(s.size for s in here) >= 10_000 * 24
    assert len(got) == 10_000


def test_lists_built_in_place():
    # Lists are made from their type (not PyList_New): each must be a distinct, tracked,
    # fully working list, empty ones included.
    import gc
    for doc in ('[]', '[[]]', '[[], [], {}]', '[1, "a", []]', '{"a": [], "b": [1, 2]}', ' [ ] ', '[\n  []\n]'):
        got, want = rjson.loads(doc), json.loads(doc)
        assert got == want and type(got) is type(want), doc
    outer = rjson.loads('[[], [], [1], [1]]')
    assert all(type(x) is list and gc.is_tracked(x) for x in outer)
    assert gc.is_tracked(outer)
    assert outer[0] is not outer[1] and outer[2] is not outer[3]
    outer[0].append(outer)  # a cycle through a decoded list: the collector must find it
    outer[2].extend(range(100))
    outer[3].insert(0, "x")
    del outer[3][1]
    assert outer[2][:3] == [1, 0, 1] and outer[3] == ["x"]
    assert sys.getsizeof(rjson.loads('[]')) == sys.getsizeof(json.loads('[]'))
    import weakref
    class Marker:
        pass
    m = Marker()
    ref = weakref.ref(m)
    outer[1].append(m)
    del m, outer
    gc.collect()
    assert ref() is None


# After a parse's first tracked container, dicts and lists are allocated, counted and
# tracked inline on 3.11-3.12 (decode/gc_objects.hpp): each must be in the young
# generation's list as the collector walks it, counted as an allocation, and collectable.
def test_inline_tracked_containers():
    import gc
    import weakref
    doc = json.dumps([{"a": [i], "b": {"c": [], "d": [1, {"e": i}]}} for i in range(300)] + [[]] * 50)
    gc.collect()
    was = gc.isenabled()
    gc.disable()  # nothing moves them out of the young generation before they are checked
    before = gc.get_count()[0]
    got = rjson.loads(doc)
    young = {id(o) for o in gc.get_objects(0)}
    after = gc.get_count()[0]
    (gc.enable if was else gc.disable)()
    containers = [got]
    for x in got:
        if isinstance(x, dict):
            containers += [x, x["a"], x["b"], x["b"]["c"], x["b"]["d"], x["b"]["d"][1]]
        else:
            containers.append(x)
    assert got == json.loads(doc)
    containers = [c for c in containers if c != {"e": 0} and not (isinstance(c, dict) and "e" in c)]
    assert all(gc.is_tracked(c) for c in containers)  # (json too; {"e": i} neither)
    # gc.get_objects(0) walks the young list itself: every container must be on it.
    assert all(id(c) in young for c in containers)
    assert after - before >= len(containers)
    class Marker:
        pass
    m = Marker()
    ref = weakref.ref(m)
    for c in containers[1:]:  # cycles through every decoded container
        if isinstance(c, dict):
            c["self"] = c
            c["m"] = m
        else:
            c.append(c)
    del m, c, containers, got
    gc.collect()
    assert ref() is None
    # Dicts made inline behave as any other under mutation (version tags, resizes).
    d = rjson.loads('[{"a": 1}, {"a": 2}, {"b": 3}]')
    for x in d:
        x.update({str(i): i for i in range(50)})
        x.pop("a", None)
    assert d[2]["b"] == 3 and len(d[0]) == 50


@pytest.mark.skipif(
    not (0x030B0000 <= sys.hexversion < 0x030E0000) or hasattr(sys, "gettotalrefcount"),
    reason="ma_version_tag sits after ma_used in release builds of 3.11-3.13 only",
)
def test_dict_version_tags_unique():
    # PEP 509: no two dicts share a version tag (caches key on it); dicts the parser
    # makes inline take theirs from a counter of rjson's own. json's dicts are the measure.
    import ctypes

    def tags(dicts):
        return [ctypes.c_uint64.from_address(id(d) + 3 * ctypes.sizeof(ctypes.c_void_p)).value for d in dicts]

    doc = "[" + ",".join('{"k": %d, "v": [%d]}' % (i, i) for i in range(300)) + "]"
    for loads in (json.loads, rjson.loads):
        first, second = loads(doc), loads(doc.encode())
        every = tags(first + second + [{}, dict(a=1)])
        assert len(set(every)) == len(every), loads
        if sys.hexversion >= 0x030C0000:  # the low byte is the watcher mask: clear
            assert not [t for t in every if t & 0xFF]

"""Differential tests for string decoding paths: long strings with escapes (decoded straight
into their str after a long plain run), dense escapes, every str kind, errors inside them.
json.loads is the oracle."""
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rjson
from _compare import assert_same

# Pieces that make a stop or change the kind: escapes (short, \u, surrogate pairs and lone
# halves), raw controls, non-ASCII of every width, and invalid escapes.
SPECIAL = ['\\n', '\\"', '\\\\', '\\/', '\\u00e9', '\\u4e2d', '\\ud83d\\ude00', '\\ud800', '\\udc00x',
           '\\ud800\\u0041', 'é', 'ÿ', 'Ā', '中', '😀', '\x01', '\x1f']
INVALID = ['\\q', '\\u12', '\\u12"', '\\ud800\\u12zz', '\\', '\\x']
# Plain runs around the direct path's threshold (256 units) and the vector widths.
RUN_LENGTHS = [0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 255, 256, 257, 300, 1000, 5000]


def body_strategy(pieces):
    run = st.sampled_from(RUN_LENGTHS).flatmap(lambda n: st.sampled_from(["a", " ", "é", "中", "😀"]).map(lambda c: c * n))
    return st.lists(st.one_of(run, st.sampled_from(pieces)), min_size=1, max_size=8).map("".join)


def check_all_inputs(doc):
    for strict in (True, False):
        assert_same(doc, strict=strict)
        assert_same(doc.encode("utf-8", "surrogatepass"), strict=strict)


@settings(max_examples=300, deadline=None)
@given(body_strategy(SPECIAL), st.sampled_from(["", "中", "😀"]))
def test_long_escaped_strings(body, wide):
    # The document's str kind comes from `wide`, elsewhere in it, so every input kind
    # (UCS1, UCS2, UCS4) reads the same string.
    check_all_inputs(f'["{body}", "{wide}"]')
    check_all_inputs(f'{{"k": "{body}"}}')


@settings(max_examples=200, deadline=None)
@given(body_strategy(SPECIAL + INVALID), st.sampled_from(["", "中", "😀"]))
def test_long_strings_with_errors(body, wide):
    check_all_inputs(f'["{wide}", "{body}"]')
    check_all_inputs(f'["{wide}", "{body}')  # unterminated


@pytest.mark.parametrize("n", [250, 256, 257, 1000, 4096])
@pytest.mark.parametrize("tail", ["\\n", "\\u0100", "\\ud83d\\ude00", "é", "中", "😀", "\x01", "\\q", ""])
def test_long_run_then_stop(n, tail):
    for head in ["", "\\n", "é\\n"]:
        check_all_inputs('["' + head + "a" * n + tail + "b" * n + '"]')
        check_all_inputs('["' + head + "a" * n + tail + "b" * n)


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf0\x9f\x98", b"\xc0\x80"])
@pytest.mark.parametrize("n", [255, 256, 300])
def test_long_strings_invalid_utf8(bad, n):
    for doc in (b'["' + b"a" * n + b"\\n" + bad + b'"]', b'["' + b"a" * n + b"\\n" + b"x" * n + bad + b'x"]',
                b'["\\n' + b"a" * n + bad + b"\\n\xc3\xa9" + b'"]'):
        assert_same(doc)


def test_long_text_with_sparse_escapes():
    text = ("word " * 80 + "\n") * 200 + "é" + ("mot " * 90 + "\t") * 30
    for obj in (text, [text, text[:100]], {"a": text}):
        check_all_inputs(json.dumps(obj, ensure_ascii=False))
        check_all_inputs(json.dumps(obj))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SPECIAL + INVALID[:4] + ["a", "ab", "\\u00ff", "\\u0000", "\\u0100", "\\u00e9x"]),
                min_size=1, max_size=20).map("".join),
       st.integers(min_value=0, max_value=14))
def test_dense_escapes_near_the_end(body, pad):
    # The escape loop hands the last 12 units of the input to the checked step: strings
    # ending (or cut off) at every distance from the document's end.
    check_all_inputs('"' + body + '"' + " " * pad)
    check_all_inputs('["' + body + " " * pad)


# Runs of one UTF-8 sequence length (CJK: 3 bytes into UCS-2, emoji: 4 bytes into UCS-4)
# are decoded by vector kernels in steps of 4 or 8 chars, the last step ending at the
# run's end; these lengths and break points cover each step size's edges.
RUN_CHARS = list(range(0, 36)) + [47, 48, 49, 63, 64, 65]
WIDE_RUN = {"3": ["中", "\u0800", "\uffff", "\ud7ff", "\ue000"], "4": ["😀", "\U00010000", "\U0010ffff"]}
# Bytes that break a run: other lengths (valid) and invalid or truncated sequences.
RUN_BREAKS = [b"a", b"\xc3\xa9", b"\xe4\xb8\xad", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\xed\xbf\xbf",
              b"\xe0\x80\x80", b"\xe0\x9f\xbf", b"\xe4\xb8", b"\xe4\x38\xad", b"\xe4\xb8\xc0", b"\xe4",
              b"\xf0\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf0\x9f\x98", b"\xf8\x88\x80\x80",
              b"\x80", b"\xbf\xbf\xbf", b"\xff", b"\\n", b"\\u4e2d"]


def wide_docs(body):
    # The run at the document's very end (few readable bytes after it), then inside one.
    return [b'"' + body + b'"', b'["' + body + b'", 1, "padding after the string"]', b'{"k": "' + body + b'"}']


@pytest.mark.parametrize("width", ["3", "4"])
@pytest.mark.parametrize("n", RUN_CHARS)
def test_wide_runs(width, n):
    chars = WIDE_RUN[width]
    run = "".join(chars[i % len(chars)] for i in range(n)).encode("utf-8", "surrogatepass")
    for prefix in (b"", b"a", b"ab", b"abc", b"\xc3\xa9"):
        for body in (prefix + run, prefix + run + b"z", run + prefix):
            for doc in wide_docs(body):
                assert_same(doc)


@pytest.mark.parametrize("width", ["3", "4"])
@pytest.mark.parametrize("n", [4, 8, 11, 12, 16, 20, 24, 31, 32, 40])
def test_wide_runs_broken_at_every_char(width, n):
    # Every char of the run in turn replaced by each break: first, last, and on either
    # side of each step's edge.
    c = WIDE_RUN[width][0].encode("utf-8")
    for k in range(n):
        for brk in RUN_BREAKS:
            body = c * k + brk + c * (n - k - 1)
            for doc in wide_docs(body):
                assert_same(doc)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WIDE_RUN["3"] + WIDE_RUN["4"] + ["a", "é", "\\n"]).map(
    lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from(["中", "😀"]).flatmap(lambda c: st.integers(1, 40).map(lambda k: (c * k).encode("utf-8"))),
    st.sampled_from(RUN_BREAKS)), min_size=1, max_size=10).map(b"".join))
def test_wide_runs_mixed(body):
    for doc in wide_docs(body):
        assert_same(doc)


# The escape loop decodes each step without a branch on its kind: a plain unit, a
# two-char escape, or \u00XX (its last two digits through a table, any digit there
# and the two zeros before them checked as one). Every hex digit and its neighbours in
# ASCII at each of the four places, in every str kind and after plain runs around the
# loop's hand-over to the vector scan (8 units).
HEX_NEAR = "0123456789abcdefABCDEF/:@G`g \x7fé中"


@pytest.mark.parametrize("place", range(4))
def test_unicode_escape_digits(place):
    for ch in HEX_NEAR:
        digits = ["0", "0", "4", "1"]
        digits[place] = ch
        esc = "\\u" + "".join(digits)
        for lead in ("", "a", "\\n", "ab\\t"):
            for wide in ("", "中", "😀"):
                check_all_inputs(f'["{lead}{esc}{esc}x\\n{esc}", "{wide}"]')


@pytest.mark.parametrize("run", [0, 1, 6, 7, 8, 9, 15, 16, 17])
def test_escape_runs_between_plain(run):
    escapes = ["\\n", "\\\\", '\\"', "\\/", "\\b", "\\f", "\\r", "\\t", "\\u0000", "\\u001f", "\\u007F", "\\u00ff",
               "\\u00Ff", "\\u0100", "\\uffff", "\\ud83d\\ude00", "\\ud800", "\\u", "\\x", "\\U0041", "\\u00", "\x01",
               "é", "\x7f"]
    for esc in escapes:
        for c in ("a", "é", "\x7f", '"'):
            body = esc + c * run + esc + esc + "b" * run
            for wide in ("", "中", "😀"):
                check_all_inputs(f'["{body}", "{wide}"]')
                check_all_inputs(f'"{body}{wide}"')


# Past 64 Ki chars an ASCII string is finished in one pass into a str of a guessed
# length (8x the chars so far, grown 8x, shrunk at the end); anything else hands the
# string back to the two-pass decoder where it stopped. Each case puts its piece in the
# one-pass stretch, and strings that outgrow the first guess.
LONG_LINE = "x" * 1000 + "\\n"


@pytest.mark.parametrize("piece", ["", "\\n", "\\u0041", "\\u00e9", "\\u4e2d", "\\ud83d\\ude00", "\\ud800", "é", "中",
                                   "😀", "\x7f", "\x01", "\\q", "\\u12x4"])
@pytest.mark.parametrize("lines", [70, 200])
def test_long_ascii_strings(piece, lines):
    body = LONG_LINE * lines + piece + LONG_LINE * 3
    check_all_inputs(f'["{body}", 1]')
    check_all_inputs(f'"{body}"')
    check_all_inputs(f'["{body}')  # unterminated
    check_all_inputs(f'["{body}", "{"y" * 70000}\\n{body}"]')


@pytest.mark.parametrize("at", [65536 - 1, 65536, 65537, 520_000, 530_000])
def test_long_ascii_string_growing(at):
    # One run of 64 Ki chars, then short lines past the 8x guess (the str is grown).
    body = "a" * at + "\\t" + ("b" * 3000 + "\\\\") * 200
    doc = f'["{body}", "tail"]'
    check_all_inputs(doc)
    assert rjson.loads(doc)[0] == json.loads(doc)[0]


@pytest.mark.parametrize("wide", ["", "é", "中", "😀"])
def test_scan_stop_at_every_offset(wide):
    # The scan kernel reads one vector, then four at a time, then one at a time: a stop
    # (and the widest char, which decides the str's kind) at every offset across them.
    for n in range(0, 700, 3):
        for tail in ("\\n", '"'):
            check_all_inputs('["' + "a" * n + wide + tail + "b" * 20 + '"]')
            check_all_inputs('["' + wide + "a" * n + tail + '"]')


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 1000])
def test_ascii_strs_are_complete_strs(n):
    # ASCII strs are built in place (not by PyUnicode_New) where the layout is known:
    # they must be ordinary compact strs in every respect json's are, from every kind.
    text = "".join(chr(33 + (i * 7) % 94) for i in range(n)).replace('"', "q").replace("\\", "b")
    for wide in ("", "\u00e9", "\u20ac", "\U0001f600"):
        doc = json.dumps([text, {"k" + text: text}, wide], ensure_ascii=False)
        for s in (doc, doc.encode()):
            got, want = rjson.loads(s), json.loads(doc)
            assert got == want
            for a, b in ((got[0], want[0]), (next(iter(got[1])), next(iter(want[1])))):
                assert type(a) is str and a == b and hash(a) == hash(b)
                assert sys.getsizeof(a) == sys.getsizeof(b) and a.isascii() and len(a) == len(b)
                assert a.encode() == b.encode() and (a + "\u20ac")[:-1] == b and a.upper() == b.upper()
                assert {a: 1}[b] == 1


# In UCS2/UCS4 strs an escaped string goes straight into its str (parse_string_direct)
# once a plain run reaches 8 units: runs of 7, 8 and 9 around escapes, each kind of
# char before and after the switch, escapes that widen the result, and errors after it.
@pytest.mark.parametrize("wide", ["\u4e00", "\U0001f600", "\u00e9"])
@pytest.mark.parametrize("run", [1, 7, 8, 9, 17])
def test_wide_runs_around_escapes(wide, run):
    for a, b in [("a", wide), (wide, "a"), (wide, wide), ("\u00ff", "\uffff")]:
        body = a * run + "\\n" + b * run + "\\u00e9" + a * 3 + "\\ud83d\\ude00" + b * run + '\\"'
        for doc in ('["%s"]' % body, '{"%s": "%s%s"}' % (body, wide, body), '["%s\\u20ac%s"]' % (wide, body)):
            assert_same(doc)
            assert_same(doc.encode())
        assert_same('["%s%s' % (wide, body))  # unterminated
        assert_same('["%s%s\\x"]' % (wide, body))  # bad escape after the switch
        assert_same('["%s%s\x01"]' % (wide, body))  # raw control char
        assert_same('["%s%s\x01"]' % (wide, body), strict=False)

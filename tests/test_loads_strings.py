"""Differential tests for string decoding paths: long strings with escapes (decoded straight
into their str after a long plain run), dense escapes, every str kind, errors inside them.
json.loads is the oracle."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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

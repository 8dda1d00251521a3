"""Differential fuzzing of rjson.loads against json.loads (atheris / libFuzzer).

The first input byte picks how the rest is handed over: as bytes, bytearray, str decoded
with surrogateescape (lone surrogates), latin-1 str, or re-encoded to UTF-16/32 (json
sniffs the encoding of bytes). Both must accept the same documents with the same value
(type-exact, NaN-aware) and reject the same ones with the same exception class, and for
JSONDecodeError the same msg and pos.
"""
import sys

import atheris

with atheris.instrument_imports(include=["json"]):
    import json
import rjson  # noqa: E402

from common import check_same_outcome, outcome  # noqa: E402


def as_document(data):
    if not data:
        return b""
    mode, rest = data[0] % 6, data[1:]
    if mode == 0:
        return rest
    if mode == 1:
        return bytearray(rest)
    text = rest.decode("utf-8", "surrogateescape")
    if mode == 2:
        return text
    if mode == 3:
        return rest.decode("latin-1")
    try:
        return text.encode("utf-16" if mode == 4 else "utf-32-le")
    except UnicodeEncodeError:  # lone surrogates cannot be encoded: hand the str over
        return text


# json.loads runs the C scanner, which atheris cannot see. For coverage feedback the same
# document also goes through json's pure-Python scanner (instrumented); its result is not
# compared, the C json.loads stays the reference.
py_decoder = json.JSONDecoder()
py_decoder.parse_string = json.decoder.py_scanstring
py_decoder.scan_once = json.scanner.py_make_scanner(py_decoder)


def feedback(doc):
    if not isinstance(doc, str):
        doc = doc.decode(json.detect_encoding(doc), "surrogatepass")
    return py_decoder.decode(doc)


@atheris.instrument_func
def one_input(data):
    doc = as_document(data)
    outcome(feedback, doc)
    check_same_outcome(outcome(json.loads, doc), outcome(rjson.loads, doc), doc)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()

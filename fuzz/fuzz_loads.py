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


@atheris.instrument_func
def one_input(data):
    doc = as_document(data)
    check_same_outcome(outcome(json.loads, doc), outcome(rjson.loads, doc), doc)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()

"""Comparison helpers shared by the fuzz targets. A mismatch raises AssertionError, which
atheris reports as a crash and saves the input under the artifact prefix."""
import json
import pathlib
import sys



def outcome(fn, *args, **kw):
    try:
        return ("ok", fn(*args, **kw))
    except RecursionError as e:
        return ("err", e)
    except Exception as e:  # noqa: BLE001 - the outcome is what is compared
        return ("err", e)


# One definition of "the same value" for the tests and the fuzzers: tests/_compare.py.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
from _compare import same_value as same  # noqa: E402


def nesting(doc):
    """Rough bracket depth, enough to tell when recursion limits may legitimately differ."""
    if isinstance(doc, (bytes, bytearray)):
        doc = doc.decode("latin-1")
    depth = best = 0
    for ch in doc:
        if ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def check_same_outcome(want, got, doc):
    (wk, wv), (gk, gv) = want, got
    # Both json and rjson stop at a depth tied to the interpreter's recursion limit; near
    # that boundary the exact depth may differ, well below it it may not.
    if isinstance(wv, RecursionError) or isinstance(gv, RecursionError):
        if nesting(doc) >= 200:
            return
    if wk == "ok":
        assert gk == "ok", f"json accepted {doc!r}, rjson raised {gv!r}"
        assert same(wv, gv), f"values differ for {doc!r}: {wv!r} vs {gv!r}"
        return
    assert gk == "err", f"json raised {wv!r} for {doc!r}, rjson returned {gv!r}"
    if isinstance(wv, json.JSONDecodeError):
        assert isinstance(gv, json.JSONDecodeError), f"{doc!r}: {wv!r} vs {gv!r}"
        assert (gv.msg, gv.pos) == (wv.msg, wv.pos), f"{doc!r}: {wv} vs {gv}"
    else:
        assert type(gv) is type(wv), f"{doc!r}: {wv!r} vs {gv!r}"

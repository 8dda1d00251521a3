"""Comparison helpers shared by the fuzz targets. A mismatch raises AssertionError, which
atheris reports as a crash and saves the input under the artifact prefix."""
import json
import math



def outcome(fn, *args, **kw):
    try:
        return ("ok", fn(*args, **kw))
    except RecursionError as e:
        return ("err", e)
    except Exception as e:  # noqa: BLE001 - the outcome is what is compared
        return ("err", e)


def same(a, b):
    """Type-exact, order-exact, NaN- and sign-of-zero-aware equality."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    return a == b


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

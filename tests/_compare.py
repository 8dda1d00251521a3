"""Differential helpers: run json.loads and rjson.loads on the same input and compare
results exactly (type-exact, NaN-aware) or errors as (class, msg, pos, lineno, colno)."""
import json
import math

import rjson


def same_value(a, b):
    """Equal, type for type: int is not float, True is not 1, NaN equals NaN, -0.0 is not 0.0.
    Iterative, so that deeply nested documents compare too."""
    stack = [(a, b)]
    while stack:
        a, b = stack.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, float):
            if math.isnan(a) or math.isnan(b):
                if not (math.isnan(a) and math.isnan(b)):
                    return False
            elif a != b or math.copysign(1, a) != math.copysign(1, b):
                return False
        elif isinstance(a, (list, tuple)):
            if len(a) != len(b):
                return False
            stack.extend(zip(a, b))
        elif isinstance(a, dict):
            if list(a) != list(b):
                return False
            stack.extend((a[k], b[k]) for k in a)
        elif a != b:
            return False
    return True


def outcome(fn, doc, **kw):
    try:
        return ("ok", fn(doc, **kw))
    except json.JSONDecodeError as e:
        return ("JSONDecodeError", e.msg, e.pos, e.lineno, e.colno, e.doc)
    except RecursionError:
        return ("RecursionError",)
    except Exception as e:  # noqa: BLE001 - the class and text are what is compared
        return (type(e).__name__, str(e))


def assert_same(doc, rjson_doc=None, **kw):
    """rjson.loads(doc, **kw) behaves as json.loads(doc, **kw); returns json's outcome.
    rjson_doc, if given, is what rjson gets instead (a memoryview json would refuse)."""
    expected = outcome(json.loads, doc, **kw)
    got = outcome(rjson.loads, doc if rjson_doc is None else rjson_doc, **kw)
    if expected[0] == "ok":
        assert got[0] == "ok", (doc, expected, got)
        assert same_value(expected[1], got[1]), (doc, expected, got)
    else:
        assert got == expected, (doc, expected, got)
    return expected

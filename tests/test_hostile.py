"""Hostile input, each case in a fresh interpreter: a crash fails the test and names the
signal. Under `make test-asan` the children inherit the sanitizer preload."""
import pytest

from hardening_support import run_isolated

# Prepended to every child: builds deep structures without recursion.
PRELUDE = """
import json, sys, rjson
def nested(depth, kind):
    x = []
    for _ in range(depth):
        x = [x] if kind == "list" else {"k": x}
    return x
def kind_of(fn, *a, **k):
    try:
        fn(*a, **k)
        return "ok"
    except Exception as e:
        return type(e).__name__
def dumpb_kind(*a, **k):
    try:
        rjson.dumpb(*a, **k)
        return "ok"
    except rjson.JSONEncodeError:
        return "JSONEncodeError"
    except Exception as e:
        return type(e).__name__
"""


def child(code, **kw):
    return run_isolated(PRELUDE + code, **kw)


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_loads_million_open_brackets(as_bytes):
    out = child(f"""
doc = "[" * 1_000_000
if {as_bytes}: doc = doc.encode()
print(kind_of(json.loads, doc), kind_of(rjson.loads, doc))
""")
    assert out.split() == ["RecursionError", "RecursionError"]


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_dumps_200k_deep(kind):
    out = child(f"""
obj = nested(200_000, "{kind}")
print(kind_of(json.dumps, obj), kind_of(rjson.dumps, obj), kind_of(rjson.dumps, obj, indent=1))
""")
    assert out.split() == ["RecursionError"] * 3


# orjson 3.13 raises orjson.JSONEncodeError("Recursion limit reached") past 254 levels;
# dumpb may do the same (rjson.JSONEncodeError) or raise RecursionError.
@pytest.mark.parametrize("kind", ["list", "dict"])
def test_dumpb_200k_deep(kind):
    out = child(f"""
obj = nested(200_000, "{kind}")
try:
    rjson.dumpb(obj)
    print("ok")
except (rjson.JSONEncodeError, RecursionError) as e:
    print("raised", type(e).__name__)
""")
    assert out.startswith("raised")


def test_million_digit_integer():
    out = child("""
digits = "7" * 1_000_000
big = 10 ** 999_999          # built without a str conversion
for fn, arg in ((json.loads, digits), (rjson.loads, digits), (rjson.loads, digits.encode()),
                (json.dumps, big), (rjson.dumps, big), (rjson.dumps, [big])):
    print(kind_of(fn, arg))
sys.set_int_max_str_digits(0)   # no limit: both sides give the same value
mid = "-" + "12345" * 4_000
assert rjson.loads(mid) == json.loads(mid) and rjson.dumps(int(mid)) == mid
""")
    assert out.split() == ["ValueError"] * 6


def test_dumpb_huge_integer():
    out = child("""
for x in (10 ** 999_999, 2 ** 64, -2 ** 63 - 1):
    print(dumpb_kind(x))
print(rjson.dumpb([2 ** 64 - 1, -2 ** 63]).decode())
""")
    lines = out.split()
    assert lines[:3] == ["JSONEncodeError"] * 3
    assert lines[3] == f"[{2 ** 64 - 1},{-2 ** 63}]"


# A `default` that mutates the container being serialized. json's C encoder (no indent)
# re-reads the list length per item and snapshots dict items; rjson must match it.
MUTATIONS = {
    "list-clear": ("obj = [Odd(), 1, [2, Odd()], 3]", "obj.clear(); return 'x'"),
    "list-shrink": ("obj = [1, Odd(), 2, 3, 4]", "del obj[:]; obj.append(9); return 0"),
    "list-grow": ("obj = [Odd(), 1]", "obj.append(len(obj)) if len(obj) < 50 else None; return 1"),
    "list-replace": ("obj = [Odd(), 'a' * 100, 'b' * 100]",
                     "obj[1] = None; obj[2] = [1, 2]; return 2"),
    "dict-clear": ("obj = {'a': Odd(), 'b': [1, 2], 'c': 'x' * 50}",
                   "obj.clear(); obj['z'] = 1; return 5"),
    "dict-pop": ("obj = {'a': Odd(), 'b': 'x' * 100, 'c': 3}", "obj.pop('b', None); return 0"),
    # A deleted entry further on, and a resize (a new table) in the middle of the walk.
    "dict-pop-later": ("obj = {'a': Odd(), 'b': 1, 'c': 'x' * 40, 'd': 3}", "obj.pop('c', None); return 0"),
    "dict-grow": ("obj = {'a': 1, 'b': Odd(), 'c': 'x' * 40, 'd': 3}",
                  "obj.update((f'k{i}', i) for i in range(40)) if len(obj) < 40 else None; return 2"),
    "nested-clear": ("inner = [Odd(), 'y' * 64]\nobj = {'i': inner, 'j': inner}",
                     "inner.clear(); return 'z'"),
}


def mutation_code(setup, body):
    return f"""
class Odd: pass
def make():
    global obj, inner
{chr(10).join('    ' + line for line in setup.splitlines())}
def default(o):
    {body}
"""


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_default_mutates_container(name):
    out = child(mutation_code(*MUTATIONS[name]) + """
def run(fn, **kw):
    make()
    try:
        return repr(fn(obj, default=default, **kw))
    except Exception as e:
        return type(e).__name__
print(run(json.dumps) == run(rjson.dumps), run(json.dumps), run(rjson.dumps))
print(run(json.dumps, sort_keys=True) == run(rjson.dumps, sort_keys=True))
# json's indent path is pure Python (dict iteration may raise RuntimeError): no crash.
print(run(rjson.dumps, indent=2))
""")
    assert out.splitlines()[0].startswith("True"), out
    assert out.splitlines()[1] == "True", out


# orjson 3.13 itself segfaults on "list-clear"; dumpb must not crash.
@pytest.mark.parametrize("name", list(MUTATIONS))
def test_dumpb_default_mutates_container(name):
    out = child(mutation_code(*MUTATIONS[name]) + """
make()
try:
    out = rjson.dumpb(obj, default=default)
    json.loads(out)          # whatever it wrote is valid JSON
    print("ok")
except (TypeError, RuntimeError) as e:
    print(type(e).__name__)
""")
    assert out.strip() in ("ok", "JSONEncodeError", "TypeError", "RuntimeError")


# sort_keys writes a snapshot of each dict's pairs, borrowed until Python code runs
# (default=, a dict subclass's items()). That code empties every dict on the path: what
# json writes is its snapshot, so the pairs must still be alive. The values are built at
# run time, so the dicts hold their only references.
def test_sort_keys_python_code_empties_the_path():
    out = child("""
def fresh(tag): return "".join([tag] * 40)
class Odd: pass
class Sub(dict):
    def items(self):
        clear_all()
        return super().items()
def make(leaf):
    global outer, mid
    mid = {fresh("m"): fresh("v"), "b": leaf, fresh("a"): [fresh("w"), {fresh("q"): fresh("r")}]}
    outer = {fresh("z"): fresh("y"), "k": mid, fresh("c"): {fresh("d"): fresh("e")}, "0": [mid]}
    return outer
def clear_all():
    for d in (outer, mid):
        d.clear()
        d[fresh("n")] = fresh("p")
def default(o):
    clear_all()
    return fresh("o")
def run(fn, leaf, **kw):
    try:
        return fn(make(leaf), sort_keys=True, **kw)
    except Exception as e:
        return type(e).__name__
for leaf, kw in ((Sub(s=1), {}), (Sub(s=1), {"separators": (",", ":")}), (Odd(), {"default": default}),
                 ([Sub(s=2), 3], {}), ({1: Sub(t=1), 2: 2}, {})):
    want, got = run(json.dumps, leaf, **kw), run(rjson.dumps, leaf, **kw)
    print(want == got, want[:60], got[:60])
""")
    bad = [line for line in out.splitlines() if not line.startswith("True")]
    assert not bad and len(out.splitlines()) == 5, out


def test_sort_keys_with_raising_comparison():
    out = child("""
class Key(str):
    def __lt__(self, other): raise ZeroDivisionError("lt")
    def __gt__(self, other): raise ZeroDivisionError("gt")
class Opaque:
    def __lt__(self, other): raise KeyError("opaque")
    def __hash__(self): return 1
cases = [{Key("b"): 1, Key("a"): 2}, {1: "a", "b": 2}, {None: 1, "x": 2},
         {Opaque(): 1, Opaque(): 2}, {"a": {Key("y"): 1, Key("x"): 2}}]
for obj in cases:
    for kw in ({"sort_keys": True}, {"sort_keys": True, "skipkeys": True},
               {"sort_keys": True, "indent": 1}):
        want, got = kind_of(json.dumps, obj, **kw), kind_of(rjson.dumps, obj, **kw)
        print(want == got, want, got, kw)
""")
    bad = [line for line in out.splitlines() if not line.startswith("True")]
    assert not bad and len(out.splitlines()) == 15, out


def test_subclasses_with_odd_str_and_repr():
    out = child("""
class S(str):
    def __str__(self): return "STR"
    def __repr__(self): return "REPR"
    def __eq__(self, o): return False
    __hash__ = str.__hash__
class I(int):
    def __str__(self): return "bad"
    def __repr__(self): return "bad"
class F(float):
    def __repr__(self): return "bad"
    def __str__(self): return "bad"
class L(list):
    def __repr__(self): return "bad"
class D(dict):
    def items(self): return [("fake", 1)]
objs = [S("s\\u00e9\\n"), {S("k\\""): S("v")}, I(5), {I(7): I(-1)}, F(1.5), {F(2.5): F(-0.0)},
        [I(True), F("nan"), F("inf")], L([1, S("x")]), D(a=1), (S("t"), I(3)),
        {True: 1, S("b"): 2}]
for obj in objs:
    for kw in ({}, {"ensure_ascii": False}, {"sort_keys": True, "indent": 2}):
        want, got = (fn(obj, **kw) if kind_of(fn, obj, **kw) == "ok" else kind_of(fn, obj, **kw)
                     for fn in (json.dumps, rjson.dumps))
        print(want == got, repr(want), repr(got))
""")
    bad = [line for line in out.splitlines() if not line.startswith("True")]
    assert not bad and len(out.splitlines()) == 33, out


def test_dumpb_subclasses_match_orjson():
    out = child("""
import orjson
class S(str):
    def __str__(self): return "STR"
class I(int):
    def __repr__(self): return "bad"
class F(float):
    def __repr__(self): return "bad"
for obj in (S("x\\u00e9"), {S("k"): I(5)}, [F(1.5), I(-3)], {"a": S("b")}):
    try:
        want = orjson.dumps(obj)
    except orjson.JSONEncodeError:   # orjson: "Dict key must be str" for str subclasses
        want = "JSONEncodeError"
    got = rjson.dumpb(obj) if dumpb_kind(obj) == "ok" else dumpb_kind(obj)
    print(want == got, want, got)
""")
    assert [line.split()[0] for line in out.splitlines()] == ["True"] * 4, out


def test_threads_share_objects():
    out = child("""
import threading
doc = {"users": [{"id": i, "name": "n\\u00e9%d" % i, "score": i / 7, "tags": ["a", "\\u2603"]}
                 for i in range(300)], "meta": {"ok": True, "none": None}}
text = json.dumps(doc)
variants = [({}, json.dumps(doc)), ({"indent": 2, "sort_keys": True},
            json.dumps(doc, indent=2, sort_keys=True)), ({"ensure_ascii": False},
            json.dumps(doc, ensure_ascii=False))]
errors = []
def work(seed):
    try:
        for i in range(150):
            kw, want = variants[(seed + i) % 3]
            assert rjson.dumps(doc, **kw) == want
            assert rjson.loads(text) == doc
            assert rjson.loads(text.encode()) == doc
    except BaseException as e:
        errors.append(repr(e))
threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(len(errors), errors[:3])
""")
    assert out.startswith("0 "), out


# A thread's stack can be far smaller than the main thread's: with the recursion limit
# lifted, only the remaining-stack check stands between deep input and a crash.
@pytest.mark.parametrize("call", ["rjson.loads(doc)", "rjson.loads(doc.encode())",
                                  "rjson.dumps(obj)", "rjson.dumps(obj, indent=1)",
                                  "rjson.dumps(obj, ensure_ascii=False)"])
def test_deep_input_on_a_small_thread_stack(call):
    out = child(f"""
import threading
sys.setrecursionlimit(10**6)
doc = "[" * 100_000 + "]" * 100_000
obj = nested(100_000, "list")
result = []
threading.stack_size(512 * 1024)
t = threading.Thread(target=lambda: result.append(kind_of(lambda: {call})))
t.start(); t.join()
print(result[0])
""")
    assert out.split() == ["RecursionError"]

"""What is timed: each operation, the input it needs, and the libraries it compares.

An operation lists its contenders as (label, callable); the first is always rjson's.
A peer that is not installed is left out. Each contender is called with one fresh input
(made by ``Op.fresh``) and must return output equivalent to ``Op.reference``.
"""
import importlib
import json

import rjson


def _optional(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


orjson, ssrjson, ujson, simplejson = (_optional(n) for n in ("orjson", "ssrjson", "ujson", "simplejson"))
msgspec_json = _optional("msgspec.json")

COMPACT = {"ensure_ascii": False, "separators": (",", ":")}


def _with_keywords(fn, **kw):
    """fn(o, **kw) called as a user writes it: keywords passed in the call itself.

    functools.partial(fn, **kw) would put every call through CPython's dict-based
    keyword path (a new dict, then unpacked again): ~95 ns per call on a tiny document,
    a cost of the harness that no user's direct call pays.
    """
    names = ", ".join(f"{k}={k}" for k in kw)
    return eval(f"lambda o: fn(o, {names})", {"fn": fn, **kw})


class Op:
    """name; fresh(workload) -> input; reference(workload) -> the expected output;
    exact: rjson's output must equal the reference byte for byte (drop-in operations);
    contenders: [(label, fn)], rjson first; corpus_only: run on the corpus files only."""

    def __init__(self, name, title, fresh, reference, contenders, exact=False, corpus_only=False):
        self.name, self.title, self.fresh, self.reference = name, title, fresh, reference
        self.contenders = [(label, fn) for label, fn in contenders if fn is not None]
        self.exact, self.corpus_only = exact, corpus_only


def _attr(mod, name):
    return getattr(mod, name, None) if mod is not None else None


def _to_str(fn):
    """Wrap a bytes-returning encoder so it yields str, as the str-producing ops require."""
    return None if fn is None else (lambda o: fn(o).decode())


def _obj(w):
    return w.fresh_obj()


def _str(w):
    return w.fresh_str()


def _bytes(w):
    return w.fresh_bytes()


def _loads_peers(rjson_label):
    return [
        (rjson_label, rjson.loads),
        ("json", json.loads),
        ("orjson", _attr(orjson, "loads")),
        ("ssrjson", _attr(ssrjson, "loads")),
        ("msgspec", _attr(msgspec_json, "decode")),
        ("ujson", _attr(ujson, "loads")),
    ]


def all_ops():
    indent2 = _with_keywords(rjson.dumps, indent=2)
    sorted_ = _with_keywords(rjson.dumps, sort_keys=True)
    rjson_compact = ("rjson compact", _with_keywords(rjson.dumps, **COMPACT))
    return [
        Op("dumps", "dumps(obj) with json's defaults (ensure_ascii, \", \" separators)",
           _obj, lambda w: json.dumps(w.fresh_obj()), exact=True, contenders=[
               ("rjson", rjson.dumps), ("json", json.dumps), ("simplejson", _attr(simplejson, "dumps"))]),
        Op("dumps_compact", "dumps(obj, ensure_ascii=False, separators=(\",\", \":\")) -> str",
           _obj, lambda w: json.dumps(w.fresh_obj(), **COMPACT), exact=True, contenders=[
               ("rjson", _with_keywords(rjson.dumps, **COMPACT)),
               ("json", _with_keywords(json.dumps, **COMPACT)),
               ("orjson", _to_str(_attr(orjson, "dumps"))),
               # Through a lambda as rjson's and json's keyword calls are: called directly
               # from map(), it skipped the Python frame they pay (~30 ns a call).
               ("ssrjson", None if ssrjson is None else _with_keywords(ssrjson.dumps))]),
        Op("dumpb", "dumpb(obj) -> compact UTF-8 bytes (orjson.dumps conventions)",
           _obj, lambda w: json.dumps(w.fresh_obj(), **COMPACT).encode(), contenders=[
               ("rjson", rjson.dumpb), ("orjson", _attr(orjson, "dumps")),
               ("msgspec", _attr(msgspec_json, "encode")), ("ssrjson", _attr(ssrjson, "dumps_to_bytes"))]),
        Op("loads_bytes", "loads(bytes)", _bytes, lambda w: json.loads(w.text), _loads_peers("rjson")),
        Op("loads_str", "loads(str)", _str, lambda w: json.loads(w.text), _loads_peers("rjson")),
        Op("dumps_indent", "dumps(obj, indent=2)", _obj,
           lambda w: json.dumps(w.fresh_obj(), indent=2), exact=True, corpus_only=True, contenders=[
               ("rjson", indent2), ("json", _with_keywords(json.dumps, indent=2)), rjson_compact]),
        Op("dumps_sorted", "dumps(obj, sort_keys=True)", _obj,
           lambda w: json.dumps(w.fresh_obj(), sort_keys=True), exact=True, corpus_only=True, contenders=[
               ("rjson", sorted_), ("json", _with_keywords(json.dumps, sort_keys=True)), rjson_compact]),
    ]


def aa_op():
    """A/A control: json.loads timed against itself, to show the harness's noise floor."""
    return Op("loads_aa", "A/A control", _bytes, lambda w: json.loads(w.text),
              [("rjson", json.loads), ("json", json.loads)])

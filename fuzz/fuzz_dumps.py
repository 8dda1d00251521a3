"""Differential fuzzing of rjson.dumps against json.dumps, and of rjson.dumpb against
orjson.dumps (atheris / libFuzzer).

The input drives an atheris.FuzzedDataProvider that builds a nested object (lists, tuples,
dicts with str/int/float/bool/None/tuple keys, str with lone surrogates, huge ints, floats
from raw bit patterns, now and then a cycle) and random keyword arguments. dumps must give
json's text or an exception of json's class; dumpb must give orjson's bytes where orjson
accepts the object and a rjson.JSONEncodeError where orjson rejects it. dumpb is skipped
while it is the NotImplementedError placeholder.
"""
import struct
import sys

import atheris

with atheris.instrument_imports(include=["json"]):
    import json
import orjson  # noqa: E402
import rjson  # noqa: E402

from common import outcome  # noqa: E402

try:
    rjson.dumpb(0)
    DUMPB = True
except NotImplementedError:
    DUMPB = False
    print("fuzz_dumps: rjson.dumpb is a placeholder; only dumps is fuzzed", file=sys.stderr)

MAX_DEPTH = 12
# orjson's flags that rjson.dumpb supports (it exports each one it implements).
OPTIONS = [name for name in ("OPT_INDENT_2", "OPT_SORT_KEYS", "OPT_NON_STR_KEYS", "OPT_APPEND_NEWLINE")
           if hasattr(rjson, name)]


def scalar(fdp):
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind == 2:
        return fdp.ConsumeIntInRange(-(2 ** 63), 2 ** 64)
    if kind == 3:  # up to ~5600 digits: past 4300 both sides must raise ValueError
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 256)) * (10 ** fdp.ConsumeIntInRange(0, 5000))
    if kind == 4:
        return struct.unpack("<d", fdp.ConsumeBytes(8).ljust(8, b"\0"))[0]
    if kind == 5:
        return fdp.ConsumeRegularFloat()
    if kind == 6:  # any code point, lone surrogates included
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 40))
    if kind == 7:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 20)).decode("latin-1")


def key(fdp):
    kind = fdp.ConsumeIntInRange(0, 6)
    if kind <= 2:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 12))
    if kind == 3:
        return fdp.ConsumeIntInRange(-1000, 10 ** 20)
    if kind == 4:
        return fdp.ConsumeRegularFloat()
    if kind == 5:
        return fdp.PickValueInList([True, False, None])
    return (1, "t")  # never a valid key: skipped with skipkeys, TypeError otherwise


def build(fdp, depth, containers):
    if depth >= MAX_DEPTH or fdp.remaining_bytes() == 0:
        return scalar(fdp)
    kind = fdp.ConsumeIntInRange(0, 7)
    if kind <= 3:
        return scalar(fdp)
    n = fdp.ConsumeIntInRange(0, 6)
    if kind == 4 or kind == 5:
        out = [build(fdp, depth + 1, containers) for _ in range(n)]
        containers.append(out)
        return out if kind == 4 else tuple(out)
    out = {key(fdp): build(fdp, depth + 1, containers) for _ in range(n)}
    containers.append(out)
    return out


def kwargs(fdp):
    kw = {}
    for name in ("ensure_ascii", "sort_keys", "allow_nan", "skipkeys", "check_circular"):
        if fdp.ConsumeBool():
            kw[name] = fdp.ConsumeBool()
    choice = fdp.ConsumeIntInRange(0, 4)
    if choice == 1:
        kw["indent"] = fdp.ConsumeIntInRange(-2, 4)
    elif choice == 2:
        kw["indent"] = fdp.PickValueInList(["", "\t", "  ", "ab"])
    if fdp.ConsumeBool():
        kw["separators"] = (fdp.PickValueInList([",", ", ", " ,"]),
                            fdp.PickValueInList([":", ": ", " : "]))
    return kw


def same_text(want, got, obj, kw, what):
    (wk, wv), (gk, gv) = want, got
    if wk == "ok":
        assert gk == "ok" and gv == wv, f"{what}{kw}: {obj!r}: {wv!r} vs {gv!r}"
    else:
        assert gk == "err", f"{what}{kw}: {obj!r}: reference raised {wv!r}, got {gv!r}"
        return wv, gv


def has_cycle(obj, path=()):
    """Whether obj reaches itself (the builder's containers may or may not be reachable)."""
    if not isinstance(obj, (list, tuple, dict)):
        return False
    if id(obj) in path:
        return True
    path += (id(obj),)
    items = obj.values() if isinstance(obj, dict) else obj
    return any(has_cycle(x, path) for x in items)


@atheris.instrument_func
def one_input(data):
    fdp = atheris.FuzzedDataProvider(data)
    containers = []
    obj = build(fdp, 0, containers)
    cyclic = False
    if containers and fdp.ConsumeIntInRange(0, 15) == 0:  # a cycle now and then
        c = containers[fdp.ConsumeIntInRange(0, len(containers) - 1)]
        if isinstance(c, list):
            c.append(obj)
            cyclic = True
        elif isinstance(c, dict):
            c["cycle"] = obj
            cyclic = True
    kw = kwargs(fdp)
    if cyclic:  # keep the check: without it a cycle ends in a RecursionError at any depth
        kw.pop("check_circular", None)
    # Coverage feedback: json's pure-Python encoder loop (instrumented; the C one is not).
    outcome(lambda: list(json.JSONEncoder(**kw).iterencode(obj)))
    errs = same_text(outcome(json.dumps, obj, **kw), outcome(rjson.dumps, obj, **kw),
                     obj, kw, "dumps")
    if errs:
        assert type(errs[1]) is type(errs[0]), f"dumps{kw}: {obj!r}: {errs[0]!r} vs {errs[1]!r}"
    if DUMPB:
        option = 0
        for name in OPTIONS:
            if fdp.ConsumeBool():
                option |= getattr(rjson, name)
        if has_cycle(obj):
            # orjson 3.13 overflows the C stack on some cycles through a tuple (SIGSEGV),
            # so it is not asked; dumpb must reject every cycle.
            kind, value = outcome(rjson.dumpb, obj, option=option)
            assert kind == "err" and isinstance(value, (rjson.JSONEncodeError, RecursionError)), \
                f"dumpb: {obj!r}: a cycle gave {kind} {value!r}"
            return
        errs = same_text(outcome(orjson.dumps, obj, option=option),
                         outcome(rjson.dumpb, obj, option=option), obj, option, "dumpb")
        if errs:
            assert isinstance(errs[1], (rjson.JSONEncodeError, RecursionError)), \
                f"dumpb: {obj!r}: orjson raised {errs[0]!r}, dumpb {errs[1]!r}"


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()

"""A ~1 GiB document through dumps, dumpb and loads, each in a fresh interpreter: the
peak memory the call adds (VmHWM, reset just before it through /proc/self/clear_refs)
must stay within 3x of the output plus the objects. Runs only with RJSON_LONG_TESTS=1."""
import json
import os

import pytest

from hardening_support import LONG, run_isolated

NEED_GIB = 14


def available_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2 ** 20
    return 0.0


pytestmark = [
    pytest.mark.skipif(not LONG, reason="~1 GiB document: set RJSON_LONG_TESTS=1 (make test-long)"),
    pytest.mark.skipif(LONG and available_gib() < NEED_GIB,
                       reason=f"needs {NEED_GIB} GiB of available memory, has {available_gib():.1f}"),
]

PRELUDE = """
import json, os, rjson
def rss(field="VmRSS"):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(field + ":"))
def measure(fn, arg):
    base = rss()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")                 # reset the peak (VmHWM) to the current RSS
    out = fn(arg)
    return out, rss("VmHWM") - base, rss() - base
start = rss()
text = "lorem ipsum dolor sit amet \\u00e9\\u4e2d " * 24          # shared by every row
rows = [{"id": i, "name": "user%d" % i, "score": i / 3, "ok": i % 2 == 0, "none": None,
         "tags": ["a", "b", i], "text": text} for i in range(ROWS)]
objects = rss() - start
head, tail = json.dumps(rows[:2])[:-1], json.dumps(rows[-1:])[1:]
"""
ROWS = 1_000_000  # about 1.1 KiB of JSON per row


def run(code):
    out = run_isolated(PRELUDE.replace("ROWS", str(ROWS)) + code, timeout=1800)
    figures = json.loads(out.strip().splitlines()[-1])
    print(figures)  # shown with -s; the figures are quoted in docs/reliability.md
    return figures


def test_dumps_peak_memory():
    f = run("""
doc, added, kept = measure(rjson.dumps, rows)
assert doc.startswith(head + ",") and doc.endswith(tail)
print(json.dumps({"output": len(doc), "objects": objects, "added": added}))
""")
    assert f["output"] > 2 ** 30
    assert f["added"] <= 3 * (f["output"] + f["objects"])


def test_dumpb_peak_memory():
    f = run("""
import orjson
doc, added, kept = measure(rjson.dumpb, rows)
assert doc.startswith(orjson.dumps(rows[:2])[:-1]) and doc.endswith(orjson.dumps(rows[-1:])[1:])
print(json.dumps({"output": len(doc), "objects": objects, "added": added}))
""")
    assert f["output"] > 0.8 * 2 ** 30  # compact: no spaces after ',' and ':'
    assert f["added"] <= 3 * (f["output"] + f["objects"])


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_loads_peak_memory(as_bytes):
    f = run(f"""
doc = json.dumps(rows)
if {as_bytes}: doc = doc.encode()
del rows
back, added, kept = measure(rjson.loads, doc)
assert json.dumps(back[:2])[:-1] == head and json.dumps(back[-1:])[1:] == tail
print(json.dumps({{"input": len(doc), "objects": kept, "added": added}}))
""")
    assert f["input"] > 2 ** 30
    # Here the output is the decoded objects (what the call kept) and the input sits in
    # memory already.
    assert f["added"] <= 3 * (f["input"] + f["objects"])

"""Helpers shared by the hardening tests (leaks, hostile input, large documents)."""
import math
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import rjson

LONG = os.environ.get("RJSON_LONG_TESTS") == "1"


def _dumpb_missing():
    """Probe dumpb once: True while it is still the NotImplementedError placeholder."""
    try:
        rjson.dumpb([1])
    except NotImplementedError:
        return True
    except Exception:  # any other failure is a real bug: let the tests show it
        return False
    return False


DUMPB_MISSING = _dumpb_missing()
needs_dumpb = pytest.mark.skipif(
    DUMPB_MISSING, reason="rjson.dumpb still raises NotImplementedError (placeholder)")


def same(a, b):
    """Type-exact, order-exact, NaN-aware and sign-of-zero-aware equality."""
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


def outcome(fn, *args, **kw):
    """('ok', result) or ('err', exception) of one call."""
    try:
        return ("ok", fn(*args, **kw))
    except Exception as e:  # noqa: BLE001 - the outcome itself is what is compared
        return ("err", e)


def run_isolated(code, timeout=600, env=None):
    """Run `code` in a fresh interpreter; fail with the signal's name if it crashed.

    The child inherits the environment (RJSON_SIMD, and under `make test-asan` the
    sanitizer preload), so every hostile case also runs sanitized there.
    Returns the child's stdout.
    """
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=full_env)
    if proc.returncode != 0:
        how = (f"killed by {signal.Signals(-proc.returncode).name}" if proc.returncode < 0
               else f"exit status {proc.returncode}")
        pytest.fail(f"child {how}\n--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n"
                    f"{proc.stderr[-6000:]}", pytrace=False)
    return proc.stdout

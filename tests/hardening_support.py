"""Helpers shared by the hardening tests (leaks, hostile input, large documents)."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import rjson

LONG = os.environ.get("RJSON_LONG_TESTS") == "1"


from _compare import same_value as same  # noqa: E402  (one definition, shared)


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

"""Checking and timing one (workload, operation) cell.

Why not pyperf or pytest-benchmark: both time one benchmark at a time (pyperf in worker
processes, one benchmark after another), so a comparison of two libraries spans
different minutes of a shared, noisy machine, and drift of up to ~10% between runs
lands in the ratio. Both also call the function repeatedly on the same argument, which
flatters any library that caches work on that argument (a str keeps a UTF-8 copy after
PyUnicode_AsUTF8, ssrjson can write one on purpose). This loop instead

* builds a pool of fresh inputs (new objects, new str/bytes) before each round, untimed;
* within a round, alternates the libraries sample by sample (who goes first rotates),
  so all of them see the same machine conditions;
* keeps each result alive until the clock has stopped (its deallocation is not timed);
* disables the garbage collector while timing and re-enables it between rounds;
* reports the median over all samples.

The clock is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID) by default, not wall time:
on this shared 2-core machine other tenants' processes preempt ours for a whole
scheduler slice (~4 ms), and in busy minutes 30-50% of the samples had one, which made
wall-clock medians bimodal (an A/A pair, rjson's placeholder forwarding to json, once
came out 2.6x apart). CPU time leaves the slices out; kernel time spent on our behalf
(page faults) stays in. ``--clock wall`` switches to time.perf_counter_ns.
"""
import gc
import json
import math
import statistics
from time import perf_counter_ns, thread_time_ns

MIN_SAMPLE_NS = 100_000  # batch tiny calls so one sample spans at least this long
CLOCKS = {"cpu": thread_time_ns, "wall": perf_counter_ns}


def clock_overhead_ns(clock):
    """Median cost of an empty timed region (two clock reads), subtracted from samples."""
    gaps = []
    for _ in range(2000):
        t0 = clock()
        gaps.append(clock() - t0)
    return statistics.median(gaps)


class Outcome:
    """The result for one contender in one cell: ns per call, or why there is none."""

    def __init__(self, label, ns=None, error=None, wrong=None):
        self.label, self.ns, self.error, self.wrong = label, ns, error, wrong
        self.samples = []


def check(op, w, fn, label, reference):
    """Call ``fn`` once on ``w``. -> (None if the answer is right, else a short reason;
    wall ns of the call; wall ns of building the input). Exceptions propagate: they mean
    'n/a', not 'wrong'."""
    t0 = perf_counter_ns()
    x = op.fresh(w)
    t1 = perf_counter_ns()
    out = fn(x)
    t2 = perf_counter_ns()
    return _verdict(op, label, out, reference), t2 - t1, t1 - t0


def _verdict(op, label, out, reference):
    if type(out) is not type(reference):
        return f"returned {type(out).__name__}, expected {type(reference).__name__}"
    if op.name.startswith("loads"):
        return None if out == reference else "result differs from json.loads"
    if op.exact and label == "rjson":
        return None if out == reference else "output differs from json's (must be identical)"
    return None if json.loads(out) == _decoded(reference) else "output decodes to a different value"


_last = [None, None]  # (reference, its decoded value): decode each reference only once


def _decoded(reference):
    if _last[0] is not reference:
        _last[:] = [reference, json.loads(reference)]
    return _last[1]


def _one_call_ns(op, w, fn):
    x = op.fresh(w)
    t0 = perf_counter_ns()
    fn(x)
    return perf_counter_ns() - t0


def run_cell(op, w, budget_s, clock=thread_time_ns, min_samples=5, max_rounds=40):
    """Check every contender, then time the correct ones interleaved. -> [Outcome]

    budget_s is the wall time to aim for per contender, input building included;
    every contender gets at least min_samples samples whatever that costs."""
    reference = op.reference(w)
    outcomes, timed, calls_ns, build_ns = [], [], [], 0
    for label, fn in op.contenders:
        try:
            wrong, call_ns, build_ns = check(op, w, fn, label, reference)
        except Exception as e:  # noqa: BLE001 -- any failure means "n/a" for this contender
            outcomes.append(Outcome(label, error=type(e).__name__))
            continue
        outcomes.append(Outcome(label, wrong=wrong))
        if wrong is None:
            timed.append((outcomes[-1], fn))
            calls_ns.append(call_ns)
    if not timed:
        return outcomes

    # Size the run from the checking calls (re-timed warm when they were short).
    if min(calls_ns) < MIN_SAMPLE_NS:
        calls_ns = [_one_call_ns(op, w, fn) for _, fn in timed]
    fastest = max(1, min(calls_ns))
    batch = math.ceil(MIN_SAMPLE_NS / fastest) if fastest < MIN_SAMPLE_NS else 1
    per_sample_ns = batch * (build_ns + statistics.mean(calls_ns))
    samples = int(budget_s * 1e9 / per_sample_ns)
    samples = max(min_samples, min(samples, 400))
    per_round = math.ceil(samples / max_rounds)
    rounds = math.ceil(samples / per_round)

    n, overhead = len(timed), clock_overhead_ns(clock)
    for r in range(rounds):
        # Call order: every contender once per step, who goes first rotating step by step.
        # Inputs are built in that same order, so none is systematically fresher in cache.
        steps = range(r * per_round, (r + 1) * per_round)
        order = [(s + j) % n for s in steps for j in range(n)]
        pool = [[op.fresh(w) for _ in range(batch)] for _ in order]
        gc.disable()
        try:
            for i, inputs in zip(order, pool):
                outcome, fn = timed[i]
                if outcome.error:
                    continue
                try:
                    t0 = clock()
                    results = list(map(fn, inputs))
                    t1 = clock()
                except Exception as e:  # noqa: BLE001 -- failing mid-run: report, don't crash
                    outcome.error = f"{type(e).__name__} while timing"
                    continue
                outcome.samples.append((t1 - t0 - overhead) / batch)
                del results
        finally:
            gc.enable()
        del pool
    for outcome, _ in timed:
        if not outcome.error:
            outcome.ns = statistics.median(outcome.samples)
    return outcomes

"""rjson benchmark: `make bench` (full run, ~4 min), or e.g.

    .venv/bin/python bench/bench.py --quick                 # ~30 s smoke run
    .venv/bin/python bench/bench.py --filter twitter --filter 'str_*:loads*'

Prints a markdown table; a full unfiltered run also writes bench/results/latest.md,
latest.png and latest.json (raw samples). Methodology: bench/README.md, measure.py.
"""
import argparse
import fnmatch
import json
import sys
import time
from pathlib import Path

import measure
import ops as ops_mod
import report
import workloads

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent


def selected(term_list, w, op):
    """A term with ':' is a glob on 'workload:op'; otherwise a glob on either name."""
    if not term_list:
        return True
    for term in term_list:
        if ":" in term:
            if fnmatch.fnmatchcase(f"{w.name}:{op.name}", term):
                return True
        elif fnmatch.fnmatchcase(w.name, term) or fnmatch.fnmatchcase(op.name, term):
            return True
    return False


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smoke run: a fraction of the time budget")
    p.add_argument("--filter", action="append", metavar="GLOB",
                   help="workload or operation name glob, or 'workload:op' glob; repeatable (any matches)")
    p.add_argument("--budget", type=float, help="seconds per library per cell (default 0.5, quick 0.03)")
    p.add_argument("--clock", choices=sorted(measure.CLOCKS), default="cpu",
                   help="cpu: this thread's CPU time (default; ignores preemption); wall: perf_counter")
    p.add_argument("--out", metavar="PREFIX",
                   help="write PREFIX.md/.png/.json (default bench/results/latest for a full run)")
    p.add_argument("--list", action="store_true", help="list workloads and operations, then exit")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    budget = args.budget if args.budget is not None else 0.03 if args.quick else 0.5
    out = args.out or (None if args.quick or args.filter or args.budget else str(RESULTS / "latest"))
    all_w, all_ops = workloads.load_all(), ops_mod.all_ops()
    if args.list:
        for w in all_w:
            print(f"workload {w.name:14} {w.size / 1000:8.1f} KB  {w.about}")
        for op in all_ops:
            print(f"op       {op.name:14} {', '.join(label for label, _ in op.contenders)}")
        return 0
    cells = [(op, w) for op in all_ops for w in all_w
             if (w.kind == "corpus" or not op.corpus_only) and selected(args.filter, w, op)]
    if not cells:
        print("no workload/operation matches the filter (see --list)", file=sys.stderr)
        return 2

    results, start = {}, time.monotonic()
    for n, (op, w) in enumerate(cells, 1):
        t = time.monotonic()
        outcomes = measure.run_cell(op, w, budget, measure.CLOCKS[args.clock],
                                    min_samples=2 if args.quick else 5)
        results.setdefault(op.name, []).append((w, outcomes))
        print(f"[{n}/{len(cells)}] {op.name} {w.name}: {time.monotonic() - t:.1f} s", file=sys.stderr)
    aa = []
    if not args.filter:  # the noise floor: the same function under two names
        for w in all_w:
            if w.name in ("twitter", "tiny"):
                outcomes = measure.run_cell(ops_mod.aa_op(), w, budget, measure.CLOCKS[args.clock])
                aa.append((w.name, report.ratio(outcomes, "json")))
    elapsed = time.monotonic() - start

    md = report.markdown(results, all_ops, elapsed, argv, args.clock, aa)
    print(md)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out + ".md").write_text(md)
        if out == str(RESULTS / "latest"):
            report.embed_in_readme(md, ROOT / "README.md")
        raw = {op: {w.name: {o.label: {"median_ns": o.ns, "error": o.error, "wrong": o.wrong,
                                       "samples_ns": o.samples} for o in outcomes}
                    for w, outcomes in rows} for op, rows in results.items()}
        Path(out + ".json").write_text(json.dumps(raw, indent=1))
        cpu = dict(report.machine())["CPU"]
        if report.chart(results, out + ".png", f"rjson ÷ orjson, median {args.clock} time per call ({cpu}, {time.strftime('%Y-%m-%d')})"):
            print(f"wrote {out}.md, {out}.png, {out}.json", file=sys.stderr)
    print(f"total {elapsed:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

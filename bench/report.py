"""Turning outcomes into a markdown report and a PNG chart."""
import datetime
import math
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

LIBS = ("rjson", "orjson", "ssrjson", "msgspec", "ujson", "simplejson")


def machine():
    """[(what, value)] describing where the numbers came from."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for lib in LIBS:
        try:
            versions.append(f"{lib} {metadata.version(lib)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{lib} (not installed)")
    try:
        import rjson
        simd = rjson.simd_level()
    except Exception:  # noqa: BLE001 -- informative only
        simd = "?"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, cwd=Path(__file__).parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("libraries", ", ".join(versions)),
        ("rjson", f"SIMD level {simd}, commit {commit}"),
    ]


def fmt_ns(ns):
    """Three significant digits in ns, µs, ms or s."""
    for unit, scale in (("ns", 1), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)):
        v = ns / scale
        if v < 999.5 or unit == "s":
            return f"{v:.{2 if v < 9.995 else 1 if v < 99.95 else 0}f} {unit}"


class Notes:
    """Numbered footnotes, one per distinct reason (e.g. 'NotImplementedError')."""

    def __init__(self):
        self.items = {}

    def mark(self, text):
        return self.items.setdefault(text, len(self.items) + 1)

    def lines(self):
        return [f"{n}. {text}" for text, n in self.items.items()]


def _cell(outcome, base, notes):
    if outcome.error:
        return f"n/a [{notes.mark(f'{outcome.label} raised {outcome.error}')}]"
    if outcome.wrong:
        return f"wrong [{notes.mark(f'{outcome.label}: wrong answer, not timed: {outcome.wrong}')}]"
    text = fmt_ns(outcome.ns)
    if base is not None and outcome is not base:
        text += f" ({base.ns / outcome.ns:.2f})" if base.ns else ""
    return text


def ratio(outcomes, peer):
    """rjson's median / peer's median, or None when either has no time."""
    by = {o.label: o for o in outcomes}
    a, b = by.get("rjson"), by.get(peer)
    if a is None or b is None or a.ns is None or b.ns is None:
        return None
    return a.ns / b.ns


def op_table(op, rows, notes):
    """rows: [(workload, [Outcome])] -> markdown lines for one operation."""
    labels = [label for label, _ in op.contenders]
    out = [f"### `{op.name}`: {op.title}", "",
           "| workload | size | " + " | ".join(labels) + " |",
           "| --- | ---: | " + " | ".join("---:" for _ in labels) + " |"]
    for w, outcomes in rows:
        by = {o.label: o for o in outcomes}
        base = by.get("rjson")
        base = base if base is not None and base.ns else None
        cells = [_cell(by[label], base, notes) if label in by else "" for label in labels]
        size = f"{w.size / 1000:,.0f} KB" if w.size >= 1000 else f"{w.size} B"
        out.append(f"| {w.name} | {size} | " + " | ".join(cells) + " |")
    return out + [""]


def summary(results, ops):
    """Geometric mean over workloads of rjson / peer, per operation."""
    peers = []
    for op in ops:
        for label, _ in op.contenders[1:]:
            if label not in peers:
                peers.append(label)
    out = ["| operation | " + " | ".join(peers) + " |", "| --- | " + " | ".join("---:" for _ in peers) + " |"]
    for op in ops:
        rows = results.get(op.name, [])
        if not rows:
            continue
        cells, labels = [], {label for label, _ in op.contenders}
        for peer in peers:
            rs = [r for _, outcomes in rows if (r := ratio(outcomes, peer)) is not None]
            cells.append(f"{math.exp(sum(map(math.log, rs)) / len(rs)):.2f} ({len(rs)})" if rs
                         else "n/a" if peer in labels else "")
        out.append(f"| `{op.name}` | " + " | ".join(cells) + " |")
    return out


def markdown(results, ops, elapsed_s, argv, clock, aa=()):
    """results: {op name: [(workload, [Outcome])]} -> the whole report as a str."""
    notes = Notes()
    ops = [op for op in ops if results.get(op.name)]
    lines = ["## Benchmark results", ""]
    lines += [f"- **{k}**: {v}" for k, v in machine()]
    lines += [f"- **run**: `bench/bench.py{' ' + ' '.join(argv) if argv else ''}`, {elapsed_s:.0f} s", ""]
    clock_text = "the thread's CPU time" if clock == "cpu" else "wall-clock time"
    lines += [f"Each time is the median per call ({clock_text}) over many samples, with the libraries interleaved "
              "call by call and every call given a freshly built input (see bench/README.md). "
              "In brackets: rjson's time divided by that library's, so **below 1.00 means rjson is "
              "faster**. Repeat runs of the same code differ by up to ~10% on this shared machine, "
              "so ratios within 0.90–1.10 are a tie." + (
                  " A/A control (json.loads timed against itself, loads_bytes): "
                  + ", ".join(f"{name} {r:.2f}" for name, r in aa if r) + "." if aa else ""), "",
              "### Summary: geometric mean of rjson ÷ peer over the workloads (how many in brackets)", ""]
    lines += summary(results, ops) + [""]
    for op in ops:
        lines += op_table(op, results[op.name], notes)
    if notes.items:
        lines += ["Notes:", ""] + notes.lines() + [""]
    return "\n".join(lines)


def chart(results, path, title):
    """Grouped bars: rjson ÷ orjson per workload, one bar per operation, log scale."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    ops = [name for name in ("dumps_compact", "dumpb", "loads_bytes", "loads_str") if results.get(name)]
    if not ops:
        return False
    workloads = []
    for name in ops:
        for w, _ in results[name]:
            if w.name not in workloads:
                workloads.append(w.name)
    fig, ax = plt.subplots(figsize=(max(8, 0.75 * len(workloads) + 2), 5), dpi=110)
    width = 0.8 / len(ops)
    for j, name in enumerate(ops):
        by_w = {w.name: ratio(outcomes, "orjson") for w, outcomes in results[name]}
        for i, wname in enumerate(workloads):
            x = i + (j - (len(ops) - 1) / 2) * width
            r = by_w.get(wname)
            if r is None:
                ax.text(x, 1.0, "n/a", rotation=90, ha="center", va="bottom", fontsize=6, color=f"C{j}")
            else:
                ax.bar(x, r, width, color=f"C{j}")
        ax.bar(0, 0, 0, color=f"C{j}", label=name)  # one legend entry, even when all are n/a
    ax.axhline(1.0, color="black", linewidth=1)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _: f"{v:g}" if f"{v:g}".lstrip("0.")[:1] in ("2", "5") else ""))
    ax.set_xticks(range(len(workloads)), workloads, rotation=35, ha="right")
    ax.set_ylabel("rjson time ÷ orjson time (lower is better)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def embed_in_readme(md, readme):
    """Put the report between the README's bench markers (a full run keeps it current)."""
    text = readme.read_text()
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return
    body = md.replace("## Benchmark results", "", 1).strip()
    body += "\n\n![rjson time / orjson time per workload](bench/results/latest.png)"
    readme.write_text(text[:start + len(README_START)] + "\n" + body + "\n" + text[end:])

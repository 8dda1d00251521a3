"""The documents the benchmark runs on: four real-world corpus files and synthetic ones.

Every workload is kept as JSON *text*; the harness rebuilds fresh Python objects (or fresh
str/bytes) from it for each timed call, so nothing a library caches on an object survives
from one call to the next. Synthetic data comes from a seeded RNG: the same every run.
"""
import gzip
import json
import random
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "corpus"
CORPUS = ("twitter", "citm_catalog", "canada", "github_events")
SEED = 20240601


class Workload:
    def __init__(self, name, kind, text, about):
        self.name, self.kind, self.text, self.about = name, kind, text, about
        self.data = text.encode()

    @property
    def size(self):
        return len(self.data)

    def fresh_obj(self):
        """A new object tree, with new str objects (no cached UTF-8), equal to the document."""
        return json.loads(self.text)

    def fresh_str(self):
        return (self.text + " ")[:-1]

    def fresh_bytes(self):
        return (self.data + b" ")[:-1]


def _corpus():
    for name in CORPUS:
        with gzip.open(CORPUS_DIR / f"{name}.json.gz", "rb") as f:
            text = f.read().decode()
        yield Workload(name, "corpus", text, f"data/corpus/{name}.json")


def _words(rng, alphabet, lo, hi):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def _float(rng):
    kind = rng.random()
    if kind < 0.3:  # prices, percentages: few digits
        return round(rng.uniform(0, 1000), 2)
    if kind < 0.6:  # full-precision doubles in a moderate range
        return rng.uniform(-1e6, 1e6)
    return rng.uniform(1, 10) * 10.0 ** rng.randint(-300, 300)  # any exponent


ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,:;!?()"
CJK = [chr(c) for c in range(0x4E00, 0x9FA6, 7)]
EMOJI = [chr(c) for c in range(0x1F300, 0x1F650)] + list("abc ")
ESCAPES = list('"\\\n\r\t\b\f/') + [chr(c) for c in range(0x20)] + list("plain text ")


def _record(rng, i):
    first = _words(rng, "abcdefghijklmnopqrstuvwxyz", 3, 9).capitalize()
    return {
        "id": i,
        "name": f"{first} {_words(rng, 'abcdefghijklmnopqrstuvwxyz', 4, 10).capitalize()}",
        "email": f"{first.lower()}{rng.randint(1, 999)}@example.com",
        "active": rng.random() < 0.7,
        "score": round(rng.uniform(0, 100), 3),
        "tags": [_words(rng, "abcdefghij", 3, 8) for _ in range(rng.randint(0, 4))],
        "parent": None if rng.random() < 0.5 else rng.randint(0, i + 1),
        "address": {"city": _words(rng, ASCII[:26], 4, 12), "zip": f"{rng.randint(0, 99999):05d}"},
    }


def _mixed_value(rng, depth=0):
    pick = rng.randrange(8 if depth < 2 else 6)
    if pick == 0:
        return rng.randint(-10**6, 10**6)
    if pick == 1:
        return _float(rng)
    if pick == 2:
        return _words(rng, ASCII, 0, 20)
    if pick == 3:
        return rng.random() < 0.5
    if pick == 4:
        return None
    if pick == 5:
        return _words(rng, CJK + list(ASCII), 1, 12)
    if pick == 6:
        return [_mixed_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    return {f"k{j}": _mixed_value(rng, depth + 1) for j in range(rng.randint(0, 5))}


def _text(rng, size):
    vocab = [_words(rng, "abcdefghijklmnopqrstuvwxyz", 1, 10) for _ in range(3000)]
    parts, n = [], 0
    while n < size:
        sentence = " ".join(rng.choice(vocab) for _ in range(rng.randint(5, 20))).capitalize()
        sentence += rng.choice(". . . ! ? ;\n")
        parts.append(sentence)
        n += len(sentence) + 1
    return " ".join(parts)


def _synthetic():
    """(name, description, builder); each builder gets its own seeded RNG."""
    return [
        ("bools", "60k true/false", lambda r: [r.random() < 0.5 for _ in range(60_000)]),
        ("ints_small", "80k ints in [-999, 999]", lambda r: [r.randint(-999, 999) for _ in range(80_000)]),
        ("ints_64", "20k ints across the 64-bit range",
         lambda r: [r.randint(-2**63, 2**63 - 1) >> r.randint(0, 62) for _ in range(20_000)]),
        ("floats", "20k doubles: short, mid-range, any exponent", lambda r: [_float(r) for _ in range(20_000)]),
        ("str_ascii", "12k ASCII strings, 0-40 chars", lambda r: [_words(r, ASCII, 0, 40) for _ in range(12_000)]),
        ("str_cjk", "8k CJK strings, 2-30 chars", lambda r: [_words(r, CJK, 2, 30) for _ in range(8_000)]),
        ("str_emoji", "6k emoji-heavy strings (astral plane)", lambda r: [_words(r, EMOJI, 2, 20) for _ in range(6_000)]),
        ("str_escapes", "10k strings full of quotes, backslashes, newlines, control chars",
         lambda r: [_words(r, ESCAPES, 2, 30) for _ in range(10_000)]),
        ("mixed", "15k values of every kind, nested", lambda r: [_mixed_value(r) for _ in range(15_000)]),
        ("records", "2k small dicts (user records)", lambda r: [_record(r, i) for i in range(2_000)]),
        ("text_ascii", "one 400 KB ASCII string (prose)", lambda r: _text(r, 400_000)),
        ("tiny", "a 5-key dict, one per call",
         lambda r: {"id": 12345, "name": "alice", "active": True, "score": 9.5, "tags": ["a", "b"]}),
    ]


def load_all():
    """All workloads: corpus first, then synthetic, in a fixed order."""
    out = list(_corpus())
    for i, (name, about, build) in enumerate(_synthetic()):
        obj = build(random.Random(SEED + i))
        out.append(Workload(name, "synthetic", json.dumps(obj, ensure_ascii=False), about))
    return out


if __name__ == "__main__":
    for w in load_all():
        print(f"{w.name:14} {w.kind:9} {w.size / 1000:8.1f} KB  {w.about}")

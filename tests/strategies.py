"""Hypothesis strategies shared by the encoder tests.

Two families:

* ``json_objects(...)``: anything ``json.dumps`` can be asked to encode: nested
  lists/tuples/dicts and their subclasses, str from every plane (lone surrogates,
  control characters, quotes, backslashes, DEL, non-BMP), ints of any size, floats from
  random 64-bit patterns, bool, None, dict keys of every kind ``json`` accepts, and
  optionally objects only ``default=`` can handle and keys only ``skipkeys`` can drop.
* ``orjson_objects(...)``: the subset inside orjson's domain (str keys only, ints in
  [-2**63, 2**64 - 1], no lone surrogates, shallow), for ``dumpb`` vs ``orjson.dumps``.

The helper classes live here so that every test module sees the same types.
"""
from __future__ import annotations

import collections
import decimal
import enum
import random
import struct
import sys

from hypothesis import strategies as st

# --------------------------------------------------------------------------- types


class MyStr(str):
    """A plain str subclass."""


class ReprStr(str):
    """A str subclass lying in __str__/__repr__: encoders must use the str's data."""

    def __str__(self):
        return "WRONG-str"

    def __repr__(self):
        return "WRONG-repr"


class MyInt(int):
    """A plain int subclass."""


class ReprInt(int):
    """An int subclass whose __repr__/__str__/__index__ lie: json uses int.__repr__."""

    def __repr__(self):
        return "WRONG"

    __str__ = __repr__

    def __index__(self):
        return 12345


class Color(enum.IntEnum):
    """IntEnum members are int subclasses: json writes the number, not 'Color.RED'."""

    RED = 1
    ZERO = 0
    NEG = -7
    BIG = 2**63 - 1


class Flag(enum.IntFlag):
    A = 1
    B = 2


class MyFloat(float):
    """A plain float subclass."""


class ReprFloat(float):
    """A float subclass whose __repr__ lies: json uses float.__repr__."""

    def __repr__(self):
        return "WRONG"

    __str__ = __repr__


class MyList(list):
    """A plain list subclass."""


class MyTuple(tuple):
    """A plain tuple subclass."""


class MyDict(dict):
    """A plain dict subclass."""


class StrEnumLike(str, enum.Enum):
    """A str-mixin Enum member is a str subclass instance."""

    X = "x"
    QUOTE = 'q"\\'
    WIDE = "\u00e9\U0001f600"


# Subclasses overriding iteration: json honours the overrides (its C encoder
# iterates non-exact lists/tuples and calls items() on non-exact dicts), orjson reads
# the underlying storage.


class IterList(list):
    def __iter__(self):
        return iter(["from __iter__", 1])


class IterTuple(tuple):
    def __iter__(self):
        return iter(["tuple __iter__"])


class ItemsDict(dict):
    def items(self):
        return [("from items", 1), ("z", [2])]

    def keys(self):
        return ["from keys"]

    def __getitem__(self, k):
        return "from getitem"


class ItemsOrderedDict(collections.OrderedDict):
    def items(self):
        return list(reversed(list(super().items())))


class Opaque:
    """A custom class no encoder knows: only ``default`` can serialize it."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"Opaque({self.value!r})"


class HashableKey:
    """A hashable custom key (only skipkeys can drop it)."""

    def __init__(self, n):
        self.n = n

    def __hash__(self):
        return hash(self.n)

    def __eq__(self, other):
        return isinstance(other, HashableKey) and other.n == self.n

    def __lt__(self, other):
        return self.n < other.n

    def __repr__(self):
        return f"HashableKey({self.n})"


def default_fn(o):
    """A ``default=`` that turns every unsupported object from ``unsupported()`` into
    something serializable (sometimes into another unsupported object first, so that
    encoders must call default again on what default returned)."""
    if isinstance(o, Opaque):
        return {"opaque": o.value}
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    if isinstance(o, (bytes, bytearray)):
        return o.decode("latin-1")
    if isinstance(o, complex):
        return [o.real, o.imag]
    if isinstance(o, decimal.Decimal):
        # returns another unsupported object: default is applied again to the result
        return Opaque(str(o))
    if isinstance(o, range):
        return list(o)
    raise TypeError(f"default_fn cannot handle {type(o).__name__}")


# ------------------------------------------------------------------------- scalars

# Characters every escaper must get right, in every str kind (UCS1/UCS2/UCS4).
SPECIAL_CHARS = (
    ['"', "\\", "/", "\x7f", "\x80", "\xa0", "\xff", "\u0100", "\u07ff", "\u0800",
     "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff", "\U00010000", "\U0001f600",
     "\U0010ffff", "'", "<", ">", "&", " "]
    + [chr(c) for c in range(0x20)]
)
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d", "\ude00"]

_all_chars = st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                           exclude_categories=())  # includes Cs (surrogates)
_no_surrogate_chars = st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                    exclude_categories=("Cs",))


def _place(filler, length, inserts):
    """An ASCII (or latin-1/BMP/astral) run of ``length`` chars with special chars
    placed at chosen offsets: puts escapes on and around SIMD block edges."""
    s = [filler] * length
    for pos, ch in inserts:
        if length:
            s[pos % length] = ch
        else:
            s.append(ch)
    return "".join(s)


def block_strings(surrogates=True):
    specials = SPECIAL_CHARS + (LONE_SURROGATES if surrogates else [])
    return st.builds(
        _place,
        st.sampled_from(["a", "Z", "0", " ", "\xe9", "\u4e2d", "\U0001f600"]),
        st.integers(0, 300),
        st.lists(st.tuples(st.integers(0, 300), st.sampled_from(specials)), max_size=6),
    )


def texts(surrogates=True, max_size=40):
    """str values: random code points from every plane, special characters, and long
    mostly-plain runs with escapes placed at block boundaries."""
    chars = _all_chars if surrogates else _no_surrogate_chars
    specials = SPECIAL_CHARS + (LONE_SURROGATES if surrogates else [])
    return st.one_of(
        st.text(chars, max_size=max_size),
        st.text(st.sampled_from(specials) | chars, max_size=max_size),
        st.text(st.characters(max_codepoint=0x7F), max_size=max_size),
        st.text(st.characters(max_codepoint=0xFF), max_size=max_size),
        block_strings(surrogates),
    )


INT_EDGES = sorted({
    v
    for base in (0, 2**7, 2**8, 2**15, 2**16, 2**31, 2**32, 2**53, 2**62, 2**63, 2**64,
                 10**15, 10**16, 10**18, 10**19, 10**20)
    for v in (base - 1, base, base + 1, -base - 1, -base, -base + 1)
})

INT64_MIN, UINT64_MAX = -(2**63), 2**64 - 1


def _big_int(seed, bits, negative):
    v = random.Random(seed).getrandbits(bits) | (1 << (bits - 1))
    return -v if negative else v


def ints(big=True):
    """ints: small, 64-bit edges, anything in int64/uint64 and (with big) huge values up
    to ~4200 digits (below the default 4300-digit str conversion limit)."""
    parts = [
        st.integers(-1000, 1000),
        st.sampled_from(INT_EDGES) if big else
        st.sampled_from([v for v in INT_EDGES if INT64_MIN <= v <= UINT64_MAX]),
        st.integers(INT64_MIN, UINT64_MAX),
    ]
    if big:
        parts.append(st.builds(_big_int, st.integers(0, 2**32), st.integers(65, 14000),
                               st.booleans()))
        parts.append(st.integers())
    return st.one_of(*parts)


def _bits_to_float(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


FLOAT_EDGES = [
    0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 100.0, 1e-4, 1e-5, 1e-7, 1e15, 1e16, 1e17,
    1e21, 1e22, 1e23, 123456789.0, 9007199254740992.0, 9007199254740993.0,
    5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
    1.7976931348623157e308, -1.7976931348623157e308, 0.30000000000000004,
    float("inf"), float("-inf"), float("nan"), _bits_to_float(0x7FF8000000000001),
    _bits_to_float(0xFFF8000000000000), _bits_to_float(0x7FF0000000000001),
]


def floats():
    """floats from random 64-bit patterns (any exponent, subnormals, NaN payloads,
    +-inf, +-0.0), hypothesis' own float generator, short decimals, integral values."""
    return st.one_of(
        st.integers(0, 2**64 - 1).map(_bits_to_float),
        st.floats(),
        st.sampled_from(FLOAT_EDGES),
        st.builds(lambda m, e: float(f"{m}e{e}"),
                  st.integers(-10**17, 10**17), st.integers(-30, 30)),
        st.builds(float, st.integers(-2**70, 2**70)),
    )


def scalars(surrogates=True, big_ints=True):
    return st.one_of(
        st.none(), st.booleans(), ints(big_ints), floats(), texts(surrogates),
    )


# ----------------------------------------------------------------------- subclasses


def subclass_scalars(surrogates=True, big_ints=True, floats_ok=True):
    """Instances of str/int/float subclasses (IntEnum/IntFlag members, a str Enum,
    subclasses lying in __repr__/__str__)."""
    parts = [
        texts(surrogates, 20).map(MyStr),
        texts(surrogates, 20).map(ReprStr),
        st.sampled_from(list(StrEnumLike)),
        ints(big_ints).map(MyInt),
        ints(big_ints).map(ReprInt),
        st.sampled_from(list(Color) + [Flag.A, Flag.B, Flag.A | Flag.B]),
    ]
    if floats_ok:
        parts += [floats().map(MyFloat), floats().map(ReprFloat)]
    return st.one_of(*parts)


# -------------------------------------------------------------------------- unsupported


def unsupported():
    """Objects json/orjson reject without default (``default_fn`` handles them all)."""
    return st.one_of(
        st.integers(-5, 5).map(Opaque),
        st.frozensets(st.integers(-100, 100), max_size=4).map(set),
        st.frozensets(st.integers(-100, 100), max_size=4),
        st.binary(max_size=10),
        st.binary(max_size=10).map(bytearray),
        st.builds(complex, st.floats(allow_nan=False), st.floats(allow_nan=False)),
        st.decimals(allow_nan=False, places=3, min_value=-1000, max_value=1000),
        st.integers(0, 5).map(range),
    )


# ------------------------------------------------------------------------------ keys


def valid_keys(surrogates=True):
    """Every key type json accepts: str (and str subclasses), int (any size, IntEnum),
    float (incl. NaN/inf), bool, None."""
    return st.one_of(
        texts(surrogates, 20),
        texts(surrogates, 10).map(MyStr),
        ints(),
        st.sampled_from(list(Color)),
        floats(),
        st.booleans(),
        st.none(),
    )


def bad_keys():
    """Hashable keys json rejects (TypeError) unless skipkeys=True."""
    return st.one_of(
        st.tuples(st.integers(0, 3)),
        st.frozensets(st.integers(0, 3), max_size=2),
        st.binary(max_size=3),
        st.builds(complex, st.integers(0, 3), st.integers(1, 3)),
        st.integers(0, 3).map(HashableKey),
        st.decimals(allow_nan=False, allow_infinity=False, places=1,
                    min_value=-5, max_value=5),
    )


# ---------------------------------------------------------------------------- nesting


def _containers(children, keys, subclasses, tuple_subclass=True, dict_subclasses=True):
    parts = [
        st.lists(children, max_size=6),
        st.lists(children, max_size=6).map(tuple),
        st.dictionaries(keys, children, max_size=6),
    ]
    if subclasses:
        parts.append(st.lists(children, max_size=4).map(MyList))
        if tuple_subclass:
            parts.append(st.lists(children, max_size=4).map(MyTuple))
        if dict_subclasses:
            parts += [
                st.dictionaries(keys, children, max_size=4).map(MyDict),
                st.lists(st.tuples(keys, children), max_size=4).map(collections.OrderedDict),
                st.dictionaries(keys, children, max_size=4).map(
                    lambda d: collections.defaultdict(list, d)),
            ]
    return st.one_of(*parts)


def json_objects(*, keys=None, surrogates=True, subclasses=True, with_unsupported=False,
                 with_bad_keys=False, max_leaves=25):
    """Objects for json.dumps: every value kind json accepts, nested.

    with_unsupported adds objects only ``default=`` handles (see ``default_fn``);
    with_bad_keys adds keys json rejects unless skipkeys is set.
    """
    if keys is None:
        keys = valid_keys(surrogates)
    if with_bad_keys:
        keys = st.one_of(keys, bad_keys())
    leaves = scalars(surrogates)
    if subclasses:
        leaves = st.one_of(leaves, subclass_scalars(surrogates))
    if with_unsupported:
        leaves = st.one_of(leaves, unsupported())
    return st.recursive(
        leaves, lambda children: _containers(children, keys, subclasses),
        max_leaves=max_leaves)


def str_key_objects(**kw):
    """Objects whose dict keys are all str (so sort_keys never fails on key types)."""
    return json_objects(keys=texts(kw.get("surrogates", True), 20), **kw)


# ------------------------------------------------------------------------- orjson side


def orjson_keys():
    # orjson (without OPT_NON_STR_KEYS) accepts exact str keys only, no lone surrogates
    return texts(surrogates=False, max_size=20)


def orjson_objects(*, subclasses=True, with_unsupported=False, max_leaves=25):
    """Objects inside orjson 3.13's default domain: str keys only, ints within
    [-2**63, 2**64-1], no lone surrogates, nesting far below its 254-level limit.

    Subclasses mirrored from what orjson 3.13 accepts without options: str subclasses
    (values only), int subclasses (IntEnum/IntFlag too), list subclasses, dict
    subclasses (OrderedDict, defaultdict). It rejects float and tuple subclasses, and
    str-subclass keys.
    """
    leaves = st.one_of(st.none(), st.booleans(), ints(big=False), floats(),
                       texts(surrogates=False))
    if subclasses:
        leaves = st.one_of(
            leaves,
            texts(False, 20).map(MyStr),
            texts(False, 20).map(ReprStr),
            st.sampled_from(list(StrEnumLike)),
            ints(big=False).map(MyInt),
            ints(big=False).map(ReprInt),
            st.sampled_from(list(Color) + [Flag.A, Flag.B, Flag.A | Flag.B]),
        )
    if with_unsupported:
        leaves = st.one_of(leaves, unsupported())
    return st.recursive(
        leaves,
        lambda children: _containers(children, orjson_keys(), subclasses,
                                     tuple_subclass=False),
        max_leaves=max_leaves)


# ------------------------------------------------------------------------ utilities


def nested_list(depth, leaf=None):
    """[[[...leaf...]]] with ``depth`` lists (built iteratively)."""
    obj = [] if leaf is None else [leaf]
    for _ in range(depth - 1):
        obj = [obj]
    return obj


def nested_dict(depth, leaf=None):
    obj = {} if leaf is None else {"k": leaf}
    for _ in range(depth - 1):
        obj = {"k": obj}
    return obj


def free_nested(obj):
    """Tear down a deep structure iteratively (avoids deep recursion in dealloc on
    interpreters without the trashcan for every type)."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, list):
            stack.extend(o)
            o.clear()
        elif isinstance(o, dict):
            stack.extend(o.values())
            o.clear()


MAX_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 0)()

"""Generates src/native/encode/float_table.hpp and proves the float writer's arithmetic.

The shortest-digits search in encode/float_format.hpp scales a double by 10**-k: it
multiplies X = x << h (x < 2**55, h <= 4, so X < 2**60) by a 128-bit G(k) =
ceil(10**-k / 2**E(k)), 2**127 <= G < 2**128, and reads the 192-bit product P as an
integer part P >> 128 and a sticky bit, set when P mod 2**128 >= 2**60. G's error is under
one unit, so P exceeds the exact product by less than X < 2**60. Hence the result is
exact when every exact product x * 2**q * 10**-k is either an integer or has a fractional
part in [2**-68, 1 - 2**-68]: the error then neither sets the sticky bit of an integer
nor carries into the integer part. This script checks that for every binary exponent q (continued
fractions give the worst case over all significands), checks the shift-multiply
approximations of log10(2), log10(3/4) and log2(10) used for k and E, and prints the
table. Run: python tools/gen_float_table.py > src/native/encode/float_table.hpp
"""
import sys
from fractions import Fraction

Q_MIN, Q_MAX = -1074, 971          # double = c * 2**q, c < 2**53
C_MIN = 1 << 52                    # smallest normal significand

# Shift-multiply forms of floor(q*log10(2)), floor(q*log10(2) + log10(3/4)),
# floor(n*log2(10)); each is checked exactly over its range below.
LOG10_2 = (315653, 20)
LOG10_3_4 = -131008                # added before the shift of LOG10_2
LOG2_10 = (1741647, 19)

STICKY_BITS = 60                   # sticky threshold: P mod 2**128 >= 2**60
FRAC_MIN = Fraction(1, 1 << (128 - STICKY_BITS))


def floor_log10_pow2(q):
    """Largest k with 10**k <= 2**q."""
    k = (q * 3) // 10 - 8
    while Fraction(10) ** (k + 1) <= Fraction(2) ** q:
        k += 1
    return k


def floor_log10_3_4_pow2(q):
    """Largest k with 10**k <= 3/4 * 2**q."""
    x = Fraction(3, 4) * Fraction(2) ** q
    k = (q * 3) // 10 - 8
    while Fraction(10) ** (k + 1) <= x:
        k += 1
    return k


def floor_log2_pow10(n):
    x = Fraction(10) ** n
    e = (n * 332) // 100 - 8
    while Fraction(2) ** (e + 1) <= x:
        e += 1
    return e


def k_regular(q):
    return (q * LOG10_2[0]) >> LOG10_2[1]


def k_irregular(q):
    return (q * LOG10_2[0] + LOG10_3_4) >> LOG10_2[1]


def e_of(n):
    """E for 10**n: G = ceil(10**n / 2**E) has 128 bits."""
    return ((n * LOG2_10[0]) >> LOG2_10[1]) - 127


def g_of(n):
    x = Fraction(10) ** n / Fraction(2) ** e_of(n)
    g = -((-x.numerator) // x.denominator)
    assert (1 << 127) <= g < (1 << 128), n
    return g


def min_residue(a, d, m_max):
    """min of a*m mod d over 1 <= m <= m_max (d > m_max, gcd(a, d) = 1 so none is 0).

    The record lows are the lower best approximations p/m < a/d; walk the Stern-Brocot
    tree with runs of equal steps (the continued-fraction expansion)."""
    a %= d
    lo_m, lo_r = 1, a           # 0/1: residue a*1 - 0*d
    hi_m, hi_s = 1, d - a       # 1/1: deficit 1*d - a*1
    while True:
        if lo_m + hi_m > m_max:
            return lo_r
        if lo_r > hi_s:         # mediant is below a/d: new record low
            t = min((lo_r - 1) // hi_s, (m_max - lo_m) // hi_m)
            lo_m += t * hi_m
            lo_r -= t * hi_s
            if t == 0:
                return lo_r
        else:
            assert lo_r < hi_s  # equal would put a/d at a mediant, denominator <= m_max
            t = (hi_s - 1) // lo_r
            hi_m += t * lo_m
            hi_s -= t * lo_r


def self_test():
    import random
    rng = random.Random(1)
    for _ in range(3000):
        d = rng.randint(2, 400)
        a = rng.randint(1, d - 1)
        from math import gcd
        if gcd(a, d) != 1:
            continue
        m_max = rng.randint(1, d - 1)
        assert min_residue(a, d, m_max) == min(a * m % d for m in range(1, m_max + 1)), (a, d, m_max)


def check_fraction_bounds(alpha, m_max):
    """Every m*alpha with 1 <= m <= m_max is an integer or has its fraction in
    [FRAC_MIN, 1 - FRAC_MIN]."""
    n, d = alpha.numerator, alpha.denominator
    if d <= FRAC_MIN.denominator:   # fractions are multiples of 1/d
        return True
    lo = min_residue(n, d, m_max)
    hi = d - min_residue(d - n % d, d, m_max)
    return Fraction(lo, d) >= FRAC_MIN and Fraction(d - hi, d) >= FRAC_MIN


def verify():
    self_test()
    for q in range(-1200, 1200):
        assert k_regular(q) == floor_log10_pow2(q), q
        assert k_irregular(q) == floor_log10_3_4_pow2(q), q
    for n in range(-350, 351):
        assert (n * LOG2_10[0]) >> LOG2_10[1] == floor_log2_pow10(n), n
    ks = set()
    for q in range(Q_MIN, Q_MAX + 1):
        for irregular in (False, True):
            if irregular and q == Q_MIN:
                continue
            k = k_irregular(q) if irregular else k_regular(q)
            ks.add(k)
            h = q + e_of(-k) + 128
            assert 0 <= h and ((4 << 53) + 2) << h < 1 << STICKY_BITS, (q, h)
            if irregular:       # one significand: check its three products directly
                for x in (4 * C_MIN - 1, 4 * C_MIN, 4 * C_MIN + 2):
                    y = x * Fraction(2) ** q / Fraction(10) ** k
                    f = y - (y.numerator // y.denominator)
                    assert f == 0 or FRAC_MIN <= f <= 1 - FRAC_MIN, q
            else:               # x = 2m for every even x = 4c-2, 4c, 4c+2, c < 2**53
                alpha = Fraction(2) ** (q + 1) / Fraction(10) ** k
                assert check_fraction_bounds(alpha, (1 << 54) + 1), q
    return min(ks), max(ks)


def main():
    k_min, k_max = verify()
    out = sys.stdout
    out.write("// Generated by tools/gen_float_table.py: do not edit. See float_format.hpp.\n")
    out.write("#pragma once\n#include <cstdint>\n\nnamespace rjson::encode::float_table {\n\n")
    out.write(f"inline constexpr int kMinK = {k_min};\ninline constexpr int kMaxK = {k_max};\n")
    out.write(f"inline constexpr int64_t kLog10Pow2Mul = {LOG10_2[0]};\n")
    out.write(f"inline constexpr int kLog10Pow2Shift = {LOG10_2[1]};\n")
    out.write(f"inline constexpr int64_t kLog10ThreeQuarters = {LOG10_3_4};\n")
    out.write(f"inline constexpr int64_t kLog2Pow10Mul = {LOG2_10[0]};\n")
    out.write(f"inline constexpr int kLog2Pow10Shift = {LOG2_10[1]};\n")
    out.write(f"inline constexpr int kStickyBits = {STICKY_BITS};\n\n")
    out.write("// G(k) = ceil(10^-k / 2^E) in [2^127, 2^128), as {high, low} 64-bit halves.\n")
    out.write("struct Pow10 {\n    uint64_t hi, lo;\n};\n\n")
    out.write("inline constexpr Pow10 kPow10[] = {\n")
    for k in range(k_min, k_max + 1):
        g = g_of(-k)
        out.write(f"    {{0x{g >> 64:016x}ull, 0x{g & ((1 << 64) - 1):016x}ull}},  // 1e{-k}\n")
    out.write("};\n\n")
    # The fast path's k and h by biased exponent (normal doubles, q = biased - 1075):
    # bits 0-15 the row of kPow10, bits 16-23 h. One load instead of two
    # multiply-shifts; rows 0 and 2047 (subnormal, non-finite) are unused.
    out.write("// Fast path, by biased exponent: kPow10 row (bits 0-15) and h (bits 16-23) of\n")
    out.write("// k = floor(q log10 2), h = q + floor(-k log2 10) + 1, q = biased - 1075.\n")
    out.write("inline constexpr uint32_t kRegularStep[2048] = {")
    for biased in range(2048):
        word = 0
        if 1 <= biased <= 2046:
            q = biased - 1075
            k = k_regular(q)
            h = q + e_of(-k) + 128
            assert 0 <= h <= 4 and k_min <= k <= k_max
            word = (k - k_min) | (h << 16)
        out.write(("\n    " if biased % 8 == 0 else " ") + f"0x{word:06x},")
    out.write("\n};\n\n}  // namespace rjson::encode::float_table\n")


if __name__ == "__main__":
    main()

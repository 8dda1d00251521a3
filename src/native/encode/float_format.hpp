// Shortest round-trip decimal for a double: the digits of Python's repr (David Gay's
// dtoa mode 0): the fewest significant digits that read back to the same double; among
// those, the nearest to its exact value; an exact tie goes to the even digit.
//
// The search follows R. Giulietti's "Schubfach" idea. A finite double is v = c * 2^q and
// reads back from any decimal inside its rounding interval [vl, vr] (the midpoints to its
// neighbours, included when c is even, as round-half-even reading accepts them). With
// 10^k <= width of that interval < 10^(k+1), the interval holds at most one multiple of
// 10^(k+1) and at least one of 10^k, so the answer is that multiple of 10^(k+1) if there
// is one, else the multiple of 10^k nearest to v. Only v, vl and vr scaled by 10^-k are
// needed, each as floor(4x) plus a sticky bit: enough to compare them with the even
// integers 4s, 4(s+1), 4s+2. tools/gen_float_table.py builds the 128-bit multipliers
// and proves the scaled values exact for every double.
#pragma once
#include <cstdint>
#include <cstring>

#include <x86intrin.h>  // _addcarry_u64 / _subborrow_u64: plain adc / sbb, any x86-64

#include "encode/float_table.hpp"

#ifndef RJSON_FLOAT_INLINE
#define RJSON_FLOAT_INLINE __attribute__((always_inline)) inline
#endif

namespace rjson::encode {

__extension__ typedef unsigned __int128 uint128_t;

// v = significand * 10^exponent, significand in [10^15, 10^17) (it may end in zeros), so
// 16 or 17 digits; zero is {0, -15}, which a writer scaling to 16 digits places at 10^0.
struct DecimalFloat {
    uint64_t significand;
    int exponent;
};

namespace float_detail {

inline constexpr int kFractionBits = 52;
inline constexpr uint64_t kFractionMask = (uint64_t{1} << kFractionBits) - 1;
inline constexpr uint64_t kHiddenBit = uint64_t{1} << kFractionBits;
inline constexpr int kExponentBias = 1075;  // q = biased exponent - 1075 for normal doubles
inline constexpr int kMinQ = 1 - kExponentBias;

// floor(q * log10(2)), and floor(log10(3/4 * 2^q)); exact over every q a double has.
inline int floor_log10_pow2(int q) {
    return static_cast<int>((q * float_table::kLog10Pow2Mul) >> float_table::kLog10Pow2Shift);
}
inline int floor_log10_three_quarters_pow2(int q) {
    return static_cast<int>((q * float_table::kLog10Pow2Mul + float_table::kLog10ThreeQuarters) >>
                            float_table::kLog10Pow2Shift);
}
// floor(n * log2(10)) for the n = -k used here.
inline int floor_log2_pow10(int n) {
    return static_cast<int>((n * float_table::kLog2Pow10Mul) >> float_table::kLog2Pow10Shift);
}

// A 192-bit value: w2 is the integer part of (G * x) / 2^128, w1 and w0 the fraction.
struct Product {
    uint64_t w0, w1, w2;
};

inline Product multiply(const float_table::Pow10& g, uint64_t x) {
    uint128_t lo = static_cast<uint128_t>(g.lo) * x;
    uint128_t mid = static_cast<uint128_t>(g.hi) * x + static_cast<uint64_t>(lo >> 64);
    return {static_cast<uint64_t>(lo), static_cast<uint64_t>(mid), static_cast<uint64_t>(mid >> 64)};
}

// G << shift, shift in [1, 6] (never 0 or 64, so every shift below is defined).
inline Product shifted(const float_table::Pow10& g, int shift) {
    return {g.lo << shift, (g.hi << shift) | (g.lo >> (64 - shift)), g.hi >> (64 - shift)};
}

inline Product add(Product a, Product b) {
    unsigned long long w0, w1, w2;
    unsigned char c = _addcarry_u64(0, a.w0, b.w0, &w0);
    c = _addcarry_u64(c, a.w1, b.w1, &w1);
    _addcarry_u64(c, a.w2, b.w2, &w2);
    return {w0, w1, w2};
}

inline Product subtract(Product a, Product b) {
    unsigned long long w0, w1, w2;
    unsigned char c = _subborrow_u64(0, a.w0, b.w0, &w0);
    c = _subborrow_u64(c, a.w1, b.w1, &w1);
    _subborrow_u64(c, a.w2, b.w2, &w2);
    return {w0, w1, w2};
}

// The integer part with its lowest bit set when the exact value x * 2^q * 10^-k that
// the product stands for is not an integer (see the table generator for the proof).
inline uint64_t round_to_odd(Product p) {
    return p.w2 | ((p.w1 | (p.w0 >> float_table::kStickyBits)) != 0);
}

}  // namespace float_detail

namespace float_detail {
// The exact search, for every finite double (sign ignored; zero gives {0, 0}); the
// significand is below 10^15 only for an integer below 2^53 or a subnormal.
inline DecimalFloat search_exact(uint64_t bits) {
    if ((bits << 1) == 0) return {0, 0};
    const uint64_t fraction = bits & kFractionMask;
    const int biased = static_cast<int>((bits >> kFractionBits) & 0x7ff);
    uint64_t c;
    int q;
    if (biased != 0) {
        c = fraction | kHiddenBit;
        q = biased - kExponentBias;
        // An integer below 2^53 has an interval narrower than 1 around it: its own
        // digits are the answer. Catches 1.0, 2.0 and other everyday values cheaply.
        if (static_cast<unsigned>(-q) <= kFractionBits && (c & ((uint64_t{1} << -q) - 1)) == 0)
            return {c >> -q, 0};
    } else {
        c = fraction;
        q = kMinQ;
    }

    // Interval ends in units of 2^(q-2): the lower gap halves at a power of two.
    const bool regular = fraction != 0 || biased <= 1;
    const uint64_t cb = c << 2;
    // cbl = cb - 2 (cb - 1 at a power of two) and cbr = cb + 2, applied as shifts below.
    const int k = regular ? floor_log10_pow2(q) : floor_log10_three_quarters_pow2(q);
    const int h = q + floor_log2_pow10(-k) + 1;  // 2^q * 10^-k = 2^h * G / 2^128
    const float_table::Pow10& g = float_table::kPow10[k - float_table::kMinK];
    // One multiplication; the interval ends differ from it by G * 2^h * (cb - cbl) and
    // G * 2^h * (cbr - cb), which are shifts of G.
    const Product pv = multiply(g, cb << h);
    const uint64_t vb = round_to_odd(pv);
    const uint64_t vbl = round_to_odd(subtract(pv, shifted(g, h + regular)));
    const uint64_t vbr = round_to_odd(add(pv, shifted(g, h + 1)));
    const uint64_t excluded = c & 1;  // odd c: the interval's ends read back elsewhere

    // The three outcomes below are chosen without branches: on mixed data each branch
    // would be a coin toss, and a mispredicted one costs more than computing all three.
    const uint64_t s = vb >> 2;  // floor(v * 10^-k)
    // A multiple of 10^(k+1) in the interval: one digit fewer.
    const uint64_t s10 = s / 10;
    const uint64_t lower10 = s10 * 10;
    const bool lower10_in = vbl + excluded <= 4 * lower10;
    const bool upper10_in = 4 * (lower10 + 10) + excluded <= vbr;
    const bool shorter = lower10_in != upper10_in;

    // Else s or s + 1: the one inside the interval, or if both are, the nearer to v
    // (a tie to the even one).
    const bool lower_in = vbl + excluded <= 4 * s;
    const bool upper_in = 4 * (s + 1) + excluded <= vbr;
    const uint64_t mid = 4 * s + 2;
    const bool nearer_up = vb > mid || (vb == mid && (s & 1));
    const bool one_in = lower_in != upper_in;
    const bool up = (one_in & upper_in) | (!one_in & nearer_up);
    // Both answers at the scale of s (the shorter one then ends in a zero): for a normal
    // double that keeps the significand in [10^15, 10^17), which the writer relies on.
    // Selected with a mask: GCC turns a ternary here into a branch.
    const uint64_t take10 = uint64_t{0} - shorter;
    const uint64_t chosen = ((lower10 + 10 * upper10_in) & take10) | ((s + up) & ~take10);
    return {chosen, k};
}
}  // namespace float_detail

// The exact search, for every finite double (sign ignored), in DecimalFloat's range.
// shortest_decimal below answers almost every double without it; it remains the
// reference for the rest.
[[gnu::noinline, gnu::cold]] inline DecimalFloat shortest_decimal_exact(uint64_t bits) {
    DecimalFloat d = float_detail::search_exact(bits);
    if (d.significand == 0) return {0, -15};
    while (d.significand < 1000000000000000) {
        d.significand *= 10;
        --d.exponent;
    }
    return d;
}

namespace float_detail {
// kPow10's rows by biased exponent (32 KB): the fast path loads G straight from the
// exponent, in parallel with k, where G's row number came from kRegularStep first: two
// loads in a row on each double's dependency chain. Each row is G' = G >> (4 - h)
// (h in [0, 4], see below), so that 2^q * 10^-k = 16 * G' / 2^128 less the bits
// dropped: the fast path multiplies c << 4, where c << h and W's shifts by h waited on
// h from the table (~10 instructions a double; floats: -5% time in a C++ loop).
struct PowByExponent {
    alignas(16) float_table::Pow10 g[2048];
    constexpr PowByExponent() : g{} {
        for (int b = 0; b < 2048; ++b) {
            const float_table::Pow10 p = float_table::kPow10[float_table::kRegularStep[b] & 0xffff];
            const int s = 4 - static_cast<int>(float_table::kRegularStep[b] >> 16);
            g[b] = s == 0 ? p : float_table::Pow10{p.hi >> s, (p.lo >> s) | (p.hi << (64 - s))};
        }
    }
};
inline constexpr PowByExponent kPowByExponent{};
}  // namespace float_detail

// The shortest decimal for a finite double given by its bits (sign ignored).
//
// The same search from a 128-bit product in place of the exact sticky bits. For a
// normal double that is not a power of two, T = v * 10^-k and the half-width W of its
// interval (in [1/2, 5)) are taken to 64 fraction bits, T from all of G', W from the
// high half. The search only asks which integers lie at or below T - W and T + W, and
// which is nearest T. The truncations move T - W, T + W and T by less than 32 units of
// 2^-64, so when neither end is within 32 units of an integer, nor T of a half-integer,
// the answers are those of the exact reals; the ends are then not integers, so whether
// the interval includes them no longer matters. The others (few fraction bits, where an
// end or a tie can be exact: about one double in 2^58 of random bits, more among
// integers and short decimals near 2^53) take the exact search above.
RJSON_FLOAT_INLINE DecimalFloat shortest_decimal(uint64_t bits) {
    using namespace float_detail;
    const uint64_t fraction = bits & kFractionMask;
    const int biased = static_cast<int>((bits >> kFractionBits) & 0x7ff);
    if (__builtin_expect(fraction == 0 || biased == 0, 0)) return shortest_decimal_exact(bits);
    const uint64_t c = fraction | kHiddenBit;
    // k = floor(q log10 2) as the exact search computes it, and G' (see PowByExponent).
    const uint32_t step = float_table::kRegularStep[biased];
    const int k = static_cast<int>(step & 0xffff) + float_table::kMinK;
    const float_table::Pow10& g = float_detail::kPowByExponent.g[biased];
    const uint64_t x = c << 4;  // below 2^57
    // T * 2^64 = x * G' / 2^64 less the low half of x * G'.lo: within (t - 1/128, t + 2)
    // (G' drops under 2^4 of G * 2^h: under x / 2^64 < 1/128 more).
    // Kept in 64-bit halves with the carries spelled out: as unsigned __int128 (or with
    // _addcarry_u64's pointer outputs) GCC kept the halves on the stack.
    const uint128_t th = static_cast<uint128_t>(g.hi) * x;
    const uint64_t tl = static_cast<uint64_t>((static_cast<uint128_t>(g.lo) * x) >> 64);
    const uint64_t t_lo = static_cast<uint64_t>(th) + tl;
    const uint64_t t_hi = static_cast<uint64_t>(th >> 64) + (t_lo < tl);
    // W * 2^64 = G * 2^h / 2^65 = G' / 2^61, from G'.hi: within (w - 1/128, w + 9).
    const uint64_t w_hi = g.hi >> 61, w_lo = g.hi << 3;
    // T + W: within (u - 1, u + 11); T - W: within (l - 10, l + 2).
    const uint64_t u_lo = t_lo + w_lo, u_hi = t_hi + w_hi + (u_lo < w_lo);
    const uint64_t l_lo = t_lo - w_lo, l_hi = t_hi - w_hi - (t_lo < w_lo);
    // Each fraction, offset by the margin, must stay clear of [0, 2 * margin).
    constexpr uint64_t kMargin = 32;
    const bool unclear = (u_lo + kMargin < 2 * kMargin) | (l_lo + kMargin < 2 * kMargin) |
                         ((t_lo ^ (uint64_t{1} << 63)) + kMargin < 2 * kMargin);
    if (__builtin_expect(unclear, 0)) return shortest_decimal_exact(bits);
    // The largest multiple of 10 not above T + W is the answer when it is above T - W
    // (an interval narrower than 10 holds at most one); else the integer nearest T.
    const uint64_t m = u_hi / 10 * 10;
    const uint64_t nearest = t_hi + (t_lo >> 63);
    const uint64_t take10 = uint64_t{0} - (m > l_hi);
    return {(m & take10) | (nearest & ~take10), k};
}

}  // namespace rjson::encode

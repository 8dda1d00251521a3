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

#include "encode/float_table.hpp"

namespace rjson::encode {

__extension__ typedef unsigned __int128 uint128_t;

// v = significand * 10^exponent, significand < 10^17 (it may end in zeros).
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

// floor(x * G / 2^128) with its lowest bit set when the exact product x * 10^-k * 2^q
// that it stands for is not an integer (see the table generator for the proof).
inline uint64_t scaled_round_to_odd(const float_table::Pow10& g, uint64_t x) {
    uint128_t lo = static_cast<uint128_t>(g.lo) * x;
    uint128_t mid = static_cast<uint128_t>(g.hi) * x + static_cast<uint64_t>(lo >> 64);
    uint64_t integer = static_cast<uint64_t>(mid >> 64);
    uint64_t fraction_high = static_cast<uint64_t>(mid);
    uint64_t fraction_low = static_cast<uint64_t>(lo);
    return integer | ((fraction_high | (fraction_low >> float_table::kStickyBits)) != 0);
}

}  // namespace float_detail

// The shortest decimal for a finite, nonzero double given by its bits (sign ignored).
inline DecimalFloat shortest_decimal(uint64_t bits) {
    using namespace float_detail;
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
    const uint64_t cbl = regular ? cb - 2 : cb - 1;
    const uint64_t cbr = cb + 2;
    const int k = regular ? floor_log10_pow2(q) : floor_log10_three_quarters_pow2(q);
    const int h = q + floor_log2_pow10(-k) + 1;  // 2^q * 10^-k = 2^h * G / 2^128
    const float_table::Pow10& g = float_table::kPow10[k - float_table::kMinK];
    const uint64_t vb = scaled_round_to_odd(g, cb << h);
    const uint64_t vbl = scaled_round_to_odd(g, cbl << h);
    const uint64_t vbr = scaled_round_to_odd(g, cbr << h);
    const uint64_t excluded = c & 1;  // odd c: the interval's ends read back elsewhere

    const uint64_t s = vb >> 2;  // floor(v * 10^-k)
    // A multiple of 10^(k+1) in the interval: one digit fewer.
    const uint64_t s10 = s / 10;
    const uint64_t lower10 = s10 * 10;
    const bool lower10_in = vbl + excluded <= 4 * lower10;
    const bool upper10_in = 4 * (lower10 + 10) + excluded <= vbr;
    if (lower10_in != upper10_in) return {s10 + upper10_in, k + 1};

    const bool lower_in = vbl + excluded <= 4 * s;
    const bool upper_in = 4 * (s + 1) + excluded <= vbr;
    if (lower_in != upper_in) return {s + upper_in, k};
    // Both neighbours read back: the nearer to v, a tie to the even one.
    const uint64_t mid = 4 * s + 2;
    const bool up = vb > mid || (vb == mid && (s & 1));
    return {s + up, k};
}

}  // namespace rjson::encode

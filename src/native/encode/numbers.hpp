// Number text: integers and shortest round-trip floats, written into a caller's buffer.
// Pure C++: no Python here. The float digits come from float_format.hpp (the digits of
// Python's repr); this file lays them out. write_double_std is the plain twin built on
// std::to_chars with a simple per-character layout: the reference the tests compare with.
#pragma once
#include <emmintrin.h>  // SSE2: the x86-64 baseline

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "encode/float_format.hpp"
#include "simd/short_strings.hpp"

namespace rjson::encode {

// Room a caller gives either writer: the longest text is "-1.2345678901234567e-308"
// (24) or an int64, but the float layouts store whole 16-byte blocks past it.
inline constexpr size_t kMaxNumberChars = 40;


// Where Python's repr and orjson differ in laying out the same digits.
struct FloatStyle {
    int min_fixed_point;  // smallest decimal-point position written without an exponent
    bool pad_exponent;    // exponent at least two digits ("1e-07" against "1e-7")
};
// float.__repr__: fixed notation for 1e-4 <= |x| < 1e16.
inline constexpr FloatStyle kPythonRepr{-3, true};
// orjson.dumps: fixed notation down to 1e-5, exponents unpadded.
inline constexpr FloatStyle kOrjson{-4, false};
// Largest decimal-point position written without an exponent (both styles): 1e16 is not.
inline constexpr int kMaxFixedPoint = 16;

namespace number_detail {

inline constexpr int kSigDigits = 17;  // every significand is scaled to exactly this many
inline constexpr uint64_t kPow10[] = {  // 10^0 .. 10^19
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
    10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
    1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000,
    10000000000000000000u,
};

// "00" "01" ... "99": two digits per lookup.
inline constexpr std::array<char, 200> kDigitPairs = [] {
    std::array<char, 200> t{};
    for (int i = 0; i < 100; ++i) {
        t[2 * i] = static_cast<char>('0' + i / 10);
        t[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
    return t;
}();

// Loaded at offset 16 - p: 0xFF in bytes [0, p), 0 from p on.
alignas(32) inline constexpr uint8_t kPrefixMask[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

// The 16 digits of hi8 * 10^8 + lo8 (both below 10^8) as ASCII bytes, most significant
// first: in both 64-bit lanes at once, 4+4, 2+2, 1+1 digits, each quotient a
// multiply-high that is exact over the lane's range.
inline __m128i ascii8x2(uint64_t hi8, uint64_t lo8) {
    __m128i v = _mm_set_epi64x(static_cast<long long>(lo8), static_cast<long long>(hi8));
    // x / 10^4 for x < 2^32: (x * 3518437209) >> 45.
    __m128i hi4 = _mm_srli_epi64(_mm_mul_epu32(v, _mm_set1_epi32(static_cast<int>(3518437209u))), 45);
    __m128i lo4 = _mm_sub_epi32(v, _mm_mul_epu32(hi4, _mm_set1_epi32(10000)));
    __m128i fours = _mm_or_si128(hi4, _mm_slli_epi64(lo4, 32));  // 32-bit lanes < 10^4
    // y / 100 for y < 10^4: (y * 5243) >> 19; the 16-bit halves above y are zero.
    __m128i hi2 = _mm_srli_epi16(_mm_mulhi_epu16(fours, _mm_set1_epi32(5243)), 3);
    __m128i lo2 = _mm_sub_epi16(fours, _mm_mullo_epi16(hi2, _mm_set1_epi32(100)));
    __m128i pairs = _mm_or_si128(hi2, _mm_slli_epi32(lo2, 16));  // 16-bit lanes < 100
    // z / 10 for z < 100: (z * 6554) >> 16.
    __m128i tens = _mm_mulhi_epu16(pairs, _mm_set1_epi16(6554));
    __m128i ones = _mm_sub_epi16(pairs, _mm_mullo_epi16(tens, _mm_set1_epi16(10)));
    __m128i digits = _mm_or_si128(tens, _mm_slli_epi16(ones, 8));
    return _mm_add_epi8(digits, _mm_set1_epi8('0'));
}

// "e+16", "e-07" (padded) or "e-7": |exp| <= 324.
inline constexpr int kMaxExponent = 324;
inline constexpr char* write_exponent(char* out, int exp, bool pad) {
    *out++ = 'e';
    *out++ = exp < 0 ? '-' : '+';
    unsigned mag = static_cast<unsigned>(exp < 0 ? -exp : exp);
    if (mag >= 100) *out++ = static_cast<char>('0' + mag / 100);
    if (mag >= 10 || pad) *out++ = static_cast<char>('0' + mag / 10 % 10);
    *out++ = static_cast<char>('0' + mag % 10);
    return out;
}

// Every exponent's text for one style, precomputed: bytes 0-4 the text, byte 7 its
// length, so the writer stores one word (no divisions, no branches).
struct ExponentTable {
    uint64_t text[2 * kMaxExponent + 1];
    constexpr explicit ExponentTable(bool pad) : text{} {
        for (int e = -kMaxExponent; e <= kMaxExponent; ++e) {
            char buf[8] = {};
            auto len = static_cast<uint64_t>(write_exponent(buf, e, pad) - buf);
            uint64_t word = len << 56;
            for (int i = 0; i < 5; ++i) word |= static_cast<uint64_t>(static_cast<uint8_t>(buf[i])) << (8 * i);
            text[e + kMaxExponent] = word;
        }
    }
};
inline constexpr ExponentTable kPaddedExponents{true};
inline constexpr ExponentTable kShortExponents{false};

inline char* put_exponent(char* out, int exp, bool pad) {
    uint64_t word = (pad ? kPaddedExponents : kShortExponents).text[exp + kMaxExponent];
    std::memcpy(out, &word, sizeof word);
    return out + (word >> 56);
}

// The integer writers below are templates on the unit type C: char (byte output) or
// the uint16_t/uint32_t of a UCS-2/UCS-4 str buffer. A wide buffer gets its digits
// stored widened straight from the registers that hold them: formatted as bytes first
// and then reloaded as whole vectors, every number stalled on store forwarding
// (twitter, UCS-4 output: ~5% of the time, warm inputs).

// Two ASCII chars from `two` at out.
template <class C>
inline void store2(C* out, const char* two) {
    if constexpr (sizeof(C) == 1) {
        std::memcpy(out, two, 2);
    } else {
        out[0] = static_cast<uint8_t>(two[0]);
        out[1] = static_cast<uint8_t>(two[1]);
    }
}
// v < 100 as one or two digits: stores two chars (the second past the end if v < 10).
template <class C>
inline C* put_small(C* out, uint64_t v) {
    store2(out, &kDigitPairs[2 * v + (v < 10)]);
    return out + 1 + (v >= 10);
}

}  // namespace number_detail

namespace number_detail {
// 1 to 9999: one or two pairs. May store one byte past the returned end.
template <class C>
inline C* put_upto4(C* out, uint64_t v) {
    if (v < 100) return put_small(out, v);
    out = put_small(out, v / 100);
    store2(out, &kDigitPairs[2 * (v % 100)]);
    return out + 2;
}
}  // namespace number_detail

namespace number_detail {
// x < 10^8 as eight ASCII digits, leading zeros kept, the first in the lowest byte:
// 4+4 digits, then 2+2 in both halves and 1+1 in all four quarters at once, each
// quotient a multiply-shift exact over its lane's range (y * 5243 >> 19 = y / 100 for
// y < 10^4; z * 103 >> 10 = z / 10 for z < 100), no product spilling into the next lane.
inline uint64_t ascii8(uint64_t x) {
    uint64_t v = (x / 10000) | ((x % 10000) << 32);
    const uint64_t hundreds = ((v * 5243) >> 19) & 0x0000007F0000007Fu;
    v = hundreds | ((v - hundreds * 100) << 16);
    const uint64_t tens = ((v * 103) >> 10) & 0x000F000F000F000Fu;
    v = tens | ((v - tens * 10) << 8);
    return v + 0x3030303030303030u;
}
// 1 to 99999999: up to four digits as pairs from the table (quicker than ascii8's
// multiplies, and the lengths of small numbers are predictable); more as ascii8 with
// the leading zeros shifted out, with no branch on the length.
template <class C>
inline C* put_upto8(C* out, uint64_t v) {
    if (v < 10000) return put_upto4(out, v);
    const uint64_t digits = ascii8(v);
    const int zeros = __builtin_ctzll(digits - 0x3030303030303030u) >> 3;
    simd::store_widened8(out, digits >> (8 * zeros));
    return out + 8 - zeros;
}
// Exactly eight digits, leading zeros included: one 8-char store.
template <class C>
inline C* put8(C* out, uint64_t x) {
    simd::store_widened8(out, ascii8(x));
    return out + 8;
}
}  // namespace number_detail

// Integers: up to eight digits as put_upto8 writes them; longer ones as their leading
// digits, then whole groups of eight (ascii8). No division loop, no length computed.
// May store up to 7 chars past the returned end.
template <class C>
__attribute__((always_inline)) inline C* write_uint64(C* out, uint64_t v) {
    using namespace number_detail;
    constexpr uint64_t kE8 = 100000000;
    if (v < kE8) return put_upto8(out, v);
    const uint64_t high = v / kE8;  // 1 to 12 digits
    if (high < kE8) out = put_upto8(out, high);
    else out = put8(put_upto4(out, high / kE8), high % kE8);
    return put8(out, v % kE8);
}

template <class C>
__attribute__((always_inline)) inline C* write_int64(C* out, int64_t v) {
    *out = '-';
    uint64_t mag = static_cast<uint64_t>(v);
    return write_uint64(out + (v < 0), v < 0 ? 0 - mag : mag);
}

// std::isfinite on the bits, which the writer reads anyway (GCC compares doubles).
inline bool is_finite_bits(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return (bits << 1) < (uint64_t{0x7ff} << 53);
}

namespace number_detail {
// The 17 digits D0 (head) and D1..D16 (tail) with the decimal point after D(point-1),
// 1 <= point <= 16, n of them significant: DIG.ITS, or DIGITS000.0 when n <= point.
__attribute__((always_inline)) inline char* put_point_inside(char* out, char head_char, __m128i tail, int point, int n) {
    if (point >= n) {  // DIGITS000.0: the 17 digits already end in the zeros (stored only here)
        out[0] = head_char;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 1), tail);
        std::memcpy(out + point, ".0", 2);
        return out + point + 2;
    }
    // DIG.ITS: bytes below point keep D0.., bytes above take D0.. shifted up one;
    // built in a register, as reloading the bytes just stored would stall.
    __m128i first16 = _mm_or_si128(_mm_slli_si128(tail, 1), _mm_cvtsi32_si128(static_cast<uint8_t>(head_char)));
    __m128i below = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kPrefixMask + 16 - point));
    __m128i merged = _mm_or_si128(_mm_and_si128(below, first16), _mm_andnot_si128(below, _mm_slli_si128(first16, 1)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2), tail);  // D1..D16 at 2..17
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), merged);
    out[point] = '.';
    return out + n + 1;
}
}  // namespace number_detail

// Writes a finite double, shortest round trip, as Python's repr or orjson lays it out.
// Stores whole 16-byte blocks, then returns the true end: see kMaxNumberChars.
__attribute__((always_inline)) inline char* write_double(char* out, double v, FloatStyle style) {
    using namespace number_detail;
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    *out = '-';  // stored either way, kept for a negative v: no branch on the sign
    out += bits >> 63;
    const DecimalFloat dec = shortest_decimal(bits);
    // 16 or 17 digits (zero as 16), scaled to exactly 17 digits D0..D16 (zeros appended),
    // so every layout below is a fixed set of stores: D0 alone, then D1..D16 as one
    // 16-byte block. value = 0.D0D1...D16 * 10^point.
    const bool short16 = dec.significand < kPow10[kSigDigits - 1];
    const uint64_t sig = dec.significand * (1 + 9 * short16);  // not a ternary: GCC would branch on it
    const int point = dec.exponent + kSigDigits - short16;
    // D0 and D1..D16: the top nine digits and the head split off with a multiply-high
    // each, side by side (the head from the nine digits waited for them).
    const uint64_t top9 = sig / kPow10[8];
    const uint64_t low8 = sig - top9 * kPow10[8];
    const uint64_t head = sig / kPow10[16];
    const __m128i tail = ascii8x2(top9 - head * kPow10[8], low8);
    const char head_char = static_cast<char>('0' + head);
    // Significant digits: 17 minus the zeros ending the tail.
    const unsigned zeros = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(tail, _mm_set1_epi8('0'))));
    // Bit 0 always, bit i + 1 for a nonzero D(i+1): the highest is the last nonzero digit.
    // (31 ^ clz is the index of the highest bit: one bsr, where 32 - clz took three more)
    const int n = (31 ^ __builtin_clz(((zeros ^ 0xffffu) << 1) | 1u)) + 1;

    // The layout turns on point, which is exponent + 16 or + 17 and so known only once
    // the digits are: a mispredicted branch on it (floats: ~40% exponent form, at
    // random) stalls until then. The exponents for which both points are in 1..16 take
    // DIG.ITS or DIGITS000.0 on a branch on the exponent alone, which the search has
    // early from a table.
    if (dec.exponent >= 1 - (kSigDigits - 1) && dec.exponent <= kMaxFixedPoint - kSigDigits)
        return put_point_inside(out, head_char, tail, point, n);
    if (point > 0 && point <= kMaxFixedPoint) return put_point_inside(out, head_char, tail, point, n);
    if (point <= 0 && point >= style.min_fixed_point) {  // 0.000DIGITS
        std::memcpy(out, "0.000000", 8);
        out[2 - point] = head_char;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 3 - point), tail);
        return out + 2 - point + n;
    }
    out[0] = head_char;
    out[1] = '.';
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2), tail);
    out += n > 1 ? n + 1 : 1;
    return put_exponent(out, point - 1, style.pad_exponent);
}

// The same text by way of std::to_chars, laid out one character at a time: the
// reference for tests, independent of the fast path's digits and its block stores.
inline char* write_double_std(char* out, double v, FloatStyle style) {
    char sci[kMaxNumberChars];
    char* end = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific).ptr;
    // sci is "[-]D[.DDD]e(+|-)XX".
    const char* p = sci;
    if (*p == '-') *out++ = *p++;
    char digits[20];
    int ndigits = 0;
    digits[ndigits++] = *p++;
    if (*p == '.')
        for (++p; *p != 'e'; ++p) digits[ndigits++] = *p;
    ++p;  // 'e'
    bool neg_exp = *p++ == '-';
    int exp = 0;
    for (; p < end; ++p) exp = exp * 10 + (*p - '0');
    if (neg_exp) exp = -exp;
    int point = exp + 1;
    if (digits[0] == '0') point = 1;  // zero: "0.0"

    if (point >= style.min_fixed_point && point <= kMaxFixedPoint) {
        if (point <= 0) {
            *out++ = '0';
            *out++ = '.';
            for (int i = 0; i < -point; ++i) *out++ = '0';
            for (int i = 0; i < ndigits; ++i) *out++ = digits[i];
            return out;
        }
        for (int i = 0; i < ndigits || i < point; ++i) {
            if (i == point) *out++ = '.';
            *out++ = i < ndigits ? digits[i] : '0';
        }
        if (point >= ndigits) {
            *out++ = '.';
            *out++ = '0';
        }
        return out;
    }
    *out++ = digits[0];
    if (ndigits > 1) {
        *out++ = '.';
        for (int i = 1; i < ndigits; ++i) *out++ = digits[i];
    }
    return number_detail::write_exponent(out, exp, style.pad_exponent);
}

}  // namespace rjson::encode

// Number text: integers and shortest round-trip floats, written into a caller's buffer.
// Pure C++: no Python here. The float digits come from float_format.hpp (the digits of
// Python's repr); this file lays them out. write_double_std is the plain twin built on
// std::to_chars, kept as the reference the tests compare the fast path with.
#pragma once
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "encode/float_format.hpp"

namespace rjson::encode {

// Room a caller gives either writer: the longest text is "-1.2345678901234567e-308"
// (24) or an int64, but the float layouts store whole 16- and 17-byte blocks past it.
inline constexpr size_t kMaxNumberChars = 40;

inline char* write_int64(char* out, int64_t v) { return std::to_chars(out, out + 24, v).ptr; }
inline char* write_uint64(char* out, uint64_t v) { return std::to_chars(out, out + 24, v).ptr; }

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

inline constexpr uint64_t kAsciiZeros = 0x3030303030303030ull;  // "00000000"

// "00" "01" ... "99": two digits per lookup.
inline constexpr std::array<char, 200> kDigitPairs = [] {
    std::array<char, 200> t{};
    for (int i = 0; i < 100; ++i) {
        t[2 * i] = static_cast<char>('0' + i / 10);
        t[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
    return t;
}();

// n < 10^8 as eight digit values 0..9 (not yet ASCII), most significant in the lowest
// byte, so that the zero bytes at either end count leading and trailing zeros. Splits
// n in 4+4, then 2+2+2+2, then 1+1 digits, every lane in one 64-bit register at once;
// each x/100 and x/10 is a multiply-shift exact over the lane's range.
inline uint64_t digit_bytes8(uint32_t n) {
    uint64_t fours = (n / 10000) | (uint64_t{n % 10000} << 32);
    uint64_t hundreds = ((fours * 5243) >> 19) & 0x0000007F0000007Full;  // x/100, x < 10^4
    uint64_t pairs = hundreds | ((fours - hundreds * 100) << 16);
    uint64_t tens = ((pairs * 103) >> 10) & 0x000F000F000F000Full;  // x/10, x < 100
    return tens | ((pairs - tens * 10) << 8);
}

// Decimal digits of a double, without leading or trailing zeros: digits[0, count).
struct Digits {
    // Digits start at buf + first (first <= 16); 17 positions, then slack that layout()
    // reads as whole blocks (never past buf + 33) and never emits.
    char buf[40];
    int first;
    int count;
    const char* begin() const { return buf + first; }
};

// sig < 10^17, nonzero, as 17 positions (leading zeros), trimmed at both ends.
inline void spell(uint64_t sig, Digits& d) {
    constexpr uint64_t kE8 = 100000000, kE16 = kE8 * kE8;
    uint64_t head = sig / kE16;
    uint64_t rest = sig % kE16;
    uint64_t a = digit_bytes8(static_cast<uint32_t>(rest / kE8));
    uint64_t b = digit_bytes8(static_cast<uint32_t>(rest % kE8));
    d.buf[0] = static_cast<char>('0' + head);
    uint64_t ascii_a = a + kAsciiZeros, ascii_b = b + kAsciiZeros;
    std::memcpy(d.buf + 1, &ascii_a, 8);
    std::memcpy(d.buf + 9, &ascii_b, 8);
    int lead = head ? 0 : a ? 1 + __builtin_ctzll(a) / 8 : 9 + __builtin_ctzll(b) / 8;
    int trail = b ? __builtin_clzll(b) / 8 : a ? 8 + __builtin_clzll(a) / 8 : 16;
    d.first = lead;
    d.count = 17 - lead - trail;
}

// "e+16", "e-07" (padded) or "e-7": |exp| <= 324.
inline char* write_exponent(char* out, int exp, bool pad) {
    *out++ = 'e';
    *out++ = exp < 0 ? '-' : '+';
    unsigned mag = static_cast<unsigned>(exp < 0 ? -exp : exp);
    if (mag >= 100) {
        *out++ = static_cast<char>('0' + mag / 100);
        mag %= 100;
    } else if (mag < 10 && !pad) {
        *out++ = static_cast<char>('0' + mag);
        return out;
    }
    std::memcpy(out, &kDigitPairs[2 * mag], 2);
    return out + 2;
}

// Lays out digits (value = 0.DIGITS * 10^point) in the given style. Copies whole
// blocks and then advances by the true length: the slack is within kMaxNumberChars.
inline char* layout(char* out, const Digits& d, int point, FloatStyle style) {
    const char* digits = d.begin();
    const int n = d.count;
    if (point >= style.min_fixed_point && point <= kMaxFixedPoint) {
        if (point <= 0) {  // 0.000DIGITS
            std::memcpy(out, "0.000000", 8);
            std::memcpy(out + 2 - point, digits, 17);
            return out + 2 - point + n;
        }
        std::memcpy(out, digits, 17);
        if (point < n) {  // DIG.ITS
            std::memcpy(out + point + 1, digits + point, 16);
            out[point] = '.';
            return out + n + 1;
        }
        std::memcpy(out + n, "0000000000000000", 16);  // DIGITS000.0
        std::memcpy(out + point, ".0", 2);
        return out + point + 2;
    }
    out[0] = digits[0];
    out[1] = '.';
    std::memcpy(out + 2, digits + 1, 16);
    out += n > 1 ? n + 1 : 1;
    return write_exponent(out, point - 1, style.pad_exponent);
}

}  // namespace number_detail

// Writes a finite double, shortest round trip, as Python's repr or orjson lays it out.
inline char* write_double(char* out, double v, FloatStyle style) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    if (bits >> 63) *out++ = '-';
    if ((bits << 1) == 0) {
        std::memcpy(out, "0.0", 3);
        return out + 3;
    }
    DecimalFloat dec = shortest_decimal(bits);
    number_detail::Digits d;
    number_detail::spell(dec.significand, d);
    // The significand has 17 - first digits before its trimmed zeros: its point.
    return number_detail::layout(out, d, 17 - d.first + dec.exponent, style);
}

// The same text by way of std::to_chars: the reference for tests.
inline char* write_double_std(char* out, double v, FloatStyle style) {
    char sci[kMaxNumberChars];
    char* end = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific).ptr;
    // sci is "[-]D[.DDD]e(+|-)XX".
    const char* p = sci;
    if (*p == '-') *out++ = *p++;
    number_detail::Digits d{};
    int n = 0;
    d.buf[n++] = *p++;
    if (*p == '.')
        for (++p; *p != 'e'; ++p) d.buf[n++] = *p;
    ++p;  // 'e'
    bool neg_exp = *p++ == '-';
    int exp = 0;
    for (; p < end; ++p) exp = exp * 10 + (*p - '0');
    if (neg_exp) exp = -exp;
    if (d.buf[0] == '0') {
        std::memcpy(out, "0.0", 3);
        return out + 3;
    }
    std::memset(d.buf + n, '0', sizeof d.buf - n);
    d.first = 0;
    d.count = n;
    return number_detail::layout(out, d, exp + 1, style);
}

}  // namespace rjson::encode

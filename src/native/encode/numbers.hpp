// Number text: integers and shortest round-trip floats, written into a caller's buffer.
// Pure C++: no Python here. The digits come from std::to_chars (shortest round trip,
// the same digits as Python's repr); this file only lays them out.
#pragma once
#include <charconv>
#include <cstdint>
#include <cstring>

namespace rjson::encode {

// Longest text either writer produces: "-1.2345678901234567e-308" and int64/uint64.
inline constexpr size_t kMaxNumberChars = 32;

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

// Writes a finite double. "point" below is the position of the decimal point relative
// to the start of the digit string: 1.5 has digits "15" and point 1; 0.015 has point -1.
inline char* write_double(char* out, double v, FloatStyle style) {
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

    if (point >= style.min_fixed_point && point <= 16) {
        if (point <= 0) {
            *out++ = '0';
            *out++ = '.';
            std::memset(out, '0', static_cast<size_t>(-point));
            out += -point;
            std::memcpy(out, digits, static_cast<size_t>(ndigits));
            return out + ndigits;
        }
        if (point < ndigits) {
            std::memcpy(out, digits, static_cast<size_t>(point));
            out += point;
            *out++ = '.';
            std::memcpy(out, digits + point, static_cast<size_t>(ndigits - point));
            return out + (ndigits - point);
        }
        std::memcpy(out, digits, static_cast<size_t>(ndigits));
        out += ndigits;
        std::memset(out, '0', static_cast<size_t>(point - ndigits));
        out += point - ndigits;
        *out++ = '.';
        *out++ = '0';
        return out;
    }
    *out++ = digits[0];
    if (ndigits > 1) {
        *out++ = '.';
        std::memcpy(out, digits + 1, static_cast<size_t>(ndigits - 1));
        out += ndigits - 1;
    }
    *out++ = 'e';
    *out++ = exp < 0 ? '-' : '+';
    unsigned mag = static_cast<unsigned>(exp < 0 ? -exp : exp);
    if (mag < 10 && style.pad_exponent) *out++ = '0';
    return std::to_chars(out, out + 4, mag).ptr;
}

}  // namespace rjson::encode

// Numbers: JSON's number grammar exactly as json's scanner matches it, and conversions
// that give the same objects as int(text) and float(text).
#pragma once
#include <charconv>
#include <cstring>
#include "common/py.hpp"

namespace rjson::decode {

template <class C>
inline bool is_digit(C c) { return c >= '0' && c <= '9'; }

struct NumberScan {
    const void* end;        // one past the number's last char (a const C*), nullptr if none
    bool is_float;
    bool negative;
    unsigned digits;        // integer digits (saturating; exact when it matters)
    uint64_t magnitude;     // integer part's value, exact when digits <= 19
};

// Matches -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? at p, backing off a fraction or
// exponent that has no digits, as json does ("1." is the int 1 followed by extra data).
template <class C>
RJSON_INLINE NumberScan scan_number(const C* p, const C* end) {
    NumberScan r{nullptr, false, false, 0, 0};
    if (*p == '-') {
        r.negative = true;
        if (++p == end) return r;
    }
    const C* int_start = p;
    if (*p >= '1' && *p <= '9') {
        uint64_t m = static_cast<uint64_t>(*p - '0');
        ++p;
        while (p < end && is_digit(*p)) {
            m = m * 10 + static_cast<uint64_t>(*p - '0');  // wraps past 19 digits: unused then
            ++p;
        }
        r.magnitude = m;
    } else if (*p == '0') {
        ++p;
    } else {
        return r;
    }
    size_t nd = static_cast<size_t>(p - int_start);
    r.digits = nd > 1000000 ? 1000000u : static_cast<unsigned>(nd);
    if (end - p >= 2 && *p == '.' && is_digit(p[1])) {
        r.is_float = true;
        p += 2;
        while (p < end && is_digit(*p)) ++p;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const C* e = p++;
        if (p < end && (*p == '+' || *p == '-')) ++p;
        const C* ds = p;
        while (p < end && is_digit(*p)) ++p;
        if (p == ds) p = e;
        else r.is_float = true;
    }
    r.end = p;
    return r;
}

// The number's text as ASCII chars in a NUL-terminated buffer: the input itself when it
// is bytes and followed by something (never for long texts: see AsciiText users).
template <class C>
class AsciiText {
public:
    AsciiText(const C* s, size_t n) : n_(n) {
        buf_ = n < sizeof(small_) ? small_ : static_cast<char*>(PyMem_Malloc(n + 1));
        if (!buf_) return;
        for (size_t i = 0; i < n; ++i) buf_[i] = static_cast<char>(s[i]);
        buf_[n] = '\0';
    }
    ~AsciiText() {
        if (buf_ && buf_ != small_) PyMem_Free(buf_);
    }
    const char* get() const { return buf_; }  // nullptr: out of memory (not raised)
    size_t size() const { return n_; }

private:
    char small_[64];
    char* buf_;
    size_t n_;
};

template <class C>
PyObject* int_from_scan(const C* s, size_t n, const NumberScan& r) {
    // Up to 19 digits fit in a uint64; longer goes through PyLong_FromString, which also
    // enforces the int max-str-digits limit with json's ValueError.
    if (RJSON_LIKELY(r.digits <= 19)) {
        uint64_t m = r.magnitude;
        if (!r.negative) {
            if (m <= static_cast<uint64_t>(INT64_MAX)) return PyLong_FromLongLong(static_cast<long long>(m));
            return PyLong_FromUnsignedLongLong(m);
        }
        if (m <= static_cast<uint64_t>(INT64_MAX) + 1) return PyLong_FromLongLong(static_cast<long long>(0 - m));
    }
    AsciiText<C> text(s, n);
    if (!text.get()) return PyErr_NoMemory();
    return PyLong_FromString(text.get(), nullptr, 10);
}

template <class C>
PyObject* float_from_text(const C* s, size_t n) {
    double d;
    if constexpr (sizeof(C) == 1) {
        // Correctly rounded (Eisel-Lemire with a fallback), straight from the input.
        const char* first = reinterpret_cast<const char*>(s);
        auto res = std::from_chars(first, first + n, d);
        if (RJSON_LIKELY(res.ec == std::errc() && res.ptr == first + n)) return PyFloat_FromDouble(d);
    } else if (n < 64) {
        char buf[64];
        for (size_t i = 0; i < n; ++i) buf[i] = static_cast<char>(s[i]);
        auto res = std::from_chars(buf, buf + n, d);
        if (RJSON_LIKELY(res.ec == std::errc() && res.ptr == buf + n)) return PyFloat_FromDouble(d);
    }
    // Out of range (1e400 -> inf, 1e-400 -> 0.0, signed) or very long: Python's own
    // correctly rounded conversion, which is what float(text) does.
    AsciiText<C> text(s, n);
    if (!text.get()) return PyErr_NoMemory();
    d = PyOS_string_to_double(text.get(), nullptr, nullptr);
    if (d == -1.0 && PyErr_Occurred()) return nullptr;
    return PyFloat_FromDouble(d);
}

// A str of the n ASCII units at s: what parse_float, parse_int and parse_constant receive.
template <class C>
PyObject* ascii_str(const C* s, size_t n) {
    PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(n), 127);
    if (!str) return nullptr;
    Py_UCS1* d = PyUnicode_1BYTE_DATA(str);
    for (size_t i = 0; i < n; ++i) d[i] = static_cast<Py_UCS1>(s[i]);
    return str;
}

}  // namespace rjson::decode

// Building str objects from decoded code units: the narrowest kind, one copy.
#pragma once
#include <cstring>
#include "common/py.hpp"

namespace rjson::decode {

// The OR of all code points in a string decides its kind exactly: the kind boundaries
// (0x80, 0x100, 0x10000) are powers of two, so max < 2^k exactly when OR < 2^k.
template <class C>
PyObject* make_str(const C* s, size_t n, uint32_t seen) {
    Py_UCS4 maxchar = seen < 0x80 ? 0x7F : seen < 0x100 ? 0xFF : seen < 0x10000 ? 0xFFFF : 0x10FFFF;
    PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(n), maxchar);
    if (!str) return nullptr;
    switch (PyUnicode_KIND(str)) {
        case PyUnicode_1BYTE_KIND: {
            Py_UCS1* d = PyUnicode_1BYTE_DATA(str);
            if constexpr (sizeof(C) == 1) std::memcpy(d, s, n);
            else for (size_t i = 0; i < n; ++i) d[i] = static_cast<Py_UCS1>(s[i]);
            break;
        }
        case PyUnicode_2BYTE_KIND: {
            Py_UCS2* d = PyUnicode_2BYTE_DATA(str);
            if constexpr (sizeof(C) == 2) std::memcpy(d, s, n * 2);
            else for (size_t i = 0; i < n; ++i) d[i] = static_cast<Py_UCS2>(s[i]);
            break;
        }
        default: {
            Py_UCS4* d = PyUnicode_4BYTE_DATA(str);
            if constexpr (sizeof(C) == 4) std::memcpy(d, s, n * 4);
            else for (size_t i = 0; i < n; ++i) d[i] = static_cast<Py_UCS4>(s[i]);
            break;
        }
    }
    return str;
}

// A growable buffer of code points for strings that need decoding (escapes, UTF-8).
class Scratch {
public:
    ~Scratch() {
        if (data_ != inline_) PyMem_Free(data_);
    }
    void clear() { size_ = 0; }
    size_t size() const { return size_; }
    const uint32_t* data() const { return data_; }
    // Room for n more code points; false (MemoryError set) if it cannot grow.
    bool reserve(size_t n) {
        if (RJSON_LIKELY(size_ + n <= cap_)) return true;
        size_t cap = cap_ * 2;
        while (cap < size_ + n) cap *= 2;
        uint32_t* p = static_cast<uint32_t*>(
            data_ == inline_ ? PyMem_Malloc(cap * 4) : PyMem_Realloc(data_, cap * 4));
        if (!p) {
            PyErr_NoMemory();
            return false;
        }
        if (data_ == inline_) std::memcpy(p, inline_, size_ * 4);
        data_ = p;
        cap_ = cap;
        return true;
    }
    // Callers reserve() first.
    void push(uint32_t c) { data_[size_++] = c; }
    template <class C>
    void append(const C* s, size_t n) {
        for (size_t i = 0; i < n; ++i) data_[size_ + i] = s[i];
        size_ += n;
    }

private:
    static constexpr size_t kInline = 256;
    uint32_t inline_[kInline];
    uint32_t* data_ = inline_;
    size_t size_ = 0;
    size_t cap_ = kInline;
};

// Decodes the UTF-8 in [s, e) into out, ORing code points into *seen. Encoded surrogates
// (ED A0..BF xx) are accepted as lone surrogates, as 'surrogatepass' does. Returns false
// on invalid UTF-8 (no Python error set: the caller re-decodes through Python to raise
// exactly json's UnicodeDecodeError).
inline bool decode_utf8(const uint8_t* s, const uint8_t* e, Scratch& out, uint32_t* seen) {
    if (!out.reserve(static_cast<size_t>(e - s))) return false;  // never more chars than bytes
    uint32_t acc = 0;
    while (s < e) {
        uint32_t c = *s;
        if (c < 0x80) {
            out.push(c);
            ++s;
            continue;
        }
        auto cont = [](uint8_t b) { return (b & 0xC0) == 0x80; };
        if (c >= 0xC2 && c <= 0xDF) {
            if (e - s < 2 || !cont(s[1])) return false;
            c = ((c & 0x1F) << 6) | (s[1] & 0x3F);
            s += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (e - s < 3 || !cont(s[1]) || !cont(s[2])) return false;
            if (c == 0xE0 && s[1] < 0xA0) return false;  // overlong
            c = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
            s += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (e - s < 4 || !cont(s[1]) || !cont(s[2]) || !cont(s[3])) return false;
            if (c == 0xF0 && s[1] < 0x90) return false;  // overlong
            if (c == 0xF4 && s[1] > 0x8F) return false;  // beyond U+10FFFF
            c = ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
            s += 4;
        } else {
            return false;
        }
        acc |= c;
        out.push(c);
    }
    *seen |= acc;
    return true;
}

}  // namespace rjson::decode

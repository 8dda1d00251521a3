// Building str objects from decoded code units: the narrowest kind, one copy.
#pragma once
#include <cstring>
#include "common/py.hpp"
#include "decode/numbers.hpp"  // ObjectAllocator, init_object
#include "simd/inline.hpp"
#include "simd/kernels.hpp"

namespace rjson::decode {

// Compact ASCII strs, most of a document's, are built in place where their layout is
// known (3.9-3.13: PyASCIIObject, then the chars and a NUL): PyUnicode_New's kind
// choice, size checks, field by field state and wstr stores, and PyObject_Malloc's
// wrapper cost ~60 instructions a str (github_events: 6% of a loads).
#if PY_VERSION_HEX >= 0x03090000 && PY_VERSION_HEX < 0x030E0000 && !defined(Py_LIMITED_API) && \
    !defined(Py_DEBUG) && !defined(Py_GIL_DISABLED)
#define RJSON_DIRECT_ASCII 1
#endif

// A new str of n ASCII chars (n >= 2: the empty str and one-char strs are shared
// singletons), its chars for the caller to write; nullptr with MemoryError set.
RJSON_INLINE PyObject* new_ascii_str(const ObjectAllocator& alloc, size_t n) {
#ifdef RJSON_DIRECT_ASCII
    if (RJSON_UNLIKELY(n > static_cast<size_t>(PY_SSIZE_T_MAX) - sizeof(PyASCIIObject) - 1)) return PyErr_NoMemory();
    auto* o = static_cast<PyASCIIObject*>(alloc.malloc(alloc.ctx, sizeof(PyASCIIObject) + n + 1));
    if (RJSON_UNLIKELY(!o)) return PyErr_NoMemory();
    init_object(reinterpret_cast<PyObject*>(o), &PyUnicode_Type);
    o->length = static_cast<Py_ssize_t>(n);
    o->hash = -1;
    std::memset(&o->state, 0, sizeof o->state);  // not interned (nor static, 3.12+)
    o->state.kind = PyUnicode_1BYTE_KIND;
    o->state.compact = 1;
    o->state.ascii = 1;
#if PY_VERSION_HEX < 0x030C0000
    o->state.ready = 1;
    o->wstr = nullptr;
#endif
    reinterpret_cast<Py_UCS1*>(o + 1)[n] = 0;
    return reinterpret_cast<PyObject*>(o);
#else
    (void)alloc;
    return PyUnicode_New(static_cast<Py_ssize_t>(n), 127);
#endif
}

// The OR of all code points in a string decides its kind exactly: the kind boundaries
// (0x80, 0x100, 0x10000) are powers of two, so max < 2^k exactly when OR < 2^k.
template <class C>
PyObject* make_str(const ObjectAllocator& alloc, const C* s, size_t n, uint32_t seen) {
    // One-char strs below U+0100 are CPython's cached singletons: no allocation.
    if (n == 1) {
        uint32_t c = s[0];
        if (c < 0x100) return PyUnicode_FromOrdinal(static_cast<int>(c));
    }
    if (seen < 0x80 && n >= 2) {
        PyObject* str = new_ascii_str(alloc, n);
        if (RJSON_UNLIKELY(!str)) return nullptr;
        Py_UCS1* d = PyUnicode_1BYTE_DATA(str);
        if constexpr (sizeof(C) == 1) std::memcpy(d, s, n);
        else simd::narrow_to_bytes(d, s, n);
        return str;
    }
    Py_UCS4 maxchar = seen < 0x80 ? 0x7F : seen < 0x100 ? 0xFF : seen < 0x10000 ? 0xFFFF : 0x10FFFF;
    PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(n), maxchar);
    if (!str) return nullptr;
    switch (PyUnicode_KIND(str)) {
        case PyUnicode_1BYTE_KIND: {
            Py_UCS1* d = PyUnicode_1BYTE_DATA(str);
            if constexpr (sizeof(C) == 1) std::memcpy(d, s, n);
            else simd::narrow_to_bytes(d, s, n);
            break;
        }
        case PyUnicode_2BYTE_KIND: {
            Py_UCS2* d = PyUnicode_2BYTE_DATA(str);
            if constexpr (sizeof(C) == 2) std::memcpy(d, s, n * 2);
            else if constexpr (sizeof(C) == 4) simd::narrow_to_ucs2(d, s, n);
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

// What each char after a backslash stands for (0: not a valid escape; 'u' is handled
// apart), and each ASCII char's hex digit value (-1: not one).
inline constexpr auto kEscaped = [] {
    struct { uint8_t v[128] = {}; constexpr uint8_t operator[](uint32_t i) const { return v[i]; } } t;
    t.v['"'] = '"'; t.v['\\'] = '\\'; t.v['/'] = '/';
    t.v['b'] = '\b'; t.v['f'] = '\f'; t.v['n'] = '\n'; t.v['r'] = '\r'; t.v['t'] = '\t';
    return t;
}();
inline constexpr auto kHexDigit = [] {
    struct { int8_t v[128] = {}; constexpr int8_t operator[](uint32_t i) const { return v[i]; } } t;
    for (int i = 0; i < 128; ++i)
        t.v[i] = i >= '0' && i <= '9' ? i - '0' : i >= 'a' && i <= 'f' ? i - 'a' + 10 : i >= 'A' && i <= 'F' ? i - 'A' + 10 : -1;
    return t;
}();

// Over every byte: the escaped char, or -1 if there is none (and for 'u').
inline constexpr auto kEscapedOr1 = [] {
    struct { int16_t v[256] = {}; constexpr int16_t operator[](uint32_t i) const { return v[i]; } } t;
    for (int i = 0; i < 256; ++i) t.v[i] = i < 128 && kEscaped[static_cast<uint32_t>(i)] ? kEscaped[static_cast<uint32_t>(i)] : -1;
    return t;
}();
// Each byte's hex digit value, or -1 (for lookups with no range test).
inline constexpr auto kHexDigit256 = [] {
    struct { int8_t v[256] = {}; constexpr int8_t operator[](uint32_t i) const { return v[i]; } } t;
    for (int i = 0; i < 256; ++i) t.v[i] = i < 128 ? kHexDigit[static_cast<uint32_t>(i)] : -1;
    return t;
}();

// A code unit as an index into those tables: units above 0xFF read entry 0xFF ("none").
template <class C>
RJSON_INLINE uint32_t unit_index(C c) {
    if constexpr (sizeof(C) == 1) return c;
    else return c > 0xFF ? 0xFFu : static_cast<uint32_t>(c);
}
template <class C>
RJSON_INLINE int32_t hex_digit(C c) { return kHexDigit256[unit_index(c)]; }

// A growable buffer for strings that need decoding (escapes, UTF-8 with escapes). It
// holds bytes while every char is below 0x100, the usual case (ASCII text with a few
// \n), so plain runs are memcpy'd and the str is filled by one memcpy; the first wider
// char converts it to code points (uint32) for the rest of the string.
class Scratch {
public:
    ~Scratch() {
        if (data_ != inline_) PyMem_Free(data_);
    }
    void clear() {
        size_ = 0;
        wide_ = false;
    }
    size_t size() const { return size_; }
    bool wide() const { return wide_; }
    const uint8_t* bytes() const { return data_; }
    const uint32_t* code_points() const { return reinterpret_cast<const uint32_t*>(data_); }

    // Room for n more units; false (MemoryError set) if it cannot grow.
    RJSON_INLINE bool reserve(size_t n) {
        return RJSON_LIKELY((size_ + n) * unit() <= cap_) || grow((size_ + n) * unit());
    }
    // Switches to code points (with room for n more); false on MemoryError.
    bool widen(size_t n) {
        if (wide_) return reserve(n);
        if ((size_ + n) * 4 > cap_ && !grow((size_ + n) * 4)) return false;
        for (size_t i = size_; i-- > 0;) reinterpret_cast<uint32_t*>(data_)[i] = data_[i];
        wide_ = true;
        return true;
    }
    // One char, room reserved; false (MemoryError set) if widening fails.
    RJSON_INLINE bool push(uint32_t c) {
        if (RJSON_LIKELY(!wide_)) {
            if (RJSON_LIKELY(c < 0x100)) {
                data_[size_++] = static_cast<uint8_t>(c);
                return true;
            }
            if (!widen(1)) return false;
        }
        reinterpret_cast<uint32_t*>(data_)[size_++] = c;
        return true;
    }
    // n units all below 0x100 when narrow (the caller widens first otherwise).
    template <class C>
    void append(const C* s, size_t n) {
        if (!wide_) {
            if constexpr (sizeof(C) == 1) std::memcpy(data_ + size_, s, n);
            else simd::narrow_to_bytes(data_ + size_, s, n);
        } else {
            uint32_t* d = reinterpret_cast<uint32_t*>(data_) + size_;
            for (size_t i = 0; i < n; ++i) d[i] = s[i];
        }
        size_ += n;
    }
    // Units that fit before the buffer must grow, and the byte view for writers that
    // fill it directly (narrow only).
    size_t room() const { return cap_ / unit() - size_; }
    uint8_t* end8() { return data_ + size_; }
    // Code-point view for writers that fill it directly (wide only).
    uint32_t* end32() { return reinterpret_cast<uint32_t*>(data_) + size_; }
    void resize(size_t n) { size_ = n; }

private:
    size_t unit() const { return wide_ ? 4 : 1; }
    RJSON_NOINLINE bool grow(size_t need) {
        size_t cap = cap_ * 2;
        while (cap < need) cap *= 2;
        uint8_t* p = static_cast<uint8_t*>(data_ == inline_ ? PyMem_Malloc(cap) : PyMem_Realloc(data_, cap));
        if (!p) {
            PyErr_NoMemory();
            return false;
        }
        if (data_ == inline_) std::memcpy(p, inline_, size_ * unit());
        data_ = p;
        cap_ = cap;
        return true;
    }
    static constexpr size_t kInline = 1024;
    alignas(4) uint8_t inline_[kInline];
    uint8_t* data_ = inline_;
    size_t size_ = 0;
    size_t cap_ = kInline;
    bool wide_ = false;
};

// Where a long escaped string stops (an escape, or a raw control char under strict=False),
// recorded by the first pass of the direct decode (see Parser::parse_string_direct) so
// the second copies the runs between stops without scanning again.
struct StringStop {
    size_t at;          // units from the first run's start
    uint32_t cp;        // the char it stands for
    uint16_t len;       // units it takes
    bool utf8_before;   // the run before it holds non-ASCII UTF-8
};

class StopList {
public:
    ~StopList() { PyMem_Free(data_); }
    void clear() { size_ = 0; }
    size_t size() const { return size_; }
    const StringStop& operator[](size_t i) const { return data_[i]; }
    // False (MemoryError set) if it cannot grow.
    RJSON_INLINE bool push(const StringStop& s) {
        if (RJSON_UNLIKELY(size_ == cap_) && !grow()) return false;
        data_[size_++] = s;
        return true;
    }

private:
    RJSON_NOINLINE bool grow() {
        size_t cap = cap_ ? cap_ * 2 : 64;
        auto* p = static_cast<StringStop*>(PyMem_Realloc(data_, cap * sizeof(StringStop)));
        if (!p) {
            PyErr_NoMemory();
            return false;
        }
        data_ = p;
        cap_ = cap;
        return true;
    }
    StringStop* data_ = nullptr;
    size_t size_ = 0;
    size_t cap_ = 0;
};

// The one multi-byte UTF-8 sequence at s (s[0] >= 0x80, s < e): its length, with the
// code point in *cp, or 0 if it is invalid. Encoded surrogates (ED A0..BF xx) are
// accepted as lone surrogates, as 'surrogatepass' does.
RJSON_INLINE int utf8_sequence(const uint8_t* s, const uint8_t* e, uint32_t* cp) {
    // One branch per length; its checks are merged with non-short-circuit ors.
    uint32_t c = s[0];
    auto bad = [](uint32_t b) { return (b & 0xC0) != 0x80; };
    if (c >= 0xC2 && c <= 0xDF) {
        if (e - s < 2) return 0;
        uint32_t b1 = s[1];
        if (bad(b1)) return 0;
        *cp = ((c & 0x1F) << 6) | (b1 & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (e - s < 3) return 0;
        uint32_t b1 = s[1], b2 = s[2];
        uint32_t v = ((c & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
        if (bad(b1) | bad(b2) | (v < 0x800)) return 0;  // v < 0x800: overlong
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (e - s < 4) return 0;
        uint32_t b1 = s[1], b2 = s[2], b3 = s[3];
        uint32_t v = ((c & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
        if (bad(b1) | bad(b2) | bad(b3) | (v < 0x10000) | (v > 0x10FFFF)) return 0;  // overlong, too big
        *cp = v;
        return 4;
    }
    return 0;
}

// Decodes the UTF-8 in [s, e) into d, which has room for every char. Returns the end
// of the chars written, or nullptr on invalid UTF-8 (no Python error set: the caller re-decodes through Python to raise
// exactly json's UnicodeDecodeError). Out may be narrower than a code point only when
// the caller knows from the lead bytes that every char fits. Bytes up to `readable` may
// be read; the byte at e, if readable, must not be a continuation (callers stop at a
// quote, backslash or control char), so a sequence read whole never ends past e.
template <class Out>
inline Out* utf8_decode_into(const uint8_t* s, const uint8_t* e, const uint8_t* readable, Out* d) {
    while (s < e) {
        uint32_t c = *s;
        if (c < 0x80) {
            // ASCII runs (names, spaces, punctuation between words) eight at a time.
            *d++ = static_cast<Out>(c);
            ++s;
            while (e - s >= 8) {
                uint64_t w;
                std::memcpy(&w, s, 8);
                if (w & 0x8080808080808080ull) break;
                for (int i = 0; i < 8; ++i) d[i] = static_cast<Out>(s[i]);
                s += 8;
                d += 8;
            }
            continue;
        }
        if (RJSON_LIKELY(readable - s >= 4)) {
            // The sequence's lead and continuation bit patterns checked in one compare
            // on a little-endian word; overlong and out-of-range values by value.
            uint32_t w;
            std::memcpy(&w, s, 4);
            // Text runs of one length (CJK: 3 bytes, emoji: 4) stay in their own loop.
            // A sequence that matches never starts at e: the byte there is a stop char.
            if ((w & 0xC0C0F0u) == 0x8080E0u) {
                // Runs into UCS-2 by the level's kernel, if it has one; it stops at a
                // whole step, and the loops below finish the run.
                if constexpr (sizeof(Out) == 2) {
                    if (e - s >= 12) {
                        if (auto* k = simd::active->utf8_e3_to_ucs2) {
                            size_t m = k(d, s, static_cast<size_t>(e - s), static_cast<size_t>(readable - s));
                            s += 3 * m;
                            d += m;
                        }
                    }
                }
                // Two at a time while an 8-byte word holds two whole sequences: one
                // pattern compare and one overlong test (lead nibble and the second
                // byte's 0x20 bit all zero) for both.
                while (readable - s >= 8) {
                    uint64_t q;
                    std::memcpy(&q, s, 8);
                    if ((q & 0xC0C0F0C0C0F0ull) != 0x8080E08080E0ull) break;
                    if (RJSON_UNLIKELY(!(q & 0x200F) || !(q & 0x200F000000ull))) return nullptr;
                    // Both chars at once: the second's fields sit 24 bits above the
                    // first's, so the same shifts place each in its own 16 bits.
                    uint64_t r = ((q & 0x0F00000Full) << 12) | ((q >> 2) & 0xFC0000FC0ull) |
                                 ((q >> 16) & 0x3F00003Full);
                    d[0] = static_cast<Out>(r & 0xFFFF);
                    d[1] = static_cast<Out>((r >> 24) & 0xFFFF);
                    d += 2;
                    s += 6;
                }
                if (readable - s < 4) continue;
                std::memcpy(&w, s, 4);
                if ((w & 0xC0C0F0u) != 0x8080E0u) continue;
                do {
                    c = ((w & 0x0F) << 12) | ((w >> 2) & 0xFC0) | ((w >> 16) & 0x3F);
                    if (RJSON_UNLIKELY(c < 0x800)) return nullptr;
                    *d++ = static_cast<Out>(c);
                    s += 3;
                    if (readable - s < 4) break;
                    std::memcpy(&w, s, 4);
                } while ((w & 0xC0C0F0u) == 0x8080E0u);
                continue;
            }
            if ((w & 0xC0E0u) == 0x80C0u) {
                c = ((w & 0x1F) << 6) | ((w >> 8) & 0x3F);
                if (RJSON_UNLIKELY(c < 0x80)) return nullptr;
                *d++ = static_cast<Out>(c);
                s += 2;
                continue;
            }
            if ((w & 0xC0C0C0F8u) == 0x808080F0u) {
                // Runs into UCS-4 by the level's kernel (4 or 8 at a time), as above.
                if constexpr (sizeof(Out) == 4) {
                    if (e - s >= 16) {
                        size_t m = simd::active->utf8_f4_to_ucs4(d, s, static_cast<size_t>(e - s));
                        s += 4 * m;
                        d += m;
                    }
                }
                // Two at a time from one word, as for 3-byte runs (32 bits apart).
                while (readable - s >= 8) {
                    uint64_t q;
                    std::memcpy(&q, s, 8);
                    if ((q & 0xC0C0C0F8C0C0C0F8ull) != 0x808080F0808080F0ull) break;
                    uint64_t r = ((q & 0x700000007ull) << 18) | ((q << 4) & 0x3F0000003F000ull) |
                                 ((q >> 10) & 0xFC000000FC0ull) | ((q >> 24) & 0x3F0000003Full);
                    uint32_t c0 = static_cast<uint32_t>(r), c1 = static_cast<uint32_t>(r >> 32);
                    // Overlong or beyond U+10FFFF: outside [0x10000, 0x10FFFF].
                    if (RJSON_UNLIKELY((c0 - 0x10000u > 0xFFFFFu) | (c1 - 0x10000u > 0xFFFFFu))) return nullptr;
                    d[0] = static_cast<Out>(c0);
                    d[1] = static_cast<Out>(c1);
                    d += 2;
                    s += 8;
                }
                if (readable - s < 4) continue;
                std::memcpy(&w, s, 4);
                if ((w & 0xC0C0C0F8u) != 0x808080F0u) continue;
                do {
                    c = ((w & 0x07) << 18) | ((w << 4) & 0x3F000) | ((w >> 10) & 0xFC0) | ((w >> 24) & 0x3F);
                    if (RJSON_UNLIKELY(c < 0x10000 || c > 0x10FFFF)) return nullptr;
                    *d++ = static_cast<Out>(c);
                    s += 4;
                    if (readable - s < 4) break;
                    std::memcpy(&w, s, 4);
                } while ((w & 0xC0C0C0F8u) == 0x808080F0u);
                continue;
            }
            return nullptr;
        }
        int len = utf8_sequence(s, e, &c);
        if (!len) return nullptr;
        *d++ = static_cast<Out>(c);
        s += len;
    }
    return d;
}

// Decodes the UTF-8 in [s, e) into out, ORing code points into *seen; false on invalid
// UTF-8, as utf8_decode_into.
inline bool decode_utf8(const uint8_t* s, const uint8_t* e, Scratch& out, uint32_t* seen) {
    // Never more chars than bytes. Code points from here on: which width the run
    // needs is only known after decoding it.
    if (!out.widen(static_cast<size_t>(e - s))) return false;
    uint32_t* d = out.end32();
    const uint32_t* first = d;
    while (s < e) {
        uint32_t c = *s;
        if (c < 0x80) {
            *d++ = c;
            ++s;
            continue;
        }
        int len = utf8_sequence(s, e, &c);
        if (!len) return false;
        *seen |= c;
        *d++ = c;
        s += len;
    }
    out.resize(out.size() + static_cast<size_t>(d - first));
    return true;
}

// A str from the UTF-8 in [s, e) that holds no escapes, built in place: the lead bytes
// give the char count (every byte but continuations 0x80..0xBF starts a char) and the
// exact kind (C2/C3 lead chars below 0x100, up to EF below 0x10000), so the chars are
// decoded straight into the new str. nullptr with no error set on invalid UTF-8.
inline PyObject* str_from_utf8(const uint8_t* s, const uint8_t* e, const uint8_t* readable) {
    uint8_t top;
    size_t n = simd::utf8_length(s, e, readable, &top);
    Py_UCS4 maxchar = top < 0x80 ? 0x7F : top < 0xC4 ? 0xFF : top < 0xF0 ? 0xFFFF : 0x10FFFF;
    PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(n), maxchar);
    if (!str) return nullptr;
    bool ok;
    switch (PyUnicode_KIND(str)) {
        case PyUnicode_1BYTE_KIND: ok = utf8_decode_into(s, e, readable, PyUnicode_1BYTE_DATA(str)) != nullptr; break;
        case PyUnicode_2BYTE_KIND: ok = utf8_decode_into(s, e, readable, PyUnicode_2BYTE_DATA(str)) != nullptr; break;
        default: ok = utf8_decode_into(s, e, readable, PyUnicode_4BYTE_DATA(str)) != nullptr; break;
    }
    if (RJSON_UNLIKELY(!ok)) {
        Py_DECREF(str);
        return nullptr;
    }
    return str;
}

}  // namespace rjson::decode

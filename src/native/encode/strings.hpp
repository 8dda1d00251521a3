// JSON string bodies: one template over the source char type (UCS1, UCS2, UCS4) and
// the output (ASCII with \u escapes, UTF-8, or a str buffer of some kind). The long
// plain runs go through the SIMD kernels; this file decides what to do at the units
// the kernels stop on.
#pragma once
#include "encode/writer.hpp"
#include "simd/hex_escape.hpp"
#include "simd/kernels.hpp"
#include "simd/short_strings.hpp"

namespace rjson::encode {

enum class StrOut {
    ascii,  // dumps(ensure_ascii=True): everything outside 0x20..0x7E escaped
    utf8,   // dumpb: UTF-8, surrogates rejected
    chars,  // dumps(ensure_ascii=False): code points as they are, only JSON's escapes
};

namespace detail {

inline constexpr char kHex[] = "0123456789abcdef";

// The second char of the two-char escape for c, or 0 where c takes \u00XX.
constexpr char short_escape(uint32_t c) {
    switch (c) {
        case '"': return '"';
        case '\\': return '\\';
        case '\b': return 'b';
        case '\f': return 'f';
        case '\n': return 'n';
        case '\r': return 'r';
        case '\t': return 't';
        default: return 0;
    }
}

using simd::put_u_escape;

// What a char of U+0000..U+00FF becomes, as up to 7 bytes and a length: one table per
// output, so dense escapes cost a load and an 8-byte store each, with no branch on
// the char (random escapes would defeat the branch predictor).
struct Expansion {
    char bytes[7];
    uint8_t len;
};
using ExpansionTable = Expansion[256];

template <StrOut kOut>
constexpr Expansion expand(uint32_t c) {
    Expansion e{};
    if (c < 0x20 || c == '"' || c == '\\' || (kOut == StrOut::ascii && c >= 0x7F)) {
        e.bytes[0] = '\\';
        if (char s = short_escape(c)) {
            e.bytes[1] = s;
            e.len = 2;
        } else {
            e.bytes[1] = 'u';
            e.bytes[2] = '0';
            e.bytes[3] = '0';
            e.bytes[4] = kHex[c >> 4];
            e.bytes[5] = kHex[c & 0xF];
            e.len = 6;
        }
    } else if (c < 0x80 || kOut == StrOut::chars) {
        e.bytes[0] = static_cast<char>(c);
        e.len = 1;
    } else {  // UTF-8 of U+0080..U+00FF
        e.bytes[0] = static_cast<char>(0xC0 | (c >> 6));
        e.bytes[1] = static_cast<char>(0x80 | (c & 0x3F));
        e.len = 2;
    }
    return e;
}

template <StrOut kOut>
struct Expansions {
    ExpansionTable table;
    constexpr Expansions() : table() {
        for (uint32_t c = 0; c < 256; ++c) table[c] = expand<kOut>(c);
    }
};
template <StrOut kOut>
inline constexpr Expansions<kOut> kExpansions{};

// A char above U+00FF. Returns null for a surrogate in UTF-8 output (the caller raises).
template <StrOut kOut>
RJSON_INLINE uint8_t* put_wide(uint8_t* out, uint32_t c) {
    if constexpr (kOut == StrOut::ascii) {
        if (c < 0x10000) return put_u_escape(out, c);
        c -= 0x10000;
        out = put_u_escape(out, 0xD800 | (c >> 10));
        return put_u_escape(out, 0xDC00 | (c & 0x3FF));
    } else {
        if (c < 0x800) {
            out[0] = static_cast<uint8_t>(0xC0 | (c >> 6));
            out[1] = static_cast<uint8_t>(0x80 | (c & 0x3F));
            return out + 2;
        }
        if (c < 0x10000) {
            if (c >= 0xD800 && c < 0xE000) return nullptr;
            out[0] = static_cast<uint8_t>(0xE0 | (c >> 12));
            out[1] = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
            out[2] = static_cast<uint8_t>(0x80 | (c & 0x3F));
            return out + 3;
        }
        out[0] = static_cast<uint8_t>(0xF0 | (c >> 18));
        out[1] = static_cast<uint8_t>(0x80 | ((c >> 12) & 0x3F));
        out[2] = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
        out[3] = static_cast<uint8_t>(0x80 | (c & 0x3F));
        return out + 4;
    }
}

template <class C>
RJSON_INLINE bool is_plain_ascii(C c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

// The plain run at the start of an ASCII str's data, copied. Its bytes are all below
// 0x80, and UTF-8 output writes DEL as it is, so there the UCS1 kernel's lighter test
// (no range compare) finds the same stops: long strings read from memory no cache
// holds wait less on it (text_ascii dumpb, fresh inputs: ~5% less time).
template <StrOut kOut>
RJSON_INLINE size_t copy_plain_ascii_src(uint8_t* out, const uint8_t* src, size_t n) {
    const simd::Kernels& k = *simd::active;
    return kOut == StrOut::utf8 ? k.copy_plain_ucs1(out, src, n) : k.copy_plain_ascii(out, src, n);
}

// The kernel for the plain run at src, or a scalar loop where there is none (yet).
// kAsciiSrc: src is an ASCII str's data (see copy_plain_ascii_src).
template <StrOut kOut, bool kAsciiSrc, class C>
RJSON_INLINE size_t plain_run(uint8_t*& out, const C* src, size_t n) {
    const simd::Kernels& k = *simd::active;
    if constexpr (sizeof(C) == 1) {
        size_t done = kAsciiSrc ? copy_plain_ascii_src<kOut>(out, src, n) : k.copy_plain_ascii(out, src, n);
        out += done;
        return done;
    } else if constexpr (sizeof(C) == 2 && kOut == StrOut::utf8) {
        size_t written;
        size_t done = k.ucs2_to_utf8(out, src, n, &written);
        out += written;
        return done;
    } else {
        size_t i = 0;
        while (i < n && is_plain_ascii(src[i])) *out++ = static_cast<uint8_t>(src[i++]);
        return i;
    }
}

// Where the char-by-char stretch after a kernel stop ends. After a short plain run the
// text is escape-dense: a stretch through the table then costs no kernel call per
// escape. After a long one, escapes are sparse: only the stopping char is handled
// before the kernel runs again.
RJSON_INLINE size_t stretch_end(size_t i, size_t run, size_t m) {
    constexpr size_t kDenseStretch = 16;
    size_t len = run < kDenseStretch ? kDenseStretch : 1;
    return i + len < m ? i + len : m;
}

}  // namespace detail

// Largest number of output units one source char can take, and the fewest chars done
// per reservation. Each chunk is as long as the room already there allows at the worst
// case (so a huge string never reserves several times its size, and never forces a
// growth its content does not need); put_str first reserves the plain size plus one
// minimal chunk, so a long string grows the buffer once, not by repeated doubling
// (each a copy of everything written so far).
inline constexpr size_t kMaxBytesPerChar = 12;
inline constexpr size_t kMaxUnitsPerChar = 6;
inline constexpr size_t kMinChunk = 256;

// How many of the n chars left to do in one chunk, given the room in units; reserves
// more when the room is short of a minimal chunk. Returns 0 on MemoryError.
template <class W>
RJSON_INLINE size_t chunk_chars(W& w, size_t n, size_t room, size_t units_per_char) {
    size_t m = room / units_per_char;
    if (m < kMinChunk && m < n) {
        if (!w.reserve(kMinChunk * units_per_char)) return 0;
        m = kMinChunk;
    }
    return m < n ? m : n;
}

// Writes the body of a JSON string (no quotes) to a byte writer. False on error, with
// JSONEncodeError set for a surrogate in UTF-8 output, or MemoryError.
template <StrOut kOut, bool kAsciiSrc = false, class C, class W>
bool put_str_body(W& w, const C* src, size_t n) {
    while (n) {
        size_t m = chunk_chars(w, n, w.room(), kMaxBytesPerChar);
        if (!m) return false;
        uint8_t* out = w.pos();
        size_t i = 0;
        while (i < m) {
            size_t run = detail::plain_run<kOut, kAsciiSrc>(out, src + i, m - i);
            i += run;
            if constexpr (sizeof(C) == 2 && kOut == StrOut::ascii) {
                for (; i + 8 <= m && simd::put_u_escapes8(out, src + i); i += 8) out += 48;
            }
            size_t dense_end = detail::stretch_end(i, run, m);
            for (; i < dense_end; ++i) {
                uint32_t c = src[i];
                if (sizeof(C) == 1 || c < 0x100) {
                    const detail::Expansion& e = detail::kExpansions<kOut>.table[c];
                    std::memcpy(out, &e, sizeof e);
                    out += e.len;
                } else if (!(out = detail::put_wide<kOut>(out, c))) {
                    PyErr_SetString(g.JSONEncodeError, "str is not valid UTF-8: surrogates not allowed");
                    return false;
                }
            }
        }
        w.set_pos(out);
        src += m;
        n -= m;
    }
    return true;
}

// A quoted JSON string from a str object, to a byte writer.
template <StrOut kOut, class W>
RJSON_INLINE bool put_str(W& w, PyObject* s) {
    size_t n = static_cast<size_t>(PyUnicode_GET_LENGTH(s));
    if (!w.reserve(n + 2 + kMinChunk * kMaxBytesPerChar)) return false;
    w.put('"');
    bool ok;
    switch (PyUnicode_KIND(s)) {
        case PyUnicode_1BYTE_KIND:
            if (PyUnicode_IS_ASCII(s)) ok = put_str_body<kOut, true>(w, PyUnicode_1BYTE_DATA(s), n);
            else ok = put_str_body<kOut>(w, PyUnicode_1BYTE_DATA(s), n);
            break;
        case PyUnicode_2BYTE_KIND: ok = put_str_body<kOut>(w, PyUnicode_2BYTE_DATA(s), n); break;
        default: ok = put_str_body<kOut>(w, PyUnicode_4BYTE_DATA(s), n); break;
    }
    if (!ok || !w.reserve(1)) return false;
    w.put('"');
    return true;
}

// ---- str output of any kind (dumps with ensure_ascii=False) ----

namespace detail {

template <class Out, class In>
RJSON_INLINE size_t copy_run(Out* dst, const In* src, size_t n) {
    const simd::Kernels& k = *simd::active;
    if constexpr (sizeof(Out) == sizeof(In)) {
        if constexpr (sizeof(In) == 1) return k.copy_plain_ucs1(dst, src, n);
        else if constexpr (sizeof(In) == 2) return k.copy_plain_ucs2(dst, src, n);
        else return k.copy_plain_ucs4(dst, src, n);
    } else if constexpr (sizeof(In) == 1 && sizeof(Out) == 2) {
        return k.widen_plain_ucs1_to_ucs2(dst, src, n);
    } else if constexpr (sizeof(In) == 1) {
        return k.widen_plain_ucs1_to_ucs4(dst, src, n);
    } else {
        return k.widen_plain_ucs2_to_ucs4(dst, src, n);
    }
}

// Body of a string into a str buffer of kind sizeof(Out) >= sizeof(In). kEscape is
// false for separators and indents, which json writes as they are.
template <bool kEscape, class Out, class In>
bool put_unicode_body(UnicodeWriter& w, const In* src, size_t n) {
    while (n) {
        size_t m = chunk_chars(w, n, w.room(), kMaxUnitsPerChar);
        if (!m) return false;
        Out* out = w.cur<Out>();
        size_t i = 0;
        if constexpr (kEscape) {
            while (i < m) {
                size_t done = copy_run(out, src + i, m - i);
                out += done;
                i += done;
                size_t dense_end = stretch_end(i, done, m);
                for (; i < dense_end; ++i) {
                    uint32_t c = src[i];
                    const Expansion& e = kExpansions<StrOut::chars>.table[c < 0x100 ? c : 0x20];
                    if constexpr (sizeof(Out) == 1) {
                        std::memcpy(out, &e, sizeof e);
                        out += e.len;
                    } else if (e.len == 1) {  // c itself (any char past U+00FF too)
                        *out++ = static_cast<Out>(c);
                    } else {
                        // An escape, widened from a register: a store per byte cost
                        // twitter's escaped UCS-2 strings ~8 loads and stores a char.
                        uint64_t bytes;
                        std::memcpy(&bytes, &e, sizeof bytes);
                        simd::store_widened8(out, bytes);
                        out += e.len;
                    }
                }
            }
        } else {
            for (; i < m; ++i) *out++ = src[i];
        }
        w.advance(static_cast<size_t>(out - w.cur<Out>()));
        src += m;
        n -= m;
    }
    return true;
}

}  // namespace detail

template <bool kEscape>
bool put_unicode(UnicodeWriter& w, PyObject* s) {
    size_t n = static_cast<size_t>(PyUnicode_GET_LENGTH(s));
    int kind = PyUnicode_KIND(s);
    if (!w.widen_to(kind)) return false;
    if (kind == PyUnicode_1BYTE_KIND && !PyUnicode_IS_ASCII(s) && !w.saw_latin1()) return false;
    const void* data = PyUnicode_DATA(s);
    auto* u1 = static_cast<const uint8_t*>(data);
    auto* u2 = static_cast<const uint16_t*>(data);
    auto* u4 = static_cast<const uint32_t*>(data);
    switch (w.kind() * 4 + kind) {
        case 1 * 4 + 1: return detail::put_unicode_body<kEscape, uint8_t>(w, u1, n);
        case 2 * 4 + 1: return detail::put_unicode_body<kEscape, uint16_t>(w, u1, n);
        case 2 * 4 + 2: return detail::put_unicode_body<kEscape, uint16_t>(w, u2, n);
        case 4 * 4 + 1: return detail::put_unicode_body<kEscape, uint32_t>(w, u1, n);
        case 4 * 4 + 2: return detail::put_unicode_body<kEscape, uint32_t>(w, u2, n);
        default: return detail::put_unicode_body<kEscape, uint32_t>(w, u4, n);
    }
}

inline bool put_str(UnicodeWriter& w, PyObject* s) {
    if (!w.reserve(static_cast<size_t>(PyUnicode_GET_LENGTH(s)) + 2 + kMinChunk * kMaxUnitsPerChar)) return false;
    w.put('"');
    if (!put_unicode<true>(w, s) || !w.reserve(1)) return false;
    w.put('"');
    return true;
}

}  // namespace rjson::encode

// Tiny SSE2 helpers that the parser inlines: for runs that are usually short (a
// document's indentation, a dict key), the indirect call into a kernel and its setup
// cost more than the work. SSE2 is part of x86-64, so these need no dispatch; other
// targets get the scalar loops. Like the kernels, they know nothing of Python.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rjson::simd {

// cond ? a : b as a conditional move, for choices that follow the data (escape-dense
// text mixes plain chars and escapes at random; floats of every shape), where a branch
// would mispredict: GCC makes most such ternaries branches. T: a 32- or 64-bit integer
// or a pointer.
template <class T>
[[gnu::always_inline]] inline T pick(bool cond, T a, T b) {
#if defined(__x86_64__) && defined(__GNUC__)
    __asm__("testb %1, %1\n\tcmovnz %2, %0" : "+r"(b) : "q"(cond), "rm"(a) : "cc");
    return b;
#else
    return cond ? a : b;
#endif
}

template <class C>
inline bool is_json_ws(C c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

#if defined(__SSE2__)
// Lanes of v (units of type C) equal to c, as a byte mask (sizeof(C) bits per unit).
template <class C>
inline unsigned lanes_equal(__m128i v, char c) {
    __m128i e;
    if constexpr (sizeof(C) == 1) e = _mm_cmpeq_epi8(v, _mm_set1_epi8(c));
    else if constexpr (sizeof(C) == 2) e = _mm_cmpeq_epi16(v, _mm_set1_epi16(c));
    else e = _mm_cmpeq_epi32(v, _mm_set1_epi32(c));
    return static_cast<unsigned>(_mm_movemask_epi8(e));
}
#endif

// Eight units at p as eight bytes of a little-endian word (the number scanner's SWAR
// works on bytes); units above 0xFF become 0xFF, which no digit test accepts.
template <class C>
inline uint64_t load8_as_bytes(const C* p) {
    uint64_t w = 0;
    if constexpr (sizeof(C) == 1) {
        std::memcpy(&w, p, 8);
        return w;
    }
#if defined(__SSE2__)
    if constexpr (sizeof(C) == 2) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        return static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_packus_epi16(v, v)));
    }
    if constexpr (sizeof(C) == 4) {
        // Code points are below 2^21: the signed pack saturates big ones to 0x7FFF.
        __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 4));
        __m128i h = _mm_packs_epi32(a, b);
        return static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_packus_epi16(h, h)));
    }
#endif
    for (int i = 0; i < 8; ++i) w |= static_cast<uint64_t>(p[i] > 0xFF ? 0xFF : p[i]) << (8 * i);
    return w;
}

#if defined(__SSE2__)
// Sixteen units at p as sixteen bytes: ASCII units as themselves, any other as 0x7F or
// a byte >= 0x80 (signed saturating packs). Byte tests for ASCII (whitespace, quotes,
// controls) then serve every kind: a UCS2 or UCS4 str pays one or three packs per 16
// units instead of running each test on 2 or 4 vectors.
template <class C>
inline __m128i load16_as_bytes(const C* p) {
    auto* v = reinterpret_cast<const __m128i*>(p);
    if constexpr (sizeof(C) == 1) return _mm_loadu_si128(v);
    else if constexpr (sizeof(C) == 2) return _mm_packs_epi16(_mm_loadu_si128(v), _mm_loadu_si128(v + 1));
    else
        return _mm_packs_epi16(_mm_packs_epi32(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                               _mm_packs_epi32(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
}
#endif

// Copies the n units at s (each below 0x100) to d as bytes, reading and writing only
// [0, n): a UCS2 or UCS4 document's ASCII strings are most of its strs.
template <class C>
inline void narrow_to_bytes(uint8_t* d, const C* s, size_t n) {
    static_assert(sizeof(C) > 1);
#if defined(__SSE2__)
    if (n >= 16) {
        // Unsigned packs (after a signed one from 32 bits, exact below 0x8000) keep
        // 0x80..0xFF, which load16_as_bytes would not.
        auto narrow16 = [](const C* p) {
            auto* v = reinterpret_cast<const __m128i*>(p);
            if constexpr (sizeof(C) == 2) return _mm_packus_epi16(_mm_loadu_si128(v), _mm_loadu_si128(v + 1));
            else
                return _mm_packus_epi16(_mm_packs_epi32(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                                        _mm_packs_epi32(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
        };
        // Whole blocks, then the last 16 units again, overlapping.
        for (size_t i = 0; i + 16 <= n; i += 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), narrow16(s + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + n - 16), narrow16(s + n - 16));
        return;
    }
#endif
    if (n >= 8) {
        uint64_t a = load8_as_bytes(s), b = load8_as_bytes(s + n - 8);
        std::memcpy(d, &a, 8);
        std::memcpy(d + n - 8, &b, 8);
        return;
    }
    for (size_t i = 0; i < n; ++i) d[i] = static_cast<uint8_t>(s[i]);
}

// Copies the n UCS4 units at s (each below 0x10000) to d as UCS2, reading and writing
// only [0, n): the CJK strs of a UCS4 document (twitter as str: 1.3% of its
// instructions went to the unit-by-unit copy).
inline void narrow_to_ucs2(uint16_t* d, const uint32_t* s, size_t n) {
#if defined(__SSE2__)
    if (n >= 8) {
        // The signed pack keeps -0x8000..0x7FFF: units are moved into that range and
        // back (adding 0x8000 to a 16-bit lane is flipping its top bit).
        auto narrow8 = [](const uint32_t* p) {
            auto* v = reinterpret_cast<const __m128i*>(p);
            const __m128i bias = _mm_set1_epi32(0x8000);
            __m128i r = _mm_packs_epi32(_mm_sub_epi32(_mm_loadu_si128(v), bias),
                                        _mm_sub_epi32(_mm_loadu_si128(v + 1), bias));
            return _mm_xor_si128(r, _mm_set1_epi16(static_cast<short>(0x8000)));
        };
        // Whole blocks, then the last 8 units again, overlapping.
        for (size_t i = 0; i + 8 <= n; i += 8) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), narrow8(s + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + n - 8), narrow8(s + n - 8));
        return;
    }
#endif
    for (size_t i = 0; i < n; ++i) d[i] = static_cast<uint16_t>(s[i]);
}

// The first non-whitespace unit in [p, end), or end. Indentation comes in runs of
// dozens of spaces in pretty-printed documents: 32 units a step (narrowed to bytes in
// a UCS2 str), 8 in a UCS4 str (narrowed to 16 bits; 16 units, 4 loads and 3 packs,
// had timed 1-2% slower on twitter). Indentation is spaces: the other three kinds are
// compared only in a step where something else than a space comes first.
template <class C>
inline const C* skip_ws_run(const C* p, const C* end) {
#if defined(__SSE2__)
    constexpr ptrdiff_t kUnits = sizeof(C) == 4 ? 8 : 32;
    constexpr unsigned kBits = sizeof(C) == 4 ? 2 : 1;  // mask bits per unit
    while (end - p >= kUnits) {
        __m128i a, b;
        if constexpr (sizeof(C) == 4) {
            // Signed saturation: code points above 0x7FFF become 0x7FFF, no ASCII char.
            auto* v = reinterpret_cast<const __m128i*>(p);
            a = _mm_packs_epi32(_mm_loadu_si128(v), _mm_loadu_si128(v + 1));
        } else {
            a = load16_as_bytes(p);
            b = load16_as_bytes(p + 16);
        }
        auto mask = [&](char c) -> uint32_t {
            if constexpr (sizeof(C) == 4) return lanes_equal<uint16_t>(a, c);
            else return lanes_equal<uint8_t>(a, c) | lanes_equal<uint8_t>(b, c) << 16;
        };
        uint32_t other = ~mask(' ');
        if constexpr (sizeof(C) == 4) other &= 0xFFFF;
        if (other) {
            if (!is_json_ws(p[__builtin_ctz(other) / kBits])) return p + __builtin_ctz(other) / kBits;
            other &= ~(mask('\n') | mask('\r') | mask('\t'));
            if (other) return p + __builtin_ctz(other) / kBits;
        }
        p += kUnits;
    }
#endif
    while (p < end && is_json_ws(*p)) ++p;
    return p;
}

// How many units scan_string_head looks at: 32 bytes of UTF-8 or UCS1, 16 wider units.
template <class C>
inline constexpr unsigned kHeadUnits = sizeof(C) == 1 ? 32 : 16;

// The first kHeadUnits<C> units of a string's body at s (all readable): the index of
// the first '"', '\\' or control unit (kHeadUnits<C> if none), and in *seen the class
// of the widest unit before it: 0 (ASCII), or a value of that unit's kind (0x80..0xFF,
// 0x100..0xFFFF, 0x10000 and up: callers compare it with the kind boundaries), which is
// all a str's kind depends on. Most keys and short values end here, without a kernel
// call; the whole head is always looked at, so the length costs no mispredicted branch.
template <class C>
inline unsigned scan_string_head(const C* s, uint32_t* seen) {
#if defined(__SSE2__)
    // Bytes that stop a string: controls, '"' and '\\' (ASCII, exact in any narrowing).
    auto stops = [](__m128i v) {
        __m128i ctrl = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xE0))), _mm_setzero_si128());
        return static_cast<unsigned>(_mm_movemask_epi8(ctrl)) | lanes_equal<uint8_t>(v, '"') |
               lanes_equal<uint8_t>(v, '\\');
    };
    if constexpr (sizeof(C) == 1) {
        __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
        __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s) + 1);
        unsigned k = static_cast<unsigned>(__builtin_ctzll(stops(a) | (uint64_t{stops(b)} << 16) | (uint64_t{1} << 32)));
        uint64_t high = static_cast<unsigned>(_mm_movemask_epi8(a)) | (uint64_t(_mm_movemask_epi8(b)) << 16);
        *seen = (high & ((uint64_t{1} << k) - 1)) ? 0x80 : 0;
        return k;
    } else {
        // Narrowed to bytes, a non-ASCII unit is 0x7F or >= 0x80: those (and DEL) send
        // the units before the stop to an exact OR, which only non-ASCII text pays.
        __m128i v = load16_as_bytes(s);
        unsigned k = static_cast<unsigned>(__builtin_ctz(stops(v) | 0x10000u));
        uint32_t cls = 0;
        if ((static_cast<unsigned>(_mm_movemask_epi8(v)) | lanes_equal<uint8_t>(v, 0x7F)) & ((1u << k) - 1))
            for (unsigned i = 0; i < k; ++i) cls |= s[i];
        *seen = cls;
        return k;
    }
#else
    unsigned k = 0;
    uint32_t acc = 0;
    for (; k < kHeadUnits<C> && s[k] >= 0x20 && s[k] != '"' && s[k] != '\\'; ++k) acc |= s[k];
    *seen = acc;
    return k;
#endif
}

// The number of chars in the UTF-8 [s, e) (every byte that is not a continuation,
// 0x80..0xBF, starts one) and, in *top, its largest byte. Bytes up to `readable` may
// be loaded (and ignored), so that a short tail is one masked block, not a loop.
inline size_t utf8_length(const uint8_t* s, const uint8_t* e, const uint8_t* readable, uint8_t* top) {
    size_t total = static_cast<size_t>(e - s), conts = 0;
#if defined(__SSE2__)
    // Continuations are the bytes below -64 as signed; each compare lane (0 or -1) is
    // masked to 0 or 1 and summed by psadbw (popcnt is not in the x86-64 baseline).
    __m128i mx = _mm_setzero_si128(), sums = _mm_setzero_si128();
    const __m128i kContLimit = _mm_set1_epi8(-0x40), kOne = _mm_set1_epi8(1);
    auto count = [&](__m128i v) {
        __m128i cont = _mm_and_si128(_mm_cmplt_epi8(v, kContLimit), kOne);
        sums = _mm_add_epi64(sums, _mm_sad_epu8(cont, _mm_setzero_si128()));
    };
    for (; e - s >= 16; s += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
        mx = _mm_max_epu8(mx, v);
        count(v);
    }
    if (s < e && readable - s >= 16) {
        // The tail's lanes are those below k: keep them, zero the others.
        static const int8_t kLane[32] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        __m128i lanes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kLane));
        __m128i keep = _mm_cmplt_epi8(lanes, _mm_set1_epi8(static_cast<char>(e - s)));
        __m128i v = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s)), keep);
        mx = _mm_max_epu8(mx, v);
        count(v);
        s = e;
    }
    conts = static_cast<size_t>(_mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
    mx = _mm_max_epu8(mx, _mm_srli_si128(mx, 8));
    mx = _mm_max_epu8(mx, _mm_srli_si128(mx, 4));
    mx = _mm_max_epu8(mx, _mm_srli_si128(mx, 2));
    mx = _mm_max_epu8(mx, _mm_srli_si128(mx, 1));
    uint8_t m = static_cast<uint8_t>(_mm_cvtsi128_si32(mx));
#else
    uint8_t m = 0;
#endif
    for (; s < e; ++s) {
        conts += static_cast<int8_t>(*s) < -0x40;
        m = *s > m ? *s : m;
    }
    *top = m;
    return total - conts;
}

}  // namespace rjson::simd

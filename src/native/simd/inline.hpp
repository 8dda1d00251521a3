// Tiny SSE2 helpers that the parser inlines: for runs that are usually short (a
// document's indentation, a dict key), the indirect call into a kernel and its setup
// cost more than the work. SSE2 is part of x86-64, so these need no dispatch; other
// targets get the scalar loops. Like the kernels, they know nothing of Python.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
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

// The first non-whitespace unit in [p, end), or end. Indentation comes in runs of
// dozens of spaces in pretty-printed documents: 16 bytes at a time.
template <class C>
inline const C* skip_ws_run(const C* p, const C* end) {
#if defined(__SSE2__)
    constexpr size_t kUnits = 16 / sizeof(C);
    while (static_cast<size_t>(end - p) >= kUnits) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        unsigned ws = lanes_equal<C>(v, ' ') | lanes_equal<C>(v, '\n') | lanes_equal<C>(v, '\r') |
                      lanes_equal<C>(v, '\t');
        unsigned other = ~ws & 0xFFFF;
        if (other) return p + __builtin_ctz(other) / sizeof(C);
        p += kUnits;
    }
#endif
    while (p < end && is_json_ws(*p)) ++p;
    return p;
}

// The first 32 bytes of a string's body at s (all readable): the index of the first
// '"', '\\' or control unit (32 / sizeof(C) if none), and in *seen the class of the
// widest unit before it: 0 (ASCII), 0x80, 0x100 or 0x10000 (at least that, below the
// next), which is all a str's kind depends on. Most keys and short values end here,
// without a kernel call; both blocks are always looked at, so the length costs no
// mispredicted branch.
template <class C>
inline unsigned scan_string32(const C* s, uint32_t* seen) {
#if defined(__SSE2__)
    // Lanes with a bit set under `high_bits` (a unit mask), as a byte mask.
    auto any_above = [](__m128i v, uint32_t high_bits) {
        __m128i zero;
        if constexpr (sizeof(C) == 1) return static_cast<unsigned>(_mm_movemask_epi8(v));  // only 0x80
        else if constexpr (sizeof(C) == 2)
            zero = _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16(static_cast<short>(high_bits))), _mm_setzero_si128());
        else zero = _mm_cmpeq_epi32(_mm_and_si128(v, _mm_set1_epi32(static_cast<int>(high_bits))), _mm_setzero_si128());
        return ~static_cast<unsigned>(_mm_movemask_epi8(zero)) & 0xFFFF;
    };
    auto stops = [](__m128i v) {
        __m128i ctrl;
        if constexpr (sizeof(C) == 1)
            ctrl = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xE0))), _mm_setzero_si128());
        else if constexpr (sizeof(C) == 2)
            ctrl = _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16(static_cast<short>(0xFFE0))), _mm_setzero_si128());
        else ctrl = _mm_cmpeq_epi32(_mm_and_si128(v, _mm_set1_epi32(~0x1F)), _mm_setzero_si128());
        return static_cast<unsigned>(_mm_movemask_epi8(ctrl)) | lanes_equal<C>(v, '"') | lanes_equal<C>(v, '\\');
    };
    auto both = [](unsigned lo, unsigned hi) { return lo | (static_cast<uint64_t>(hi) << 16); };
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s) + 1);
    unsigned k = static_cast<unsigned>(__builtin_ctzll(both(stops(a), stops(b)) | (uint64_t{1} << 32)));  // bytes
    uint64_t before = (uint64_t{1} << k) - 1;
    uint32_t cls = 0;
    if (both(any_above(a, ~0x7Fu), any_above(b, ~0x7Fu)) & before) {
        cls = 0x80;
        if constexpr (sizeof(C) > 1) {
            if (both(any_above(a, ~0xFFu), any_above(b, ~0xFFu)) & before) cls = 0x100;
        }
        if constexpr (sizeof(C) > 2) {
            if (both(any_above(a, ~0xFFFFu), any_above(b, ~0xFFFFu)) & before) cls = 0x10000;
        }
    }
    *seen = cls;
    return k / sizeof(C);
#else
    constexpr unsigned kUnits = 32 / sizeof(C);
    unsigned k = 0;
    uint32_t acc = 0;
    for (; k < kUnits && s[k] >= 0x20 && s[k] != '"' && s[k] != '\\'; ++k) acc |= s[k];
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

// Short strings, inline: most JSON keys and many values are under 16 bytes, where a
// call through the kernel table (and its vector constants and tail handling) costs
// more than the work. SSE2 is the x86-64 baseline, so no dispatch is needed.
#pragma once
#include <emmintrin.h>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include "simd/generic.hpp"

namespace rjson::simd {

// Two vectors, so that strings of 0 to 32 bytes take one path: a branch on the
// length would be mispredicted on text of mixed lengths.
inline constexpr size_t kShortString = 32;

// The copy reads past a string's end (within its page) on purpose. Inlined, it would
// lose its no_sanitize_address attribute to the caller's instrumentation, so under
// ASan it stays a function of its own; elsewhere it is forced inline, as GCC will not
// inline a function whose sanitizer attributes differ from its caller's.
#ifdef __SANITIZE_ADDRESS__
#define RJSON_OVERREAD_INLINE __attribute__((no_sanitize_address, noinline))
#define RJSON_WIDEN_INLINE inline
#else
#define RJSON_OVERREAD_INLINE __attribute__((no_sanitize_address, always_inline)) inline
#define RJSON_WIDEN_INLINE __attribute__((always_inline)) inline
#endif

namespace detail {
// kDelPlain: DEL (0x7F) passes too, as str output writes it unescaped.
template <bool kDelPlain = false>
inline unsigned stop_bits(__m128i v) {
    // As the kernels' stops_ascii. +0x60 maps the printable 0x20..0x7E to -128..-34
    // (signed) and everything else above -34: one compare with the constant on the
    // right, which SSE2 has (a "less than" needs a copy of the constant and an inverse).
    __m128i low = _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x60)), _mm_set1_epi8(kDelPlain ? -33 : -34));
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i bslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, bslash))));
}
}  // namespace detail

// The 8 bytes of `bytes` (the first in the lowest) as 8 units of type Out
// (zero-extended), stored at dst: from a register, with no reload of stored bytes.
template <class Out>
RJSON_WIDEN_INLINE void store_widened8(Out* dst, uint64_t bytes) {
    if constexpr (sizeof(Out) == 1) {
        std::memcpy(dst, &bytes, 8);
    } else {
        const __m128i zero = _mm_setzero_si128();
        const __m128i u16 = _mm_unpacklo_epi8(_mm_cvtsi64_si128(static_cast<long long>(bytes)), zero);
        if constexpr (sizeof(Out) == 2) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), u16);
        } else {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_unpacklo_epi16(u16, zero));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 4), _mm_unpackhi_epi16(u16, zero));
        }
    }
}

// The 16 bytes of v as 16 units of type Out (zero-extended), stored at d.
template <class Out>
RJSON_WIDEN_INLINE void store_widened16(__m128i* d, __m128i v) {
    const __m128i zero = _mm_setzero_si128();
    if constexpr (sizeof(Out) == 1) {
        _mm_storeu_si128(d, v);
    } else if constexpr (sizeof(Out) == 2) {
        _mm_storeu_si128(d, _mm_unpacklo_epi8(v, zero));
        _mm_storeu_si128(d + 1, _mm_unpackhi_epi8(v, zero));
    } else {
        const __m128i a = _mm_unpacklo_epi8(v, zero), b = _mm_unpackhi_epi8(v, zero);
        _mm_storeu_si128(d, _mm_unpacklo_epi16(a, zero));
        _mm_storeu_si128(d + 1, _mm_unpackhi_epi16(a, zero));
        _mm_storeu_si128(d + 2, _mm_unpacklo_epi16(b, zero));
        _mm_storeu_si128(d + 3, _mm_unpackhi_epi16(b, zero));
    }
}

// The 32 bytes lo:hi as 32 units of type Out, stored at dst. (No local arrays or
// lambdas here: inlined into the no_sanitize_address copy below, their ASan scope
// marks outlived the frame, and GCC 12 left the stack poisoned behind them.)
template <class Out>
RJSON_WIDEN_INLINE void store_widened(Out* dst, __m128i lo, __m128i hi) {
    auto* d = reinterpret_cast<__m128i*>(dst);
    store_widened16<Out>(d, lo);
    store_widened16<Out>(d + sizeof(Out), hi);
}

// If src[0, n) (n <= kShortString) is all printable ASCII other than '"' and '\\'
// (DEL too with kDelPlain), copies it to dst as units of type Out (writing up to 32
// units) and returns true; otherwise returns false (dst may have been written). Reads
// 32 bytes from src, so src's page must hold them.
template <class Out = uint8_t, bool kDelPlain = false>
RJSON_OVERREAD_INLINE bool copy_short_plain_ascii(Out* dst, const uint8_t* src, size_t n) {
    __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16));
    if constexpr (sizeof(Out) == 1) {
        store_widened(dst, lo, hi);
    } else {
        // Wide units: the second half only when the string reaches it (most keys do
        // not), as it takes two or four stores more.
        store_widened16<Out>(reinterpret_cast<__m128i*>(dst), lo);
        if (n > 16) store_widened16<Out>(reinterpret_cast<__m128i*>(dst + 16), hi);
    }
    uint64_t stops = detail::stop_bits<kDelPlain>(lo) | (uint64_t{detail::stop_bits<kDelPlain>(hi)} << 16);
    return (stops & ((uint64_t{1} << n) - 1)) == 0;
}

inline bool short_readable(const void* src, size_t n) {
    return n <= kShortString && generic::within_page(src, kShortString);
}

}  // namespace rjson::simd

// Short strings, inline: most JSON keys and many values are under 16 bytes, where a
// call through the kernel table (and its vector constants and tail handling) costs
// more than the work. SSE2 is the x86-64 baseline, so no dispatch is needed.
#pragma once
#include <emmintrin.h>
#include <cstddef>
#include <cstdint>
#include "simd/generic.hpp"

namespace rjson::simd {

// Two vectors, so that strings of 0 to 32 bytes take one path: a branch on the
// length would be mispredicted on text of mixed lengths.
inline constexpr size_t kShortString = 32;

namespace detail {
inline unsigned stop_bits(__m128i v) {
    // As the kernels' stops_ascii: +1 maps DEL..0xFF and controls below 0x21 (signed).
    __m128i low = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x21));
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i bslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, bslash))));
}
}  // namespace detail

// If src[0, n) (n <= kShortString) is all printable ASCII other than '"' and '\\',
// copies it to dst (writing 32 bytes) and returns true; otherwise returns false
// (dst may have been written). Reads 32 bytes from src, so src's page must hold them.
__attribute__((no_sanitize_address)) inline bool copy_short_plain_ascii(uint8_t* dst, const uint8_t* src,
                                                                         size_t n) {
    __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), lo);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), hi);
    uint64_t stops = detail::stop_bits(lo) | (uint64_t{detail::stop_bits(hi)} << 16);
    return (stops & ((uint64_t{1} << n) - 1)) == 0;
}

inline bool short_readable(const void* src, size_t n) {
    return n <= kShortString && generic::within_page(src, kShortString);
}

}  // namespace rjson::simd

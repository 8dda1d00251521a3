// Tiny SSE2 helpers that the parser inlines: for runs that are usually short (a
// document's indentation, a dict key), the indirect call into a kernel and its setup
// cost more than the work. SSE2 is part of x86-64, so these need no dispatch; other
// targets get the scalar loops. Like the kernels, they know nothing of Python.
#pragma once
#include <cstddef>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rjson::simd {

template <class C>
inline bool is_json_ws(C c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The first non-whitespace unit in [p, end), or end. Indentation comes in runs of
// dozens of spaces in pretty-printed documents: 16 bytes at a time for bytes.
template <class C>
inline const C* skip_ws_run(const C* p, const C* end) {
#if defined(__SSE2__)
    if constexpr (sizeof(C) == 1) {
        while (end - p >= 16) {
            __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            __m128i ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')),
                                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))));
            unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(ws)) & 0xFFFF;
            if (other) return p + __builtin_ctz(other);
            p += 16;
        }
    }
#endif
    while (p < end && is_json_ws(*p)) ++p;
    return p;
}

}  // namespace rjson::simd

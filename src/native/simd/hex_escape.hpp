// \uXXXX escapes for ensure_ascii output.
#pragma once
#include <emmintrin.h>
#include <cstdint>
#include <cstring>

namespace rjson::simd {

// A byte's two lowercase hex digits (as json writes them), as the uint16 to store.
struct HexPairs {
    uint16_t pair[256];
    constexpr HexPairs() : pair() {
        constexpr char kHex[] = "0123456789abcdef";
        for (uint32_t b = 0; b < 256; ++b)
            pair[b] = static_cast<uint16_t>(kHex[b >> 4] | (kHex[b & 0xF] << 8));
    }
};
inline constexpr HexPairs kHexPairs{};

// \uXXXX for c (< 0x10000) as one 8-byte store, two bytes past the escape: callers'
// output has slack for it, as for the encoder's 8-byte expansion-table stores (str_cjk,
// ensure_ascii: 4.10M -> 3.09M instr/call against four digits looked up one by one). Static: if a
// kernel file (compiled for a wider ISA) used it, a shared inline copy could be its.
static inline __attribute__((always_inline)) uint8_t* put_u_escape(uint8_t* out, uint32_t c) {
    const uint64_t word = uint64_t{'\\'} | uint64_t{'u'} << 8 | uint64_t{kHexPairs.pair[c >> 8]} << 16 |
                          uint64_t{kHexPairs.pair[c & 0xFF]} << 32;
    std::memcpy(out, &word, sizeof word);
    return out + 6;
}

// Eight UCS-2 chars that all take \uXXXX (none below DEL), escaped at once: 48 bytes
// at out, and 2 more stored past them. SSE2, the x86-64 baseline, so inline with no
// dispatch: CJK text under ensure_ascii is nearly all such runs (str_cjk: 3.09M ->
// 2.25M instr/call; twitter 3.01M -> 2.83M).
// Returns false, writing nothing, if a char among the eight is below DEL.
static inline __attribute__((always_inline)) bool put_u_escapes8(uint8_t* out, const uint16_t* src) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_subs_epu16(_mm_set1_epi16(0x7F), c), _mm_setzero_si128())) != 0xFFFF)
        return false;
    const __m128i nib = _mm_set1_epi16(0x0F00);
    // Per char, as two bytes each: the first and second digits, the third and fourth.
    __m128i hi = _mm_or_si128(_mm_srli_epi16(c, 12), _mm_and_si128(c, nib));
    __m128i lo = _mm_or_si128(_mm_and_si128(_mm_srli_epi16(c, 4), _mm_set1_epi16(0x000F)),
                              _mm_and_si128(_mm_slli_epi16(c, 8), nib));
    // Nibble to digit: '0' + d, and 'a' - '0' - 10 more above 9.
    auto digits = [](__m128i d) {
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(d, _mm_set1_epi8(9)), _mm_set1_epi8('a' - '0' - 10));
        return _mm_add_epi8(_mm_add_epi8(d, _mm_set1_epi8('0')), letter);
    };
    hi = digits(hi);
    lo = digits(lo);
    const __m128i d03 = _mm_unpacklo_epi16(hi, lo), d47 = _mm_unpackhi_epi16(hi, lo);  // 4 digits a char
    const __m128i prefix = _mm_set1_epi64x(0x755C);                                     // "\u"
    const __m128i zero = _mm_setzero_si128();
    auto put2 = [&](uint8_t* p, __m128i two) {  // two chars' digits, one per 64-bit lane
        two = _mm_or_si128(_mm_slli_epi64(two, 16), prefix);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(p), two);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(p + 6), _mm_unpackhi_epi64(two, two));
    };
    put2(out, _mm_unpacklo_epi32(d03, zero));
    put2(out + 12, _mm_unpackhi_epi32(d03, zero));
    put2(out + 24, _mm_unpacklo_epi32(d47, zero));
    put2(out + 36, _mm_unpackhi_epi32(d47, zero));
    return true;
}

}  // namespace rjson::simd

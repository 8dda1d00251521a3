// AVX-512BW kernels: 64-byte vectors with per-lane mask registers, so compares give a
// bit per lane and tails are masked loads (which never touch bytes past the end).
#include <immintrin.h>
#include "simd/generic.hpp"
#include "simd/utf8_runs.hpp"

namespace rjson::simd {
namespace {

struct Avx512 {
    using V = __m512i;
    static constexpr size_t kBytes = 64;
    template <class C> static constexpr unsigned kMaskBitsPerLane = 1;

    static V load(const void* p) { return _mm512_loadu_si512(p); }
    static void store(void* p, V v) { _mm512_storeu_si512(p, v); }
    static V load_partial(const void* p, size_t bytes) {
        __mmask64 m = bytes >= 64 ? ~__mmask64(0) : ((__mmask64(1) << bytes) - 1);
        return _mm512_maskz_loadu_epi8(m, p);
    }
    static V zero() { return _mm512_setzero_si512(); }
    static V bit_or(V a, V b) { return _mm512_or_si512(a, b); }
    static V keep_first_bytes(V v, size_t k) {
        __mmask64 m = k >= 64 ? ~__mmask64(0) : ((__mmask64(1) << k) - 1);
        return _mm512_maskz_mov_epi8(m, v);
    }

    template <class C> static uint64_t stops(V v) {
        if constexpr (sizeof(C) == 1) {
            return _mm512_testn_epi8_mask(v, _mm512_set1_epi8(static_cast<char>(0xE0))) |
                   _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"')) |
                   _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
        } else if constexpr (sizeof(C) == 2) {
            return _mm512_testn_epi16_mask(v, _mm512_set1_epi16(static_cast<short>(0xFFE0))) |
                   _mm512_cmpeq_epi16_mask(v, _mm512_set1_epi16('"')) |
                   _mm512_cmpeq_epi16_mask(v, _mm512_set1_epi16('\\'));
        } else {
            return _mm512_testn_epi32_mask(v, _mm512_set1_epi32(~0x1F)) |
                   _mm512_cmpeq_epi32_mask(v, _mm512_set1_epi32('"')) |
                   _mm512_cmpeq_epi32_mask(v, _mm512_set1_epi32('\\'));
        }
    }
    // Printable ASCII is 0x20..0x7E: one unsigned range compare after subtracting 0x20.
    static uint64_t stops_ascii(V v) {
        __mmask64 printable =
            _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(0x20)), _mm512_set1_epi8(0x5F));
        return ~printable |
               _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"')) |
               _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
    }
    template <class C> static uint32_t horizontal_or(V v) {
        if constexpr (sizeof(C) == 1) return _mm512_movepi8_mask(v) ? 0x80 : 0;  // only the class matters
        __m256i y = _mm256_or_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
        __m128i x = _mm_or_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
        alignas(16) C lanes[16 / sizeof(C)];
        _mm_store_si128(reinterpret_cast<__m128i*>(lanes), x);
        uint32_t r = 0;
        for (C c : lanes) r |= c;
        return r;
    }
    template <class From, class To> static void widen(V v, To* dst) {
        __m256i lo = _mm512_castsi512_si256(v), hi = _mm512_extracti64x4_epi64(v, 1);
        if constexpr (sizeof(From) == 1 && sizeof(To) == 2) {
            store(dst, _mm512_cvtepu8_epi16(lo));
            store(dst + 32, _mm512_cvtepu8_epi16(hi));
        } else if constexpr (sizeof(From) == 2 && sizeof(To) == 4) {
            store(dst, _mm512_cvtepu16_epi32(lo));
            store(dst + 16, _mm512_cvtepu16_epi32(hi));
        } else {
            store(dst, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(v, 0)));
            store(dst + 16, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(v, 1)));
            store(dst + 32, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(v, 2)));
            store(dst + 48, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(v, 3)));
        }
    }
    static bool all_ascii_plain_u16(V v) {
        return _mm512_test_epi16_mask(v, _mm512_set1_epi16(static_cast<short>(0xFF80))) == 0 &&
               stops<uint16_t>(v) == 0;
    }
    static void narrow_u16(V v, uint8_t* dst) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm512_cvtepi16_epi8(v));
    }
};

// The UTF-8 run decoders are AVX2's: strings are mostly shorter than one 512-bit step.
constexpr Kernels kAvx512 = [] {
    Kernels k = generic::make_kernels<Avx512>(Level::avx512, "avx512");
    k.utf8_e3_to_ucs2 = utf8x::e3_to_ucs2;
    k.utf8_f4_to_ucs4 = utf8x::f4_to_ucs4<__m256i>;
    return k;
}();

}  // namespace

const Kernels& kernels_avx512() { return kAvx512; }

}  // namespace rjson::simd

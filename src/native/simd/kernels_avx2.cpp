// AVX2 kernels: 32-byte vectors. Compiled with -mavx2 (see CMakeLists.txt); only
// called when the CPU has AVX2.
#include <immintrin.h>
#include "simd/generic.hpp"
#include "simd/utf8_runs.hpp"

namespace rjson::simd {
namespace {

struct Avx2 {
    using V = __m256i;
    static constexpr size_t kBytes = 32;
    template <class C> static constexpr unsigned kMaskBitsPerLane = sizeof(C);

    static V load(const void* p) { return _mm256_loadu_si256(static_cast<const V*>(p)); }
    static void store(void* p, V v) { _mm256_storeu_si256(static_cast<V*>(p), v); }
    __attribute__((no_sanitize_address)) static V load_past_end(const void* p) {
        return _mm256_loadu_si256(static_cast<const V*>(p));
    }
    static V load_partial(const void* p, size_t bytes) {
        if (generic::within_page(p, kBytes))
            return keep_first_bytes(load_past_end(p), bytes);
        alignas(32) uint8_t buf[32] = {};
        std::memcpy(buf, p, bytes);
        return _mm256_load_si256(reinterpret_cast<const V*>(buf));
    }
    static V zero() { return _mm256_setzero_si256(); }
    static V bit_or(V a, V b) { return _mm256_or_si256(a, b); }
    static V keep_first_bytes(V v, size_t k) {
        static const uint8_t kOnes[64] = {
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
        return _mm256_and_si256(v, load(kOnes + 32 - k));
    }

    template <class C> static V splat(C c) {
        if constexpr (sizeof(C) == 1) return _mm256_set1_epi8(static_cast<char>(c));
        else if constexpr (sizeof(C) == 2) return _mm256_set1_epi16(static_cast<short>(c));
        else return _mm256_set1_epi32(static_cast<int>(c));
    }
    template <class C> static V eq(V a, V b) {
        if constexpr (sizeof(C) == 1) return _mm256_cmpeq_epi8(a, b);
        else if constexpr (sizeof(C) == 2) return _mm256_cmpeq_epi16(a, b);
        else return _mm256_cmpeq_epi32(a, b);
    }
    template <class C> static uint64_t stops(V v) {
        V ctrl = eq<C>(_mm256_and_si256(v, splat<C>(static_cast<C>(~C(0x1F)))), zero());
        V quote = eq<C>(v, splat<C>('"'));
        V bslash = eq<C>(v, splat<C>('\\'));
        return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(ctrl, _mm256_or_si256(quote, bslash))));
    }
    // See Sse2::stops_ascii: +1 then one signed compare catches controls, DEL and >= 0x80.
    static uint64_t stops_ascii(V v) {
        V shifted = _mm256_add_epi8(v, _mm256_set1_epi8(1));
        V low = _mm256_cmpgt_epi8(_mm256_set1_epi8(0x21), shifted);
        V quote = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('"'));
        V bslash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'));
        return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(low, _mm256_or_si256(quote, bslash))));
    }
    template <class C> static uint32_t horizontal_or(V v) {
        if constexpr (sizeof(C) == 1) return _mm256_movemask_epi8(v) ? 0x80 : 0;  // only the class matters
        __m128i x = _mm_or_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        alignas(16) C lanes[16 / sizeof(C)];
        _mm_store_si128(reinterpret_cast<__m128i*>(lanes), x);
        uint32_t r = 0;
        for (C c : lanes) r |= c;
        return r;
    }
    template <class From, class To> static void widen(V v, To* dst) {
        __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
        if constexpr (sizeof(From) == 1 && sizeof(To) == 2) {
            store(dst, _mm256_cvtepu8_epi16(lo));
            store(dst + 16, _mm256_cvtepu8_epi16(hi));
        } else if constexpr (sizeof(From) == 2 && sizeof(To) == 4) {
            store(dst, _mm256_cvtepu16_epi32(lo));
            store(dst + 8, _mm256_cvtepu16_epi32(hi));
        } else {
            store(dst, _mm256_cvtepu8_epi32(lo));
            store(dst + 8, _mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)));
            store(dst + 16, _mm256_cvtepu8_epi32(hi));
            store(dst + 24, _mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8)));
        }
    }
    static bool all_ascii_plain_u16(V v) {
        V high = _mm256_and_si256(v, _mm256_set1_epi16(static_cast<short>(0xFF80)));
        return _mm256_testz_si256(high, high) && stops<uint16_t>(v) == 0;
    }
    static void narrow_u16(V v, uint8_t* dst) {
        __m128i packed = _mm_packus_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), packed);
    }
};

constexpr Kernels kAvx2 = [] {
    Kernels k = generic::make_kernels<Avx2>(Level::avx2, "avx2");
    k.utf8_e3_to_ucs2 = utf8x::e3_to_ucs2;
    k.utf8_f4_to_ucs4 = utf8x::f4_to_ucs4<__m256i>;
    return k;
}();

}  // namespace

const Kernels& kernels_avx2() { return kAvx2; }

}  // namespace rjson::simd

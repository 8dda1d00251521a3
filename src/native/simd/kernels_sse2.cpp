// SSE2 kernels: the x86-64 baseline, so this file needs no extra compile flags.
#include <emmintrin.h>
#include "simd/generic.hpp"
#include "simd/utf8_runs.hpp"

namespace rjson::simd {
namespace {

struct Sse2 {
    using V = __m128i;
    static constexpr size_t kBytes = 16;
    template <class C> static constexpr unsigned kMaskBitsPerLane = sizeof(C);

    static V load(const void* p) { return _mm_loadu_si128(static_cast<const V*>(p)); }
    static void store(void* p, V v) { _mm_storeu_si128(static_cast<V*>(p), v); }
    __attribute__((no_sanitize_address)) static V load_past_end(const void* p) {
        return _mm_loadu_si128(static_cast<const V*>(p));
    }
    static V load_partial(const void* p, size_t bytes) {
        if (generic::within_page(p, kBytes))
            return keep_first_bytes(load_past_end(p), bytes);
        alignas(16) uint8_t buf[16] = {};
        std::memcpy(buf, p, bytes);
        return _mm_load_si128(reinterpret_cast<const V*>(buf));
    }
    static V zero() { return _mm_setzero_si128(); }
    static V bit_or(V a, V b) { return _mm_or_si128(a, b); }
    static V keep_first_bytes(V v, size_t k) {
        static const uint8_t kOnes[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
        return _mm_and_si128(v, load(kOnes + 16 - k));
    }

    template <class C> static V splat(C c) {
        if constexpr (sizeof(C) == 1) return _mm_set1_epi8(static_cast<char>(c));
        else if constexpr (sizeof(C) == 2) return _mm_set1_epi16(static_cast<short>(c));
        else return _mm_set1_epi32(static_cast<int>(c));
    }
    template <class C> static V eq(V a, V b) {
        if constexpr (sizeof(C) == 1) return _mm_cmpeq_epi8(a, b);
        else if constexpr (sizeof(C) == 2) return _mm_cmpeq_epi16(a, b);
        else return _mm_cmpeq_epi32(a, b);
    }
    // Lanes that are '"', '\\' or below 0x20 (those with no bit above the low five).
    template <class C> static uint64_t stops(V v) {
        V ctrl = eq<C>(_mm_and_si128(v, splat<C>(static_cast<C>(~C(0x1F)))), zero());
        V quote = eq<C>(v, splat<C>('"'));
        V bslash = eq<C>(v, splat<C>('\\'));
        return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(ctrl, _mm_or_si128(quote, bslash))));
    }
    // Bytes: also DEL and non-ASCII. Adding one maps 0x7F..0xFF and 0x00..0x1F onto the
    // signed range below 0x21, so one signed compare catches all of them.
    static uint64_t stops_ascii(V v) {
        V shifted = _mm_add_epi8(v, _mm_set1_epi8(1));
        V low = _mm_cmplt_epi8(shifted, _mm_set1_epi8(0x21));
        V quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
        V bslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
        return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, bslash))));
    }
    template <class C> static uint32_t horizontal_or(V v) {
        if constexpr (sizeof(C) == 1) return _mm_movemask_epi8(v) ? 0x80 : 0;  // only the class matters
        alignas(16) C lanes[16 / sizeof(C)];
        _mm_store_si128(reinterpret_cast<V*>(lanes), v);
        uint32_t r = 0;
        for (C c : lanes) r |= c;
        return r;
    }
    template <class From, class To> static void widen(V v, To* dst) {
        if constexpr (sizeof(From) == 1 && sizeof(To) == 2) {
            store(dst, _mm_unpacklo_epi8(v, zero()));
            store(dst + 8, _mm_unpackhi_epi8(v, zero()));
        } else if constexpr (sizeof(From) == 2 && sizeof(To) == 4) {
            store(dst, _mm_unpacklo_epi16(v, zero()));
            store(dst + 4, _mm_unpackhi_epi16(v, zero()));
        } else {
            V lo = _mm_unpacklo_epi8(v, zero()), hi = _mm_unpackhi_epi8(v, zero());
            store(dst, _mm_unpacklo_epi16(lo, zero()));
            store(dst + 4, _mm_unpackhi_epi16(lo, zero()));
            store(dst + 8, _mm_unpacklo_epi16(hi, zero()));
            store(dst + 12, _mm_unpackhi_epi16(hi, zero()));
        }
    }
    static bool all_ascii_plain_u16(V v) {
        V high = _mm_cmpeq_epi16(_mm_and_si128(v, _mm_set1_epi16(static_cast<short>(0xFF80))), zero());
        return _mm_movemask_epi8(high) == 0xFFFF && stops<uint16_t>(v) == 0;
    }
    static void narrow_u16(V v, uint8_t* dst) {
        _mm_storel_epi64(reinterpret_cast<V*>(dst), _mm_packus_epi16(v, v));
    }
};

constexpr Kernels kSse2 = [] {
    Kernels k = generic::make_kernels<Sse2>(Level::sse2, "sse2");
    k.utf8_f4_to_ucs4 = utf8x::f4_to_ucs4<__m128i>;
    return k;
}();

}  // namespace

const Kernels& kernels_sse2() { return kSse2; }

}  // namespace rjson::simd

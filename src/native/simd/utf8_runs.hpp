// Runs of one UTF-8 sequence length decoded 8 chars a step with AVX2: the CJK case
// (3-byte sequences into UCS-2) and the emoji case (4-byte sequences into UCS-4).
// Included only by the kernels_<isa>.cpp files. The 3-byte kernel needs a byte shuffle
// and exists only where AVX2 is enabled; the 4-byte one is plain shifts and masks, so
// SSE2 has it too, 4 chars a step (f4_to_ucs4<__m128i>).
//
// A step writes nothing unless all its sequences are well-formed sequences of that
// length with an in-range value. The run's last step is placed to end exactly at n,
// overlapping chars already written (with the same values), so that a short string or
// a run's tail is vector work too. At the first step that fails the kernel stops and
// returns what it wrote; the caller's scalar loop goes on from there (and reports
// invalid UTF-8 exactly).
#pragma once
#include <immintrin.h>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rjson::simd::utf8x {

#if defined(__AVX2__)

// Four 3-byte sequences in each 128-bit half (its first 12 bytes) into UCS-2: the low
// half's chars to dst, the high half's to dst + 4. False (nothing written) if any is
// not a lead E0..EF, two continuations and a value >= 0x800. Encoded surrogates
// (ED A0..BF xx) pass, as in the scalar decoder ('surrogatepass').
template <class V>
inline bool e3_step(V v, uint16_t* dst) {
    constexpr bool kWide = sizeof(V) == 32;
    // A byte shuffle puts sequence i's bytes in dword i, last byte lowest:
    // dword = b2 | b1 << 8 | b0 << 16, top byte zero.
    if constexpr (kWide) {
        const __m256i gather = _mm256_setr_epi8(2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1,
                                                2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1);
        __m256i x = _mm256_shuffle_epi8(v, gather);
        __m256i cp = _mm256_or_si256(
            _mm256_and_si256(x, _mm256_set1_epi32(0x3F)),
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(x, 2), _mm256_set1_epi32(0xFC0)),
                            _mm256_and_si256(_mm256_srli_epi32(x, 4), _mm256_set1_epi32(0xF000))));
        __m256i ok = _mm256_and_si256(
            _mm256_cmpeq_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x00F0C0C0)), _mm256_set1_epi32(0x00E08080)),
            _mm256_cmpgt_epi32(cp, _mm256_set1_epi32(0x7FF)));
        if (_mm256_movemask_epi8(ok) != -1) return false;
        // Values fit 16 bits, so the pack keeps them; it packs each half apart, so the
        // two halves' low quadwords are gathered.
        __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(cp, cp), 0x08);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm256_castsi256_si128(packed));
    } else {
        const __m128i gather = _mm_setr_epi8(2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1);
        __m128i x = _mm_shuffle_epi8(v, gather);
        __m128i cp = _mm_or_si128(_mm_and_si128(x, _mm_set1_epi32(0x3F)),
                                  _mm_or_si128(_mm_and_si128(_mm_srli_epi32(x, 2), _mm_set1_epi32(0xFC0)),
                                               _mm_and_si128(_mm_srli_epi32(x, 4), _mm_set1_epi32(0xF000))));
        __m128i ok = _mm_and_si128(
            _mm_cmpeq_epi32(_mm_and_si128(x, _mm_set1_epi32(0x00F0C0C0)), _mm_set1_epi32(0x00E08080)),
            _mm_cmpgt_epi32(cp, _mm_set1_epi32(0x7FF)));
        if (_mm_movemask_epi8(ok) != 0xFFFF) return false;
        _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm_packus_epi32(cp, cp));
    }
    return true;
}

// 3-byte sequences at src into UCS-2; `readable` (>= n) bytes from src may be loaded.
// Returns the chars written (3 bytes each).
inline size_t e3_to_ucs2(uint16_t* dst, const uint8_t* src, size_t n, size_t readable) {
    // 8 chars a step: the low half loads src + i, the high half src + i + 12 (each
    // half decodes its first 12 bytes), so a step reads 28 bytes. The last step ends
    // at n; it needs no test that n - i is a multiple of 3: misplaced, it would take
    // for a lead byte one that the steps before found to be a continuation, and fail.
    auto load8 = [&](size_t at) {
        __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + at));
        __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + at + 12));
        return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    };
    auto load4 = [&](size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + at)); };
    if (readable < n + 4) return 0;  // the document's end: the scalar loop
    uint16_t* out = dst;
    size_t i = 0;
    if (n >= 24) {
        for (; n - i >= 24; i += 24, out += 8)
            if (!e3_step(load8(i), out)) return static_cast<size_t>(out - dst);
        size_t rest = (n - i) / 3;
        if (rest && e3_step(load8(n - 24), out + rest - 8)) out += rest;
    } else if (n >= 12) {
        // A short run: two 4-char steps, the second ending at n.
        if (!e3_step(load4(0), out)) return 0;
        size_t rest = (n - 12) / 3;
        out += 4;
        if (rest && e3_step(load4(n - 12), out + rest - 4)) out += rest;
    }
    return static_cast<size_t>(out - dst);
}
#endif  // __AVX2__

// Eight 4-byte sequences (one per dword, lead byte lowest) into UCS-4 at dst; false
// (nothing written) if any is not a lead F0..F7, three continuations and a value in
// 0x10000..0x10FFFF.
template <class V>
inline bool f4_step(V x, uint32_t* dst) {
#if defined(__AVX2__)
    if constexpr (sizeof(V) == 32) {
        __m256i cp = _mm256_or_si256(
            _mm256_or_si256(_mm256_slli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x07)), 18),
                            _mm256_slli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x3F00)), 4)),
            _mm256_or_si256(_mm256_srli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0x3F0000)), 10),
                            _mm256_and_si256(_mm256_srli_epi32(x, 24), _mm256_set1_epi32(0x3F))));
        __m256i form = _mm256_cmpeq_epi32(_mm256_and_si256(x, _mm256_set1_epi32(static_cast<int>(0xC0C0C0F8u))),
                                          _mm256_set1_epi32(static_cast<int>(0x808080F0u)));
        __m256i in_range = _mm256_andnot_si256(_mm256_cmpgt_epi32(cp, _mm256_set1_epi32(0x10FFFF)),
                                               _mm256_cmpgt_epi32(cp, _mm256_set1_epi32(0xFFFF)));
        if (_mm256_movemask_epi8(_mm256_and_si256(form, in_range)) != -1) return false;
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), cp);
    } else
#endif
    {
        __m128i cp = _mm_or_si128(
            _mm_or_si128(_mm_slli_epi32(_mm_and_si128(x, _mm_set1_epi32(0x07)), 18),
                         _mm_slli_epi32(_mm_and_si128(x, _mm_set1_epi32(0x3F00)), 4)),
            _mm_or_si128(_mm_srli_epi32(_mm_and_si128(x, _mm_set1_epi32(0x3F0000)), 10),
                         _mm_and_si128(_mm_srli_epi32(x, 24), _mm_set1_epi32(0x3F))));
        __m128i form = _mm_cmpeq_epi32(_mm_and_si128(x, _mm_set1_epi32(static_cast<int>(0xC0C0C0F8u))),
                                       _mm_set1_epi32(static_cast<int>(0x808080F0u)));
        __m128i in_range = _mm_andnot_si128(_mm_cmpgt_epi32(cp, _mm_set1_epi32(0x10FFFF)),
                                            _mm_cmpgt_epi32(cp, _mm_set1_epi32(0xFFFF)));
        if (_mm_movemask_epi8(_mm_and_si128(form, in_range)) != 0xFFFF) return false;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), cp);
    }
    return true;
}

// 4-byte sequences at src into UCS-4, a step of sizeof(V) bytes at a time; only the n
// bytes from src are read. Returns the chars written (4 bytes each).
template <class V>
inline size_t f4_to_ucs4(uint32_t* dst, const uint8_t* src, size_t n) {
    constexpr size_t kStep = sizeof(V), kChars = kStep / 4;
    auto load = [&](size_t at) {
        V v;
        std::memcpy(&v, src + at, kStep);
        return v;
    };
    auto load4 = [&](size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + at)); };
    // As in e3_to_ucs2, the last step ends at n, and a misplaced one fails.
    uint32_t* out = dst;
    size_t i = 0;
    if (n >= kStep) {
        for (; n - i >= kStep; i += kStep, out += kChars)
            if (!f4_step(load(i), out)) return static_cast<size_t>(out - dst);
        size_t rest = (n - i) / 4;
        if (rest && f4_step(load(n - kStep), out + rest - kChars)) out += rest;
    } else if (kStep > 16 && n >= 16) {
        // A short run: two 4-char steps, the second ending at n.
        if (!f4_step(load4(0), out)) return 0;
        size_t rest = (n - 16) / 4;
        out += 4;
        if (rest && f4_step(load4(n - 16), out + rest - 4)) out += rest;
    }
    return static_cast<size_t>(out - dst);
}

}  // namespace rjson::simd::utf8x

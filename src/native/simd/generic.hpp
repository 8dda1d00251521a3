// The kernel algorithms, written once over an ISA's vector operations ("Ops").
//
// Included only by kernels_<isa>.cpp, each compiled with its ISA's flags, so every
// instantiation here is compiled for exactly one level. An Ops type provides:
//   V, kBytes                      the vector type and its width in bytes
//   load/store(p), load_partial(p, bytes)   partial loads read only `bytes` bytes, zero the rest
//   stops<C>(v)                    mask of lanes that are '"', '\\' or < 0x20
//   stops_ascii(v)                 bytes: the same, plus >= 0x7F
//   bit_or(a, b), zero(), horizontal_or<C>(v), keep_first_bytes(v, k)
//   widen<From, To>(v, dst)        store the first kBytes/sizeof(To) lanes widened
//   kMaskBitsPerLane<C>            1 where masks have a bit per lane, sizeof(C) where per byte
#pragma once
#include <immintrin.h>
#include <cstring>
#include <cstdint>
#include <cstddef>
#include "simd/kernels.hpp"

namespace rjson::simd::generic {

// Reads that cannot fault: n bytes from p stay inside p's 4 KiB page. The tails of
// kernels load a whole vector there and mask off the bytes past the end (which belong
// to whatever else is on the page and are never used), instead of copying the tail to
// the stack first. Each ISA's load_past_end is exempt from AddressSanitizer, which
// would report the deliberate over-read.
inline bool within_page(const void* p, size_t n) {
    return (reinterpret_cast<uintptr_t>(p) & 4095) <= 4096 - n;
}

template <class C>
inline bool is_plain(C c) { return c >= 0x20 && c != '"' && c != '\\'; }

template <class Ops, class C>
inline size_t first_lane(uint64_t mask) {
    return static_cast<size_t>(__builtin_ctzll(mask)) / Ops::template kMaskBitsPerLane<C>;
}

// How far ahead the copy of a long run asks for its input, every line of it, into L2
// (locality 1): a long string is usually read from memory no cache
// holds (a fresh document), and the hardware's stream prefetchers stop at each 4 KiB
// page. text_ascii dumpb, fresh inputs, one call a sample: 56 -> 36-38 us (orjson 54,
// ssrjson 49). Tried: 2 and 8 KiB ahead (+3%, +10%), into L1 (+10%), one line a round
// (+12%), non-temporal stores for runs past 8 KiB (4x slower), only in runs of 4 KiB
// and more (+7%: a long string is copied in chunks, and its last ones are shorter).
inline constexpr size_t kCopyPrefetch = 4096;

// The common shape of the copy kernels: store each whole vector, then look at it. The
// tail is loaded partially (zero-filled lanes are controls, so they always stop).
template <class Ops, class C, bool kAsciiOnly>
size_t copy_plain(C* dst, const C* src, size_t n) {
    constexpr size_t kLanes = Ops::kBytes / sizeof(C);
    auto stop_mask = [](typename Ops::V v) {
        if constexpr (kAsciiOnly) return Ops::stops_ascii(v);
        else return Ops::template stops<C>(v);
    };
    size_t i = 0;
    // A long run (a text field) takes two vectors a round with one test for both: a
    // third fewer instructions per byte. Short strings keep the loop below alone.
    if (n >= 4 * kLanes) {
        for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
            for (size_t b = 0; b < 2 * Ops::kBytes; b += 64)
                __builtin_prefetch(reinterpret_cast<const char*>(src + i) + kCopyPrefetch + b, 0, 1);
            auto a = Ops::load(src + i);
            auto b = Ops::load(src + i + kLanes);
            Ops::store(dst + i, a);
            Ops::store(dst + i + kLanes, b);
            uint64_t ma = stop_mask(a), mb = stop_mask(b);
            if (__builtin_expect((ma | mb) != 0, 0))
                return ma ? i + first_lane<Ops, C>(ma) : i + kLanes + first_lane<Ops, C>(mb);
        }
    }
    for (; i + kLanes <= n; i += kLanes) {
        auto v = Ops::load(src + i);
        Ops::store(dst + i, v);
        if (uint64_t m = stop_mask(v)) return i + first_lane<Ops, C>(m);
    }
    if (i == n) return n;
    auto v = Ops::load_partial(src + i, (n - i) * sizeof(C));
    Ops::store(dst + i, v);
    size_t k = i + first_lane<Ops, C>(stop_mask(v));
    return k < n ? k : n;
}

template <class Ops, class From, class To>
size_t widen_plain(To* dst, const From* src, size_t n) {
    // One narrow vector at a time; its widened lanes take sizeof(To)/sizeof(From) stores.
    constexpr size_t kLanes = Ops::kBytes / sizeof(From);
    size_t i = 0;
    for (;;) {
        bool partial = i + kLanes > n;
        if (partial && i == n) return n;
        auto v = partial ? Ops::load_partial(src + i, (n - i) * sizeof(From)) : Ops::load(src + i);
        Ops::template widen<From, To>(v, dst + i);
        if (uint64_t m = Ops::template stops<From>(v)) {
            size_t k = i + first_lane<Ops, From>(m);
            return k < n ? k : n;
        }
        if (partial) return n;
        i += kLanes;
    }
}

// How far ahead a long string's scan asks for the input: its first read is usually of
// memory no cache holds yet (a fresh document), and the hardware's stream prefetchers
// stop at each 4 KiB page (text_ascii, fresh inputs: 29 -> 22.5 us; 1 and 2 KiB ahead:
// 23.5 and 25.8 us).
inline constexpr size_t kScanPrefetch = 4096;

template <class Ops, class C>
size_t scan_string(const C* src, size_t n, uint32_t* seen) {
    constexpr size_t kLanes = Ops::kBytes / sizeof(C);
    auto acc = Ops::zero();
    size_t i = 0;
    typename Ops::V v;
    uint64_t m;
    if (n >= kLanes) {
        // The first four vectors one at a time: most strings end there, and a longer
        // step would load past them (twitter, whose strings mostly end within two: a
        // four-vector step from the second cost +15% in this kernel). Then four vectors
        // a step with one test for their stops (text_ascii: 10.5 -> 6 us for 400 KB); the
        // step that holds the stop is looked at again one vector at a time.
        do {
            v = Ops::load(src + i);
            if ((m = Ops::template stops<C>(v))) goto found;
            acc = Ops::bit_or(acc, v);
            i += kLanes;
        } while (i < 4 * kLanes && i + kLanes <= n);
        for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
            __builtin_prefetch(reinterpret_cast<const char*>(src + i) + kScanPrefetch);
            auto a = Ops::load(src + i), b = Ops::load(src + i + kLanes);
            auto c = Ops::load(src + i + 2 * kLanes), d = Ops::load(src + i + 3 * kLanes);
            if (Ops::template stops<C>(a) | Ops::template stops<C>(b) | Ops::template stops<C>(c) |
                Ops::template stops<C>(d))
                break;
            acc = Ops::bit_or(acc, Ops::bit_or(Ops::bit_or(a, b), Ops::bit_or(c, d)));
        }
        for (; i + kLanes <= n; i += kLanes) {
            v = Ops::load(src + i);
            if ((m = Ops::template stops<C>(v))) goto found;
            acc = Ops::bit_or(acc, v);
        }
    }
    if (i < n) {
        // The tail: its lanes past the end read as zero, which are controls (stops).
        v = Ops::load_partial(src + i, (n - i) * sizeof(C));
        m = Ops::template stops<C>(v);
        goto found;
    }
    *seen = Ops::template horizontal_or<C>(acc);
    return n;
found:
    size_t lane = first_lane<Ops, C>(m);
    acc = Ops::bit_or(acc, Ops::keep_first_bytes(v, lane * sizeof(C)));
    i += lane;
    *seen = Ops::template horizontal_or<C>(acc);
    return i < n ? i : n;
}

// Eight chars of U+0800..U+FFFF (no surrogates) as 24 bytes of UTF-8 at out; false,
// writing nothing, if any of them is not. Byte shuffles: SSSE3, so only for the levels
// that have it (AVX2 and up).
inline constexpr struct Utf8x3Shuffles {
    uint8_t from_lead_mid[32];  // output bytes 0..15, then 16..23 (+8 unused), from b0:b1
    uint8_t from_last[32];      // the same positions, from b2
    constexpr Utf8x3Shuffles() : from_lead_mid(), from_last() {
        for (int j = 0; j < 24; ++j) {
            const int k = j / 3, r = j % 3, at = j;
            from_lead_mid[at] = r == 0 ? k : r == 1 ? 8 + k : 0x80;
            from_last[at] = r == 2 ? k : 0x80;
        }
        for (int j = 24; j < 32; ++j) from_lead_mid[j] = from_last[j] = 0x80;
    }
} kUtf8x3;

// Static: each kernel file keeps its own copy, compiled for its level.
// The first r (1..8) chars of c as 3-byte UTF-8, if they all take three bytes (U+0800
// and up, no surrogate): stores 24 bytes, the first 3r of them the text.
__attribute__((target("ssse3"))) static inline bool utf8_x3_upto8(uint8_t* out, __m128i c, size_t r) {
    const __m128i wide = _mm_cmpeq_epi16(_mm_subs_epu16(_mm_set1_epi16(0x800), c), _mm_setzero_si128());
    const __m128i surrogate = _mm_cmpeq_epi16(_mm_and_si128(c, _mm_set1_epi16(static_cast<short>(0xF800))),
                                              _mm_set1_epi16(static_cast<short>(0xD800)));
    const unsigned need = (1u << (2 * r)) - 1;
    if ((static_cast<unsigned>(_mm_movemask_epi8(_mm_andnot_si128(surrogate, wide))) & need) != need) return false;
    const __m128i b0 = _mm_or_si128(_mm_srli_epi16(c, 12), _mm_set1_epi16(0xE0));
    const __m128i b1 = _mm_or_si128(_mm_and_si128(_mm_srli_epi16(c, 6), _mm_set1_epi16(0x3F)), _mm_set1_epi16(0x80));
    const __m128i b2 = _mm_or_si128(_mm_and_si128(c, _mm_set1_epi16(0x3F)), _mm_set1_epi16(0x80));
    const __m128i lead_mid = _mm_packus_epi16(b0, b1), last = _mm_packus_epi16(b2, b2);
    auto shuffle = [&](int half) {
        const auto* a = reinterpret_cast<const __m128i*>(kUtf8x3.from_lead_mid) + half;
        const auto* b = reinterpret_cast<const __m128i*>(kUtf8x3.from_last) + half;
        return _mm_or_si128(_mm_shuffle_epi8(lead_mid, _mm_loadu_si128(a)), _mm_shuffle_epi8(last, _mm_loadu_si128(b)));
    };
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), shuffle(0));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 16), shuffle(1));
    return true;
}
__attribute__((target("ssse3"))) static inline bool utf8_x3_8(uint8_t* out, const uint16_t* src) {
    return utf8_x3_upto8(out, _mm_loadu_si128(reinterpret_cast<const __m128i*>(src)), 8);
}
// 16 bytes at p, which may run past the object p is in (the caller has checked the
// page): exempt from AddressSanitizer, which would report the deliberate over-read.
__attribute__((no_sanitize_address)) static inline __m128i load16_past_end(const void* p) {
    return _mm_loadu_si128(static_cast<const __m128i*>(p));
}

// UCS-2 to UTF-8 for chars that need no escaping. Runs of ASCII go a vector at a time,
// and (from AVX2) runs of 3-byte chars (CJK) eight at a time; after a vector that is
// neither, a vector's worth of chars goes through a scalar loop that handles 2- and
// 3-byte sequences (testing a vector again after each char cost more than the char).
// str_cjk dumpb: 4.29M -> 2.44M instr/call (AVX2), 4.58M -> 3.97M (SSE2).
template <class Ops>
size_t ucs2_to_utf8(uint8_t* dst, const uint16_t* src, size_t n, size_t* written) {
    constexpr size_t kLanes = Ops::kBytes / sizeof(uint16_t);
    uint8_t* out = dst;
    size_t i = 0;
    while (i < n) {
        if (i + kLanes <= n) {
            auto v = Ops::load(src + i);
            if (Ops::all_ascii_plain_u16(v)) {
                Ops::narrow_u16(v, out);
                out += kLanes;
                i += kLanes;
                continue;
            }
        }
        if constexpr (Ops::kBytes >= 32) {
            if (i + 8 <= n) {
                if (utf8_x3_8(out, src + i)) {
                    out += 24;
                    i += 8;
                    continue;
                }
            } else if (within_page(src + i, 16) && utf8_x3_upto8(out, load16_past_end(src + i), n - i)) {
                // The last chars of a short CJK string (mixed: most are under 8 chars),
                // in one step where the scalar loop took ~15 instructions a char. The
                // 24 bytes stored fit: callers leave 12 bytes a char and the slack.
                out += 3 * (n - i);
                i = n;
                continue;
            }
        }
        for (size_t end = i + kLanes < n ? i + kLanes : n; i < end; ++i) {
            uint32_t c = src[i];
            if (c < 0x80) {
                if (!is_plain(c)) goto stop;
                *out++ = static_cast<uint8_t>(c);
            } else if (c < 0x800) {
                out[0] = static_cast<uint8_t>(0xC0 | (c >> 6));
                out[1] = static_cast<uint8_t>(0x80 | (c & 0x3F));
                out += 2;
            } else if (c >= 0xD800 && c < 0xE000) {
                goto stop;
            } else {
                out[0] = static_cast<uint8_t>(0xE0 | (c >> 12));
                out[1] = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
                out[2] = static_cast<uint8_t>(0x80 | (c & 0x3F));
                out += 3;
            }
        }
    }
stop:
    *written = static_cast<size_t>(out - dst);
    return i;
}

template <class Ops>
constexpr Kernels make_kernels(Level level, const char* name) {
    return Kernels{
        level,
        name,
        copy_plain<Ops, uint8_t, true>,
        copy_plain<Ops, uint8_t, false>,
        copy_plain<Ops, uint16_t, false>,
        copy_plain<Ops, uint32_t, false>,
        widen_plain<Ops, uint8_t, uint16_t>,
        widen_plain<Ops, uint8_t, uint32_t>,
        widen_plain<Ops, uint16_t, uint32_t>,
        ucs2_to_utf8<Ops>,
        scan_string<Ops, uint8_t>,
        scan_string<Ops, uint16_t>,
        scan_string<Ops, uint32_t>,
    };
}

}  // namespace rjson::simd::generic

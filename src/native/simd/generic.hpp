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

// UCS-2 to UTF-8 for chars that need no escaping. Runs of ASCII go a vector at a time;
// the rest is a scalar loop that handles 2- and 3-byte sequences.
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
        uint32_t c = src[i];
        if (c < 0x80) {
            if (!is_plain(c)) break;
            *out++ = static_cast<uint8_t>(c);
        } else if (c < 0x800) {
            out[0] = static_cast<uint8_t>(0xC0 | (c >> 6));
            out[1] = static_cast<uint8_t>(0x80 | (c & 0x3F));
            out += 2;
        } else if (c >= 0xD800 && c < 0xE000) {
            break;
        } else {
            out[0] = static_cast<uint8_t>(0xE0 | (c >> 12));
            out[1] = static_cast<uint8_t>(0x80 | ((c >> 6) & 0x3F));
            out[2] = static_cast<uint8_t>(0x80 | (c & 0x3F));
            out += 3;
        }
        ++i;
    }
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

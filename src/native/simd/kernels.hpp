// The CPU-level kernels: byte and code-unit loops that know nothing of Python.
//
// Each kernel exists once per instruction-set level (SSE2, AVX2, AVX-512BW). The
// algorithms are written once, in generic.hpp, over a small vector type; each
// kernels_<isa>.cpp instantiates them with its own compile flags. dispatch.cpp picks
// one table at import time from the CPU and the RJSON_SIMD environment variable.
#pragma once
#include <cstddef>
#include <cstdint>

namespace rjson::simd {

enum class Level : int { sse2 = 0, avx2 = 1, avx512 = 2 };

// Writers keep this much room past any position a kernel may write to: kernels store
// whole vectors first and count how many of their lanes were valid afterwards. A byte
// kernel stores at most one 64-byte vector past its count; a widening kernel stores
// one 64-lane vector widened to at most 4 bytes a lane.
inline constexpr size_t kByteStoreSlack = 64;
inline constexpr size_t kStoreSlack = 64 * 4;

struct Kernels {
    Level level;
    const char* name;

    // Encoding: copy src to dst while code units need no JSON treatment; return how many
    // were copied. "Plain" is the printable ASCII range 0x20..0x7E minus '"' and '\\'
    // for the byte kernel (so DEL and non-ASCII stop it: ensure_ascii and UTF-8 output
    // handle them), and anything but '"', '\\' and < 0x20 for the wide kernels, whose
    // caller writes the same kind it reads.
    size_t (*copy_plain_ascii)(uint8_t* dst, const uint8_t* src, size_t n);
    size_t (*copy_plain_ucs1)(uint8_t* dst, const uint8_t* src, size_t n);
    size_t (*copy_plain_ucs2)(uint16_t* dst, const uint16_t* src, size_t n);
    size_t (*copy_plain_ucs4)(uint32_t* dst, const uint32_t* src, size_t n);
    // Widening copies for a str writer whose buffer is wider than the source.
    size_t (*widen_plain_ucs1_to_ucs2)(uint16_t* dst, const uint8_t* src, size_t n);
    size_t (*widen_plain_ucs1_to_ucs4)(uint32_t* dst, const uint8_t* src, size_t n);
    size_t (*widen_plain_ucs2_to_ucs4)(uint32_t* dst, const uint16_t* src, size_t n);

    // UCS-2 to UTF-8 with no escaping: stops at the first char that is '"', '\\',
    // < 0x20 or a surrogate. Returns chars consumed; *written gets bytes written.
    size_t (*ucs2_to_utf8)(uint8_t* dst, const uint16_t* src, size_t n, size_t* written);

    // Decoding: index of the first '"', '\\' or control (< 0x20) unit in src[0, n), or n.
    // *seen gets the OR of all units before it, or for bytes only its class (0x80 if a
    // byte is >= 0x80, else 0): callers need only the widest char's class.
    size_t (*scan_string_u8)(const uint8_t* src, size_t n, uint32_t* seen);
    size_t (*scan_string_u16)(const uint16_t* src, size_t n, uint32_t* seen);
    size_t (*scan_string_u32)(const uint32_t* src, size_t n, uint32_t* seen);

    // Decoding runs of one UTF-8 sequence length from src[0, n): chars written to dst,
    // stopping early (at a whole step) before any sequence that is not of that length
    // and valid; the caller's scalar loop goes on from there. 3-byte sequences into
    // UCS-2 may load up to `readable` (>= n) bytes from src; nullptr where the level
    // has no such kernel (SSE2: it needs a byte shuffle).
    size_t (*utf8_e3_to_ucs2)(uint16_t* dst, const uint8_t* src, size_t n, size_t readable);
    size_t (*utf8_f4_to_ucs4)(uint32_t* dst, const uint8_t* src, size_t n);
};

// The table chosen at import (see dispatch.cpp). Valid after init() has run.
extern const Kernels* active;

// Picks the widest level the CPU supports, capped by RJSON_SIMD (sse2|avx2|avx512).
// Returns false and sets *error when RJSON_SIMD names an unknown or unsupported level.
bool init(const char** error);

const Kernels& kernels_sse2();
const Kernels& kernels_avx2();
const Kernels& kernels_avx512();

}  // namespace rjson::simd

// Chooses the kernel table once, at import: the widest level this CPU runs, capped by
// the RJSON_SIMD environment variable (sse2, avx2 or avx512) so that tests can run the
// whole suite at every level on one machine.
#include <cstdlib>
#include <cstring>
#include "simd/kernels.hpp"

namespace rjson::simd {

const Kernels* active = nullptr;

static Level cpu_level() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("bmi2"))
        return Level::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2")) return Level::avx2;
    return Level::sse2;
}

bool init(const char** error) {
    Level level = cpu_level();
    if (const char* cap = std::getenv("RJSON_SIMD"); cap && *cap) {
        Level wanted;
        if (!std::strcmp(cap, "sse2")) wanted = Level::sse2;
        else if (!std::strcmp(cap, "avx2")) wanted = Level::avx2;
        else if (!std::strcmp(cap, "avx512")) wanted = Level::avx512;
        else {
            *error = "RJSON_SIMD must be one of sse2, avx2, avx512";
            return false;
        }
        if (wanted < level) level = wanted;
    }
    switch (level) {
        case Level::avx512: active = &kernels_avx512(); break;
        case Level::avx2: active = &kernels_avx2(); break;
        default: active = &kernels_sse2(); break;
    }
    return true;
}

}  // namespace rjson::simd

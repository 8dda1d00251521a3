// How much C stack the current thread has left. The recursive encoder and decoder stop
// with RecursionError before the stack runs out, whatever sys.setrecursionlimit says:
// a thread's stack may be far smaller than the main thread's 8 MiB, and sanitizer
// builds use larger frames.
#pragma once
#include <cstddef>
#include <cstdint>
#if defined(__linux__)
#include <pthread.h>
#endif

namespace rjson {

// Left free for CPython and for the callbacks (default=, hooks) a frame may run.
inline constexpr size_t kStackReserve = 256 * 1024;

namespace detail {
// The lowest usable stack address of this thread, found once per thread (zero where
// the platform does not say, which disables the check).
inline uintptr_t find_stack_floor() {
    uintptr_t lo = 0;
#if defined(__linux__)
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void* addr;
        size_t size;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) lo = reinterpret_cast<uintptr_t>(addr);
        pthread_attr_destroy(&attr);
    }
#endif
    return lo + kStackReserve;
}
// Zero until found (never zero after): a constant-initialized thread_local needs no
// guard, so a call costs one TLS lookup, not two (~12 instructions a call on tiny).
inline uintptr_t stack_floor() {
    static thread_local uintptr_t floor = 0;
    if (__builtin_expect(floor != 0, 1)) return floor;
    return floor = find_stack_floor();
}
}  // namespace detail

// Made once per call (the thread-local lookup is not free in a shared library), then
// asked at each nesting level: true when the stack, which grows down here, is within
// kStackReserve of its end.
class StackGuard {
public:
    StackGuard() : floor_(detail::stack_floor()) {}
    bool nearly_exhausted() const {
        return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < floor_;
    }

private:
    uintptr_t floor_;
};

}  // namespace rjson

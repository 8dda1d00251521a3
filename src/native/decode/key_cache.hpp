// A direct-mapped cache of recently seen dict keys.
//
// Documents repeat the same keys over and over; building a str and hashing it for each
// occurrence costs more than the lookup. Only short pure-ASCII keys without escapes are
// cached, so the cached str's UCS1 data can be compared unit by unit with the input
// (whatever its char type): a hit is never trusted on the hash alone. Memory is bounded
// by kSlots strs of at most kMaxLen chars; the cache lives for the process (GIL-guarded).
#pragma once
#include <cstring>
#include "common/py.hpp"

namespace rjson::decode {

class KeyCache {
public:
    static constexpr size_t kSlots = 2048;   // power of two: the index is a mask
    static constexpr size_t kMaxLen = 64;    // longer keys are rarely repeated

    // A new reference to the str of the n ASCII units at s (n <= kMaxLen), or nullptr.
    template <class C>
    PyObject* get(const C* s, size_t n) {
        uint64_t h = hash(s, n);
        Slot& slot = slots_[h & (kSlots - 1)];
        if (slot.key && slot.hash == h && static_cast<size_t>(PyUnicode_GET_LENGTH(slot.key)) == n &&
            equal(PyUnicode_1BYTE_DATA(slot.key), s, n)) {
            Py_INCREF(slot.key);
            return slot.key;
        }
        PyObject* key = PyUnicode_New(static_cast<Py_ssize_t>(n), 127);
        if (!key) return nullptr;
        Py_UCS1* d = PyUnicode_1BYTE_DATA(key);
        for (size_t i = 0; i < n; ++i) d[i] = static_cast<Py_UCS1>(s[i]);
        // Hash it now: the str caches it, and every dict insertion then reuses it.
        if (PyObject_Hash(key) == -1) {
            Py_DECREF(key);
            return nullptr;
        }
        Py_INCREF(key);
        Py_XSETREF(slot.key, key);
        slot.hash = h;
        return key;
    }

private:
    struct Slot {
        uint64_t hash;
        PyObject* key;  // strong reference, or nullptr
    };

    static constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;

    static uint64_t mix(uint64_t h, uint64_t v) {
        h = (h ^ v) * kMul;
        return h ^ (h >> 29);
    }

    template <class C>
    static uint64_t hash(const C* s, size_t n) {
        uint64_t h = n;
        if constexpr (sizeof(C) == 1) {
            // Eight bytes at a time; the tail is zero-padded (the length is mixed in).
            size_t i = 0;
            for (; i + 8 <= n; i += 8) {
                uint64_t w;
                std::memcpy(&w, s + i, 8);
                h = mix(h, w);
            }
            if (i < n) {
                uint64_t w = 0;
                std::memcpy(&w, s + i, n - i);
                h = mix(h, w);
            }
        } else {
            // Pack the (ASCII) units into bytes so every char type hashes alike.
            uint64_t w = 0;
            size_t k = 0;
            for (size_t i = 0; i < n; ++i) {
                w |= static_cast<uint64_t>(s[i] & 0xFF) << (8 * k);
                if (++k == 8) {
                    h = mix(h, w);
                    w = 0;
                    k = 0;
                }
            }
            if (k) h = mix(h, w);
        }
        return h;
    }

    template <class C>
    static bool equal(const Py_UCS1* a, const C* s, size_t n) {
        if constexpr (sizeof(C) == 1) {
            return std::memcmp(a, s, n) == 0;
        } else {
            for (size_t i = 0; i < n; ++i)
                if (a[i] != s[i]) return false;
            return true;
        }
    }

    Slot slots_[kSlots] = {};
};

}  // namespace rjson::decode

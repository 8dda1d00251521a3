// Keys already written, by object, for byte output: a document's dicts mostly share a
// few key objects (json.loads and rjson.loads give every occurrence of a key the same
// str), and copying a key's text back costs less than checking its chars again
// (citm_catalog: ~26K keys a call, a dozen distinct).
//
// Each slot holds a reference to its key: a key found here is the very object whose
// text was stored, alive, and a str never changes. So nothing the encoder or Python
// code does between calls of put() can make a slot wrong.
#pragma once
#include <cstdint>
#include <cstring>
#include "common/py.hpp"

namespace rjson::encode {

class KeyText {
public:
    // Bytes a slot stores: up to kMaxText of text, its length in the last byte. put()
    // stores all of them, so its destination needs that much room.
    static constexpr size_t kSlotBytes = 32;
    static constexpr size_t kMaxText = kSlotBytes - 1;

    KeyText() = default;
    KeyText(const KeyText&) = delete;
    ~KeyText() {
        if (on_)
            for (PyObject* k : keys_) Py_XDECREF(k);
    }

    // Whether the cache is in use. It starts after a few dicts: a small document would
    // pay more for setting it up and releasing it than it could save.
    RJSON_INLINE bool on() {
        if (RJSON_LIKELY(on_)) return true;
        if (--dicts_before_ > 0) return false;
        std::memset(keys_, 0, sizeof keys_);
        on_ = true;
        return true;
    }

    // k's stored text at out (kSlotBytes stored), and the end of the text; null if k's
    // text is not here.
    RJSON_INLINE uint8_t* put(uint8_t* out, PyObject* k) const {
        const size_t i = slot(k);
        if (keys_[i] != k) return nullptr;
        std::memcpy(out, text_[i], kSlotBytes);
        return out + text_[i][kMaxText];
    }

    // Stores [text, end) as k's text; the kSlotBytes from text must be readable.
    RJSON_INLINE void store(PyObject* k, const uint8_t* text, const uint8_t* end) {
        const size_t n = static_cast<size_t>(end - text);
        if (n > kMaxText) return;
        const size_t i = slot(k);
        Py_INCREF(k);
        Py_XDECREF(keys_[i]);  // (a str: freeing one runs no Python code)
        keys_[i] = k;
        std::memcpy(text_[i], text, kSlotBytes);
        text_[i][kMaxText] = static_cast<uint8_t>(n);
    }

private:
    static constexpr size_t kSlots = 256;
    // Objects are 16-byte aligned; the higher bits folded in spread keys allocated in
    // different pools.
    static size_t slot(PyObject* k) {
        const auto a = reinterpret_cast<uintptr_t>(k);
        return ((a >> 4) ^ (a >> 12)) & (kSlots - 1);
    }

    bool on_ = false;
    int dicts_before_ = 8;
    PyObject* keys_[kSlots];  // (set when the cache goes on)
    uint8_t text_[kSlots][kSlotBytes];
};

}  // namespace rjson::encode

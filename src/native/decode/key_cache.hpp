// A two-way set-associative cache of recently seen dict keys.
//
// Documents repeat the same keys over and over; building a str and hashing it for each
// occurrence costs more than the lookup. Only short pure-ASCII keys without escapes are
// cached. A key is described by its length and two words: its first 8 and last 8 bytes
// (zero-padded when shorter). Up to 16 bytes these three values *are* the key, so a hit
// is two word compares and no memcmp; longer keys also compare their middle. A hit is
// thus never trusted on a hash. Memory is bounded by 2 * kSets strs of at most kMaxLen
// chars; the cache lives for the process (GIL-guarded). Before any of that, the parser
// tries the key that followed the previous one last time (take_if_next): in arrays of
// records that guess is nearly always right, and checking it needs no scan for the
// closing quote and no lookup.
#pragma once
#include <cstring>
#include "common/py.hpp"
#include "simd/inline.hpp"

namespace rjson::decode {

class KeyCache {
public:
    // 2048 slots in 1024 sets of two: one 64-byte line per set. Documents have
    // dozens to hundreds of distinct keys, and direct-mapped two of them shared a slot
    // often enough to matter: in twitter "result_type" and "contributors" evicted each
    // other on every occurrence (346 new strs and hashes a parse).
    static constexpr size_t kSets = 1024;    // power of two: the index is the hash's top bits
    static constexpr size_t kMaxLen = 64;    // longer keys are rarely repeated

    struct Slot;
    using Guess = uint16_t;  // a slot's index in slots_; kNoGuess: one that matches nothing

    KeyCache() {
        // An empty slot (and the no-guess one) has a length no key has: nothing matches it.
        for (Slot& slot : slots_) {
            slot.len = kNoKey;
            slot.next = kNoGuess;
        }
        for (Guess& first : first_) first = kNoGuess;
    }

    // A new reference to the str of the n ASCII units at s (n <= kMaxLen), or nullptr.
    // Units up to `readable` may be read (so short keys are one unaligned load). *used
    // gets the slot that now holds the key.
    template <class C>
    RJSON_INLINE PyObject* get(const C* s, size_t n, const C* readable, Slot** used) {
        uint64_t first = head(s, n, readable);
        uint64_t last = n > 8 ? tail(s, n) : 0;
        // The product's top bits depend on every bit of its operand (its low bits do
        // not: keys that differ only in their last char all took one slot).
        uint64_t h = (first ^ (last * kMul2) ^ n) * kMul;
        Slot* set = &slots_[2 * (h >> (64 - kLog2Sets))];
        for (int way = 0; way < 2; ++way) {
            Slot& slot = set[way];
            if (slot.first == first && slot.last == last && slot.len == n &&
                (n <= 16 || middle_equal(PyUnicode_1BYTE_DATA(slot.key), s, n))) {
                *used = &slot;
                Py_INCREF(slot.key);
                return slot.key;
            }
        }
        *used = set;
        return miss(set, s, n, first, last);
    }

    // Objects repeat their keys in the same order, so each slot remembers the slot of
    // the key that followed it last time (and each nesting depth that of its first
    // key): the parser checks that guess against the text before any scan or lookup.
    // A guess is only a slot's index, checked against what the slot holds now.
    Guess* first_guess(int depth) { return &first_[static_cast<unsigned>(depth) & (kDepths - 1)]; }
    Slot& at(Guess g) { return slots_[g]; }
    Guess index_of(const Slot* slot) const { return static_cast<Guess>(slot - slots_); }
    static constexpr Guess kNoGuess = 2 * kSets;

    // The new reference to guess's key, if the key body at s (up to `end`) is its text
    // followed by the closing quote; else nullptr. Near the end (fewer than 8 units past
    // the quote) it declines, so that the first word is always one load.
    template <class C>
    static RJSON_INLINE PyObject* take_if_next(const Slot& guess, const C* s, const C* end) {
        size_t n = guess.len;
        // Units match a key's ASCII bytes only as themselves: load8_as_bytes makes any
        // other unit a byte no cached key holds (0x00 or 0x80..0xFF), and a cached key
        // has no control or quote, so a match before the quote is the whole key, as is.
        if (static_cast<size_t>(end - s) <= n + 8 || s[n] != '"' ||
            (simd::load8_as_bytes(s) & (~uint64_t{0} >> guess.shift)) != guess.first ||
            (n > 8 && (tail(s, n) != guess.last || (n > 16 && !middle_equal(PyUnicode_1BYTE_DATA(guess.key), s, n)))))
            return nullptr;
        Py_INCREF(guess.key);
        return guess.key;
    }

    // 32 bytes: two to a cache line.
    struct Slot {
        uint64_t first;
        uint64_t last;
        PyObject* key;  // strong reference, or nullptr (then len is kNoKey)
        uint32_t len;
        Guess next;     // the slot whose key came next last time, or kNoGuess
        // The bits of `first` past the key's bytes (0 from 8 chars on; an empty key's
        // 64 & 63 = 0 only makes its guess fail, and get() finds it).
        uint8_t shift;
    };

private:
    static constexpr unsigned kLog2Sets = 10;
    static_assert(kSets == size_t{1} << kLog2Sets && 2 * kSets < 0xFFFF);
    static_assert(sizeof(Slot) == 32);
    static constexpr size_t kDepths = 64;  // power of two: the index is a mask
    static constexpr uint32_t kNoKey = uint32_t{1} << 30;

    static constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    static constexpr uint64_t kMul2 = 0xC2B2AE3D27D4EB4Full;

    // Up to 8 units as little-endian bytes, units above 0xFF as 0xFF (as load8_as_bytes
    // makes them: never a key's byte): the units [i, i + k).
    template <class C>
    static uint64_t pack(const C* s, size_t k) {
        uint64_t w = 0;
        for (size_t i = 0; i < k; ++i) w |= static_cast<uint64_t>(s[i] > 0xFF ? 0xFF : s[i]) << (8 * i);
        return w;
    }
    // The first min(n, 8) units, zero-padded.
    template <class C>
    static RJSON_INLINE uint64_t head(const C* s, size_t n, const C* readable) {
        if (RJSON_LIKELY(readable - s >= 8)) {
            uint64_t w = simd::load8_as_bytes(s);
            return n >= 8 ? w : w & ((uint64_t{1} << (8 * n)) - 1);
        }
        return pack(s, n < 8 ? n : 8);
    }
    // The last 8 units (n > 8).
    template <class C>
    static RJSON_INLINE uint64_t tail(const C* s, size_t n) {
        return simd::load8_as_bytes(s + n - 8);
    }
    // Units [8, n - 8) of a key longer than 16 (the rest matched as words).
    template <class C>
    static bool middle_equal(const Py_UCS1* a, const C* s, size_t n) {
        if constexpr (sizeof(C) == 1) {
            return std::memcmp(a + 8, s + 8, n - 16) == 0;
        } else {
            // Eight units a compare, as bytes (a unit above 0xFF reads as 0xFF, no key's
            // byte); the last word may reach into the tail, which matched already.
            // Long keys are common (twitter: "profile_sidebar_border_color"): unit by
            // unit this took 2.3% of twitter-as-str's instructions.
            for (size_t i = 8; i < n - 8; i += 8) {
                uint64_t w;
                std::memcpy(&w, a + i, 8);
                if (simd::load8_as_bytes(s + i) != w) return false;
            }
            return true;
        }
    }

    // A new key goes into the set's first way and the key there moves to the second
    // (dropping the one there): the two most recently added keys stay. Guesses that
    // named the moved slots just fail their check.
    template <class C>
    RJSON_NOINLINE PyObject* miss(Slot* set, const C* s, size_t n, uint64_t first, uint64_t last) {
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
        PyObject* dropped = set[1].key;
        set[1] = set[0];
        set[0].key = key;
        set[0].first = first;
        set[0].last = last;
        set[0].len = static_cast<uint32_t>(n);
        set[0].next = kNoGuess;
        set[0].shift = static_cast<uint8_t>((64 - 8 * (n < 8 ? n : 8)) & 63);
        Py_XDECREF(dropped);
        return key;
    }

    // The sets, then the no-guess slot (kNoGuess), which stays empty.
    alignas(64) Slot slots_[2 * kSets + 1] = {};
    Guess first_[kDepths];
};

}  // namespace rjson::decode

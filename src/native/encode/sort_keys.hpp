// sort_keys: the (key, value) items in the order json gives them.
#pragma once
#include <algorithm>
#include <cstring>
#include "common/py.hpp"
#include "encode/pyread.hpp"
#include "simd/generic.hpp"

namespace rjson::encode {

// Code-point order, as str's < gives.
inline bool str_less(PyObject* a, PyObject* b) {
    int ka = PyUnicode_KIND(a), kb = PyUnicode_KIND(b);
    Py_ssize_t na = PyUnicode_GET_LENGTH(a), nb = PyUnicode_GET_LENGTH(b);
    if (ka == 1 && kb == 1) {
        int c = std::memcmp(PyUnicode_1BYTE_DATA(a), PyUnicode_1BYTE_DATA(b), static_cast<size_t>(std::min(na, nb)));
        return c < 0 || (c == 0 && na < nb);
    }
    const void* da = PyUnicode_DATA(a);
    const void* db = PyUnicode_DATA(b);
    Py_ssize_t n = std::min(na, nb);
    for (Py_ssize_t i = 0; i < n; ++i) {
        Py_UCS4 ca = PyUnicode_READ(ka, da, i), cb = PyUnicode_READ(kb, db, i);
        if (ca != cb) return ca < cb;
    }
    return na < nb;
}


// The first 8 bytes of a one-byte-kind str as a big-endian number, zero-padded: two
// differing prefixes order their strs as str_less does (a str that ends first is
// padded with zeros, and so is less), so only equal prefixes need str_less. Short
// keys are read as a whole word where the page allows and then masked.
__attribute__((no_sanitize_address)) inline uint64_t sort_prefix(PyObject* s) {
    const auto* data = PyUnicode_1BYTE_DATA(s);
    const auto n = static_cast<size_t>(PyUnicode_GET_LENGTH(s));
    uint64_t word = 0;
    if (n >= 8 || simd::generic::within_page(data, 8)) std::memcpy(&word, data, 8);
    else std::memcpy(&word, data, n);
    if (n < 8) word &= (uint64_t{1} << (8 * n)) - 1;
    return __builtin_bswap64(word);
}

struct KeyValue {
    PyObject* key;
    PyObject* value;
};

// json's order of one dict's members, whose keys are distinct exact strs (ready).
//
// Records repeat their shape: the same key objects in the same order (loads shares equal
// keys within a document, literals are interned), so the same order. A small table
// keyed by the keys' addresses remembers the permutation, and a dict that matches it
// key for key skips the sort (github_events: 180 dicts, mostly a few shapes).
// Addresses identify the strs only while they are alive: no key the table holds can
// be freed and its address reused unless Python code runs (the encoder holds the
// document, and makes no str keys itself), so forget() is called first.
class KeyOrder {
public:
    static constexpr Py_ssize_t kMaxKeys = 64;  // larger dicts are always sorted
    struct Entry {
        uint64_t epoch;  // the table's epoch when written (0: never; only this is set before)
        uint64_t n;
        PyObject* keys[kMaxKeys];  // in the dict's order
        uint8_t order[kMaxKeys];   // json's order: the index into keys of each member
    };

    KeyOrder() = default;
    KeyOrder(const KeyOrder&) = delete;
    KeyOrder& operator=(const KeyOrder&) = delete;
    ~KeyOrder() { PyMem_Free(table_); }

    void forget() { ++epoch_; }

    // Where a dict of up to kMaxKeys members is read to, for sort() (which is not
    // reentered: nothing runs between the read and the sort).
    KeyValue* scratch() { return scratch_; }

    // in[0..n) in json's order into out[0..n); in may be out, or scratch() if n <=
    // kMaxKeys. False (with an error set) if out of memory.
    bool sort(KeyValue* in, KeyValue* out, Py_ssize_t n) {
        if (n <= 2) {  // at most one comparison: cheaper than the table
            if (n == 2 && str_less(in[1].key, in[0].key)) {
                const KeyValue first = in[0];
                out[0] = in[1];
                out[1] = first;
            } else if (in != out) {
                for (Py_ssize_t i = 0; i < n; ++i) out[i] = in[i];
            }
            return true;
        }
        Entry* e = nullptr;
        if (n <= kMaxKeys && in != out && ready() && recall(in, out, n, &e)) return true;
        // The first 8 bytes decide most comparisons (sort_prefix); a key wider than one
        // byte a char makes every prefix 0, so str_less decides.
        Ranked inline_ranked[kMaxKeys];
        Ranked* ranked = inline_ranked;
        if (n > kMaxKeys || in == out) {
            void* mem = PyMem_Malloc(static_cast<size_t>(n) * (sizeof(Ranked) + sizeof(KeyValue)));
            if (!mem) {
                PyErr_NoMemory();
                return false;
            }
            ranked = static_cast<Ranked*>(mem);
            KeyValue* copy = reinterpret_cast<KeyValue*>(ranked + n);
            std::memcpy(copy, in, static_cast<size_t>(n) * sizeof(KeyValue));
            in = copy;
        }
        bool narrow = true;
        for (Py_ssize_t i = 0; i < n; ++i) narrow &= PyUnicode_KIND(in[i].key) == PyUnicode_1BYTE_KIND;
        for (Py_ssize_t i = 0; i < n; ++i) ranked[i] = {narrow ? sort_prefix(in[i].key) : 0, static_cast<size_t>(i)};
        std::sort(ranked, ranked + n, [in](const Ranked& a, const Ranked& b) {
            return a.prefix != b.prefix ? a.prefix < b.prefix : str_less(in[a.index].key, in[b.index].key);
        });
        for (Py_ssize_t j = 0; j < n; ++j) out[j] = in[ranked[j].index];
        if (e) {
            e->epoch = epoch_;
            e->n = static_cast<uint64_t>(n);
            for (Py_ssize_t i = 0; i < n; ++i) {
                e->keys[i] = in[i].key;
                e->order[i] = static_cast<uint8_t>(ranked[i].index);
            }
        }
        if (ranked != inline_ranked) PyMem_Free(ranked);
        return true;
    }

    // The remembered order of members in[0..n) (3 <= n <= kMaxKeys, keys known to be
    // distinct strs) into out: true if the keys match a shape seen. Otherwise false, and
    // *slot (if given) is where to remember it. `in` may be a dict's own entries
    // (anything with key and value), which skips reading them first.
    template <class Member>
    bool recall(const Member* in, KeyValue* out, Py_ssize_t n, Entry** slot = nullptr) {
        if (!table_) return false;
        // The set is chosen by a few of the keys; all of them must match.
        const uint64_t h = static_cast<uint64_t>(n) ^ address(in[0].key) ^ (address(in[n / 2].key) << 21) ^
                           (address(in[n - 1].key) << 42);
        const uint64_t mixed = h * 0x9E3779B97F4A7C15ull;
        // Two ways a set: shapes that share a slot would otherwise evict each other.
        Entry* set = &table_[(mixed >> (64 - kSlotBits)) & ~size_t{1}];
        for (Entry* way = set; way != set + 2; ++way) {
            if (way->epoch != epoch_ || way->n != static_cast<uint64_t>(n)) continue;
            bool differ = false;
            for (Py_ssize_t j = 0; j < n; ++j) {
                differ |= way->keys[j] != in[j].key;
                const Member& m = in[way->order[j]];
                out[j] = {m.key, m.value};
            }
            if (!differ) return true;
        }
        if (slot) *slot = set[0].epoch != epoch_ ? set : set[1].epoch != epoch_ ? set + 1 : set + ((mixed >> 32) & 1);
        return false;
    }

private:
    static constexpr int kSlotBits = 6;
    static constexpr uint32_t kWarmup = 8;  // dicts sorted before the table is made: small documents never pay for it
    struct Ranked {
        uint64_t prefix;
        size_t index;
    };

    static uint64_t address(PyObject* o) { return reinterpret_cast<uintptr_t>(o) >> 4; }

    bool ready() {
        if (table_) return true;
        if (++sorted_ < kWarmup) return false;
        table_ = static_cast<Entry*>(PyMem_Malloc(sizeof(Entry) << kSlotBits));
        if (!table_) return false;  // (without it, every dict is sorted)
        for (size_t i = 0; i < size_t{1} << kSlotBits; ++i) table_[i].epoch = 0;
        return true;
    }

    Entry* table_ = nullptr;
    uint64_t epoch_ = 1;
    uint32_t sorted_ = 0;
    KeyValue scratch_[kMaxKeys];
};

// json sorts the (key, value) tuples. When every key is an exact str the keys
// decide alone (they are distinct), so compare them directly; otherwise let
// list.sort compare the tuples and raise what json raises for mixed keys.
inline bool sort_items(PyObject* items) {
    Py_ssize_t n = PyList_GET_SIZE(items);
    PyObject** a = reinterpret_cast<PyListObject*>(items)->ob_item;
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject* item = a[i];
        if (!PyTuple_CheckExact(item) || PyTuple_GET_SIZE(item) != 2 ||
            !PyUnicode_CheckExact(PyTuple_GET_ITEM(item, 0)) || !str_ready(PyTuple_GET_ITEM(item, 0)))
            return PyList_Sort(items) == 0;
    }
    std::sort(a, a + n, [](PyObject* x, PyObject* y) {
        return str_less(PyTuple_GET_ITEM(x, 0), PyTuple_GET_ITEM(y, 0));
    });
    return true;
}

}  // namespace rjson::encode

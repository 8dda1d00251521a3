// Building a dict from its parsed key/value pairs in one go.
//
// PyDict_SetItem costs ~140 instructions per new key (lookup, empty-slot search,
// version and tracking bookkeeping, and a resize or two for a dict that grows from
// empty), and dicts are the bulk of most documents. The parser already has every pair
// of an object when it builds it, so on the CPython versions whose dict layout is known
// here (3.11 and 3.12, combined "unicode" tables, checked against their
// internal/pycore_dict.h) the hash table is written directly: one allocation, each key
// placed at the first free slot of CPython's own probe sequence, duplicates resolved as
// insertion does (the first key object stays, the last value wins). Other versions,
// and debug builds (whose reference totals count keys objects), use the public path.
#pragma once
#include <cstring>
#include "common/dict_layout.hpp"
#include "decode/gc_objects.hpp"

namespace rjson::decode {

#ifdef RJSON_DICT_LAYOUT
#define RJSON_DIRECT_DICT 1

// Larger objects (index entries wider than 32 bits) take the public path.
inline constexpr size_t kMaxDirectPairs = size_t{1} << 30;

// Exact strs with equal hashes: equal as unicode_eq decides (same kind, same data).
inline bool str_equal(PyObject* a, PyObject* b) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    if (n != PyUnicode_GET_LENGTH(b) || PyUnicode_KIND(a) != PyUnicode_KIND(b)) return false;
    return std::memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), static_cast<size_t>(n) * PyUnicode_KIND(a)) == 0;
}

// Fills the index table (of Ix) and the entries from the n pairs at kv, taking their
// references; returns the number of distinct keys. Sets *track when a value is one the
// collector must see (MAINTAIN_TRACKING's test, _PyObject_GC_MAY_BE_TRACKED).
template <class Ix>
inline size_t fill_table(Ix* index, size_t mask, cpython::UnicodeEntry* entries, PyObject** kv, size_t n,
                         bool* track) {
    size_t used = 0;
    bool gc = false;
    for (size_t k = 0; k < n; ++k) {
        PyObject* key = kv[2 * k];
        PyObject* value = kv[2 * k + 1];
        // Checked for every value, a replaced one too, as insertion does.
        // (PyObject_IS_GC spelled out: it is an out-of-line call in 3.11.)
        PyTypeObject* type = Py_TYPE(value);
        if (PyType_IS_GC(type) && (!type->tp_is_gc || type->tp_is_gc(value)) &&
            (type != &PyTuple_Type || PyObject_GC_IsTracked(value)))
            gc = true;
        Py_hash_t hash = reinterpret_cast<PyASCIIObject*>(key)->hash;
        size_t i = static_cast<size_t>(hash) & mask;
        size_t perturb = static_cast<size_t>(hash);
        for (;;) {
            Ix at = index[i];
            if (at < 0) break;  // empty: a fresh table has no deleted slots
            PyObject* other = entries[at].key;
            if (other == key ||
                (reinterpret_cast<PyASCIIObject*>(other)->hash == hash && str_equal(other, key))) {
                // A repeated key: json keeps the first key object and the last value.
                PyObject* old = entries[at].value;
                entries[at].value = value;
                Py_DECREF(old);
                Py_DECREF(key);
                goto next;
            }
            perturb >>= cpython::kPerturbShift;
            i = (i * 5 + perturb + 1) & mask;
        }
        index[i] = static_cast<Ix>(used);
        entries[used].key = key;
        entries[used].value = value;
        ++used;
    next:;
    }
    *track = gc;
    return used;
}

#ifdef RJSON_DIRECT_GC
// Where dict_from_pairs may make its dict inline (see GcObjects): with the parser's
// allocator and collector state.
//
// Each dict needs a version tag no other dict has (PEP 509). CPython's counter starts
// at zero, takes one step per dict change and is not exposed; the inline dicts take
// theirs from a counter of our own that starts at 2^63, which CPython's would take
// centuries to reach. Steps of 256 keep 3.12's low bits (watcher flags) clear. The
// GIL orders the increments (the inline path is compiled only for GIL builds).
inline uint64_t next_dict_version() {
    static uint64_t last = uint64_t{1} << 63;
    return last += 256;
}

struct DictShells {
    GcObjects* gc = nullptr;  // nullptr: the public calls
    const ObjectAllocator* alloc = nullptr;
};
#else
struct DictShells {};
#endif

// A new dict of the n key/value pairs at kv (keys exact strs with their hash computed;
// n < kMaxDirectPairs), having taken all 2n references; or nullptr with an error set,
// having taken none.
inline PyObject* dict_from_pairs(PyObject** kv, size_t n, DictShells& shells) {
    (void)shells;  // (unused without RJSON_DIRECT_GC)
    if (n == 0) return PyDict_New();
    // The table size _PyDict_NewPresized picks (estimate_log2_keysize): the smallest
    // power of two at least 1.5 n, so n keys fit in its usable two thirds, as they do
    // in a dict grown by insertion.
    size_t want = (n * 3 + 1) / 2;
    unsigned log2 = want <= (size_t{1} << cpython::kLog2MinSize)
                        ? cpython::kLog2MinSize
                        : 64 - static_cast<unsigned>(__builtin_clzll(static_cast<unsigned long long>(want - 1)));
    unsigned log2_index_bytes = log2 < 8 ? log2 : log2 < 16 ? log2 + 1 : log2 + 2;
    size_t size = size_t{1} << log2;
    size_t usable = (size << 1) / 3;
    size_t index_bytes = size_t{1} << log2_index_bytes;
    // new_keys_object's allocator, which free_keys_object pairs with PyObject_Free
    // (called straight when the parser has fetched it).
    size_t bytes = sizeof(cpython::DictKeys) + index_bytes + usable * sizeof(cpython::UnicodeEntry);
#ifdef RJSON_DIRECT_GC
    auto* keys = static_cast<cpython::DictKeys*>(shells.alloc ? shells.alloc->malloc(shells.alloc->ctx, bytes)
                                                              : PyObject_Malloc(bytes));
#else
    auto* keys = static_cast<cpython::DictKeys*>(PyObject_Malloc(bytes));
#endif
    if (!keys) {
        PyErr_NoMemory();
        return nullptr;
    }
#ifdef RJSON_DIRECT_GC
    bool direct = shells.gc && shells.gc->ready();
    PyDictObject* d;
    if (direct) {
        d = shells.gc->alloc<PyDictObject>(*shells.alloc, &PyDict_Type);
        if (!d) {
            PyObject_Free(keys);
            return nullptr;
        }
        d->ma_version_tag = next_dict_version();
        d->ma_values = nullptr;
    } else
#endif
    {
        PyObject* fresh = PyDict_New();
        if (!fresh) {
            PyObject_Free(keys);
            return nullptr;
        }
        // The new dict shares the static empty keys object; it lets go of it as
        // dictkeys_decref would (3.12 made that object immortal: no count to keep).
        d = reinterpret_cast<PyDictObject*>(fresh);
        auto* empty = reinterpret_cast<cpython::DictKeys*>(d->ma_keys);
#if PY_VERSION_HEX >= 0x030C0000
        if (empty->dk_refcnt != static_cast<Py_ssize_t>(_Py_IMMORTAL_REFCNT)) --empty->dk_refcnt;
#else
        --empty->dk_refcnt;
#endif
    }
    PyObject* dict = reinterpret_cast<PyObject*>(d);
    char* index = reinterpret_cast<char*>(keys + 1);
    auto* entries = reinterpret_cast<cpython::UnicodeEntry*>(index + index_bytes);
    // DKIX_EMPTY in the index, and no entries. Sizes known at compile time for the
    // common small tables (up to 10 keys) become a few stores; a memset call of a
    // run-time size cost more than twice as much.
    if (log2 == 3) {
        std::memset(index, 0xFF, 8);
        std::memset(entries, 0, 5 * sizeof(cpython::UnicodeEntry));
    } else if (log2 == 4) {
        std::memset(index, 0xFF, 16);
        // (Two halves: GCC turns one 160-byte memset into a slow rep stos.)
        std::memset(entries, 0, 5 * sizeof(cpython::UnicodeEntry));
        std::memset(entries + 5, 0, 5 * sizeof(cpython::UnicodeEntry));
    } else {
        std::memset(index, 0xFF, index_bytes);
    }
    bool track;
    size_t used;
    if (log2 < 8) used = fill_table(reinterpret_cast<int8_t*>(index), size - 1, entries, kv, n, &track);
    else if (log2 < 16) used = fill_table(reinterpret_cast<int16_t*>(index), size - 1, entries, kv, n, &track);
    else used = fill_table(reinterpret_cast<int32_t*>(index), size - 1, entries, kv, n, &track);
    if (log2 > 4) std::memset(entries + used, 0, (usable - used) * sizeof(cpython::UnicodeEntry));
    keys->dk_refcnt = 1;
    keys->dk_log2_size = static_cast<uint8_t>(log2);
    keys->dk_log2_index_bytes = static_cast<uint8_t>(log2_index_bytes);
    keys->dk_kind = cpython::kUnicodeKind;
    keys->dk_version = 0;
    keys->dk_usable = static_cast<Py_ssize_t>(usable - used);
    keys->dk_nentries = static_cast<Py_ssize_t>(used);

    // Nobody has seen the dict yet, so its version tag needs no bump.
    d->ma_keys = reinterpret_cast<PyDictKeysObject*>(keys);
    d->ma_used = static_cast<Py_ssize_t>(used);
    if (track) {
#ifdef RJSON_DIRECT_GC
        if (direct) {
            shells.gc->track(dict);
            return dict;
        }
#endif
        PyObject_GC_Track(dict);
    }
    return dict;
}
#endif

}  // namespace rjson::decode

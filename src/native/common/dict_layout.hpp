// CPython's dict tables, as 3.11 and 3.12 lay them out (internal/pycore_dict.h, which
// is not installed): the decoder builds dicts in them and the encoder walks them, each
// at a fraction of what the public calls cost per entry. Every other version, and
// debug or free-threaded builds, keep the public API (RJSON_DICT_LAYOUT undefined).
#pragma once
#include <algorithm>
#include "common/py.hpp"

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000 && !defined(Py_REF_DEBUG) && \
    !defined(Py_GIL_DISABLED) && SIZEOF_VOID_P == 8
#define RJSON_DICT_LAYOUT 1

namespace rjson::cpython {
// struct _dictkeysobject without its trailing dk_indices[] (which starts at sizeof).
struct DictKeys {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind;
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
};
static_assert(sizeof(DictKeys) == 32, "dk_indices must start at offset 32");
struct UnicodeEntry {
    PyObject* key;
    PyObject* value;
};
constexpr uint8_t kUnicodeKind = 1;   // DICT_KEYS_UNICODE
constexpr unsigned kLog2MinSize = 3;  // PyDict_LOG_MINSIZE
constexpr unsigned kPerturbShift = 5;

inline DictKeys* keys_of(PyObject* dict) { return reinterpret_cast<DictKeys*>(reinterpret_cast<PyDictObject*>(dict)->ma_keys); }
inline UnicodeEntry* unicode_entries(DictKeys* keys) {
    return reinterpret_cast<UnicodeEntry*>(reinterpret_cast<char*>(keys + 1) + (size_t{1} << keys->dk_log2_index_bytes));
}
}  // namespace rjson::cpython
#endif

namespace rjson {

// PyDict_Next, with the same meaning of *pos (an entry index) and the same tolerance
// of a dict changed between calls (everything is read again each time). A combined
// table of str keys, the layout of nearly every dict JSON is made from, is read in
// place; any other goes through PyDict_Next.
RJSON_INLINE bool dict_next(PyObject* dict, Py_ssize_t* pos, PyObject** key, PyObject** value) {
#ifdef RJSON_DICT_LAYOUT
    cpython::DictKeys* keys = cpython::keys_of(dict);
    if (RJSON_LIKELY(reinterpret_cast<PyDictObject*>(dict)->ma_values == nullptr && keys->dk_kind == cpython::kUnicodeKind)) {
        const cpython::UnicodeEntry* entries = cpython::unicode_entries(keys);
        Py_ssize_t i = *pos;
        const Py_ssize_t n = keys->dk_nentries;
        while (i < n && entries[i].value == nullptr) ++i;  // deleted entries
        if (i >= n) return false;
        *key = entries[i].key;
        *value = entries[i].value;
        *pos = i + 1;
        return true;
    }
#endif
    return PyDict_Next(dict, pos, key, value) != 0;
}

// The memory a walk of container o starts with (its table or item array), once o's
// header is in cache: with the header prefetched a step earlier, the walk finds both
// on their way instead of waiting on one load after the other.
RJSON_INLINE void prefetch_inside(PyObject* o) {
    PyTypeObject* t = Py_TYPE(o);
    if (t == &PyDict_Type) {
        const char* keys = reinterpret_cast<const char*>(reinterpret_cast<PyDictObject*>(o)->ma_keys);
        __builtin_prefetch(keys);
        __builtin_prefetch(keys + 64);
    } else if (t == &PyList_Type) {
        __builtin_prefetch(reinterpret_cast<PyListObject*>(o)->ob_item);
    }
}

// The first values of a dict whose header and table are in cache (a list walk asked
// for them items earlier), so that its walk finds them on their way. A table holds at
// least ma_used entries, so the first min(ma_used, 4) are there to read whatever its
// kind: general entries are wider, and the values read then, like a deleted entry's
// or a split table's null, are only prefetched, never followed.
RJSON_INLINE void prefetch_values(PyObject* o) {
#ifdef RJSON_DICT_LAYOUT
    if (Py_TYPE(o) != &PyDict_Type) return;
    const Py_ssize_t used = PyDict_GET_SIZE(o);
    const cpython::UnicodeEntry* entries = cpython::unicode_entries(cpython::keys_of(o));
    for (Py_ssize_t j = 0; j < used && j < 4; ++j) __builtin_prefetch(entries[j].value);
#else
    (void)o;
#endif
}

// dict_next as a loop over one dict, for walks that run no Python code between most
// steps: the table is looked up once, and again only after reload() (call it after
// anything that may have changed the dict). Each step also prefetches the next value
// object: reading the value's type is the longest chain of dependent loads in a walk
// (table, entry, object), and with the next one on its way the loop does not wait for
// it (records dumpb: 1.21x orjson's time to 0.98x, warm). It prefetches the object
// two values ahead, and the table or items of the one next (prefetch_inside), whose
// header the step before asked for: input objects are cold, as a document is usually
// built just before it is encoded, and a nested container was two waits in a row
// (citm_catalog dumpb: -20% time).
class DictWalk {
public:
    explicit DictWalk(PyObject* dict) : dict_(dict) { reload(); }

    // The table is looked up again (it may have been replaced); the walk goes on from the
    // same entry index, as PyDict_Next would.
    void reload() {
#ifdef RJSON_DICT_LAYOUT
        const Py_ssize_t index = base_ ? at_ - base_ : pos_;
        cpython::DictKeys* keys = cpython::keys_of(dict_);
        // A table with as many entries as the dict has items has no deleted ones (a dict
        // json.loads makes): its steps need not look for them. Any other goes through
        // PyDict_Next.
        if (RJSON_LIKELY(reinterpret_cast<PyDictObject*>(dict_)->ma_values == nullptr &&
                         keys->dk_kind == cpython::kUnicodeKind && keys->dk_nentries == PyDict_GET_SIZE(dict_))) {
            base_ = cpython::unicode_entries(keys);
            end_ = base_ + keys->dk_nentries;
            at_ = base_ + std::min(index, keys->dk_nentries);  // (a dict may shrink)
        } else {
            pos_ = index;
            base_ = at_ = end_ = nullptr;
        }
#endif
    }

    RJSON_INLINE bool next(PyObject** key, PyObject** value) {
#ifdef RJSON_DICT_LAYOUT
        if (RJSON_LIKELY(at_ < end_)) {
            const cpython::UnicodeEntry* e = at_++;
            *key = e->key;
            *value = e->value;
            if (e + 2 < end_) {
                __builtin_prefetch(e[2].value);
                prefetch_inside(e[1].value);
            } else if (e + 1 < end_) {
                prefetch_inside(e[1].value);
            }
            return true;
        }
        if (base_) return false;
#endif
        const Step step = public_next(dict_, pos_);
        pos_ = step.pos;
        *key = step.key;
        *value = step.value;
        return step.found;
    }

private:
    // PyDict_Next, out of line and by value: no address of the walk or of the caller's
    // key and value escapes, so a loop that inlines next() can keep them in registers
    // (a store through the output pointer may alias anything whose address escaped).
    struct Step {
        PyObject* key;
        PyObject* value;
        Py_ssize_t pos;
        bool found;
    };
    RJSON_NOINLINE static Step public_next(PyObject* dict, Py_ssize_t pos) {
        Step step{nullptr, nullptr, 0, false};
        step.found = PyDict_Next(dict, &pos, &step.key, &step.value) != 0;
        step.pos = pos;
        return step;
    }

    PyObject* dict_;
    Py_ssize_t pos_ = 0;  // PyDict_Next's position, when base_ is null
#ifdef RJSON_DICT_LAYOUT
    // The entries [at_, end_) still to walk in base_'s table; all null: through PyDict_Next.
    const cpython::UnicodeEntry* base_ = nullptr;
    const cpython::UnicodeEntry* at_ = nullptr;
    const cpython::UnicodeEntry* end_ = nullptr;
#endif
};

}  // namespace rjson

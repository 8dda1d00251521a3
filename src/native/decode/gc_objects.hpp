// Dicts and lists allocated and tracked inline.
//
// PyObject_GC_New and PyObject_GC_Track are out-of-line calls (with _PyObject_GC_Link and
// _Py_NewReference inside) costing ~70 instructions a container before the malloc, and
// PyDict_New adds ~25 more: citm_catalog makes 11k dicts and 10k lists a loads (~12% of
// its instructions). On 3.11 and 3.12, whose collector state is known here (struct
// gc_generation in internal/pycore_gc.h), the parser does the same steps itself: the
// block from the object allocator (what gc_alloc uses and PyObject_GC_Del frees), an
// untracked header, the young generation's allocation count bumped (_PyObject_GC_Link;
// the collector is paused during the parse, so that is all it would do), and tracking
// as _PyObject_GC_TRACK links it (at the young list's tail).
//
// The young list's head is not reachable through the API, but it sits in the interpreter
// state (interp->gc.generations[0]) at an offset fixed for a build: init_gc_objects finds
// it once from a freshly tracked list (an object at the tail points to the head) and
// checks the count beside it against gc.get_count(). If anything does not match, and on
// other versions, the public calls run.
#pragma once
#include "common/py.hpp"
#include "decode/numbers.hpp"  // ObjectAllocator, init_object

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000 && !defined(Py_TRACE_REFS) && \
    !defined(Py_REF_DEBUG) && !defined(Py_GIL_DISABLED) && SIZEOF_VOID_P == 8
#define RJSON_DIRECT_GC 1
#endif

namespace rjson::decode {

#ifdef RJSON_DIRECT_GC
namespace cpython_gc {
// PyGC_Head, and struct gc_generation (whose first member is the young list's head).
struct Head {
    uintptr_t next;
    uintptr_t prev;  // the low two bits are flags
};
struct Generation {
    Head head;
    int threshold;
    int count;
};
inline Head* as_gc(PyObject* o) { return reinterpret_cast<Head*>(o) - 1; }
}  // namespace cpython_gc

// The young generation's offset in PyInterpreterState (init_gc_objects), 0 if unknown.
extern ptrdiff_t gc_young_offset;

class GcObjects {
public:
    GcObjects() {
        if (gc_young_offset)
            young_ = reinterpret_cast<cpython_gc::Generation*>(reinterpret_cast<char*>(PyInterpreterState_Get()) +
                                                               gc_young_offset);
    }

    // Whether the parser may allocate and track inline.
    bool ready() const { return young_ != nullptr; }

    // An untracked GC object of `size` bytes (its header excluded), counted as
    // _PyObject_GC_Link counts it; nullptr with MemoryError set.
    template <class T>
    RJSON_INLINE T* alloc(const ObjectAllocator& a, PyTypeObject* type) const {
        auto* g = static_cast<cpython_gc::Head*>(a.malloc(a.ctx, sizeof(cpython_gc::Head) + sizeof(T)));
        if (RJSON_UNLIKELY(!g)) {
            PyErr_NoMemory();
            return nullptr;
        }
        g->next = 0;
        g->prev = 0;
        ++young_->count;
        auto* o = reinterpret_cast<PyObject*>(g + 1);
        init_object(o, type);
        return reinterpret_cast<T*>(o);
    }

    // _PyObject_GC_TRACK: o goes to the young list's tail.
    RJSON_INLINE void track(PyObject* o) const {
        cpython_gc::Head* g = cpython_gc::as_gc(o);
        cpython_gc::Head* head = &young_->head;
        auto* last = reinterpret_cast<cpython_gc::Head*>(head->prev);
        last->next = reinterpret_cast<uintptr_t>(g);
        g->prev = reinterpret_cast<uintptr_t>(last);
        g->next = reinterpret_cast<uintptr_t>(head);
        head->prev = reinterpret_cast<uintptr_t>(g);
    }

private:
    cpython_gc::Generation* young_ = nullptr;
};

bool init_gc_objects();
#else
inline bool init_gc_objects() { return true; }
#endif

}  // namespace rjson::decode

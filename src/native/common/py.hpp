// Small helpers over the CPython C API shared by the encoder and the decoder.
#pragma once
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <utility>

#if defined(__GNUC__)
#define RJSON_LIKELY(x) __builtin_expect(!!(x), 1)
#define RJSON_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define RJSON_INLINE inline __attribute__((always_inline))
#define RJSON_NOINLINE __attribute__((noinline))
#else
#define RJSON_LIKELY(x) (x)
#define RJSON_UNLIKELY(x) (x)
#define RJSON_INLINE inline
#define RJSON_NOINLINE
#endif

namespace rjson {

// An owned reference: released when it goes out of scope unless release()d.
class Ref {
public:
    Ref() = default;
    explicit Ref(PyObject* owned) : p_(owned) {}
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Ref& operator=(Ref&& o) noexcept {
        Py_XDECREF(p_);
        p_ = std::exchange(o.p_, nullptr);
        return *this;
    }
    ~Ref() { Py_XDECREF(p_); }
    PyObject* get() const { return p_; }
    PyObject* release() { return std::exchange(p_, nullptr); }
    explicit operator bool() const { return p_ != nullptr; }

private:
    PyObject* p_ = nullptr;
};

// PyModule_AddObjectRef arrived in 3.10; this is the same for 3.9 too.
inline int add_module_ref(PyObject* module, const char* name, PyObject* value) {
    Py_INCREF(value);
    if (PyModule_AddObject(module, name, value) < 0) {
        Py_DECREF(value);
        return -1;
    }
    return 0;
}

// The exception being raised, taken out of the error indicator (normalized), or null.
inline PyObject* take_exception() {
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value && tb) PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}

// Raise exc (a reference is stolen).
inline void raise_exception(PyObject* exc) {
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exc);
#else
    PyObject* type = reinterpret_cast<PyObject*>(Py_TYPE(exc));
    Py_INCREF(type);
    PyErr_Restore(type, exc, PyException_GetTraceback(exc));
#endif
}

// Objects looked up once at import and kept for the life of the process. All are
// strong references owned by the module (see module.cpp).
struct Globals {
    PyObject* json_module;          // the standard library's json
    PyObject* json_dumps;           // json.dumps, for calls rjson delegates whole
    PyObject* json_loads;           // json.loads, likewise
    PyObject* json_encoder_class;   // json.JSONEncoder
    PyObject* json_decoder_class;   // json.JSONDecoder
    PyObject* JSONDecodeError;      // rjson.JSONDecodeError(json.JSONDecodeError)
    PyObject* JSONEncodeError;      // rjson.JSONEncodeError(TypeError)
};
extern Globals g;

}  // namespace rjson

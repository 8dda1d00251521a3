#include "decode/error.hpp"

namespace rjson::decode {

void raise_decode_error(const char* msg, PyObject* doc, Py_ssize_t pos) {
    // Built like the C scanner's raise_errmsg: the instance is created first so that its
    // __init__ fills lineno/colno from (doc, pos), then raised as is.
    PyObject* exc = PyObject_CallFunction(g.JSONDecodeError, "sOn", msg, doc, pos);
    if (!exc) return;
    PyErr_SetObject(g.JSONDecodeError, exc);
    Py_DECREF(exc);
}

}  // namespace rjson::decode

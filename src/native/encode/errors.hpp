// The encoder's exceptions whose text takes some building: json's and orjson's own.
#pragma once
#include "common/py.hpp"

namespace rjson::encode {

// orjson's error when default raises: JSONEncodeError, caused by what it raised.
inline void raise_default_failed(PyObject* o) {
    PyObject* cause = take_exception();
    PyErr_Format(g.JSONEncodeError, "Type is not JSON serializable: %s", Py_TYPE(o)->tp_name);
    PyObject* exc = take_exception();
    if (exc && cause) {
        Py_INCREF(cause);
        PyException_SetContext(exc, cause);
        PyException_SetCause(exc, cause);
    } else {
        Py_XDECREF(cause);
    }
    if (exc) raise_exception(exc);
}

inline void not_serializable(PyObject* o) {
    Ref cls(PyObject_GetAttrString(o, "__class__"));
    Ref name(cls ? PyObject_GetAttrString(cls.get(), "__name__") : nullptr);
    if (name) PyErr_Format(PyExc_TypeError, "Object of type %S is not JSON serializable", name.get());
}

}  // namespace rjson::encode

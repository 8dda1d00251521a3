// PLACEHOLDER until the native encoder lands: forwards to json.dumps.
#include "encode/api.hpp"

namespace rjson::encode {

bool init(PyObject*) { return true; }

PyObject* dumps(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    return PyObject_Vectorcall(g.json_dumps, args, static_cast<size_t>(nargs), kwnames);
}

PyObject* dumpb(PyObject*, PyObject* const*, Py_ssize_t, PyObject*) {
    PyErr_SetString(PyExc_NotImplementedError, "dumpb");
    return nullptr;
}

}  // namespace rjson::encode

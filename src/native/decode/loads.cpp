// PLACEHOLDER until the native decoder lands: forwards to json.loads.
#include "decode/api.hpp"

namespace rjson::decode {

bool init(PyObject*) { return true; }

PyObject* loads(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    return PyObject_Vectorcall(g.json_loads, args, static_cast<size_t>(nargs), kwnames);
}

}  // namespace rjson::decode

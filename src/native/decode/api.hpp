// The decoder's entry points, as the module's method table calls them.
#pragma once
#include "common/py.hpp"

namespace rjson::decode {

bool init(PyObject* module);
PyObject* loads(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames);

}  // namespace rjson::decode

// The encoder's entry points, as the module's method table calls them.
#pragma once
#include "common/py.hpp"

namespace rjson::encode {

bool init(PyObject* module);
PyObject* dumps(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames);
PyObject* dumpb(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames);
PyObject* format_float(PyObject* self, PyObject* const* args, Py_ssize_t nargs);  // test hook

}  // namespace rjson::encode

// rjson._rjson._format_float(x, style): a test hook, not API. Formats one float by the
// fast path (style 0: repr layout, 1: orjson layout) or by the std::to_chars twin
// (2, 3), so tests check the fast digits against both repr and the reference.
#include <cmath>
#include "encode/api.hpp"
#include "encode/numbers.hpp"

namespace rjson::encode {

PyObject* format_float(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "_format_float(x, style) takes 2 arguments");
        return nullptr;
    }
    double x = PyFloat_AsDouble(args[0]);
    if (x == -1.0 && PyErr_Occurred()) return nullptr;
    long style = PyLong_AsLong(args[1]);
    if (style == -1 && PyErr_Occurred()) return nullptr;
    if (!std::isfinite(x) || style < 0 || style > 3) {
        PyErr_SetString(PyExc_ValueError, "finite x and style 0-3 expected");
        return nullptr;
    }
    char buf[kMaxNumberChars];
    FloatStyle fs = style % 2 ? kOrjson : kPythonRepr;
    char* end = style < 2 ? write_double(buf, x, fs) : write_double_std(buf, x, fs);
    return PyUnicode_FromStringAndSize(buf, end - buf);
}

}  // namespace rjson::encode

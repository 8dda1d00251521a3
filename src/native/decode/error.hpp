// Raising the decoder's exceptions, with json's exact messages and positions.
#pragma once
#include "common/py.hpp"

namespace rjson::decode {

// rjson.JSONDecodeError(msg, doc, pos): lineno/colno are computed by json's __init__.
void raise_decode_error(const char* msg, PyObject* doc, Py_ssize_t pos);

}  // namespace rjson::decode

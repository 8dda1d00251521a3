// Reading Python objects where the C API's layout differs by version: each read has a
// fast path behind a PY_VERSION_HEX check and the public API as its fallback.
#pragma once
#include <cstdint>
#include "common/py.hpp"

#if PY_VERSION_HEX < 0x030B0000
#include <longintrepr.h>
#endif

namespace rjson::encode {

// A str must be "ready" before its kind and data are read; only 3.9-3.11 have
// str objects that are not (made by deprecated wchar_t APIs).
RJSON_INLINE bool str_ready(PyObject* s) {
#if PY_VERSION_HEX < 0x030C0000
    return PyUnicode_READY(s) == 0;
#else
    (void)s;
    return true;
#endif
}

// A compact ASCII str's chars, which follow its PyASCIIObject header on every version
// (what PyUnicode_DATA computes after testing the kind, without the test).
RJSON_INLINE const uint8_t* compact_ascii_data(PyObject* s) {
    return reinterpret_cast<const uint8_t*>(reinterpret_cast<PyASCIIObject*>(s) + 1);
}

// The value of an int that fits in 64 signed bits, read without a call where the
// layout is known. Returns false (no error set) when it does not fit.
RJSON_INLINE bool small_int_value(PyObject* o, int64_t* out) {
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact(reinterpret_cast<PyLongObject*>(o))) {
        *out = PyUnstable_Long_CompactValue(reinterpret_cast<PyLongObject*>(o));
        return true;
    }
#else
    Py_ssize_t size = Py_SIZE(o);
    const digit* d = reinterpret_cast<PyLongObject*>(o)->ob_digit;
    if (size >= -1 && size <= 1) {
        *out = size * static_cast<int64_t>(d[0]);
        return true;
    }
    if (size == 2 || size == -2) {
        int64_t v = static_cast<int64_t>(d[0]) | (static_cast<int64_t>(d[1]) << PyLong_SHIFT);
        *out = size < 0 ? -v : v;
        return true;
    }
#endif
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) return false;
    *out = v;
    return true;
}

}  // namespace rjson::encode

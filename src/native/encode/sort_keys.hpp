// sort_keys: the (key, value) items in the order json gives them.
#pragma once
#include <algorithm>
#include <cstring>
#include "common/py.hpp"
#include "encode/pyread.hpp"
#include "simd/generic.hpp"

namespace rjson::encode {

// Code-point order, as str's < gives.
inline bool str_less(PyObject* a, PyObject* b) {
    int ka = PyUnicode_KIND(a), kb = PyUnicode_KIND(b);
    Py_ssize_t na = PyUnicode_GET_LENGTH(a), nb = PyUnicode_GET_LENGTH(b);
    if (ka == 1 && kb == 1) {
        int c = std::memcmp(PyUnicode_1BYTE_DATA(a), PyUnicode_1BYTE_DATA(b), static_cast<size_t>(std::min(na, nb)));
        return c < 0 || (c == 0 && na < nb);
    }
    const void* da = PyUnicode_DATA(a);
    const void* db = PyUnicode_DATA(b);
    Py_ssize_t n = std::min(na, nb);
    for (Py_ssize_t i = 0; i < n; ++i) {
        Py_UCS4 ca = PyUnicode_READ(ka, da, i), cb = PyUnicode_READ(kb, db, i);
        if (ca != cb) return ca < cb;
    }
    return na < nb;
}


// The first 8 bytes of a one-byte-kind str as a big-endian number, zero-padded: two
// differing prefixes order their strs as str_less does (a str that ends first is
// padded with zeros, and so is less), so only equal prefixes need str_less. Short
// keys are read as a whole word where the page allows and then masked.
__attribute__((no_sanitize_address)) inline uint64_t sort_prefix(PyObject* s) {
    const auto* data = PyUnicode_1BYTE_DATA(s);
    const auto n = static_cast<size_t>(PyUnicode_GET_LENGTH(s));
    uint64_t word = 0;
    if (n >= 8 || simd::generic::within_page(data, 8)) std::memcpy(&word, data, 8);
    else std::memcpy(&word, data, n);
    if (n < 8) word &= (uint64_t{1} << (8 * n)) - 1;
    return __builtin_bswap64(word);
}

// json sorts the (key, value) tuples. When every key is an exact str the keys
// decide alone (they are distinct), so compare them directly; otherwise let
// list.sort compare the tuples and raise what json raises for mixed keys.
inline bool sort_items(PyObject* items) {
    Py_ssize_t n = PyList_GET_SIZE(items);
    PyObject** a = reinterpret_cast<PyListObject*>(items)->ob_item;
    for (Py_ssize_t i = 0; i < n; ++i) {
        PyObject* item = a[i];
        if (!PyTuple_CheckExact(item) || PyTuple_GET_SIZE(item) != 2 ||
            !PyUnicode_CheckExact(PyTuple_GET_ITEM(item, 0)) || !str_ready(PyTuple_GET_ITEM(item, 0)))
            return PyList_Sort(items) == 0;
    }
    std::sort(a, a + n, [](PyObject* x, PyObject* y) {
        return str_less(PyTuple_GET_ITEM(x, 0), PyTuple_GET_ITEM(y, 0));
    });
    return true;
}

}  // namespace rjson::encode

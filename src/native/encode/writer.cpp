#include "encode/writer.hpp"

namespace rjson::encode {

bool UnicodeWriter::grow(size_t n) {
    size_t want = cap_ * 2 > len_ + n ? cap_ * 2 : len_ + n + cap_;
    if (str_) {
        if (PyUnicode_Resize(&str_, static_cast<Py_ssize_t>(want + simd::kStoreSlack)) < 0) return false;
        buf_ = static_cast<uint8_t*>(PyUnicode_DATA(str_));
        cap_ = want;
        return true;
    }
    auto* p = static_cast<uint8_t*>(PyMem_Realloc(buf_, want * static_cast<size_t>(kind_) + simd::kStoreSlack));
    if (!p) {
        PyErr_NoMemory();
        return false;
    }
    buf_ = p;
    cap_ = want;
    return true;
}

template <class From, class To>
static void widen_copy(To* dst, const From* src, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

bool UnicodeWriter::widen_to(int kind) {
    if (kind <= kind_) return true;
    auto* p = static_cast<uint8_t*>(PyMem_Malloc(cap_ * static_cast<size_t>(kind) + simd::kStoreSlack));
    if (!p) {
        PyErr_NoMemory();
        return false;
    }
    if (kind == 2) widen_copy(reinterpret_cast<uint16_t*>(p), buf_, len_);
    else if (kind_ == 1) widen_copy(reinterpret_cast<uint32_t*>(p), buf_, len_);
    else widen_copy(reinterpret_cast<uint32_t*>(p), reinterpret_cast<uint16_t*>(buf_), len_);
    if (str_) Py_CLEAR(str_);
    else PyMem_Free(buf_);
    buf_ = p;
    kind_ = kind;
    return true;
}

bool UnicodeWriter::leave_str() {
    auto* p = static_cast<uint8_t*>(PyMem_Malloc(cap_ + simd::kStoreSlack));
    if (!p) {
        PyErr_NoMemory();
        return false;
    }
    std::memcpy(p, buf_, len_);
    Py_CLEAR(str_);
    buf_ = p;
    return true;
}

PyObject* UnicodeWriter::finish() {
    if (str_) {
        if (PyUnicode_Resize(&str_, static_cast<Py_ssize_t>(len_)) < 0) return nullptr;
        buf_ = nullptr;  // it was the str's data
        return std::exchange(str_, nullptr);
    }
    Py_UCS4 maxchar = kind_ == 4 ? 0x10FFFF : kind_ == 2 ? 0xFFFF : latin1_ ? 0xFF : 0x7F;
    PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(len_), maxchar);
    if (!s) return nullptr;
    std::memcpy(PyUnicode_DATA(s), buf_, len_ * static_cast<size_t>(kind_));
    return s;
}

}  // namespace rjson::encode

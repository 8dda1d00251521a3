#include "encode/writer.hpp"

namespace rjson::encode {

namespace {
// Whether a buffer leaving scratch_ starts as a Latin-1 str rather than an ASCII one:
// when the last two outputs that left it both held a char past ASCII (their content_).
// Documents of one kind tend to come in a row, and an ASCII str is replaced when the
// first Latin-1 char comes, a copy of everything written before it (github_events: a
// Latin-1 char at 29K of 53K chars). A wrong guess costs one copy at the end, to ASCII.
class KindHint {
public:
    static int guess() {
        int a = last_.load(std::memory_order_relaxed), b = previous_.load(std::memory_order_relaxed);
        return a < b ? a : b;
    }
    static void output(int content) {
        previous_.store(last_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        last_.store(content, std::memory_order_relaxed);
    }

private:
    static inline std::atomic<int> last_{0}, previous_{0};
};
}  // namespace

bool UnicodeWriter::grow(size_t n) {
    size_t want = grown_capacity(cap_, len_ + n);
    if (!str_) {
        // (Only Latin-1 over ASCII: a wider kind would change the unit type under the
        // loops that reserve, which write on at the type they started with.)
        if (kind_ == 1 && KindHint::guess() >= 1) latin1_ = true;
        return replace_str(kind_, BufferSizes::first_capacity(want * static_cast<size_t>(kind_)) / static_cast<size_t>(kind_));
    }
    if (PyUnicode_Resize(&str_, static_cast<Py_ssize_t>(want + simd::kStoreSlack)) < 0) return false;
    buf_ = static_cast<uint8_t*>(PyUnicode_DATA(str_));
    cap_ = want;
    return true;
}

template <class From, class To>
static void widen_copy(To* dst, const From* src, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

static Py_UCS4 max_char(int kind, bool latin1) { return kind == 4 ? 0x10FFFF : kind == 2 ? 0xFFFF : latin1 ? 0xFF : 0x7F; }

bool UnicodeWriter::replace_str(int kind, size_t capacity) {
    // A widening of a large buffer that holds little of its capacity (citm_catalog: 44K
    // chars of 1M): what is written is set aside and the old str freed first, so that
    // the new one, sized to fit in the old one's block (see widen_to), takes that block.
    // Made while the old one lived, it took fresh memory past the heap's top, whose
    // pages fault when first written (citm_catalog after another library's call freed
    // its buffer: ~37 faults a call).
    const size_t bytes = len_ * static_cast<size_t>(kind_);
    uint8_t* held = nullptr;
    if (str_ && kind != kind_ && bytes * 8 <= cap_ * static_cast<size_t>(kind_)) {
        if (!(held = static_cast<uint8_t*>(PyMem_Malloc(bytes ? bytes : 1)))) {
            PyErr_NoMemory();
            return false;
        }
        std::memcpy(held, buf_, bytes);
        Py_CLEAR(str_);
        buf_ = held;
    }
    PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(capacity + simd::kStoreSlack), max_char(kind, latin1_));
    if (!s) {
        if (held) {  // (the output is lost with the error)
            PyMem_Free(held);
            buf_ = scratch_;
            cap_ = kScratch;
            len_ = 0;
            kind_ = 1;
        }
        return false;
    }
    auto* p = static_cast<uint8_t*>(PyUnicode_DATA(s));
    if (kind == kind_) std::memcpy(p, buf_, len_ * static_cast<size_t>(kind));
    else if (kind == 2) widen_copy(reinterpret_cast<uint16_t*>(p), buf_, len_);
    else if (kind_ == 1) widen_copy(reinterpret_cast<uint32_t*>(p), buf_, len_);
    else widen_copy(reinterpret_cast<uint32_t*>(p), reinterpret_cast<uint16_t*>(buf_), len_);
    Py_XSETREF(str_, s);
    if (held) PyMem_Free(held);
    buf_ = p;
    cap_ = capacity;
    kind_ = kind;
    return true;
}

// The same room in bytes, not in chars: a large buffer was sized from the last output's
// bytes, and one twice that size (with the narrow one freed) left glibc trimming and
// refaulting its heap top on every call (citm_catalog, which widens 44K chars in: 253
// page faults a call). What no longer fits grows as usual.
bool UnicodeWriter::widen_to(int kind) {
    if (kind > 1) note(kind);
    if (kind <= kind_) return true;
    size_t capacity = cap_ * static_cast<size_t>(kind_) / static_cast<size_t>(kind);
    if (str_) {
        // Past scratch_, so that the wider str fits in the narrow one's block (see
        // replace_str): its slack in bytes grows with the kind, and its header may be
        // larger (by under 64 bytes).
        const size_t fit = ((cap_ + simd::kStoreSlack + 1) * static_cast<size_t>(kind_) - 64) / static_cast<size_t>(kind);
        capacity = fit > simd::kStoreSlack + 1 ? fit - simd::kStoreSlack - 1 : 0;
    }
    return replace_str(kind, capacity > len_ + kScratch ? capacity : len_ + kScratch);
}

PyObject* UnicodeWriter::finish() {
    if (!str_) {  // still in scratch_: one byte a char
        PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(len_), max_char(1, latin1_));
        if (s) std::memcpy(PyUnicode_DATA(s), scratch_, len_);
        return s;
    }
    BufferSizes::output(len_ * static_cast<size_t>(kind_));
    KindHint::output(content_);
    if (content_ != (kind_ > 1 ? kind_ : latin1_ ? 1 : 0)) {  // a wrong guess: the narrowest str there is
        PyObject* s = PyUnicode_FromKindAndData(kind_, buf_, static_cast<Py_ssize_t>(len_));
        if (!s) return nullptr;
        Py_CLEAR(str_);
        buf_ = nullptr;
        return s;
    }
    if (BufferSizes::copy_out(str_, (cap_ + simd::kStoreSlack) * static_cast<size_t>(kind_))) {
        PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(len_), max_char(kind_, latin1_));
        if (!s) return nullptr;
        std::memcpy(PyUnicode_DATA(s), buf_, len_ * static_cast<size_t>(kind_));
        Py_CLEAR(str_);
        buf_ = nullptr;
        return s;
    }
    if (PyUnicode_Resize(&str_, static_cast<Py_ssize_t>(len_)) < 0) return nullptr;
    buf_ = nullptr;  // it was the str's data
    return std::exchange(str_, nullptr);
}

}  // namespace rjson::encode

// rjson.loads: argument handling and input dispatch; the parsing is in parser.hpp.
//
// Anything json.loads does that rjson does not do natively (a custom cls, unknown
// keywords, subclasses of str/bytes, other input types) is delegated to json.loads
// whole, which gives its exact semantics, errors included.
#include "decode/api.hpp"
#include "decode/error.hpp"
#include "decode/parser.hpp"

namespace rjson::decode {

Constants constants;
KeyCache key_cache;

namespace {

// Interned keyword names, compared by pointer first.
enum Kw { kCls, kObjectHook, kParseFloat, kParseInt, kParseConstant, kObjectPairsHook, kStrict, kNumKw };
const char* const kKwNames[kNumKw] = {"cls", "object_hook", "parse_float", "parse_int",
                                      "parse_constant", "object_pairs_hook", "strict"};
PyObject* kw_strs[kNumKw];

PyObject* delegate(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    return PyObject_Vectorcall(g.json_loads, args, static_cast<size_t>(nargs), kwnames);
}

int keyword_index(PyObject* name) {
    for (int i = 0; i < kNumKw; ++i)
        if (name == kw_strs[i]) return i;
    for (int i = 0; i < kNumKw; ++i)
        if (PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, kKwNames[i]) == 0) return i;
    return -1;
}

// The hook json would use, or nullptr for its default. JSONDecoder keeps
// `parse_float or float` (and likewise parse_int, parse_constant), so a false value
// means the default; float and int themselves are what its C scanner special-cases.
int number_hook(PyObject* value, PyObject* default_type, PyObject** out) {
    *out = nullptr;
    if (!value || value == Py_None || value == default_type) return 0;
    int truth = PyObject_IsTrue(value);
    if (truth < 0) return -1;
    if (truth) *out = value;
    return 0;
}

// Without hooks no Python code runs during a parse and it makes no cycles, so cyclic
// collections triggered by its allocations would only traverse the fresh, acyclic
// result again and again: the collector is paused for the parse (3.10+ public API) and
// resumes as it was. With hooks it stays as the user left it.
class GcPause {
public:
    GcPause() {
#if PY_VERSION_HEX >= 0x030A0000
        was_enabled_ = PyGC_Disable();
#endif
    }
    ~GcPause() {
#if PY_VERSION_HEX >= 0x030A0000
        if (was_enabled_) PyGC_Enable();
#endif
    }

private:
    int was_enabled_ = 0;
};

template <class C, bool kUtf8>
PyObject* run(const C* data, size_t n, PyObject* doc, const Options& opts) {
    if (opts.has_hooks()) return Parser<C, kUtf8, true>(data, n, doc, opts).parse_document();
    GcPause pause;
    return Parser<C, kUtf8, false>(data, n, doc, opts).parse_document();
}

// A non-empty str. json rejects a leading BOM only in str input (check_bom): in a str
// it decoded from bytes, a BOM left after the codec's own is just an unexpected char.
PyObject* parse_str(PyObject* s, const Options& opts, bool check_bom) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    const void* data = PyUnicode_DATA(s);
    switch (PyUnicode_KIND(s)) {
        case PyUnicode_1BYTE_KIND:
            return run<uint8_t, false>(static_cast<const uint8_t*>(data), static_cast<size_t>(n), s, opts);
        case PyUnicode_2BYTE_KIND:
            if (check_bom && PyUnicode_2BYTE_DATA(s)[0] == 0xFEFF) break;
            return run<uint16_t, false>(static_cast<const uint16_t*>(data), static_cast<size_t>(n), s, opts);
        default:
            if (check_bom && PyUnicode_4BYTE_DATA(s)[0] == 0xFEFF) break;
            return run<uint32_t, false>(static_cast<const uint32_t*>(data), static_cast<size_t>(n), s, opts);
    }
    // A UCS1 str cannot hold U+FEFF, and a wider one is never empty.
    raise_decode_error("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0);
    return nullptr;
}

// json.detect_encoding, for the encodings that are not UTF-8.
const char* detect_encoding(const uint8_t* b, size_t n, size_t* skip) {
    *skip = 0;
    if (n >= 4 && ((b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF) ||
                   (b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)))
        return "utf-32";
    if (n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE))) return "utf-16";
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *skip = 3;  // utf-8-sig: the same as UTF-8 after its BOM
        return nullptr;
    }
    if (n >= 4) {
        if (!b[0]) return b[1] ? "utf-16-be" : "utf-32-be";
        if (!b[1]) return (b[2] || b[3]) ? "utf-16-le" : "utf-32-le";
    } else if (n == 2) {
        if (!b[0]) return "utf-16-be";
        if (!b[1]) return "utf-16-le";
    }
    return nullptr;
}

// bytes-like input: UTF-8 is parsed straight from the buffer; anything else, and every
// error, goes through the str json itself would have decoded.
PyObject* parse_bytes(const uint8_t* b, size_t n, const Options& opts) {
    size_t skip;
    const char* encoding = detect_encoding(b, n, &skip);
    if (!encoding && !opts.has_hooks()) {
        // Hooks are excluded: json calls none when the bytes do not decode, so with
        // hooks the document is decoded first (below).
        PyObject* v = run<uint8_t, true>(b + skip, n - skip, nullptr, opts);
        if (v) return v;
        // The error, if any, is redone on the decoded str: its UnicodeDecodeError wins
        // over syntax errors, and positions are counted in chars.
        PyErr_Clear();
    }
    Ref s(encoding ? PyUnicode_Decode(reinterpret_cast<const char*>(b), static_cast<Py_ssize_t>(n), encoding,
                                      "surrogatepass")
                   : PyUnicode_DecodeUTF8(reinterpret_cast<const char*>(b + skip),
                                          static_cast<Py_ssize_t>(n - skip), "surrogatepass"));
    if (!s) return nullptr;
    if (PyUnicode_GET_LENGTH(s.get()) == 0) return run<uint8_t, false>(nullptr, 0, s.get(), opts);
    return parse_str(s.get(), opts, false);
}

}  // namespace

#ifdef RJSON_DIRECT_GC
ptrdiff_t gc_young_offset = 0;

// A fresh list is tracked at the young list's tail: its next link is the head, which
// must lie in the interpreter state and read the threshold and count gc reports.
bool init_gc_objects() {
    Ref gc(PyImport_ImportModule("gc"));
    if (!gc) return false;
    Ref get_count(PyObject_GetAttrString(gc.get(), "get_count"));
    Ref get_threshold(PyObject_GetAttrString(gc.get(), "get_threshold"));
    if (!get_count || !get_threshold) return false;
    Ref list(PyList_New(0));
    if (!list) return false;
    auto* g = cpython_gc::as_gc(list.get());
    auto* head = reinterpret_cast<cpython_gc::Generation*>(g->next);
    if (!head || (head->head.prev & ~uintptr_t{3}) != reinterpret_cast<uintptr_t>(g)) return true;
    ptrdiff_t offset = reinterpret_cast<char*>(head) - reinterpret_cast<char*>(PyInterpreterState_Get());
    if (offset <= 0 || offset > (ptrdiff_t{1} << 20)) return true;
    int count = head->count, threshold = head->threshold;  // before the calls allocate
    Ref counts(PyObject_CallNoArgs(get_count.get()));
    Ref thresholds(PyObject_CallNoArgs(get_threshold.get()));
    if (!counts || !thresholds) return false;
    long c = PyLong_AsLong(PyTuple_GetItem(counts.get(), 0));
    long t = PyLong_AsLong(PyTuple_GetItem(thresholds.get(), 0));
    if (PyErr_Occurred()) return false;
    if (c == count && t == threshold) gc_young_offset = offset;
    return true;
}
#endif

bool init(PyObject*) {
    for (int i = 0; i < kNumKw; ++i) {
        kw_strs[i] = PyUnicode_InternFromString(kKwNames[i]);
        if (!kw_strs[i]) return false;
    }
    Ref decoder(PyImport_ImportModule("json.decoder"));
    if (!decoder) return false;
    constants.nan = PyObject_GetAttrString(decoder.get(), "NaN");
    constants.pos_inf = PyObject_GetAttrString(decoder.get(), "PosInf");
    constants.neg_inf = PyObject_GetAttrString(decoder.get(), "NegInf");
    return constants.nan && constants.pos_inf && constants.neg_inf && init_small_ints() && init_gc_objects();
}

PyObject* loads(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    if (nargs != 1) return delegate(args, nargs, kwnames);
    PyObject* values[kNumKw] = {};
    if (kwnames) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t i = 0; i < nkw; ++i) {
            int k = keyword_index(PyTuple_GET_ITEM(kwnames, i));
            if (k < 0) return delegate(args, nargs, kwnames);
            values[k] = args[nargs + i];
        }
    }
    PyObject* cls = values[kCls];
    if (cls && cls != Py_None && cls != g.json_decoder_class) return delegate(args, nargs, kwnames);

    PyObject* s = args[0];
    bool is_str = PyUnicode_CheckExact(s);
    bool is_bytes = PyBytes_CheckExact(s);
    bool is_buffer = PyByteArray_CheckExact(s) || PyMemoryView_Check(s);
    if (!is_str && !is_bytes && !is_buffer) return delegate(args, nargs, kwnames);

    Options opts;
    if (values[kStrict]) {
        int strict = PyObject_IsTrue(values[kStrict]);
        if (strict < 0) return nullptr;
        opts.strict = strict != 0;
    }
    if (values[kObjectHook] != Py_None) opts.object_hook = values[kObjectHook];
    if (values[kObjectPairsHook] != Py_None) opts.object_pairs_hook = values[kObjectPairsHook];
    if (number_hook(values[kParseFloat], reinterpret_cast<PyObject*>(&PyFloat_Type), &opts.parse_float) < 0 ||
        number_hook(values[kParseInt], reinterpret_cast<PyObject*>(&PyLong_Type), &opts.parse_int) < 0 ||
        number_hook(values[kParseConstant], nullptr, &opts.parse_constant) < 0)
        return nullptr;

    if (is_str) {
        if (PyUnicode_GET_LENGTH(s) == 0) return run<uint8_t, false>(nullptr, 0, s, opts);
        return parse_str(s, opts, true);
    }
    if (is_bytes)
        return parse_bytes(reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(s)),
                           static_cast<size_t>(PyBytes_GET_SIZE(s)), opts);
    // bytearray and memoryview: holding the buffer keeps a bytearray from being resized
    // under the parser (by a hook, or a finalizer run by the garbage collector).
    Py_buffer view;
    if (PyObject_GetBuffer(s, &view, PyBUF_SIMPLE) < 0) {
        // A non-contiguous memoryview: take its bytes.
        PyErr_Clear();
        Ref copy(PyBytes_FromObject(s));
        if (!copy) return nullptr;
        return parse_bytes(reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(copy.get())),
                           static_cast<size_t>(PyBytes_GET_SIZE(copy.get())), opts);
    }
    PyObject* r = parse_bytes(static_cast<const uint8_t*>(view.buf), static_cast<size_t>(view.len), opts);
    PyBuffer_Release(&view);
    return r;
}

}  // namespace rjson::decode

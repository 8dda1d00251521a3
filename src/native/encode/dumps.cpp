// dumps and dumpb: argument parsing, the choice of writer, and delegation to json for
// the few combinations json itself must handle (a custom cls, unknown keywords,
// arguments of types json only reads when it needs them).
#include <cmath>
#include "encode/api.hpp"
#include "encode/encoder.hpp"

namespace rjson::encode {

namespace {

// dumps' keyword names, interned so the usual call matches by pointer.
enum Kw { kSkipkeys, kEnsureAscii, kCheckCircular, kAllowNan, kCls, kIndent, kSeparators, kDefault, kSortKeys, kNumKw };
const char* const kKwNames[kNumKw] = {"skipkeys", "ensure_ascii", "check_circular", "allow_nan", "cls",
                                      "indent", "separators", "default", "sort_keys"};
PyObject* kw_objects[kNumKw];
PyObject* kw_option;   // "option", for dumpb
PyObject* kw_default;  // "default", for dumpb

// Index of kwname in names (pointer first, then by value), or -1.
int find_kw(PyObject* kwname, PyObject* const* names, int n) {
    for (int i = 0; i < n; ++i)
        if (kwname == names[i]) return i;
    for (int i = 0; i < n; ++i)
        if (PyUnicode_Compare(kwname, names[i]) == 0) return i;
    return -1;
}

template <class W, bool kJson, Seps kSeps = Seps::options>
PyObject* run(PyObject* obj, const Options& opt) {
    W w;
    Encoder<W, kJson, kSeps> enc(w, opt);
    if (!enc.encode(obj)) return nullptr;
    return w.finish();
}

PyObject* delegate(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    return PyObject_Vectorcall(g.json_dumps, args, static_cast<size_t>(nargs), kwnames);
}

// Whether s (an exact str) is one ASCII char, in the compact form that needs no
// readying: separators=(",", ":") is checked this way before make_piece.
inline bool one_ascii_char(PyObject* s) {
    return PyUnicode_IS_COMPACT_ASCII(s) && PyUnicode_GET_LENGTH(s) == 1;
}

// A separator or indent str as a Piece. Sets *ascii to whether it is ASCII.
bool make_piece(PyObject* s, Piece* p, bool* ascii) {
    if (!str_ready(s)) return false;
    p->str = s;
    if (PyUnicode_IS_ASCII(s)) {
        p->ascii = reinterpret_cast<const char*>(PyUnicode_1BYTE_DATA(s));
        p->len = static_cast<size_t>(PyUnicode_GET_LENGTH(s));
        p->pad();
    } else {
        p->ascii = nullptr;
        *ascii = false;
    }
    return true;
}

// The keywords of the usual compact str call, ensure_ascii=False and
// separators=(",", ":") in either order, by identity and cheap checks: the general
// parse below costs more than tiny documents' encoding (~80 instructions a call).
const Options kCompactOptions = [] {
    Options o;
    o.item_sep = Piece{",", 1, nullptr};
    o.key_sep = Piece{":", 1, nullptr};
    return o;
}();

bool is_compact_call(PyObject* const* args, PyObject* kwnames) {
    if (PyTuple_GET_SIZE(kwnames) != 2) return false;
    PyObject* first = PyTuple_GET_ITEM(kwnames, 0);
    PyObject* seps;
    if (first == kw_objects[kEnsureAscii] && PyTuple_GET_ITEM(kwnames, 1) == kw_objects[kSeparators]) {
        if (args[1] != Py_False) return false;
        seps = args[2];
    } else if (first == kw_objects[kSeparators] && PyTuple_GET_ITEM(kwnames, 1) == kw_objects[kEnsureAscii]) {
        if (args[2] != Py_False) return false;
        seps = args[1];
    } else {
        return false;
    }
    if (!PyTuple_CheckExact(seps) || PyTuple_GET_SIZE(seps) != 2) return false;
    PyObject* item = PyTuple_GET_ITEM(seps, 0);
    PyObject* key = PyTuple_GET_ITEM(seps, 1);
    return PyUnicode_CheckExact(item) && PyUnicode_CheckExact(key) && one_ascii_char(item) && one_ascii_char(key) &&
           PyUnicode_1BYTE_DATA(item)[0] == ',' && PyUnicode_1BYTE_DATA(key)[0] == ':';
}

constexpr Py_ssize_t kMaxNativeIndent = 256;
char spaces[kMaxNativeIndent + 1];

}  // namespace

bool init(PyObject*) {
    for (int i = 0; i < kNumKw; ++i)
        if (!(kw_objects[i] = PyUnicode_InternFromString(kKwNames[i]))) return false;
    kw_option = PyUnicode_InternFromString("option");
    kw_default = kw_objects[kDefault];
    std::memset(spaces, ' ', kMaxNativeIndent);
    return kw_option != nullptr;
}

PyObject* dumps(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    if (nargs != 1) return delegate(args, nargs, kwnames);
    if (kwnames && is_compact_call(args, kwnames)) return run<UnicodeWriter, true, Seps::compact>(args[0], kCompactOptions);
    PyObject* kw[kNumKw] = {};
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nkw; ++i) {
        int k = find_kw(PyTuple_GET_ITEM(kwnames, i), kw_objects, kNumKw);
        if (k < 0) return delegate(args, nargs, kwnames);  // json passes **kw to cls
        kw[k] = args[nargs + i];
    }
    if (kw[kCls] && kw[kCls] != Py_None && kw[kCls] != g.json_encoder_class) return delegate(args, nargs, kwnames);

    Options opt;
    bool ensure_ascii = true;
    auto flag = [](PyObject* v, bool* out) {
        if (!v) return true;
        if (v == Py_True || v == Py_False) {  // the usual values, without a call
            *out = v == Py_True;
            return true;
        }
        int t = PyObject_IsTrue(v);
        if (t < 0) return false;
        *out = t;
        return true;
    };
    if (!flag(kw[kSkipkeys], &opt.skipkeys) || !flag(kw[kEnsureAscii], &ensure_ascii) ||
        !flag(kw[kCheckCircular], &opt.check_circular) || !flag(kw[kAllowNan], &opt.allow_nan) ||
        !flag(kw[kSortKeys], &opt.sort_keys))
        return nullptr;
    if (kw[kDefault] && kw[kDefault] != Py_None) opt.default_fn = kw[kDefault];

    bool pieces_ascii = true;
    PyObject* indent = kw[kIndent];
    if (indent && indent != Py_None) {
        opt.pretty = true;
        if (PyUnicode_Check(indent)) {
            if (!make_piece(indent, &opt.indent, &pieces_ascii)) return nullptr;
        } else if (PyLong_CheckExact(indent)) {
            // json: ' ' * indent, so a negative count is no indent at all.
            Py_ssize_t n = PyLong_AsSsize_t(indent);
            if (n == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                return delegate(args, nargs, kwnames);
            }
            if (n > kMaxNativeIndent) return delegate(args, nargs, kwnames);
            opt.indent = Piece{spaces, static_cast<size_t>(n < 0 ? 0 : n), nullptr};
        } else {
            return delegate(args, nargs, kwnames);  // bools, other ints, floats: json's own outcome
        }
        opt.item_sep = Piece{",", 1, nullptr};
    }
    PyObject* seps = kw[kSeparators];
    if (seps && seps != Py_None) {
        if (!PyTuple_CheckExact(seps) || PyTuple_GET_SIZE(seps) != 2 ||
            !PyUnicode_CheckExact(PyTuple_GET_ITEM(seps, 0)) || !PyUnicode_CheckExact(PyTuple_GET_ITEM(seps, 1)))
            return delegate(args, nargs, kwnames);
        PyObject* item = PyTuple_GET_ITEM(seps, 0);
        PyObject* key = PyTuple_GET_ITEM(seps, 1);
        if (one_ascii_char(item) && one_ascii_char(key)) {  // (",", ":") and the like, inline
            opt.item_sep = Piece::one(item);
            opt.key_sep = Piece::one(key);
        } else if (!make_piece(item, &opt.item_sep, &pieces_ascii) || !make_piece(key, &opt.key_sep, &pieces_ascii)) {
            return nullptr;
        }
    }

    if (!ensure_ascii) {
        const bool compact = !opt.pretty && opt.item_sep.len == 1 && opt.item_sep.ascii && opt.item_sep.ascii[0] == ',' &&
                             opt.key_sep.len == 1 && opt.key_sep.ascii && opt.key_sep.ascii[0] == ':';
        if (compact) return run<UnicodeWriter, true, Seps::compact>(args[0], opt);
        return run<UnicodeWriter, true>(args[0], opt);
    }
    // ensure_ascii output is ASCII unless a separator or indent is not: json writes
    // those as they are. That rare case goes to json.
    if (!pieces_ascii) return delegate(args, nargs, kwnames);
    if (!opt.pretty && (!seps || seps == Py_None))  // json's default separators
        return run<ByteWriter<ByteTarget::ascii_str>, true, Seps::spaced>(args[0], opt);
    return run<ByteWriter<ByteTarget::ascii_str>, true>(args[0], opt);
}

PyObject* dumpb(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
    PyObject* given[3] = {};  // obj, default, option
    if (nargs < 1 || nargs > 3) {
        PyErr_Format(PyExc_TypeError, "dumpb() takes from 1 to 3 positional arguments but %zd were given", nargs);
        return nullptr;
    }
    for (Py_ssize_t i = 0; i < nargs; ++i) given[i] = args[i];
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject* const names[2] = {kw_default, kw_option};
    for (Py_ssize_t i = 0; i < nkw; ++i) {
        PyObject* name = PyTuple_GET_ITEM(kwnames, i);
        int k = find_kw(name, names, 2);
        if (k < 0) {
            PyErr_Format(PyExc_TypeError, "dumpb() got an unexpected keyword argument '%U'", name);
            return nullptr;
        }
        if (given[k + 1]) {
            PyErr_Format(PyExc_TypeError, "dumpb() got multiple values for argument '%U'", name);
            return nullptr;
        }
        given[k + 1] = args[nargs + i];
    }
    PyObject* option = given[2];
    if (option && option != Py_None) {
        long v = PyLong_Check(option) && !PyBool_Check(option) ? PyLong_AsLong(option) : -1;
        if (v != 0) {
            PyErr_Clear();
            PyErr_SetString(g.JSONEncodeError, "Invalid opts: dumpb supports no option flags yet (None or 0)");
            return nullptr;
        }
    }
    Options opt;
    if (given[1] && given[1] != Py_None) opt.default_fn = given[1];
    return run<ByteWriter<ByteTarget::bytes>, false>(args[0], opt);
}

}  // namespace rjson::encode

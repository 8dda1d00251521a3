// The recursive encoder: type dispatch, containers and keys, over any writer.
//
// One template serves both dialects: kJson follows json.dumps to the character
// (separators, indent, sort_keys, skipkeys, allow_nan, check_circular, default, the
// exact exceptions); otherwise it follows orjson.dumps (compact UTF-8, NaN as null,
// str keys only, 64-bit ints, a fixed depth limit). Scalars of exact types are handled
// inline; everything rarer goes through other(), where later types will be added.
#pragma once
#include <algorithm>
#include <type_traits>
#include "common/dict_layout.hpp"
#include "common/py.hpp"
#include "common/stack.hpp"
#include "encode/errors.hpp"
#include "encode/key_text.hpp"
#include "encode/numbers.hpp"
#include "encode/pyread.hpp"
#include "encode/sort_keys.hpp"
#include "encode/options.hpp"
#include "encode/strings.hpp"
#include "encode/writer.hpp"
#include "simd/short_strings.hpp"


namespace rjson::encode {

// Separators the lane may take as constants: json's options are known to be no indent
// and (",", ":") (the usual compact call) or json's default (", ", ": ").
enum class Seps { options, compact, spaced };

template <class W, bool kJson, Seps kSeps = Seps::options>
class Encoder {
public:
    Encoder(W& w, const Options& opt) : w_(w), opt_(opt) {}
    ~Encoder() {
        if (path_ != path_inline_) PyMem_Free(path_);
        if (newlines_) PyMem_Free(newlines_);  // only indent allocates it: no call per compact dumps
    }
    Encoder(const Encoder&) = delete;

    // The root is held too: push_marker's shortcut needs every container on the path
    // to have a reference besides the one it was reached by.
    bool encode(PyObject* o) {
        Py_INCREF(o);
        bool ok = value(o);
        Py_DECREF(o);
        return ok;
    }

private:
    static constexpr StrOut kStrOut = kJson ? StrOut::ascii : StrOut::utf8;
    // orjson's nesting limit; json's is the interpreter's recursion limit.
    static constexpr int kOrjsonMaxDepth = 254;
    static constexpr int kOrjsonMaxDefaultDepth = 255;  // nested calls of default
    // A hard cap under json's limit too, so a raised sys.setrecursionlimit cannot
    // make deep input overflow the C stack.
    static constexpr int kMaxDepth = 10000;

    // ---- scalars ----

    template <size_t N>
    RJSON_INLINE bool literal(const char (&text)[N]) {
        if (!w_.reserve(N)) return false;
        w_.put(text, N - 1);
        return true;
    }

    // One 8-byte store and a length: no branch on which of the two it is.
    RJSON_INLINE bool boolean(PyObject* o) {
        if (!w_.reserve(8)) return false;
        bool is_false = o == Py_False;
        if constexpr (W::kUnicode) {
            w_.put(is_false ? "false" : "true", 4 + is_false);
        } else {
            std::memcpy(w_.pos(), is_false ? "false\0\0\0" : "true\0\0\0\0", 8);
            w_.advance(4 + is_false);
        }
        return true;
    }

    RJSON_INLINE bool str(PyObject* s) {
        if (RJSON_UNLIKELY(!str_ready(s))) return false;
        if constexpr (W::kUnicode) return put_str(w_, s);
        else return put_str<kStrOut>(w_, s);
    }

    // ASCII text made by fmt(char* out) -> end, at most kMaxNumberChars long.
    template <class F>
    RJSON_INLINE bool number_text(F fmt) {
        if constexpr (W::kUnicode) {
            char buf[kMaxNumberChars];
            size_t n = static_cast<size_t>(fmt(buf) - buf);
            if (!w_.reserve(n)) return false;
            w_.put(buf, n);
        } else {
            if (!w_.reserve(kMaxNumberChars)) return false;
            char* p = reinterpret_cast<char*>(w_.pos());
            w_.set_pos(reinterpret_cast<uint8_t*>(fmt(p)));
        }
        return true;
    }

    RJSON_INLINE bool integer(PyObject* o) {
        int64_t v;
        if (RJSON_LIKELY(small_int_value(o, &v)))
            return number_text([v](char* p) { return write_int64(p, v); });
        return big_integer(o);
    }

    RJSON_NOINLINE bool big_integer(PyObject* o) {
        unsigned long long u = PyLong_AsUnsignedLongLong(o);
        if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred()))
            return number_text([u](char* p) { return write_uint64(p, u); });
        PyErr_Clear();
        if constexpr (!kJson) {
            PyErr_SetString(g.JSONEncodeError, "Integer exceeds 64-bit range");
            return false;
        } else {
            // int.__repr__ itself: any size, and its ValueError past the digit limit.
            Ref text(PyLong_Type.tp_repr(o));
            if (!text) return false;
            Py_ssize_t n;
            const char* s = PyUnicode_AsUTF8AndSize(text.get(), &n);  // ASCII digits: no copy kept
            if (!s || !w_.reserve(static_cast<size_t>(n))) return false;
            w_.put(s, static_cast<size_t>(n));
            return true;
        }
    }

    // Which of json's encoders rjson answers for. indent= went to the pure-Python one up
    // to 3.12; from 3.13 the C encoder writes it too, with the C encoder's messages and
    // dict iteration.
    bool py_encoder() const { return PY_VERSION_HEX < 0x030D0000 && opt_.pretty; }
    // Up to 3.11 json's C encoder iterates a snapshot of items() (PyMapping_Items); from
    // 3.12 an exact dict without sort_keys is walked live with PyDict_Next.
    static constexpr bool kCItemsSnapshot = PY_VERSION_HEX < 0x030C0000;

    RJSON_INLINE bool real(PyObject* o, double d) {
        if (RJSON_UNLIKELY(!std::isfinite(d))) return non_finite(o, d, false);
        return number_text([d](char* p) { return write_double(p, d, kJson ? kPythonRepr : kOrjson); });
    }

    // NaN and the infinities: null for orjson; json's literals, or its ValueError.
    RJSON_NOINLINE bool non_finite(PyObject* o, double d, bool quoted) {
        if constexpr (!kJson) {
            (void)o, (void)quoted;
            return literal("null");
        } else {
            if (!opt_.allow_nan) {
                // json names the value from 3.12 on; before, only its pure-Python encoder did.
                if (py_encoder() || PY_VERSION_HEX >= 0x030C0000) {
                    Ref r(PyObject_Repr(o));
                    if (r) PyErr_Format(PyExc_ValueError, "Out of range float values are not JSON compliant: %U", r.get());
                } else {
                    PyErr_SetString(PyExc_ValueError, "Out of range float values are not JSON compliant");
                }
                return false;
            }
            const char* text = std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
            size_t n = std::strlen(text);
            if (!w_.reserve(n + 2)) return false;
            if (quoted) w_.put('"');
            w_.put(text, n);
            if (quoted) w_.put('"');
            return true;
        }
    }

    // ---- dispatch ----

    RJSON_INLINE bool value(PyObject* o) {
        PyTypeObject* t = Py_TYPE(o);
        if (t == &PyUnicode_Type) return str(o);
        if (t == &PyLong_Type) return integer(o);
        if (t == &PyFloat_Type) return real(o, PyFloat_AS_DOUBLE(o));
        if (t == &PyList_Type) return list(o);
        if (t == &PyDict_Type) return dict(o);
        if (t == &PyBool_Type) return boolean(o);
        if (o == Py_None) return literal("null");
        if (t == &PyTuple_Type) return list(o);
        return other(o);
    }

    // A container element: scalars of exact types run no Python code, so they need no
    // reference of their own; anything else might (default=, items()) and could drop
    // the container's last reference to it, so it is held while encoded.
    RJSON_INLINE bool element(PyObject* o) {
        PyTypeObject* t = Py_TYPE(o);
        if (t == &PyUnicode_Type || t == &PyLong_Type || t == &PyFloat_Type || t == &PyBool_Type || o == Py_None)
            return value(o);
        Py_INCREF(o);
        bool ok = value(o);
        Py_DECREF(o);
        return ok;
    }

    // Subclasses of the core types, and everything else through default.
    RJSON_NOINLINE bool other(PyObject* o) {
        leaf_ok_depth_ = 0;  // Python code may run from here (see leaf_depth_ok)
        pin_sorted();
        if (PyUnicode_Check(o)) return str(o);
        if (PyLong_Check(o)) return integer(o);
        if (PyList_Check(o)) return list(o);
        if (PyDict_Check(o)) return dict(o);
        if constexpr (kJson) {
            if (PyFloat_Check(o)) return real(o, PyFloat_AS_DOUBLE(o));
            if (PyTuple_Check(o)) return list(o);
        }
        return via_default(o);
    }

    RJSON_NOINLINE bool via_default(PyObject* o) {
        if constexpr (kJson) {
            const ForgetShapesOnExit forget{key_order_};  // (declared first: runs after r's release)
            // json marks the object before calling default, so a default that returns
            // its argument is a circular reference, not endless recursion.
            if (!push_marker(o)) return false;
            bool ok = false;
            if (!opt_.default_fn) {
                not_serializable(o);
            } else if (Ref r{PyObject_CallOneArg(opt_.default_fn, o)}) {
                if (enter_recursion()) {
                    ok = value(r.get());
                    leave_recursion();
                }
            }
            pop_marker();
            return ok;
        } else {
            if (!opt_.default_fn) {
                PyErr_Format(g.JSONEncodeError, "Type is not JSON serializable: %s", Py_TYPE(o)->tp_name);
                return false;
            }
            if (++default_depth_ > kOrjsonMaxDefaultDepth) {
                PyErr_SetString(g.JSONEncodeError, "default serializer exceeds recursion limit");
                return false;
            }
            Ref r(PyObject_CallOneArg(opt_.default_fn, o));
            bool ok;
            if (!r) {
                raise_default_failed(o);
                ok = false;
            } else {
                ok = value(r.get());
            }
            --default_depth_;
            return ok;
        }
    }

    // ---- nesting: recursion limit and circular references ----

    bool enter_recursion() {
        if constexpr (kJson) {
            if (RJSON_UNLIKELY(real_depth_ != depth_) && !sync_depth()) return false;
            if (++depth_ > kMaxDepth || c_stack_.nearly_exhausted()) {
                --depth_;
                PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded while encoding a JSON object");
                return false;
            }
#if PY_VERSION_HEX >= 0x030C0000 && PY_VERSION_HEX < 0x030D0000
            // 3.12 counts Python frames apart from C calls, and json's indent= encoder
            // recurses in Python: its limit is sys.getrecursionlimit(), not the C one.
            if (opt_.pretty) {
                PyThreadState* ts = PyThreadState_Get();
                if (ts->py_recursion_remaining <= kJsonOwnFrames) {
                    --depth_;
                    PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded");
                    return false;
                }
                --ts->py_recursion_remaining;
                ++real_depth_;
                return true;
            }
#endif
            if (!interpreter_enter()) {
                --depth_;
                return false;
            }
            ++real_depth_;
        } else if (++depth_ > kOrjsonMaxDepth || c_stack_.nearly_exhausted()) {
            --depth_;
            PyErr_SetString(g.JSONEncodeError, "Recursion limit reached");
            return false;
        }
        return true;
    }
    // json's encoders run under three Python frames of its own (json.dumps,
    // JSONEncoder.encode and .iterencode, or the pure-Python encoder's first generators)
    // that a call of rjson.dumps does not have. Where the interpreter counts Python frames
    // against the limit json's levels meet (all levels up to 3.11; the indent= encoder's
    // on 3.12), each check here is made as if those frames were there, so deep input
    // fails at json's depth whatever the caller's depth. The C encoder meets it exactly;
    // the pure-Python one's last level also depends on the leaf (isinstance, float repr),
    // so under indent the depth can be off by one and the message differs.
    static constexpr int kJsonOwnFrames = PY_VERSION_HEX < 0x030D0000 ? 3 : 0;
    static bool interpreter_enter() {
#if PY_VERSION_HEX < 0x030C0000
        PyThreadState* ts = PyThreadState_Get();
#if PY_VERSION_HEX >= 0x030B0000
        ts->recursion_remaining -= kJsonOwnFrames;
        const int failed = Py_EnterRecursiveCall(" while encoding a JSON object");
        ts->recursion_remaining += kJsonOwnFrames;
#else
        ts->recursion_depth += kJsonOwnFrames;
        const int failed = Py_EnterRecursiveCall(" while encoding a JSON object");
        ts->recursion_depth -= kJsonOwnFrames;
#endif
        return !failed;
#else
        return Py_EnterRecursiveCall(" while encoding a JSON object") == 0;
#endif
    }
    void leave_recursion() {
        --depth_;
        if constexpr (kJson) {
            --real_depth_;
#if PY_VERSION_HEX >= 0x030C0000 && PY_VERSION_HEX < 0x030D0000
            if (opt_.pretty) {
                ++PyThreadState_Get()->py_recursion_remaining;
                return;
            }
#endif
            Py_LeaveRecursiveCall();
        }
    }

    // lane_nested's levels. A level no deeper than one the interpreter allowed since
    // Python code last ran (leaf_ok_depth_, as for leaves) is counted here only, with
    // no call into the interpreter (citm_catalog: ~12K containers a call). The levels
    // below real_depth_ are the interpreter's too; before anything asks it or may run
    // Python code (enter_recursion, leaf_depth_ask), sync_depth enters the others there,
    // so its count is json's again whenever it matters.
    RJSON_INLINE bool enter_nested() {
        if constexpr (kJson) {
            if (RJSON_LIKELY(depth_ < leaf_ok_depth_) && !c_stack_.nearly_exhausted()) {
                ++depth_;
                return true;
            }
            if (!enter_recursion()) return false;
            if (depth_ > leaf_ok_depth_) leaf_ok_depth_ = depth_;
            return true;
        } else {
            return enter_recursion();
        }
    }
    RJSON_INLINE void leave_nested() {
        if (!kJson || depth_ == real_depth_) leave_recursion();
        else --depth_;
    }
    RJSON_NOINLINE bool sync_depth() {
        for (; real_depth_ < depth_; ++real_depth_)
            if (!interpreter_enter()) return false;
        return true;
    }

    // json's check_circular: the containers on the current path, searched linearly
    // (paths are short; a deep one costs what json's dict costs in allocation).
    //
    // `only_ref`: o was read from a container's slot, and no reference to it is held
    // here. Every container on the path holds a second reference while it is there
    // (the encoder's own, or the caller's for the root, which encode() holds too), so
    // an o with a single reference (that slot's) is not on the path: the search is
    // skipped (citm_catalog: ~5% of dumps' instructions). Immortal objects' counts are
    // never 1.
    bool push_marker(PyObject* o, bool only_ref = false) {
        if constexpr (!kJson) return true;
        if (!opt_.check_circular) return true;
        if (!(only_ref && Py_REFCNT(o) == 1) && on_path(o)) {
            PyErr_SetString(PyExc_ValueError, "Circular reference detected");
            return false;
        }
        if (RJSON_UNLIKELY(path_len_ == path_cap_) && !more_path()) return false;
        path_[path_len_++] = o;
        return true;
    }
    bool on_path(PyObject* o) const {
        for (size_t i = 0; i < path_len_; ++i)
            if (path_[i] == o) return true;
        return false;
    }
    RJSON_NOINLINE bool more_path() {
        size_t cap = path_cap_ * 2;
        auto* p = static_cast<PyObject**>(PyMem_Malloc(cap * sizeof(PyObject*)));
        if (!p) {
            PyErr_NoMemory();
            return false;
        }
        std::memcpy(p, path_, path_len_ * sizeof(PyObject*));
        if (path_ != path_inline_) PyMem_Free(path_);
        path_ = p;
        path_cap_ = cap;
        return true;
    }
    void pop_marker() {
        if constexpr (kJson)
            if (opt_.check_circular) --path_len_;
    }

    // ---- punctuation and layout ----

    bool piece(const Piece& p) {
        if constexpr (W::kUnicode) {
            if (!p.ascii) return put_unicode<false>(w_, p.str);
        }
        if (!w_.reserve(p.len)) return false;
        w_.put(p.ascii, p.len);
        return true;
    }

    // '\n' and the indent of the current level. An ASCII indent is kept written out
    // for every level reached ("\n" + indent * level is a prefix of newlines_), so a
    // newline is one copy; others are written piece by piece.
    bool newline() {
        if (opt_.indent.ascii) {
            size_t n = 1 + static_cast<size_t>(level_) * opt_.indent.len;
            if (n > 1 && n > newlines_len_ && !extend_newlines(n)) return false;
            if (n == 1) {
                if (!w_.reserve(1)) return false;
                w_.put('\n');
                return true;
            }
            if (!w_.reserve(n)) return false;
            w_.put(newlines_, n);
            return true;
        }
        if (!w_.reserve(1)) return false;
        w_.put('\n');
        for (int i = 0; i < level_; ++i)
            if (!piece(opt_.indent)) return false;
        return true;
    }
    RJSON_NOINLINE bool extend_newlines(size_t n) {
        size_t cap = n * 2;
        auto* p = static_cast<char*>(PyMem_Realloc(newlines_, cap));
        if (!p) {
            PyErr_NoMemory();
            return false;
        }
        newlines_ = p;
        newlines_[0] = '\n';
        const size_t unit = opt_.indent.len;  // n > newlines_len_ >= 1 implies unit > 0
        for (size_t i = 1; i + unit <= cap; i += unit) std::memcpy(newlines_ + i, opt_.indent.ascii, unit);
        newlines_len_ = cap - (cap - 1) % unit;
        return true;
    }
    size_t newline_len() const { return 1 + static_cast<size_t>(level_) * opt_.indent.len; }

    RJSON_INLINE bool open(char c) {
        if (!w_.reserve(1)) return false;
        w_.put(static_cast<uint8_t>(c));
        if constexpr (kJson) {
            if (opt_.pretty) {
                ++level_;
                return newline();
            }
        }
        return true;
    }
    RJSON_INLINE bool item_separator() {
        if constexpr (kJson) {
            if (!piece(opt_.item_sep)) return false;
            if (opt_.pretty) return newline();
            return true;
        } else {
            if (!w_.reserve(1)) return false;
            w_.put(',');
            return true;
        }
    }
    RJSON_INLINE bool key_separator() {
        if constexpr (kJson) return piece(opt_.key_sep);
        if (!w_.reserve(1)) return false;
        w_.put(':');
        return true;
    }
    RJSON_INLINE bool close(char c) {
        if constexpr (kJson) {
            if (opt_.pretty) {
                --level_;
                if (!newline()) return false;
            }
        }
        if (!w_.reserve(1)) return false;
        w_.put(static_cast<uint8_t>(c));
        return true;
    }

    // ---- containers ----

    bool list(PyObject* seq) {
        if (!enter_recursion()) return false;
        bool ok;
        if (kJson && !PyList_CheckExact(seq) && !PyTuple_CheckExact(seq)) {
            // json reads subclasses through iteration (their __iter__ decides).
            Ref items(PySequence_Fast(seq, "_iterencode_list needs a sequence"));
            ok = items && list_body<true>(seq, items.get());
        } else {
            ok = PyList_Check(seq) ? list_body<true>(seq, seq) : list_body<false>(seq, seq);
        }
        leave_recursion();
        return ok;
    }

    // ---- the fast lane: containers without indent ----
    //
    // Container loops keep the output cursor in a local of the writer's unit type C:
    // every store through a byte pointer may alias the writer's fields, so a cursor
    // kept in the writer is reloaded after each store. Scalars that run no Python code
    // and need no escaping are written here; anything else goes through the general
    // path above. A str writer can widen during the general path: the loop then
    // returns, and lane() runs it again at the new width from where it stopped.

    static constexpr size_t kLaneRoom = 64;  // units: a separator and the longest number

    bool lane_open() const {
        if constexpr (kJson)
            return opt_.item_sep.fits_padded() && opt_.key_sep.fits_padded() && (!opt_.pretty || opt_.indent.ascii);
        else return true;
    }

    // Eight ASCII bytes (the low byte first) as eight units at p, in one store (two for
    // UCS-4); the text is the first n of them.
    template <class C>
    RJSON_INLINE static C* put_ascii8(C* p, uint64_t word, size_t n) {
        simd::store_widened8(p, word);
        return p + n;
    }
    // A literal of up to eight chars as put_ascii8's word.
    static constexpr uint64_t ascii_word(const char* text) {
        uint64_t word = 0;
        for (int i = 0; i < 8 && text[i]; ++i) word |= static_cast<uint64_t>(static_cast<uint8_t>(text[i])) << (8 * i);
        return word;
    }

    // What a lane loop writes between items and after keys, and the room a step needs,
    // read into a local once per loop: the loop stores through a char pointer, which
    // may alias the options, so option fields read inside it would be loaded again
    // after every store.
    struct LaneSeps {
        uint64_t item, key;  // the separators' text as put_ascii8 words
        size_t item_len, key_len;
        size_t newline_len;  // 0 without indent
        size_t need;         // units a step may write before its scalar
    };
    LaneSeps lane_seps() const {
        if constexpr (kJson && kSeps == Seps::spaced) {
            return {ascii_word(", "), ascii_word(": "), 2, 2, 0, kLaneRoom};
        } else if constexpr (kJson && kSeps == Seps::options) {
            // A nested container returns to this level: the newline's length holds for
            // the whole loop.
            const size_t newline = opt_.pretty ? newline_len() : 0;
            LaneSeps s{0, 0, opt_.item_sep.len, opt_.key_sep.len, newline, kLaneRoom + newline};
            std::memcpy(&s.item, opt_.item_sep.padded, 8);  // (a separator may hold NULs)
            std::memcpy(&s.key, opt_.key_sep.padded, 8);
            return s;
        } else {
            return {',', ':', 1, 1, 0, kLaneRoom};
        }
    }
    // s.need, as a constant where it is one: read from the struct, the compiler kept it in
    // memory and loaded it on every step of a loop.
    static RJSON_INLINE size_t lane_need(const LaneSeps& s) {
        if constexpr (kJson && kSeps == Seps::options) return s.need;
        else return kLaneRoom;
    }
    template <class C>
    RJSON_INLINE C* lane_item_sep(C* p, const LaneSeps& s) const {
        if constexpr (kJson) {
            p = put_ascii8(p, s.item, s.item_len);
            // newline() has made newlines_ long enough for this level
            return s.newline_len ? put_newline(p, s.newline_len) : p;
        }
        *p = ',';
        return p + 1;
    }
    // '\n' and the indent, n units in all, from newlines_ (which must hold n).
    template <class C>
    RJSON_INLINE C* put_newline(C* p, size_t n) const {
        if (n == 1) *p = '\n';  // an empty indent (indent=0): newlines_ may not exist
        else if constexpr (sizeof(C) == 1) std::memcpy(p, newlines_, n);
        else for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(newlines_[i]);
        return p + n;
    }
    template <class C>
    RJSON_INLINE C* lane_key_sep(C* p, const LaneSeps& s) const {
        if constexpr (kJson) return put_ascii8(p, s.key, s.key_len);
        *p = ':';
        return p + 1;
    }

    // An exact str with nothing to escape, quoted at p; null otherwise. Byte output
    // takes ASCII only (the rest needs escapes or transcoding); str output takes any
    // str no wider than itself.
    template <class C>
    RJSON_INLINE C* lane_str(C* p, C* end, PyObject* o) {
        // A lane step's room less a separator covers a short string's whole-vector
        // store and its quotes: only longer ones check the room.
        static_assert(kLaneRoom - 8 >= simd::kShortString + 2);
        const size_t n = static_cast<size_t>(PyUnicode_GET_LENGTH(o));
        if constexpr (!W::kUnicode) {
            if (!PyUnicode_IS_COMPACT_ASCII(o)) {
                // (The kind tested here: a call for every UCS-4 str cost str_emoji 5%.)
                if constexpr (kStrOut == StrOut::utf8)
                    if (PyUnicode_KIND(o) == PyUnicode_2BYTE_KIND) return lane_ucs2_utf8(p, end, o, n);
                return nullptr;
            }
            const uint8_t* data = compact_ascii_data(o);
            if (RJSON_LIKELY(simd::short_readable(data, n))) {
                if (!simd::copy_short_plain_ascii(p + 1, data, n)) return nullptr;
            } else if (static_cast<size_t>(end - p) < n + 2 || detail::copy_plain_ascii_src<kStrOut>(p + 1, data, n) != n) {
                return nullptr;
            }
        } else {
            if (!PyUnicode_IS_COMPACT(o)) return nullptr;
            if (PyUnicode_IS_ASCII(o)) {
                // A short one inline, widened to C (DEL is plain here). One with an escape
                // goes to the general path straight away: a kernel call here found the same
                // stop (str_escapes: one wasted call a string).
                const uint8_t* data = compact_ascii_data(o);
                if (RJSON_LIKELY(simd::short_readable(data, n))) {
                    if (!simd::copy_short_plain_ascii<C, true>(p + 1, data, n)) return nullptr;
                } else if (static_cast<size_t>(end - p) < n + 2 || detail::copy_run(p + 1, data, n) != n) {
                    return nullptr;
                }
            } else {
                const int kind = PyUnicode_KIND(o);
                if (static_cast<size_t>(kind) > sizeof(C) || static_cast<size_t>(end - p) < n + 2) return nullptr;
                const void* data = PyUnicode_DATA(o);
                size_t done;
                if (kind == PyUnicode_1BYTE_KIND) {
                    // The first char above 0x7F moves the buffer: the general path does that.
                    // Noted: the Latin-1 layout may be a guess (see KindHint). A wider
                    // buffer got its kind from a wider str, which was noted then.
                    if constexpr (sizeof(C) == 1) {
                        if (!w_.has_latin1()) return nullptr;
                        w_.note(1);
                    }
                    done = detail::copy_run(p + 1, static_cast<const uint8_t*>(data), n);
                } else if constexpr (sizeof(C) >= 2) {
                    if (kind == PyUnicode_2BYTE_KIND) done = detail::copy_run(p + 1, static_cast<const uint16_t*>(data), n);
                    else if constexpr (sizeof(C) == 4) done = detail::copy_run(p + 1, static_cast<const uint32_t*>(data), n);
                    else return nullptr;
                } else {
                    return nullptr;
                }
                if (done != n) return nullptr;
            }
        }
        p[0] = '"';
        p[n + 1] = '"';
        return p + n + 2;
    }

    // A UCS-2 str with nothing to escape as UTF-8 at p (mixed: most of its CJK strings),
    // without the general path's dispatch and chunked reservations; null otherwise.
    RJSON_NOINLINE uint8_t* lane_ucs2_utf8(uint8_t* p, uint8_t* end, PyObject* o, size_t n) {
        if (!PyUnicode_IS_COMPACT(o) || static_cast<size_t>(end - p) < 3 * n + 2)
            return nullptr;
        size_t written;
        if (simd::active->ucs2_to_utf8(p + 1, PyUnicode_2BYTE_DATA(o), n, &written) != n) return nullptr;
        p[0] = '"';
        p[written + 1] = '"';
        return p + written + 2;
    }

    template <class C, class F>
    RJSON_INLINE static C* lane_number(C* p, F fmt) {
        if constexpr (sizeof(C) == 1) {
            return reinterpret_cast<C*>(fmt(reinterpret_cast<char*>(p)));
        } else {
            // Formatted as bytes, then widened 32 at a time (numbers are at most 24
            // chars; kLaneRoom covers the 32 units stored).
            static_assert(kMaxNumberChars >= simd::kShortString && kLaneRoom >= simd::kShortString);
            char buf[kMaxNumberChars];
            size_t n = static_cast<size_t>(fmt(buf) - buf);
            simd::store_widened(p, _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf)),
                                _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + 16)));
            return p + n;
        }
    }

    // o at p if the lane can write it (p has kLaneRoom units of room); null otherwise.
    template <class C>
    RJSON_INLINE C* lane_value(C* p, C* end, PyObject* o, const LaneSeps& s) {
        PyTypeObject* t = Py_TYPE(o);
        if (C* q = lane_scalar(p, end, o, t)) return q;
        if (t == &PyList_Type) return lane_leaf(p, end, PyList_GET_SIZE(o), reinterpret_cast<PyListObject*>(o)->ob_item, s);
        if (t == &PyTuple_Type) return lane_leaf(p, end, PyTuple_GET_SIZE(o), reinterpret_cast<PyTupleObject*>(o)->ob_item, s);
        return nullptr;
    }

    // A short list or tuple of lane scalars (GeoJSON's [x, y]), written at p as the
    // general path would write it: entering a container there costs more than such a
    // list's items. Null if anything in it is not a lane scalar, or no depth or room is
    // left; what was written then does not count, and the general path starts over (no
    // Python code has run). A list that holds only scalars cannot be in a cycle, so
    // json's check_circular has nothing to mark.
    static constexpr Py_ssize_t kLeafMax = 16;
    template <class C>
    RJSON_INLINE C* lane_leaf(C* p, C* end, Py_ssize_t n, PyObject* const* items, const LaneSeps& s) {
        if constexpr (kJson)
            if (s.newline_len) return lane_leaf_indented(p, end, n, items, s);
        if (n > kLeafMax || !leaf_depth_ok()) return nullptr;
        *p = '[';
        C* q = p + 1;
        for (Py_ssize_t i = 0; i < n; ++i) {
            if (static_cast<size_t>(end - q) < lane_need(s)) return nullptr;
            if (i) q = lane_item_sep(q, s);
            q = lane_scalar(q, end, items[i], Py_TYPE(items[i]));
            if (!q) return nullptr;
        }
        if (q == end) return nullptr;
        *q = ']';
        return q + 1;
    }
    // The same leaf under indent: its items one level in, each on a line of its own
    // ("[" newline+1 item "," newline+1 item newline "]"), json's empty "[]" kept. Both
    // newlines must already be in newlines_ (the general path's first list at this
    // depth puts them there); until then the leaf goes that way.
    template <class C>
    RJSON_NOINLINE C* lane_leaf_indented(C* p, C* end, Py_ssize_t n, PyObject* const* items, const LaneSeps& s) {
        const size_t inner = s.newline_len + opt_.indent.len;
        if (n == 0 || n > kLeafMax || (inner > 1 && inner > newlines_len_) || !leaf_depth_ok()) return nullptr;
        *p = '[';
        C* q = p + 1;
        for (Py_ssize_t i = 0; i < n; ++i) {
            if (static_cast<size_t>(end - q) < s.need + opt_.indent.len) return nullptr;
            if (i) q = put_ascii8(q, s.item, s.item_len);
            q = put_newline(q, inner);
            q = lane_scalar(q, end, items[i], Py_TYPE(items[i]));
            if (!q) return nullptr;
        }
        if (static_cast<size_t>(end - q) < s.newline_len + 1) return nullptr;
        q = put_newline(q, s.newline_len);
        *q = ']';
        return q + 1;
    }
    // Whether list() would enter one more level without an error (and without
    // recursing, a leaf needs nothing more from the C stack). For json, the
    // interpreter's limit is asked as list() asks it; on failure the error is left to
    // the general path, which meets the same limit (the check undoes itself when it
    // fails).
    //
    // A depth the interpreter allowed stays allowed until Python code runs (it could
    // change the limit): leaf_ok_depth_ remembers it, and every way into Python code
    // (other(), dict_from_items()) forgets it.
    //
    // The remembered case is inline (citm_catalog: ~10K leaves a call); asking the
    // interpreter is not.
    RJSON_INLINE bool leaf_depth_ok() {
        if constexpr (kJson) {
            if (depth_ + 1 > kMaxDepth || c_stack_.nearly_exhausted()) return false;
            if (RJSON_LIKELY(depth_ + 1 <= leaf_ok_depth_)) return true;
            return leaf_depth_ask();
        } else {
            return depth_ + 1 <= kOrjsonMaxDepth && !c_stack_.nearly_exhausted();
        }
    }
    RJSON_NOINLINE bool leaf_depth_ask() {
        if constexpr (kJson) {
            if (real_depth_ != depth_ && !sync_depth()) {
                PyErr_Clear();  // (the general path meets the same limit)
                return false;
            }
            if (!interpreter_enter()) {
                PyErr_Clear();
                return false;
            }
            Py_LeaveRecursiveCall();
            leaf_ok_depth_ = depth_ + 1;
        }
        return true;
    }

    // An exact str, int, float, bool or None at p, if the lane can write it.
    template <class C>
    RJSON_INLINE C* lane_scalar(C* p, C* end, PyObject* o, PyTypeObject* t) {
        if (t == &PyUnicode_Type) return lane_str(p, end, o);
        if (t == &PyLong_Type) {
            int64_t v;
            if (!small_int_value(o, &v)) return nullptr;
            return write_int64(p, v);  // at any unit width (see numbers.hpp)
        }
        if (t == &PyFloat_Type) {
            double d = PyFloat_AS_DOUBLE(o);
            if (!is_finite_bits(d)) return nullptr;
            // Inlined by force: GCC outlined this call from lane_leaf, with spills
            // around it (canada: ~10 instructions a double).
            return lane_number(p, [d](char* out) __attribute__((always_inline)) {
                return write_double(out, d, kJson ? kPythonRepr : kOrjson);
            });
        }
        if (t == &PyBool_Type) {
            bool is_false = o == Py_False;
            return put_ascii8(p, is_false ? kFalse8 : kTrue8, 4 + is_false);
        }
        if (o == Py_None) return put_ascii8(p, kNull8, 4);
        return nullptr;
    }
    static constexpr uint64_t kTrue8 = ascii_word("true");
    static constexpr uint64_t kFalse8 = ascii_word("false");
    static constexpr uint64_t kNull8 = ascii_word("null");

    // Where a lane loop stopped: an error, the end, or a widening of the writer.
    enum class Lane { error, done, widened };

    template <class C>
    RJSON_INLINE bool lane_room(C*& p, C*& end, size_t need) {
        if (RJSON_LIKELY(static_cast<size_t>(end - p) >= need)) return true;
        w_.set_cur(p);
        if (!w_.reserve(need)) return false;
        p = w_.template cur<C>();
        end = w_.template lim<C>();
        return true;
    }

    // Runs loop.template operator()<C>() at the writer's unit type until it finishes.
    template <class Loop>
    bool lane(Loop loop) {
        for (;;) {
            Lane r;
            if constexpr (!W::kUnicode) {
                r = loop(static_cast<uint8_t*>(nullptr));
            } else {
                switch (w_.kind()) {
                    case 1: r = loop(static_cast<uint8_t*>(nullptr)); break;
                    case 2: r = loop(static_cast<uint16_t*>(nullptr)); break;
                    default: r = loop(static_cast<uint32_t*>(nullptr)); break;
                }
            }
            if (r != Lane::widened) return r == Lane::done;
        }
    }

    // Items of a list or tuple from index *index on. The loop's state lives in locals:
    // every store through p may alias memory, so anything read through a pointer would
    // be loaded again after each item. The list's size and items are read again after
    // the general path, which may run default= (that may resize the list, as in json),
    // and only then: nothing else can change them.
    //
    // kShape: a nested list that starts with a list (see prefetch_leaves) or with a dict
    // (see the step for a nested item).
    enum class ItemShape { any, lists, dicts };
    static constexpr Py_ssize_t kDictBatch = 16;
    template <bool kIsList, class C, ItemShape kShape = ItemShape::any>
    RJSON_INLINE Lane lane_items(PyObject* seq, Py_ssize_t* index) {
        auto size = [seq] { return kIsList ? PyList_GET_SIZE(seq) : PyTuple_GET_SIZE(seq); };
        auto items = [seq] {
            return kIsList ? reinterpret_cast<PyListObject*>(seq)->ob_item : reinterpret_cast<PyTupleObject*>(seq)->ob_item;
        };
        const int kind = w_.kind();
        C* p = w_.template cur<C>();
        C* end = w_.template lim<C>();
        Py_ssize_t i = *index, n = size();
        PyObject* const* item_at = items();
        const LaneSeps seps = lane_seps();
        constexpr bool kDicts = kShape == ItemShape::dicts;
        bool batched = false;  // (kDicts) the tables of the first items are on their way
        if constexpr (kDicts)
            if (i == 0)
                for (Py_ssize_t j = 1; j < kDictBatch && j < n; ++j) __builtin_prefetch(item_at[j]);
        for (; i < n; ++i) {
            PyObject* item = item_at[i];
            // A long list's item array streamed ahead, a cache line per 8 items: under
            // load from other processes the hardware prefetcher left the loop waiting
            // on it (bools: -30% time then, no change when quiet).
            if ((i & 7) == 0 && i + 128 < n) __builtin_prefetch(item_at + i + 128);
            if constexpr (kShape == ItemShape::lists)
                if ((i & 7) == 0 && i + 24 <= n) prefetch_leaves(item_at + i);
            // The objects themselves, ahead: a fresh document's are rarely in cache, and a
            // str's header and first chars span two lines (str_ascii, cold inputs: -21% time;
            // lists already in cache: up to +10%). Short lists and a list's tail take the
            // object two ahead.
            if (i + 32 < n) {
                __builtin_prefetch(item_at[i + 32]);
                __builtin_prefetch(reinterpret_cast<const char*>(item_at[i + 32]) + 64);
            } else if (i + (kDicts ? 3 : 2) < n) {
                __builtin_prefetch(item_at[i + (kDicts ? 3 : 2)]);
            }
            if (!lane_room(p, end, lane_need(seps))) return Lane::error;
            if (i) p = lane_item_sep(p, seps);
            if (C* q = lane_value(p, end, item, seps)) {
                p = q;
                continue;
            }
            // A nested container: while it is written, the next item's table or item array
            // is fetched, as in DictWalk::next (citm_catalog dumpb: 0.88 of the time). Only
            // here, since scalar lists paid for the test on every item (bools: +8%).
            //
            // A list of dicts (citm_catalog's lists of small dicts) goes further, each step's
            // loads in cache by then: the first nested item asks for the tables of the items
            // up to kDictBatch (their headers were asked for on entry), later ones for the
            // table of the item two ahead (its header three ahead), and each for the values
            // of the next one (citm_catalog dumpb, cold: 0.90-0.98 of the time). In a list
            // of its own, as a list's shape is known from its first item: in every list it
            // cost mixed 3% more time.
            if constexpr (kDicts) {
                if (!batched) {
                    batched = true;
                    for (Py_ssize_t j = i + 1; j < kDictBatch && j < n; ++j) prefetch_inside(item_at[j]);
                }
                if (i + 2 >= kDictBatch && i + 2 < n) prefetch_inside(item_at[i + 2]);
                if (i + 1 < n) prefetch_values(item_at[i + 1]);
            } else if (i + 1 < n) {
                prefetch_inside(item_at[i + 1]);
            }
            w_.set_cur(p);
            if (!lane_element<C>(item)) return Lane::error;
            if (w_.kind() != kind) {
                *index = i + 1;
                return Lane::widened;
            }
            p = w_.template cur<C>();
            end = w_.template lim<C>();
            n = size();
            item_at = items();
        }
        *index = i;
        w_.set_cur(p);
        return Lane::done;
    }

    // A list of short lists (GeoJSON's rings of [x, y]): what the leaves ahead hold, in
    // two steps, each step's loads in cache by then: the item arrays of items 16..23
    // ahead (lane_items fetched their headers 16 items ago), and the items of 8..15
    // ahead. Fresh objects of a large document are mostly not in cache. Only in a
    // loop of its own, entered for a nested list that starts with a list: in the loop
    // every list shares, the test cost lists of scalars up to 4% (floats, ints_64),
    // even once per 8 items.
    static RJSON_INLINE void prefetch_leaves(PyObject* const* at) {
        for (int j = 16; j < 24; ++j)
            if (Py_TYPE(at[j]) == &PyList_Type) __builtin_prefetch(reinterpret_cast<PyListObject*>(at[j])->ob_item);
        for (int j = 8; j < 16; ++j) {
            if (Py_TYPE(at[j]) != &PyList_Type || PyList_GET_SIZE(at[j]) == 0) continue;
            PyObject* const* items = reinterpret_cast<PyListObject*>(at[j])->ob_item;
            __builtin_prefetch(items[0]);
            __builtin_prefetch(items[PyList_GET_SIZE(at[j]) - 1]);
        }
    }

    // Members from walk.next(&key, &value) until it returns false: an exact dict walked
    // in place (DictWalk), or sort_keys' sorted pairs. walk.reload() follows anything
    // that may have run Python code.
    //
    // The loop walks a copy of walk, whose address does not escape: the compiler keeps
    // its position in registers, where walk itself was stored and loaded again around
    // every store through p, which may alias it.
    template <class C, class Walk>
    RJSON_INLINE Lane lane_members(Walk& walk_out, bool* first_member) {
        Walk walk = walk_out;
        const int kind = w_.kind();
        PyObject *k, *v;
        C* p = w_.template cur<C>();
        C* end = w_.template lim<C>();
        bool first = *first_member;
        const LaneSeps seps = lane_seps();
        const bool cached = kKeyText && key_text_.on();
        while (walk.next(&k, &v)) {
            if (!lane_room(p, end, lane_need(seps))) return Lane::error;
            C* key_at = first ? p : lane_item_sep(p, seps);
            // q: past the key's separator, if the lane wrote them.
            C* q = nullptr;
            if constexpr (kKeyText) {
                // (The room a step has covers the slot's whole store after a separator.)
                static_assert(kLaneRoom >= 8 + KeyText::kSlotBytes);
                if (cached && (q = key_text_.put(key_at, k)) && static_cast<size_t>(end - q) < lane_need(seps)) q = nullptr;
            }
            if (!q && RJSON_LIKELY(PyUnicode_CheckExact(k)) && (q = lane_str(key_at, end, k))) {
                if (static_cast<size_t>(end - q) >= lane_need(seps)) {
                    q = lane_key_sep(q, seps);
                    if constexpr (kKeyText)
                        if (cached) key_text_.store(k, key_at, q);
                } else {
                    q = nullptr;
                }
            }
            if (q) {
                p = q;
                first = false;
                if ((q = lane_value(p, end, v, seps))) {
                    p = q;
                    continue;
                }
                w_.set_cur(p);
                if (!lane_element<C>(v)) return Lane::error;
            } else {
                w_.set_cur(p);
                int written = member(k, v, first);
                if (written < 0) return Lane::error;
                if (written) first = false;
            }
            walk.reload();
            if (w_.kind() != kind) {
                *first_member = first;
                walk_out = walk;
                return Lane::widened;
            }
            p = w_.template cur<C>();
            end = w_.template lim<C>();
        }
        w_.set_cur(p);
        return Lane::done;
    }

    // A value the lane does not write inline, at the writer's position. An exact dict,
    // list or tuple stays in the lane (the general path's dispatch, its checks of the
    // options and the restart of a lane loop cost more than a small container's items);
    // anything else goes the general way.
    template <class C>
    RJSON_INLINE bool lane_element(PyObject* o) {
        PyTypeObject* t = Py_TYPE(o);
        if (nest_) {
            if (t == &PyDict_Type) return lane_nested<C, Nested::dict>(o);
            if (t == &PyList_Type) return lane_nested<C, Nested::list>(o);
            if (t == &PyTuple_Type) return lane_nested<C, Nested::tuple>(o);
        }
        return element(o);
    }

    // Whether lane_element may write containers itself: always for dumpb; for dumps only
    // where the general path would walk them with the lane too (no indent, and no
    // default=, which takes other walks).
    bool nest_allowed() const {
        if constexpr (kJson) return lane_open() && !opt_.pretty && !opt_.default_fn;
        else return true;
    }

    enum class Nested { dict, list, tuple };

    // The container o, as dict() and list() would write it (the same recursion checks,
    // marker and reference held). The writer has lane room at its position. If the
    // writer widens on the way, the container is finished at the new width and the
    // caller sees the new kind.
    template <class C, Nested kWhat>
    RJSON_NOINLINE bool lane_nested(PyObject* o) {
        if (!enter_nested()) return false;
        bool ok = false;
        if ((kWhat == Nested::dict ? PyDict_GET_SIZE(o) : Py_SIZE(o)) == 0) {
            C* p = w_.template cur<C>();
            p[0] = kWhat == Nested::dict ? '{' : '[';
            p[1] = kWhat == Nested::dict ? '}' : ']';
            w_.set_cur(p + 2);
            ok = true;
        } else if (push_marker(o, true)) {
            Py_INCREF(o);
            if (kWhat == Nested::dict && kJson && opt_.sort_keys) {
                ok = dict_sorted(o);  // (its braces too)
            } else {
                C* p = w_.template cur<C>();
                *p = kWhat == Nested::dict ? '{' : '[';
                w_.set_cur(p + 1);
                if constexpr (kWhat == Nested::dict) {
                    DictWalk walk(o);
                    bool first = true;
                    ok = lane([&](auto* unit) { return lane_members<std::remove_pointer_t<decltype(unit)>>(walk, &first); });
                } else {
                    Py_ssize_t i = 0;
                    constexpr bool kIsList = kWhat == Nested::list;
                    if (kIsList && PyList_GET_SIZE(o) > 24 && Py_TYPE(PyList_GET_ITEM(o, 0)) == &PyList_Type)
                        ok = lane_list_of_lists(o);
                    else if (kIsList && Py_TYPE(PyList_GET_ITEM(o, 0)) == &PyDict_Type)
                        ok = lane_list_of_dicts(o);
                    else
                        ok = lane([&](auto* unit) { return lane_items<kIsList, std::remove_pointer_t<decltype(unit)>>(o, &i); });
                }
                ok = ok && w_.reserve(1);
                if (ok) w_.put(kWhat == Nested::dict ? '}' : ']');
            }
            Py_DECREF(o);
            pop_marker();
        }
        leave_nested();
        return ok;
    }

    // The items of a nested list that starts with a list, with prefetch_leaves: out of
    // line, as a second copy of the loop inlined into lane_nested cost citm_catalog ~1%
    // more instructions (it has no such list).
    RJSON_NOINLINE bool lane_list_of_lists(PyObject* o) {
        Py_ssize_t i = 0;
        return lane([&](auto* unit) { return lane_items<true, std::remove_pointer_t<decltype(unit)>, ItemShape::lists>(o, &i); });
    }
    // The same for a nested list that starts with a dict.
    RJSON_NOINLINE bool lane_list_of_dicts(PyObject* o) {
        Py_ssize_t i = 0;
        return lane([&](auto* unit) { return lane_items<true, std::remove_pointer_t<decltype(unit)>, ItemShape::dicts>(o, &i); });
    }

    // `marker` is the object json marks for check_circular; `seq` holds the items.
    template <bool kIsList>
    bool list_body(PyObject* marker, PyObject* seq) {
        auto size = [seq] { return kIsList ? PyList_GET_SIZE(seq) : PyTuple_GET_SIZE(seq); };
        if (size() == 0) return literal("[]");
        if (!push_marker(marker)) return false;
        if (lane_open()) {
            Py_ssize_t i = 0;
            bool ok = open('[') &&
                      lane([&](auto* unit) { return lane_items<kIsList, std::remove_pointer_t<decltype(unit)>>(seq, &i); }) &&
                      close(']');
            pop_marker();
            return ok;
        }
        bool ok = open('[');
        // The size is read again each round: default= may shrink the list, as in json.
        for (Py_ssize_t i = 0; ok && i < size(); ++i) {
            if (i && !item_separator()) ok = false;
            else ok = element(kIsList ? PyList_GET_ITEM(seq, i) : PyTuple_GET_ITEM(seq, i));
        }
        ok = ok && close(']');
        pop_marker();
        return ok;
    }

    bool dict(PyObject* d) {
        if (!enter_recursion()) return false;
        bool ok;
        if (PyDict_GET_SIZE(d) == 0) {
            ok = literal("{}");
        } else if (!push_marker(d)) {
            ok = false;
        } else {
            if (kJson && opt_.sort_keys && PyDict_CheckExact(d)) ok = dict_sorted(d);
            else if (kJson && (opt_.sort_keys || !PyDict_CheckExact(d) || (opt_.default_fn && kCItemsSnapshot && !py_encoder())))
                ok = dict_from_items(d);
            else ok = dict_in_place(d);
            pop_marker();
        }
        leave_recursion();
        return ok;
    }

    // The common case: walk the dict's own table. With indent up to 3.12, json iterates
    // the live dict (its pure-Python encoder), so a default= that resizes it raises as
    // there; json's C encoder from 3.12 walks the live dict with no such check, so what
    // default= adds is written and what it removes is not.
    bool dict_in_place(PyObject* d) {
        if (!open('{')) return false;
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        bool first = true;
        // (Under indent with a default=, the loop below checks for resizing as json's does.)
        if (lane_open() && !(kJson && opt_.default_fn && (py_encoder() || !kCItemsSnapshot))) {
            bool first = true;
            DictWalk walk(d);
            return lane([&](auto* unit) { return lane_members<std::remove_pointer_t<decltype(unit)>>(walk, &first); }) &&
                   close('}');
        }
        const Py_ssize_t size = PyDict_GET_SIZE(d);
        while (dict_next(d, &pos, &k, &v)) {
            if (kJson && (kCItemsSnapshot || py_encoder()) && RJSON_UNLIKELY(PyDict_GET_SIZE(d) != size)) {
                PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
                return false;
            }
            int written = member(k, v, first);
            if (written < 0) return false;
            if (written) first = false;
        }
        // A dict iterator checks the size before it reports the end too (default= that
        // clears the dict raises).
        if (kJson && (kCItemsSnapshot || py_encoder()) && RJSON_UNLIKELY(PyDict_GET_SIZE(d) != size)) {
            PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
            return false;
        }
        return close('}');
    }

    // sort_keys on an exact dict whose keys are all exact str: the same order json's
    // sorted items give (distinct str keys decide alone), from a snapshot of the
    // dict's pairs, without a tuple per item. Other keys go json's way below.
    //
    // The pairs are borrowed: until Python code runs, nothing can drop the dict's
    // references to them. Every way into Python code calls pin_sorted() first, which
    // makes the pairs of every snapshot still being written strong (json's items()
    // list holds them as strongly), so a default= or items() that empties a dict on
    // the path frees nothing still to be written.
    struct SortedFrame {
        KeyValue* pairs;
        Py_ssize_t count;
        SortedFrame* below;  // the snapshot of the dict that contains this one, or null
        bool pinned;
    };
    bool dict_sorted(PyObject* d) {
        constexpr Py_ssize_t kInline = 16;
        KeyValue inline_pairs[kInline];
        Py_ssize_t n = PyDict_GET_SIZE(d);
        KeyValue* pairs = inline_pairs;
        if (n > kInline && !(pairs = static_cast<KeyValue*>(PyMem_Malloc(static_cast<size_t>(n) * sizeof(KeyValue))))) {
            PyErr_NoMemory();
            return false;
        }
        bool ok;
#ifdef RJSON_DICT_LAYOUT
        // A shape seen before, read from the table itself: its keys were checked then.
        cpython::DictKeys* table = cpython::keys_of(d);
        if (n >= 3 && n <= KeyOrder::kMaxKeys && reinterpret_cast<PyDictObject*>(d)->ma_values == nullptr &&
            table->dk_kind == cpython::kUnicodeKind && table->dk_nentries == n &&  // (no deleted entries)
            key_order_.recall(cpython::unicode_entries(table), pairs, n)) {
            ok = write_sorted(pairs, n);
            if (pairs != inline_pairs) PyMem_Free(pairs);
            return ok;
        }
#endif
        KeyValue* read = n <= KeyOrder::kMaxKeys ? key_order_.scratch() : pairs;
        Py_ssize_t count = 0, pos = 0;
        PyObject *k, *v;
        bool all_str = true;
        while (count < n && dict_next(d, &pos, &k, &v)) {
            if (!PyUnicode_CheckExact(k) || !str_ready(k)) {
                all_str = false;
                break;
            }
            read[count++] = {k, v};
        }
        if (!all_str) ok = dict_from_items(d);
        else ok = key_order_.sort(read, pairs, count) && write_sorted(pairs, count);
        if (pairs != inline_pairs) PyMem_Free(pairs);
        return ok;
    }
    bool write_sorted(KeyValue* pairs, Py_ssize_t count) {
        SortedFrame frame{pairs, count, sorted_top_, false};
        sorted_top_ = &frame;
        bool ok = open('{');
        if (ok && lane_open()) {
            struct PairWalk {
                const KeyValue* pair;
                const KeyValue* end;
                bool next(PyObject** k, PyObject** v) {
                    if (pair == end) return false;
                    *k = pair->key;
                    *v = pair++->value;
                    return true;
                }
                void reload() {}  // the snapshot is what json writes, whatever the dict becomes
            } walk{pairs, pairs + count};
            bool first = true;
            ok = lane([&](auto* unit) { return lane_members<std::remove_pointer_t<decltype(unit)>>(walk, &first); });
        } else {
            for (Py_ssize_t i = 0; ok && i < count; ++i) ok = member(pairs[i].key, pairs[i].value, i == 0) >= 0;
        }
        ok = ok && close('}');
        sorted_top_ = frame.below;
        if (frame.pinned)
            for (Py_ssize_t i = 0; i < count; ++i) {
                Py_DECREF(pairs[i].key);
                Py_DECREF(pairs[i].value);
            }
        return ok;
    }

    // Objects Python code made (default's result, an items() list) are released on the
    // way out, and a release may free keys KeyOrder remembers and run __del__, which
    // could make new strs at their addresses: the table forgets again after that.
    struct ForgetShapesOnExit {
        KeyOrder& order;
        ~ForgetShapesOnExit() { order.forget(); }
    };

    // Before anything that may run Python code: the snapshots being written hold their
    // pairs from now on (see dict_sorted; a pinned frame's lower ones are pinned too),
    // and the key order table forgets the addresses it knows (see KeyOrder).
    void pin_sorted() {
        key_order_.forget();
        for (SortedFrame* f = sorted_top_; f && !f->pinned; f = f->below) {
            for (Py_ssize_t i = 0; i < f->count; ++i) {
                Py_INCREF(f->pairs[i].key);
                Py_INCREF(f->pairs[i].value);
            }
            f->pinned = true;
        }
    }

    // json's way: a list of (key, value) items from items(), sorted when asked. Used
    // for sort_keys, for dict subclasses (their items() decides), and when default=
    // could run code that mutates the dict (json iterates over a snapshot).
    bool dict_from_items(PyObject* d) {
        const ForgetShapesOnExit forget{key_order_};  // (declared first: runs after items' release)
        leaf_ok_depth_ = 0;  // items() and the keys' comparisons may be Python code
        pin_sorted();
        // (sort_keys' lane_nested reaches here for keys other than str without
        // enter_recursion: the interpreter counts every level before Python code runs.)
        if (kJson && RJSON_UNLIKELY(real_depth_ != depth_) && !sync_depth()) return false;
        Ref items(PyMapping_Items(d));
        if (!items) return false;
        if (PyList_GET_SIZE(items.get()) == 0) return literal("{}");
        if (opt_.sort_keys && !sort_items(items.get())) return false;
        if (!open('{')) return false;
        bool first = true;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items.get()); ++i) {
            PyObject* item = PyList_GET_ITEM(items.get(), i);
            if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
                PyErr_SetString(PyExc_ValueError, "items must return 2-tuples");
                return false;
            }
            Py_INCREF(item);
            int written = member(PyTuple_GET_ITEM(item, 0), PyTuple_GET_ITEM(item, 1), first);
            Py_DECREF(item);
            if (written < 0) return false;
            if (written) first = false;
        }
        return close('}');
    }

    // One "key": value member. Returns 1 when written, 0 when skipped (skipkeys), -1
    // on error.
    int member(PyObject* k, PyObject* v, bool first) {
        if (RJSON_LIKELY(PyUnicode_CheckExact(k))) {
            if (!first && !item_separator()) return -1;
            if (!str(k)) return -1;
        } else {
            int r = odd_key(k, first);
            if (r <= 0) return r;
        }
        if (!key_separator() || !element(v)) return -1;
        return 1;
    }

    // Keys other than exact str. json: str subclasses as they are; float, bool, None
    // and int as their JSON text in quotes; others skipped or a TypeError.
    RJSON_NOINLINE int odd_key(PyObject* k, bool first) {
        if constexpr (!kJson) {
            (void)first;
            PyErr_SetString(g.JSONEncodeError, "Dict key must be str");
            return -1;
        } else {
            bool known = PyUnicode_Check(k) || PyFloat_Check(k) || PyLong_Check(k) || k == Py_None;
            if (!known) {
                if (opt_.skipkeys) return 0;
                if (py_encoder()) {
                    Ref cls(PyObject_GetAttrString(k, "__class__"));
                    Ref name(cls ? PyObject_GetAttrString(cls.get(), "__name__") : nullptr);
                    if (name) PyErr_Format(PyExc_TypeError, "keys must be str, int, float, bool or None, not %S", name.get());
                } else {
                    PyErr_Format(PyExc_TypeError, "keys must be str, int, float, bool or None, not %.100s",
                                 Py_TYPE(k)->tp_name);
                }
                return -1;
            }
            if (!first && !item_separator()) return -1;
            if (PyUnicode_Check(k)) return str(k) ? 1 : -1;
            if (PyFloat_Check(k)) {
                double d = PyFloat_AS_DOUBLE(k);
                if (!std::isfinite(d)) return non_finite(k, d, true) ? 1 : -1;
            }
            const char* lit = k == Py_True ? "true" : k == Py_False ? "false" : k == Py_None ? "null" : nullptr;
            if (!w_.reserve(1)) return -1;
            w_.put('"');
            bool ok;
            if (lit) ok = w_.reserve(5) && (w_.put(lit, std::strlen(lit)), true);
            else if (PyFloat_Check(k)) ok = real(k, PyFloat_AS_DOUBLE(k));
            else ok = integer(k);
            if (!ok || !w_.reserve(1)) return -1;
            w_.put('"');
            return 1;
        }
    }

    W& w_;
    const Options& opt_;
    StackGuard c_stack_;
    const bool nest_ = nest_allowed();  // (after opt_, which it reads)
    int depth_ = 0;
    int leaf_ok_depth_ = 0;  // see leaf_depth_ok
    int real_depth_ = 0;     // see enter_nested
    int default_depth_ = 0;
    int level_ = 0;  // indentation level
    char* newlines_ = nullptr;  // "\n" and the ASCII indent repeated (see newline())
    size_t newlines_len_ = 0;
    // The path starts in the encoder itself: most documents nest only a few levels.
    PyObject* path_inline_[32];
    PyObject** path_ = path_inline_;
    size_t path_len_ = 0, path_cap_ = 32;
    SortedFrame* sorted_top_ = nullptr;  // the innermost sort_keys snapshot being written
    KeyOrder key_order_;
    // Byte output stores a key's text as written (str output's width may change).
    static constexpr bool kKeyText = !W::kUnicode;
    KeyText key_text_;
};

}  // namespace rjson::encode

// The parser: one pass from the input's code units to Python objects, recursive descent
// over a shared value stack. One template serves every input:
//   C      uint8_t (UTF-8 bytes, or a UCS1 str), uint16_t (UCS2 str), uint32_t (UCS4 str)
//   kUtf8  the units are UTF-8 (bytes input) rather than code points (str input)
//   kHooks some of object_hook, object_pairs_hook, parse_* is set; false compiles them out
// Error messages and positions are those of CPython's C scanner (Modules/_json.c, 3.11).
// On UTF-8 input errors raise nothing precise: the caller re-parses the decoded str,
// which yields json's exact error (and a UnicodeDecodeError first, if there is one).
#pragma once
#include <cstring>
#include <type_traits>
#include "common/py.hpp"
#include "common/stack.hpp"
#include "decode/dict_build.hpp"
#include "decode/error.hpp"
#include "decode/gc_objects.hpp"
#include "decode/key_cache.hpp"
#include "decode/numbers.hpp"
#include "decode/strings.hpp"
#include "simd/inline.hpp"
#include "simd/kernels.hpp"

namespace rjson::decode {

// Callables json would call; nullptr where json's default applies.
struct Options {
    bool strict = true;
    PyObject* object_hook = nullptr;
    PyObject* object_pairs_hook = nullptr;
    PyObject* parse_float = nullptr;
    PyObject* parse_int = nullptr;
    PyObject* parse_constant = nullptr;
    bool has_hooks() const {
        return object_hook || object_pairs_hook || parse_float || parse_int || parse_constant;
    }
};

// Objects the parser returns as shared constants (json.decoder.NaN, PosInf, NegInf: json
// returns these very objects, so [NaN] == [NaN] holds for its results and must for ours).
struct Constants {
    PyObject* nan;
    PyObject* pos_inf;
    PyObject* neg_inf;
};
extern Constants constants;
extern KeyCache key_cache;

// The kind of value each char can start (kOther: none, an error).
enum class ValueClass : uint8_t { kOther, kNumber, kString, kObject, kArray, kBool, kNull, kNaN, kInfinity };
inline constexpr auto kValueClass = [] {
    struct { ValueClass v[256] = {}; constexpr ValueClass operator[](uint32_t i) const { return v[i]; } } t;
    for (int c = '0'; c <= '9'; ++c) t.v[c] = ValueClass::kNumber;
    t.v['-'] = ValueClass::kNumber;
    t.v['"'] = ValueClass::kString;
    t.v['{'] = ValueClass::kObject;
    t.v['['] = ValueClass::kArray;
    t.v['t'] = t.v['f'] = ValueClass::kBool;
    t.v['n'] = ValueClass::kNull;
    t.v['N'] = ValueClass::kNaN;
    t.v['I'] = ValueClass::kInfinity;
    return t;
}();
// The thread's counter that Py_EnterRecursiveCall decrements and Py_LeaveRecursiveCall
// increments, where both are that and nothing else (3.11-3.13, public PyThreadState
// fields; 3.14 checks the C stack instead, 3.9-3.10 keep more state): the parser does
// the two steps inline, a call and a thread-state lookup fewer per container.
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030E0000 && !defined(Py_GIL_DISABLED) && \
    !defined(USE_STACKCHECK)
#define RJSON_RECURSION_COUNTER 1
inline int* recursion_counter(PyThreadState* tstate) {
#if PY_VERSION_HEX >= 0x030C0000
    return &tstate->c_recursion_remaining;
#else
    return &tstate->recursion_remaining;
#endif
}
#endif

// Containers deeper than this raise RecursionError whatever the recursion limit, so that
// no document can exhaust the C stack (each level takes one parse_array/parse_object
// frame, about a hundred bytes).
inline constexpr int kMaxDepth = 20000;

// Parsed values waiting for their container's end, shared by all nesting levels.
class ValueStack {
public:
    ~ValueStack() {
        truncate(0);
        if (data_ != inline_) PyMem_Free(data_);
    }
    size_t size() const { return size_; }
    PyObject** at(size_t i) { return data_ + i; }
    // Takes the reference; on failure releases it and sets MemoryError.
    RJSON_INLINE bool push(PyObject* o) {
        if (RJSON_UNLIKELY(size_ == cap_) && !grow()) {
            Py_DECREF(o);
            return false;
        }
        data_[size_++] = o;
        return true;
    }
    // Releases the references above `base`.
    void truncate(size_t base) {
        while (size_ > base) Py_DECREF(data_[--size_]);
    }
    // Forgets the entries above `base` whose references were moved elsewhere.
    void drop(size_t base) { size_ = base; }
    // The whole stack's block, when it is on the heap and mostly used (can_take_heap_block),
    // handed to the caller with its references: a PyMem block of *capacity >= size()
    // entries; the stack is left empty on its inline array.
    bool can_take_heap_block() const { return data_ != inline_ && size_ >= cap_ / 2; }
    PyObject** take_heap_block(size_t* capacity) {
        PyObject** p = data_;
        *capacity = cap_;
        // A small block is trimmed (in place on the libc heap). A large one is kept whole:
        // glibc raises its mmap threshold to the size of a freed mmapped block, so a block
        // grown past it, shrunk and freed would come from a fresh mmap (page faults on
        // every entry) in every later call; freed whole, the next call's stack fits below
        // the raised threshold (ints_small run alone: 159 -> 0 faults a loads).
        if (cap_ < kSlowGrowth) {
            if (auto* q = static_cast<PyObject**>(PyMem_Realloc(p, size_ * sizeof(PyObject*)))) {
                p = q;
                *capacity = size_;
            }
        }
        data_ = inline_;
        size_ = 0;
        cap_ = kInline;
        return p;
    }

private:
    // Doubling up to 128 KB (glibc's least mmap threshold), then by half: a large block
    // handed to a list untrimmed wastes at most a third.
    static constexpr size_t kSlowGrowth = 128 * 1024 / sizeof(PyObject*);
    RJSON_NOINLINE bool grow() {
        size_t cap = cap_ < kSlowGrowth ? cap_ * 2 : cap_ + cap_ / 2;
        PyObject** p = static_cast<PyObject**>(
            data_ == inline_ ? PyMem_Malloc(cap * sizeof(PyObject*)) : PyMem_Realloc(data_, cap * sizeof(PyObject*)));
        if (!p) {
            PyErr_NoMemory();
            return false;
        }
        if (data_ == inline_) std::memcpy(p, inline_, size_ * sizeof(PyObject*));
        data_ = p;
        cap_ = cap;
        return true;
    }
    static constexpr size_t kInline = 128;
    PyObject* inline_[kInline];
    PyObject** data_ = inline_;
    size_t size_ = 0;
    size_t cap_ = kInline;
};

template <class C>
inline size_t scan_string(const C* s, size_t n, uint32_t* seen) {
    if constexpr (sizeof(C) == 1) return simd::active->scan_string_u8(s, n, seen);
    else if constexpr (sizeof(C) == 2) return simd::active->scan_string_u16(s, n, seen);
    else return simd::active->scan_string_u32(s, n, seen);
}

template <class C, bool kUtf8, bool kHooks>
class Parser {
public:
    // doc: the str being parsed (for JSONDecodeError), nullptr for UTF-8 input.
    Parser(const C* data, size_t n, PyObject* doc, const Options& opts)
        : begin_(data), end_(data + n), doc_(doc), opts_(opts) {
        if constexpr (!kHooks && PY_VERSION_HEX >= 0x030A0000) alloc_.fetch();  // see ObjectAllocator
    }

    // The whole document: whitespace, one value, whitespace, end.
    PyObject* parse_document() {
        const C* p = skip_ws(begin_);
        PyObject* v = parse_value(p);
        if (!v) return nullptr;
        p = skip_ws(p);
        if (p != end_) {
            Py_DECREF(v);
            return error("Extra data", p);
        }
        return v;
    }

private:
    // One compare for the common non-whitespace case, then a bit test.
    static RJSON_INLINE bool is_ws(C c) {
        constexpr uint64_t kWs = (1ull << ' ') | (1ull << '\t') | (1ull << '\n') | (1ull << '\r');
        return c <= ' ' && ((kWs >> c) & 1);
    }

    // Compact documents have no whitespace and json.dumps' separators one space, so
    // those two cases are checked inline; longer runs (indentation) go 16 at a time.
    RJSON_INLINE const C* skip_ws(const C* p) const {
        if (RJSON_LIKELY(p < end_) && !is_ws(*p)) return p;
        if (p < end_ && ++p < end_ && !is_ws(*p)) return p;
        return simd::skip_ws_run(p, end_);
    }

    // Whitespace after a ':' or ',': the one space json.dumps writes there, or the
    // newline before indentation, is taken before the general skip.
    RJSON_INLINE const C* skip_ws_after_separator(const C* p) const {
        if (RJSON_LIKELY(p < end_) && (*p == ' ' || *p == '\n')) ++p;
        if (RJSON_LIKELY(p < end_) && !is_ws(*p)) return p;
        return simd::skip_ws_run(p, end_);
    }

    // A fresh input is out of the cache, and a wide str is two or four times the bytes
    // of its UTF-8: there each object key requests the 128 units kPrefetchBytes ahead
    // (4 lines in a UCS2 str, 8 in UCS4; the hardware's streams restart at each 4 KiB
    // page). Interleaved with peers as bench.py runs them, twitter as str (UCS4):
    //   one line 512 bytes ahead per key                              656 us
    //   every line up to 2 KiB ahead once, by a cursor (a loop)       578 us
    //   3 lines 2 KiB ahead, no cursor                                540 us
    //   8 lines                                                       498 us (12: 2% less, noise)
    // citm_catalog (UCS2) 1099 -> 1044 -> 1019 us (4 lines: -1% against 3). Bytes and
    // UCS1 took 7% longer with the cursor; there two lines 1 KiB ahead took 2-3% off
    // one line 512 bytes ahead (twitter, citm_catalog, github_events; 2 KiB: noise).
    // A request per array item did not help.
    static constexpr ptrdiff_t kPrefetchBytes = 2048;
    RJSON_INLINE void prefetch_ahead(const C* q) {
        if constexpr (sizeof(C) == 1) {
            __builtin_prefetch(q + 1024);
            __builtin_prefetch(q + 1024 + 64);
        } else {
            const char* at = reinterpret_cast<const char*>(q) + kPrefetchBytes;
            for (size_t i = 0; i < 2 * sizeof(C); ++i) __builtin_prefetch(at + 64 * i);
        }
    }

    RJSON_NOINLINE PyObject* error(const char* msg, const C* at) {
        if constexpr (!kUtf8) raise_decode_error(msg, doc_, at - begin_);
        return nullptr;
    }

    bool literal(const C* p, const char* word, size_t n) const {
        if (static_cast<size_t>(end_ - p) < n) return false;
        for (size_t i = 1; i < n; ++i)
            if (p[i] != static_cast<C>(word[i])) return false;
        return true;
    }

    // Makes the compiler forget what it knows of x's value, so that selects by masks
    // stay branch-free.
    template <class T>
    static RJSON_INLINE void forget_value(T& x) { asm("" : "+r"(x)); }

    // Four units as one integer, and the value four ASCII chars make as units: a
    // literal is one load and compare (a unit-by-unit loop took ~10 instructions).
    using Word4 = std::conditional_t<sizeof(C) == 1, uint32_t,
                                     std::conditional_t<sizeof(C) == 2, uint64_t, unsigned __int128>>;
    static RJSON_INLINE Word4 load4(const C* p) {
        Word4 x;
        std::memcpy(&x, p, sizeof x);
        return x;
    }
    static constexpr Word4 word4(const char* w) {
        Word4 k = 0;
        for (unsigned i = 0; i < 4; ++i) k |= static_cast<Word4>(static_cast<uint8_t>(w[i])) << (8 * sizeof(C) * i);
        return k;
    }

    // true or false at p, whose first char c is 't' or 'f' (5 units readable), with no
    // branch on which, random booleans mispredicting half the time (bools: -45% time):
    // the word at p or p + 1, compared with "true" or "alse" chosen by a mask the
    // compiler cannot turn back into a branch. nullptr if neither.
    static RJSON_INLINE PyObject* boolean(const C*& p, C c) {
        uintptr_t f = c == 'f';
        uintptr_t mask = 0 - f;  // all ones for false
        forget_value(mask);
        constexpr Word4 kTrue = word4("true"), kAlse = word4("alse");
        Word4 expected = kTrue ^ ((kTrue ^ kAlse) & static_cast<Word4>(static_cast<intptr_t>(mask)));
        if (RJSON_UNLIKELY(load4(p + f) != expected)) return nullptr;
        auto yes = reinterpret_cast<uintptr_t>(Py_True), no = reinterpret_cast<uintptr_t>(Py_False);
        auto* v = reinterpret_cast<PyObject*>(yes ^ ((yes ^ no) & mask));
        p += 4 + f;
        Py_INCREF(v);
        return v;
    }

    // A value starting at p (whitespace already skipped); p moves past it. The switch
    // is on the first char's class: one table load and one jump, with no range tests,
    // and a number's sign and digits, or true and false, are one target. (On the char
    // itself, the compiler made a copy of the number path for '-' and one for digits,
    // and random signs mispredicted which half the time.)
    // kEmptyArrays: "[]" is made right here, with no parse_array call, enter or leave
    // (citm_catalog has 8.7k as object values a loads). Only object values take it: in
    // the loops of arrays of scalars the check cost 0.5-1.6% (bools, ints_small as str),
    // and outside the switch's case 1-2% on objects with none (github_events).
    template <bool kEmptyArrays = false>
    RJSON_INLINE PyObject* parse_value(const C*& p) {
        if (RJSON_UNLIKELY(p == end_)) return error("Expecting value", p);
        C c = *p;
        switch (sizeof(C) == 1 || c < 0x80 ? kValueClass[c] : ValueClass::kOther) {
            case ValueClass::kString: return parse_string<false>(p);
            case ValueClass::kObject: return parse_object(p);
            case ValueClass::kArray:
                if constexpr (kEmptyArrays) {
                    if (RJSON_LIKELY(end_ - p >= 2) && p[1] == ']' && can_enter_empty()) {
                        p += 2;
                        return empty_list();
                    }
                }
                return parse_array(p);
            case ValueClass::kNull:
                if (RJSON_LIKELY(end_ - p >= 4) && load4(p) == word4("null")) { p += 4; Py_RETURN_NONE; }
                return error("Expecting value", p);
            case ValueClass::kBool:
                if (RJSON_LIKELY(end_ - p >= 5)) {
                    if (PyObject* v = boolean(p, c); RJSON_LIKELY(v)) return v;
                } else if (c == 't' ? literal(p, "true", 4) : literal(p, "false", 5)) {
                    PyObject* v = c == 't' ? Py_True : Py_False;
                    p += c == 't' ? 4 : 5;
                    Py_INCREF(v);
                    return v;
                }
                return error("Expecting value", p);
            case ValueClass::kNaN:
                if (literal(p, "NaN", 3)) return constant(p, 3, constants.nan);
                return error("Expecting value", p);
            case ValueClass::kInfinity:
                if (literal(p, "Infinity", 8)) return constant(p, 8, constants.pos_inf);
                return error("Expecting value", p);
            case ValueClass::kNumber:  // a number, or -Infinity (parse_number's error path checks for it)
                return parse_number(p);
            case ValueClass::kOther:
                return error("Expecting value", p);
        }
        __builtin_unreachable();
    }

    PyObject* constant(const C*& p, size_t n, PyObject* value) {
        const C* s = p;
        p += n;
        if constexpr (kHooks) {
            if (opts_.parse_constant) {
                Ref text(ascii_str(s, n));
                return text ? PyObject_CallOneArg(opts_.parse_constant, text.get()) : nullptr;
            }
        }
        Py_INCREF(value);
        return value;
    }

    RJSON_INLINE PyObject* parse_number(const C*& p) {
        if constexpr (!kHooks) {
            // Most numbers have a short integer part: it comes from one word, an int
            // ends there and a float goes on from there. Longer integer parts (ids,
            // 64-bit values) are read on from their first word the same way.
            bool negative;
            uint64_t head;
            if (RJSON_LIKELY(end_ - p >= 9)) {
                const C* s = p;
                const C* r;
                size_t digits;
                if (size_t n = short_int_part(p, &negative, &head); RJSON_LIKELY(n)) {
                    C next = p[n];  // readable: n < 9
                    if (RJSON_LIKELY(next != '.' && next != 'e' && next != 'E')) {
                        p += n;
                        uint64_t m = leading_digits(head, static_cast<unsigned>(n - negative));
#ifdef RJSON_SHORT_INT_BLOCKS
                        return short_ints_.make(alloc_, negative, m);
#else
                        return new_int<1>(alloc_, negative, m);
#endif
                    }
                    r = p + n;
                    digits = n - negative;
                    if (RJSON_LIKELY(end_ - p >= kFloatTailSpan)) {
                        double d;
                        bool exact;
                        if (const C* e = float_tail(r - digits, static_cast<unsigned>(digits), negative, &d, &exact);
                            RJSON_LIKELY(e)) {
                            p = e;
                            if (RJSON_LIKELY(exact)) return new_float(alloc_, d);
                            return float_from_text_slow(s, static_cast<size_t>(e - s));
                        }
                    }
                    head = leading_digits(head, static_cast<unsigned>(digits));  // the general scanner's
                } else {
                    r = int_part(p, end_, negative, head, &head, &digits);
                    bool more = r && r < end_ && (*r == '.' || *r == 'e' || *r == 'E');
                    if (r && !more && digits <= 18) {
                        p = r;
                        return new_int<2>(alloc_, negative, head);
                    }
                }
                if (RJSON_LIKELY(r)) {
                    NumberScan scan = finish_number(r, end_, negative, head, digits);
                    p = static_cast<const C*>(scan.end);
                    if (scan.is_float) return float_from_text(alloc_, s, static_cast<size_t>(p - s), scan);
                    return int_from_scan(alloc_, s, static_cast<size_t>(p - s), scan);
                }
            }
        }
        const C* s = p;
        NumberScan r = scan_number(p, end_);
        if (RJSON_UNLIKELY(!r.end)) {
            if (literal(s, "-Infinity", 9)) return constant(p, 9, constants.neg_inf);
            return error("Expecting value", s);
        }
        p = static_cast<const C*>(r.end);
        size_t n = static_cast<size_t>(p - s);
        if constexpr (kHooks) {
            PyObject* hook = r.is_float ? opts_.parse_float : opts_.parse_int;
            if (hook) {
                Ref text(ascii_str(s, n));
                return text ? PyObject_CallOneArg(hook, text.get()) : nullptr;
            }
        }
        if (r.is_float) return float_from_text(alloc_, s, n, r);
        return int_from_scan(alloc_, s, n, r);
    }

    // A string starting at the quote at p; p moves past the closing quote. The common
    // case (no escape, no control char) is one scan and one copy into the new str. A key
    // sets *slot to the key cache slot that holds it (nullptr if none does).
    template <bool kKey>
    RJSON_INLINE PyObject* parse_string(const C*& p, KeyCache::Slot** slot = nullptr) {
        const C* s = p + 1;
        uint32_t seen;
        const C* cur;
        // In UCS2 strs only keys (short, ASCII) are scanned inline, and nothing in UCS4
        // strs: values, often long or non-ASCII there, paid for the inline scan and the
        // kernel both (str_cjk, twitter as str: +10-17%), and UCS4 keys timed 2-3% slower
        // inline (twitter as str) for 7% fewer instructions.
        constexpr ptrdiff_t kInlineUnits = simd::kHeadUnits<C>;
        if (sizeof(C) == 4 || (sizeof(C) > 1 && !kKey)) {
            cur = s + scan_string(s, static_cast<size_t>(end_ - s), &seen);
        } else if (RJSON_LIKELY(end_ - s >= kInlineUnits)) {
            unsigned k = simd::scan_string_head(s, &seen);
            cur = s + k;
            if (RJSON_UNLIKELY(k == kInlineUnits)) {
                uint32_t more;
                cur += scan_string(cur, static_cast<size_t>(end_ - cur), &more);
                seen |= more;
            }
        } else {
            // The document's last units (all of a tiny one): one by one.
            seen = 0;
            for (cur = s; cur < end_ && *cur >= 0x20 && *cur != '"' && *cur != '\\'; ++cur) seen |= *cur;
        }
        if (RJSON_UNLIKELY(cur == end_ || *cur != '"')) return parse_string_slow(p, cur, seen);
        p = cur + 1;
        size_t n = static_cast<size_t>(cur - s);
        if constexpr (kUtf8) {
            if (RJSON_UNLIKELY(seen >= 0x80)) return str_from_utf8(s, cur, end_);
        }
        if constexpr (kKey) {
            if (seen < 0x80 && n <= KeyCache::kMaxLen) return key_cache.get(s, n, end_, slot);
        }
        return make_str(alloc_, s, n, seen);
    }

    // Appends the escape-free units [s, e) to the scratch buffer as code points.
    bool append_run(const C* s, const C* e, uint32_t seen, uint32_t* cps) {
        if constexpr (kUtf8) {
            if (seen >= 0x80) return decode_utf8(s, e, scratch_, cps);
        }
        size_t n = static_cast<size_t>(e - s);
        if (!(seen < 0x100 ? scratch_.reserve(n) : scratch_.widen(n))) return false;
        scratch_.append(s, n);
        *cps |= seen;
        return true;
    }

    // The char of the escape at cur (a backslash; u: the next unit is 'u') when it is a
    // two-char escape or \u00XX, else -1 (a wider char, or invalid: the general step's).
    // Both kinds are decoded and one is picked, with no branch on which: escape-dense
    // text mixes them at random, and a branch mispredicted on about every other escape
    // (str_escapes: 1.07 -> 0.97 ms). A branch-free choice between an escape and a plain
    // unit too went further (0.87 ms) but cost text with escapes between plain runs, where
    // that branch predicts well, +5% (github_events) and +2% (twitter).
    static RJSON_INLINE int32_t narrow_escape(const C* cur, bool u) {
        int32_t hex = hex_digit(cur[4]) * 16 | hex_digit(cur[5]);  // a bad digit: < 0
        hex = simd::pick(zeros2(cur + 2), hex, -1);                // else wider than a byte
        return simd::pick(u, hex, static_cast<int32_t>(kEscapedOr1[unit_index(cur[1])]));
    }

    // Whether the two units at h are '0' (one compare for bytes).
    static RJSON_INLINE bool zeros2(const C* h) {
        if constexpr (sizeof(C) == 1) {
            uint16_t w;
            std::memcpy(&w, h, 2);
            return w == 0x3030;
        } else {
            return (h[0] == '0') & (h[1] == '0');
        }
    }

    // The 4 hex digits at h as a code unit, or a negative number.
    static int32_t hex4(const C* h) {
        int32_t a = hex_digit(h[0]), b = hex_digit(h[1]), c = hex_digit(h[2]), d = hex_digit(h[3]);
        if ((a | b | c | d) < 0) return -1;
        return (a << 12) | (b << 8) | (c << 4) | d;
    }

    // A plain run this long in an escaped string goes to the vector scan; shorter ones
    // (between escapes in escape-heavy text) are cheaper unit by unit.
    static constexpr unsigned kScalarRun = 8;

    // The string's slow path, entered at `cur`, the first unit that is not plain (after
    // [p + 1, cur), whose OR is `seen`): decodes the whole string into the scratch
    // buffer, escapes through a table and plain units one by one until a run gets long.
    // Positions in errors follow scanstring_unicode exactly.
    RJSON_NOINLINE PyObject* parse_string_slow(const C*& p, const C* cur, uint32_t seen) {
        const C* quote = p;
        scratch_.clear();
        uint32_t cps = 0;
        if (static_cast<size_t>(cur - (quote + 1)) >= kDirectRun) {
            bool fallback;
            PyObject* str = parse_string_direct(p, quote + 1, cur, seen, 0, &fallback);
            if (!fallback) return str;
        }
        if (!append_run(quote + 1, cur, seen, &cps)) return nullptr;
        unsigned plain = 0;
        for (;;) {
            // The common steps first, while the buffer holds bytes: plain chars and escapes
            // of chars below 0x100, written with no room check (each step reads at least
            // one unit and writes one byte, so room for the units up to `limit` is enough).
            // Anything else, and the step that reaches `limit`, takes the general step below.
            if (RJSON_LIKELY(!scratch_.wide())) {
                // Escapes read up to 12 units ahead (a surrogate pair): near the end of the
                // input they take the general step, which checks each read.
                size_t avail = static_cast<size_t>(end_ - cur);
                avail = avail > 12 ? avail - 12 : 0;
                size_t room = scratch_.room();
                const C* limit = cur + (avail < room ? avail : room);
                uint8_t* d = scratch_.end8();
                uint8_t* const d0 = d;
                while (cur < limit) {
                    uint32_t c = *cur;
                    if (c == '\\') {
                        bool u = cur[1] == 'u';
                        int32_t v = narrow_escape(cur, u);
                        if (RJSON_UNLIKELY(v < 0)) break;
                        *d++ = static_cast<uint8_t>(v);
                        cps |= static_cast<uint32_t>(v);
                        cur += simd::pick(u, size_t{6}, size_t{2});
                        plain = 0;
                        continue;
                    }
                    // Plain units until a run is long enough for the vector scan.
                    if (c == '"' || c < 0x20 || c >= (kUtf8 ? 0x80u : 0x100u) || plain + 1 >= kScalarRun) break;
                    ++plain;
                    *d++ = static_cast<uint8_t>(c);
                    cps |= c;
                    ++cur;
                }
                scratch_.resize(scratch_.size() + static_cast<size_t>(d - d0));
            }
            if (RJSON_UNLIKELY(cur == end_)) return error("Unterminated string starting at", quote);
            uint32_t c = *cur;
            if (c == '"') break;
            if (c == '\\') {
                plain = 0;
                const C* next = cur + 1;
                if (next == end_) return error("Unterminated string starting at", quote);
                c = *next;
                if (c != 'u') {
                    c = c < 0x80 ? kEscaped[c] : 0;
                    if (!c) return error("Invalid \\escape", cur);
                    cur = next + 1;
                } else {
                    const C* h = next + 1;
                    // json wants at least one char after the 4 digits (the closing quote).
                    if (end_ - h <= 4) return error("Invalid \\uXXXX escape", next);
                    int32_t v = hex4(h);
                    if (v < 0) return error("Invalid \\uXXXX escape", next);
                    cur = h + 4;
                    c = static_cast<uint32_t>(v);
                    // A high surrogate followed by an escaped low one is one char; anything
                    // else after it leaves it lone (and is parsed on its own next).
                    if (c >= 0xD800 && c <= 0xDBFF && end_ - cur > 6 && cur[0] == '\\' && cur[1] == 'u') {
                        int32_t lo = hex4(cur + 2);
                        if (lo < 0) return error("Invalid \\uXXXX escape", cur + 1);
                        if (lo >= 0xDC00 && lo <= 0xDFFF) {
                            c = 0x10000 + (((c - 0xD800) << 10) | static_cast<uint32_t>(lo - 0xDC00));
                            cur += 6;
                        }
                    }
                }
            } else if (RJSON_UNLIKELY(c < 0x20)) {
                // A raw control char: an error, unless strict=False lets it through.
                if (opts_.strict) return error("Invalid control character at", cur);
                ++cur;
            } else if (++plain >= kScalarRun) {
                uint32_t run_seen;
                const C* run = cur;
                cur += scan_string(cur, static_cast<size_t>(end_ - cur), &run_seen);
                if (static_cast<size_t>(cur - run) >= kDirectRun) {
                    bool fallback;
                    PyObject* str = parse_string_direct(p, run, cur, run_seen, cps, &fallback);
                    if (!fallback) return str;
                }
                if (!append_run(run, cur, run_seen, &cps)) return nullptr;
                plain = 0;
                continue;
            } else if (kUtf8 && c >= 0x80) {
                int len = utf8_sequence(reinterpret_cast<const uint8_t*>(cur),
                                        reinterpret_cast<const uint8_t*>(end_), &c);
                if (!len) return nullptr;  // invalid UTF-8: the caller re-decodes
                cur += len;
            } else {
                ++cur;
            }
            if (!scratch_.reserve(1) || !scratch_.push(c)) return nullptr;
            cps |= c;
        }
        p = cur + 1;
        if (scratch_.wide()) return make_str(alloc_, scratch_.code_points(), scratch_.size(), cps);
        return make_str(alloc_, scratch_.bytes(), scratch_.size(), cps);
    }

    // A plain run this long makes the rest of the string go straight into its str
    // (parse_string_direct): through the scratch buffer, long text would be copied twice.
    // In a UCS2 or UCS4 str the scratch buffer's steps are unit by unit (code points past
    // a byte take the general step), so any run the vector scan took (kScalarRun) goes
    // direct: twitter as str, whose escaped strings are mostly CJK text between "\n"s,
    // 5.94M -> 5.79M instructions; escape-dense wide text (runs under 8) is unchanged.
    static constexpr size_t kDirectRun = sizeof(C) == 1 ? 256 : 8;

    // The escape at cur (a backslash): its char in *cp and the units it takes, or 0 if it
    // is invalid (the scalar loop then finds it again and reports json's error).
    unsigned read_escape(const C* cur, uint32_t* cp) const {
        if (end_ - cur < 2) return 0;
        uint32_t c = cur[1];
        if (c != 'u') {
            *cp = c < 0x80 ? kEscaped[c] : 0;
            return *cp ? 2 : 0;
        }
        if (end_ - cur <= 6) return 0;
        int32_t v = hex4(cur + 2);
        if (v < 0) return 0;
        *cp = static_cast<uint32_t>(v);
        if (v >= 0xD800 && v <= 0xDBFF && end_ - cur > 12 && cur[6] == '\\' && cur[7] == 'u') {
            int32_t lo = hex4(cur + 8);
            if (lo < 0) return 0;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                *cp = 0x10000 + ((static_cast<uint32_t>(v - 0xD800) << 10) | static_cast<uint32_t>(lo - 0xDC00));
                return 12;
            }
        }
        return 6;
    }

    // The rest of a string, from the run [run, stop) (OR of its units: seen) on, decoded
    // straight into a str whose first chars are the scratch buffer's (OR: cps). A first
    // pass finds the closing quote, the exact length and kind, and records each stop; a
    // second copies the runs between stops (memcpy when the kinds match) and writes the
    // stops' chars. Anything invalid sets *fallback (no error set): the scalar loop then
    // carries on from `run` and reports it exactly. Invalid UTF-8: nullptr, no error set.
    RJSON_NOINLINE PyObject* parse_string_direct(const C*& p, const C* run, const C* stop, uint32_t seen,
                                                 uint32_t cps, bool* fallback) {
        *fallback = true;
        const C* const first = run;
        const C* cur = stop;
        size_t chars = scratch_.size();
        bool utf8_run, tried_long = false;
        stops_.clear();
        for (;;) {
            utf8_run = false;
            if constexpr (kUtf8) {
                if (seen >= 0x80) {
                    // The lead bytes give the count and the kind (see str_from_utf8).
                    uint8_t top;
                    chars += simd::utf8_length(reinterpret_cast<const uint8_t*>(run),
                                               reinterpret_cast<const uint8_t*>(cur),
                                               reinterpret_cast<const uint8_t*>(end_), &top);
                    cps |= top < 0xC4 ? 0x80 : top < 0xF0 ? 0x100 : 0x10000;
                    utf8_run = true;
                }
            }
            if (!utf8_run) {
                chars += static_cast<size_t>(cur - run);
                cps |= seen;
            }
            if constexpr (sizeof(C) == 1) {
                if (RJSON_UNLIKELY(chars >= kLongString) && cps < 0x80 && !tried_long) {
                    tried_long = true;
                    bool taken;
                    PyObject* str = finish_long_ascii(p, first, cur, chars, &taken);
                    if (taken) {
                        *fallback = false;
                        return str;
                    }
                }
            }
            if (cur == end_) return nullptr;
            uint32_t c = *cur;
            if (c == '"') break;
            unsigned len = 1;
            if (c == '\\') {
                len = read_escape(cur, &c);
                if (!len) return nullptr;
            } else if (opts_.strict) {
                return nullptr;  // a raw control char
            }
            *fallback = false;
            if (!stops_.push({static_cast<size_t>(cur - first), c, static_cast<uint16_t>(len), utf8_run})) return nullptr;
            *fallback = true;
            ++chars;
            cps |= c;
            cur += len;
            run = cur;
            cur += scan_string(cur, static_cast<size_t>(end_ - cur), &seen);
        }
        *fallback = false;
        Py_UCS4 maxchar = cps < 0x80 ? 0x7F : cps < 0x100 ? 0xFF : cps < 0x10000 ? 0xFFFF : 0x10FFFF;
        PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(chars), maxchar);
        if (!str) return nullptr;
        bool ok;
        switch (PyUnicode_KIND(str)) {
            case PyUnicode_1BYTE_KIND: ok = fill_direct(PyUnicode_1BYTE_DATA(str), first, cur, utf8_run); break;
            case PyUnicode_2BYTE_KIND: ok = fill_direct(PyUnicode_2BYTE_DATA(str), first, cur, utf8_run); break;
            default: ok = fill_direct(PyUnicode_4BYTE_DATA(str), first, cur, utf8_run); break;
        }
        if (RJSON_UNLIKELY(!ok)) {
            Py_DECREF(str);
            return nullptr;
        }
        p = cur + 1;
        return str;
    }

    // A string this long in parse_string_direct, all ASCII so far, is finished in one pass
    // (finish_long_ascii): a second pass would read it all again, from further away than
    // the cache each run was just scanned into (text_ascii, 400 KB: 28 -> 23 us).
    static constexpr size_t kLongString = 65536;

    // The rest of a long ASCII string, each run copied right after its scan into a str
    // of a guessed length (8x the chars so far, at most one char per unit left), grown 8x
    // when full and shrunk to fit at the end. Entered at `cur`, a stop, with `chars` chars
    // before it (the scratch buffer's, then [first, cur) by stops_). *taken false (no
    // error set) leaves the string to parse_string_direct from `cur`: anything not ASCII,
    // any error, a failed allocation.
    PyObject* finish_long_ascii(const C*& p, const C* first, const C* cur, size_t chars, bool* taken) {
        *taken = false;
        size_t most = chars + static_cast<size_t>(end_ - cur);
        size_t cap = most < 8 * chars ? most : 8 * chars;
        PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(cap), 127);
        if (!str) {
            PyErr_Clear();
            return nullptr;
        }
        uint8_t* d = PyUnicode_1BYTE_DATA(str);
        fill_direct(d, first, cur, false);
        size_t len = chars;
        for (;;) {
            size_t left = static_cast<size_t>(end_ - cur);
            if (RJSON_UNLIKELY(len == cap) && left) {
                cap = most < 8 * cap ? most : 8 * cap;
                if (PyUnicode_Resize(&str, static_cast<Py_ssize_t>(cap)) < 0) break;
                d = PyUnicode_1BYTE_DATA(str);
            }
            size_t n = cap - len < left ? cap - len : left;
            uint32_t seen;
            size_t k = scan_string(cur, n, &seen);
            if (seen >= 0x80) break;
            std::memcpy(d + len, cur, k);
            len += k;
            cur += k;
            if (k == n) {
                if (cur == end_) break;
                continue;  // out of room
            }
            uint32_t c = *cur;
            if (c == '"') {
                if (PyUnicode_Resize(&str, static_cast<Py_ssize_t>(len)) < 0) break;
                *taken = true;
                p = cur + 1;
                return str;
            }
            unsigned units = c == '\\' ? read_escape(cur, &c) : 0;  // a control char: not here
            if (!units || c >= 0x80) break;
            d[len++] = static_cast<uint8_t>(c);
            cur += units;
        }
        PyErr_Clear();
        Py_DECREF(str);
        return nullptr;
    }

    // parse_string_direct's second pass into d: the scratch buffer's chars, then [first,
    // last) by the recorded stops. False on invalid UTF-8.
    template <class Out>
    bool fill_direct(Out* d, const C* first, const C* last, bool utf8_last) {
        size_t n = scratch_.size();
        if (scratch_.wide()) {
            const uint32_t* cp = scratch_.code_points();
            for (size_t i = 0; i < n; ++i) d[i] = static_cast<Out>(cp[i]);
        } else if constexpr (sizeof(Out) == 1) {
            std::memcpy(d, scratch_.bytes(), n);
        } else {
            const uint8_t* b = scratch_.bytes();
            for (size_t i = 0; i < n; ++i) d[i] = b[i];
        }
        d += n;
        auto copy_run = [&](const C* s, const C* e, bool utf8) -> Out* {
            if constexpr (kUtf8) {
                if (utf8)
                    return utf8_decode_into(reinterpret_cast<const uint8_t*>(s), reinterpret_cast<const uint8_t*>(e),
                                            reinterpret_cast<const uint8_t*>(end_), d);
            }
            size_t k = static_cast<size_t>(e - s);
            if constexpr (sizeof(Out) == sizeof(C)) std::memcpy(d, s, k * sizeof(C));
            else for (size_t i = 0; i < k; ++i) d[i] = static_cast<Out>(s[i]);
            return d + k;
        };
        const C* src = first;
        for (size_t i = 0, m = stops_.size(); i < m; ++i) {
            const StringStop& st = stops_[i];
            const C* at = first + st.at;
            d = copy_run(src, at, st.utf8_before);
            if (RJSON_UNLIKELY(!d)) return false;
            *d++ = static_cast<Out>(st.cp);
            src = at + st.len;
        }
        return copy_run(src, last, utf8_last) != nullptr;
    }

    // Containers count against the recursion limit as json's do (same RecursionError
    // text), and against kMaxDepth and the thread's remaining stack so that raising the
    // limit cannot overflow the C stack.
    bool enter(const char* what) {
        if (RJSON_UNLIKELY(++depth_ > kMaxDepth || c_stack_.nearly_exhausted())) {
            --depth_;
            PyErr_Format(PyExc_RecursionError, "maximum recursion depth exceeded%s", what);
            return false;
        }
#ifdef RJSON_RECURSION_COUNTER
        // Py_EnterRecursiveCall only decrements the thread's counter while it is
        // positive; the call is kept for where it may raise.
        if (RJSON_LIKELY(*recursion_remaining_ > 0)) {
            --*recursion_remaining_;
            return true;
        }
#endif
        if (RJSON_UNLIKELY(Py_EnterRecursiveCall(what))) {
            --depth_;
            return false;
        }
        return true;
    }
    // Whether enter() would let an empty container in without a word.
    // The same limits apply, so a RecursionError comes at the same depth.
    RJSON_INLINE bool can_enter_empty() const {
#ifdef RJSON_RECURSION_COUNTER
        return depth_ < kMaxDepth && *recursion_remaining_ > 0 && !c_stack_.nearly_exhausted();
#else
        return false;
#endif
    }

    void leave() {
#ifdef RJSON_RECURSION_COUNTER
        ++*recursion_remaining_;  // all Py_LeaveRecursiveCall does
#else
        Py_LeaveRecursiveCall();
#endif
        --depth_;
    }

    // json 3.13+ names a comma right before ']' or '}' (at the comma); older versions
    // report what the next token lacks ("Expecting value" / "Expecting property name").
    static constexpr bool kTrailingCommaErrors = PY_VERSION_HEX >= 0x030D0000;

    RJSON_NOINLINE PyObject* parse_array(const C*& p) {
        if (!enter(" while decoding a JSON array from a unicode string")) return nullptr;
        PyObject* r = parse_array_body(p);
        leave();
        return r;
    }

#ifndef Py_GIL_DISABLED
    // A list of n items (from `items`, which the caller sets), tracked by the collector
    // once the caller has filled it (track_new). PyList_New(0) is ~150 instructions, ~25
    // of them its own (free-list check, fields, inline tracking) on top of the allocation;
    // citm_catalog has 8.7k empty lists and 1.8k others per loads. The fields set here are
    // all a list has (PyListObject is public and the same 3.9-3.14 outside free-threaded
    // builds).
    RJSON_INLINE PyListObject* list_shell(PyObject** items, size_t n) {
        PyListObject* l;
#ifdef RJSON_DIRECT_GC
        if (inline_gc()) l = gc_.template alloc<PyListObject>(alloc_, &PyList_Type);
        else
#endif
            l = PyObject_GC_New(PyListObject, &PyList_Type);
        if (RJSON_UNLIKELY(!l)) return nullptr;
        l->ob_item = items;
        l->allocated = static_cast<Py_ssize_t>(n);
        Py_SET_SIZE(l, static_cast<Py_ssize_t>(n));
        return l;
    }

#ifdef RJSON_DIRECT_GC
    // Whether containers are allocated and tracked here (see GcObjects); a parse with
    // hooks, which run Python code mid-parse, uses the public calls.
    RJSON_INLINE bool inline_gc() const { return !kHooks && RJSON_LIKELY(gc_.ready()); }
#endif

    // PyObject_GC_Track, inline where the young list is known (see GcObjects).
    RJSON_INLINE void track_new(PyObject* o) {
#ifdef RJSON_DIRECT_GC
        if (inline_gc()) return gc_.track(o);
#endif
        PyObject_GC_Track(o);
    }

    RJSON_INLINE PyObject* empty_list() {
        PyListObject* l = list_shell(nullptr, 0);
        if (RJSON_UNLIKELY(!l)) return nullptr;
        track_new(reinterpret_cast<PyObject*>(l));
        return reinterpret_cast<PyObject*>(l);
    }
#else
    static RJSON_INLINE PyObject* empty_list() { return PyList_New(0); }
#endif

    // A list that takes the n references at items. PyList_New(n) zeroes its item array
    // (calloc) only for the caller to overwrite it: a malloc'ed array is the same list
    // for less. Free-threaded builds lay the array out differently.
    RJSON_INLINE PyObject* list_from(PyObject* const* items, size_t n) {
#ifndef Py_GIL_DISABLED
        auto* a = static_cast<PyObject**>(PyMem_Malloc(n * sizeof(PyObject*)));
        if (RJSON_UNLIKELY(!a)) return PyErr_NoMemory();
        PyListObject* l = list_shell(a, n);
        if (RJSON_UNLIKELY(!l)) {
            PyMem_Free(a);
            return nullptr;
        }
        std::memcpy(a, items, n * sizeof(PyObject*));
        track_new(reinterpret_cast<PyObject*>(l));
        return reinterpret_cast<PyObject*>(l);
#else
        PyObject* list = PyList_New(static_cast<Py_ssize_t>(n));
        if (RJSON_UNLIKELY(!list)) return nullptr;
        std::memcpy(reinterpret_cast<PyListObject*>(list)->ob_item, items, n * sizeof(PyObject*));
        return list;
#endif
    }

    RJSON_INLINE PyObject* parse_array_body(const C*& p) {
        const C* q = skip_ws(p + 1);
        if (q < end_ && *q == ']') {
            p = q + 1;
            return empty_list();
        }
        size_t base = stack_.size();
        for (;;) {
            PyObject* v = parse_value(q);
            if (RJSON_UNLIKELY(!v) || RJSON_UNLIKELY(!stack_.push(v))) goto fail;
            // The separators of compact documents and of json.dumps' (", ") with one
            // bounds check; anything else goes the general way.
            if (RJSON_LIKELY(end_ - q >= 3) && *q == ',') {
                const C* next = q + 1 + (q[1] == ' ');
                if (RJSON_LIKELY(*next > ' ') && (!kTrailingCommaErrors || RJSON_LIKELY(*next != ']'))) {
                    q = next;
                    continue;
                }
            }
            q = skip_ws(q);
            if (q < end_ && *q == ',') {
                const C* comma = q;
                q = skip_ws(q + 1);
                if constexpr (kTrailingCommaErrors) {
                    if (RJSON_UNLIKELY(q < end_ && *q == ']')) {
                        error("Illegal trailing comma before end of array", comma);
                        goto fail;
                    }
                }
                (void)comma;
                continue;
            }
            if (q < end_ && *q == ']') break;
            error("Expecting ',' delimiter", q);
            goto fail;
        }
        {
            // The list takes the stack's references; an outermost list of more items than
            // the inline array holds takes the stack's block as its own, with no copy
            // (ints_small: a 640 KB allocation and copy less a loads).
#ifndef Py_GIL_DISABLED
            if (base == 0 && stack_.can_take_heap_block()) {
                size_t n = stack_.size(), cap;
                PyObject* list = PyList_New(0);
                if (!list) goto fail;
                auto* l = reinterpret_cast<PyListObject*>(list);
                l->ob_item = stack_.take_heap_block(&cap);
                l->allocated = static_cast<Py_ssize_t>(cap);
                Py_SET_SIZE(l, static_cast<Py_ssize_t>(n));
                p = q + 1;
                return list;
            }
#endif
            PyObject* list = list_from(stack_.at(base), stack_.size() - base);
            if (!list) goto fail;
            stack_.drop(base);
            p = q + 1;
            return list;
        }
    fail:
        stack_.truncate(base);
        return nullptr;
    }

    RJSON_NOINLINE PyObject* parse_object(const C*& p) {
        if (!enter(" while decoding a JSON object from a unicode string")) return nullptr;
        PyObject* r = parse_object_body(p);
        leave();
        return r;
    }

    PyObject* parse_object_body(const C*& p) {
        const C* q = skip_ws(p + 1);
        size_t base = stack_.size();
        if (q < end_ && *q == '}') {
            ++q;
        } else {
            // Where the guess for the next key is kept (see KeyCache::take_if_next); an
            // uncached key leaves its successor's guess in `none`.
            KeyCache::Guess* guess = key_cache.first_guess(depth_);
            KeyCache::Guess none = KeyCache::kNoGuess;
            for (;;) {
                if (RJSON_UNLIKELY(q == end_ || *q != '"')) {
                    error("Expecting property name enclosed in double quotes", q);
                    goto fail;
                }
                prefetch_ahead(q);
                KeyCache::Slot& guessed = key_cache.at(*guess);
                PyObject* k = KeyCache::take_if_next(guessed, q + 1, end_);
                if (RJSON_LIKELY(k)) {
                    q += guessed.len + 2;
                    guess = &guessed.next;
                } else {
                    KeyCache::Slot* slot = nullptr;
                    k = parse_string<true>(q, &slot);
                    if (RJSON_UNLIKELY(!k)) goto fail;
                    if (slot) {
                        *guess = key_cache.index_of(slot);
                        guess = &slot->next;
                    } else {
                        *guess = KeyCache::kNoGuess;
                        guess = &none;
                    }
                    // Keys from the key cache come hashed; the others are hashed here, so
                    // that building the dict has nothing left that could fail.
                    if (RJSON_UNLIKELY(reinterpret_cast<PyASCIIObject*>(k)->hash == -1) && PyObject_Hash(k) == -1) {
                        Py_DECREF(k);
                        goto fail;
                    }
                }
                if (RJSON_UNLIKELY(!stack_.push(k))) goto fail;
                // json.dumps writes ": " and ", " (or ":" and ","; indentation after the
                // comma): those are tested as they come, anything else takes skip_ws.
                if (RJSON_LIKELY(q < end_ && *q == ':')) {
                    q = skip_ws_after_separator(q + 1);
                } else {
                    q = skip_ws(q);
                    if (RJSON_UNLIKELY(q == end_ || *q != ':')) {
                        error("Expecting ':' delimiter", q);
                        goto fail;
                    }
                    q = skip_ws(q + 1);
                }
                PyObject* v = parse_value<true>(q);
                if (RJSON_UNLIKELY(!v) || RJSON_UNLIKELY(!stack_.push(v))) goto fail;
                if (RJSON_UNLIKELY(q == end_ || (*q != ',' && *q != '}'))) q = skip_ws(q);
                if (q < end_ && *q == ',') {
                    const C* comma = q;
                    q = skip_ws_after_separator(q + 1);
                    if constexpr (kTrailingCommaErrors) {
                        if (RJSON_UNLIKELY(q < end_ && *q == '}')) {
                            error("Illegal trailing comma before end of object", comma);
                            goto fail;
                        }
                    }
                    (void)comma;
                    continue;
                }
                if (q < end_ && *q == '}') {
                    ++q;
                    break;
                }
                error("Expecting ',' delimiter", q);
                goto fail;
            }
        }
        {
            PyObject* obj = build_object(base);
            if (!obj) return nullptr;
            p = q;
            return obj;
        }
    fail:
        stack_.truncate(base);
        return nullptr;
    }

    // PyDict_SetItem minus its type checks and hash fetch: keys are exact strs whose
    // hash the key cache (or an earlier insertion) computed. The private call exists
    // with this signature up to 3.12; later versions take the public path.
    static RJSON_INLINE int dict_set(PyObject* dict, PyObject* key, PyObject* value) {
#if PY_VERSION_HEX < 0x030D0000
        Py_hash_t hash = reinterpret_cast<PyASCIIObject*>(key)->hash;
        if (RJSON_LIKELY(hash != -1)) return _PyDict_SetItem_KnownHash(dict, key, value, hash);
#endif
        return PyDict_SetItem(dict, key, value);
    }

    // The object from the key/value pairs above `base`; always consumes them.
    PyObject* build_object(size_t base) {
        size_t n = (stack_.size() - base) / 2;
        PyObject** kv = stack_.at(base);
        if constexpr (kHooks) {
            if (opts_.object_pairs_hook) {
                Ref pairs(PyList_New(static_cast<Py_ssize_t>(n)));
                if (!pairs) return stack_.truncate(base), nullptr;
                for (size_t i = 0; i < n; ++i) {
                    PyObject* t = PyTuple_New(2);
                    if (!t) return stack_.truncate(base), nullptr;
                    Py_INCREF(kv[2 * i]);
                    Py_INCREF(kv[2 * i + 1]);
                    PyTuple_SET_ITEM(t, 0, kv[2 * i]);
                    PyTuple_SET_ITEM(t, 1, kv[2 * i + 1]);
                    PyList_SET_ITEM(pairs.get(), static_cast<Py_ssize_t>(i), t);
                }
                stack_.truncate(base);
                return PyObject_CallOneArg(opts_.object_pairs_hook, pairs.get());
            }
        }
#ifdef RJSON_DIRECT_DICT
        if (RJSON_LIKELY(n < kMaxDirectPairs)) {
            PyObject* dict = dict_from_pairs(kv, n, shells_);
            if (!dict) return stack_.truncate(base), nullptr;
            stack_.drop(base);  // the dict took the pairs' references
            return with_object_hook(dict);
        }
#endif
        // Presized: no resize while filling (duplicates only make it roomier). Outside
        // 3.11-3.12 a presized dict is not the one json's inserts grow, which
        // sys.getsizeof shows: before 3.11 the table can be a size larger (85 keys: 256
        // slots, not 128); from 3.13 it has general (24-byte) entries, not str-key ones.
        // There it starts empty and grows as json's does.
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
        PyObject* dict = n > 5 ? _PyDict_NewPresized(static_cast<Py_ssize_t>(n)) : PyDict_New();
#else
        PyObject* dict = PyDict_New();
#endif
        if (!dict) return stack_.truncate(base), nullptr;
        for (size_t i = 0; i < n; ++i) {
            if (RJSON_UNLIKELY(dict_set(dict, kv[2 * i], kv[2 * i + 1]) < 0)) {
                Py_DECREF(dict);
                stack_.truncate(base);
                return nullptr;
            }
        }
        stack_.truncate(base);
        return with_object_hook(dict);
    }

    // The dict itself, or what object_hook makes of it (taking the dict's reference).
    PyObject* with_object_hook(PyObject* dict) {
        if constexpr (kHooks) {
            if (opts_.object_hook) {
                PyObject* r = PyObject_CallOneArg(opts_.object_hook, dict);
                Py_DECREF(dict);
                return r;
            }
        }
        return dict;
    }

    const C* begin_;
    const C* end_;
    PyObject* doc_;
    const Options& opts_;
    StackGuard c_stack_;
#ifdef RJSON_RECURSION_COUNTER
    int* recursion_remaining_ = recursion_counter(PyThreadState_Get());
#endif
    int depth_ = 0;
    ValueStack stack_;
    Scratch scratch_;
    StopList stops_;
    ObjectAllocator alloc_;
#ifdef RJSON_DIRECT_GC
    GcObjects gc_;
    DictShells shells_{kHooks ? nullptr : &gc_, &alloc_};
#elif defined(RJSON_DIRECT_DICT)
    DictShells shells_;
#endif
#ifdef RJSON_SHORT_INT_BLOCKS
    ShortIntBlocks short_ints_;
#endif
};

}  // namespace rjson::decode

// Numbers: JSON's number grammar exactly as json's scanner matches it, and conversions
// that give the same objects as int(text) and float(text).
#pragma once
#include <charconv>
#include <cstring>
#include <cstddef>
#include "common/py.hpp"
#include "decode/pow10_table.hpp"
#include "simd/inline.hpp"

namespace rjson::decode {

template <class C>
inline bool is_digit(C c) { return c >= '0' && c <= '9'; }

struct NumberScan {
    const void* end;        // one past the number's last char (a const C*), nullptr if none
    bool is_float;
    bool negative;
    unsigned digits;        // mantissa digits, integer and fraction (saturating)
    unsigned int_digits;    // of which in the integer part
    uint64_t mantissa;      // their value, exact when digits <= 19
    int64_t exp10;          // the value is mantissa * 10^exp10 (when digits <= 19)
};

// Digits in a word, little-endian SWAR: the high bit of each byte that is not a digit.
// Subtracting '0' sets it for bytes below '0' (and from 0xB0 up), adding 0x46 for bytes
// from ':' up; a digit sets neither. The carries and borrows a non-digit causes only
// reach higher bytes, so the lowest flagged byte is always the first non-digit.
inline constexpr uint64_t kZeros = 0x3030303030303030ull;
RJSON_INLINE uint64_t non_digit_bytes(uint64_t w) {
    return ((w - kZeros) | (w + 0x4646464646464646ull)) & 0x8080808080808080ull;
}
// The value of the k leading digit bytes of w (1 <= k <= 8): moved to the top bytes
// with zeros below, then neighbouring digits, pairs and quads combined, each step one
// multiply by (10^n << bits) + 1 that adds a lane times 10^n to the lane above it,
// and a shift back down. Every lane kept stays below its width, so nothing carries;
// what overflows the top is the lane no later step reads.
RJSON_INLINE uint64_t leading_digits(uint64_t w, unsigned k) {
    uint64_t v = (w - kZeros) << (8 * (8 - k));
    v = (v * ((10 << 8) + 1)) >> 8;
    v = ((v & 0x00FF00FF00FF00FFull) * ((100 << 16) + 1)) >> 16;
    return ((v & 0x0000FFFF0000FFFFull) * ((10000ull << 32) + 1)) >> 32;
}
// leading_digits for 0 <= k <= 8, with no branch on k == 0.
RJSON_INLINE uint64_t leading_digits_or_0(uint64_t w, unsigned k) {
    return leading_digits(w, k | (k == 0)) & (0 - static_cast<uint64_t>(k != 0));
}
inline constexpr uint64_t kPow10u[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// Consumes a run of digits at p, folding them into *w (wrapping past 19 digits: callers
// check the count). Returns the end of the run.
template <class C>
RJSON_INLINE const C* eat_digits(const C* p, const C* end, uint64_t* w) {
    uint64_t m = *w;
    {
        while (end - p >= 8) {
            uint64_t word = simd::load8_as_bytes(p);
            uint64_t non_digit = non_digit_bytes(word);
            if (!non_digit) {
                m = m * 100000000ull + leading_digits(word, 8);
                p += 8;
                continue;
            }
            unsigned k = static_cast<unsigned>(__builtin_ctzll(non_digit)) / 8;
            // One digit past a whole word (9-digit ids: citm_catalog has 13k) needs no
            // multiply chain.
            if (k == 1) m = m * 10 + ((word & 0xFF) - '0');
            else if (k) m = m * kPow10u[k] + leading_digits(word, k);
            *w = m;
            return p + k;
        }
    }
    while (p < end && is_digit(*p)) {
        m = m * 10 + static_cast<uint64_t>(*p - '0');
        ++p;
    }
    *w = m;
    return p;
}

// The integer part of a number at p when it is "-?[1-9][0-9]{0,6}" or "-?0": its
// length (sign included), and in *word the word it was found in, whose value is
// leading_digits(*word, length - sign) (a float takes its digits otherwise: see
// float_tail); 0 for anything else (longer: see int_part; malformed: the general
// scanner's job). p has 9 readable units.
template <class C>
RJSON_INLINE size_t short_int_part(const C* p, bool* negative, uint64_t* word) {
    *negative = *p == '-';
    const C* q = p + *negative;
    uint64_t w = simd::load8_as_bytes(q);
    *word = w;  // (int_part goes on from it when this returns 0)
    uint64_t non_digit = non_digit_bytes(w);
    if (!non_digit) return 0;  // 8 digits or more
    unsigned nd = static_cast<unsigned>(__builtin_ctzll(non_digit)) / 8;
    // One test, not a branch on the digit count (random lengths mispredicted it).
    if (RJSON_UNLIKELY((nd == 0) | ((nd > 1) & (q[0] == '0')))) return 0;
    return nd + *negative;
}

// The integer part of a number at p, "-?(0|[1-9][0-9]*)": its end, with its value
// (wrapping past 19 digits) and digit count, or nullptr if there is none (the general
// scanner then reports the error). For those short_int_part leaves, from the sign it
// found and the word it read (w, the 8 units after the sign): the first eight digits
// come from that word, the rest from eat_digits. p has 9 readable units.
template <class C>
RJSON_INLINE const C* int_part(const C* p, const C* end, bool negative, uint64_t w, uint64_t* value, size_t* digits) {
    const C* q = p + negative;
    uint64_t non_digit = non_digit_bytes(w);
    unsigned nd = non_digit ? static_cast<unsigned>(__builtin_ctzll(non_digit)) / 8 : 8;
    if (nd == 0 || (nd > 1 && q[0] == '0')) return nullptr;
    uint64_t v = leading_digits(w, nd);
    const C* r = q + nd;
    if (nd == 8) r = eat_digits(r, end, &v);
    *value = v;
    *digits = static_cast<size_t>(r - q);
    return r;
}

// The rest of a number after its integer part, which ended at p with the value w of
// its int_digits digits: the fraction and exponent, backed off when they have no
// digits, as json does ("1." is the int 1 followed by extra data).
template <class C>
RJSON_INLINE NumberScan finish_number(const C* p, const C* end, bool negative, uint64_t w, size_t int_digits) {
    NumberScan r{nullptr, false, negative, 0, 0, 0, 0};
    size_t frac_digits = 0;
    if (end - p >= 2 && *p == '.' && is_digit(p[1])) {
        r.is_float = true;
        const C* f = p + 1;
        p = eat_digits(f, end, &w);
        frac_digits = static_cast<size_t>(p - f);
    }
    int64_t exp10 = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        const C* e = p++;
        bool eneg = false;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        const C* ds = p;
        for (; p < end && is_digit(*p); ++p)
            if (exp10 < 1000000) exp10 = exp10 * 10 + (*p - '0');
        if (p == ds) {
            p = e;
            exp10 = 0;
        } else {
            r.is_float = true;
            if (eneg) exp10 = -exp10;
        }
    }
    constexpr size_t kSat = 1000000;
    size_t nd = int_digits + frac_digits;
    r.digits = static_cast<unsigned>(nd > kSat ? kSat : nd);
    r.int_digits = static_cast<unsigned>(int_digits > kSat ? kSat : int_digits);
    r.mantissa = w;
    r.exp10 = exp10 - static_cast<int64_t>(frac_digits > kSat ? kSat : frac_digits);
    r.end = p;
    return r;
}

// Matches -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? at p (see finish_number).
template <class C>
RJSON_INLINE NumberScan scan_number(const C* p, const C* end) {
    bool negative = false;
    if (*p == '-') {
        negative = true;
        if (++p == end) return NumberScan{nullptr, false, true, 0, 0, 0, 0};
    }
    const C* int_start = p;
    uint64_t w = 0;
    if (*p >= '1' && *p <= '9') {
        p = eat_digits(p, end, &w);
    } else if (*p == '0') {
        ++p;
    } else {
        return NumberScan{nullptr, false, negative, 0, 0, 0, 0};
    }
    return finish_number(p, end, negative, w, static_cast<size_t>(p - int_start));
}

// The number's text as ASCII chars in a NUL-terminated buffer: the input itself when it
// is bytes and followed by something (never for long texts: see AsciiText users).
template <class C>
class AsciiText {
public:
    AsciiText(const C* s, size_t n) : n_(n) {
        buf_ = n < sizeof(small_) ? small_ : static_cast<char*>(PyMem_Malloc(n + 1));
        if (!buf_) return;
        for (size_t i = 0; i < n; ++i) buf_[i] = static_cast<char>(s[i]);
        buf_[n] = '\0';
    }
    ~AsciiText() {
        if (buf_ && buf_ != small_) PyMem_Free(buf_);
    }
    const char* get() const { return buf_; }  // nullptr: out of memory (not raised)
    size_t size() const { return n_; }

private:
    char small_[64];
    char* buf_;
    size_t n_;
};

// Up to 3.12 (release builds) PyObject_Init is, for a static type like int or float,
// two stores and a call to _Py_NewReference, whose only other work is tracemalloc's
// re-recording of the block's traceback: the traceback the allocation just recorded,
// from the same Python frame. The stores alone save ~24 instructions an object. 3.13
// added reference tracers (PyRefTracer_SetTracer), which must see the object's creation.
RJSON_INLINE void init_object(PyObject* o, PyTypeObject* type) {
#if PY_VERSION_HEX < 0x030D0000 && !defined(Py_TRACE_REFS) && !defined(Py_REF_DEBUG) && !defined(Py_GIL_DISABLED)
    Py_SET_TYPE(o, type);
    o->ob_refcnt = 1;
#else
    PyObject_Init(o, type);
#endif
}

// The object allocator PyObject_Malloc forwards to, called straight: fetched once per
// parse without hooks (Parser), where it cannot change (no Python code runs, and the
// collector, whose finalizers could, is paused from 3.10), it saves PyObject_Malloc's
// wrapper and indirect call on every float (floats, canada: -2 to -3% a loads).
// Otherwise PyObject_Malloc itself.
struct ObjectAllocator {
    void* ctx = nullptr;
    void* (*malloc)(void*, size_t) = [](void*, size_t n) { return PyObject_Malloc(n); };
    void fetch() {
        PyMemAllocatorEx a;
        PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &a);
        ctx = a.ctx;
        malloc = a.malloc;
    }
};

// Ints are built in place where their layout is known: 30-bit digits, and either
// ob_size = +-digit count (3.9-3.11) or lv_tag = count << 3 | sign (3.12-3.13, sign 0
// for positive and 2 for negative; bit 2, an immortality flag from 3.14, stays clear).
// 3.14, not checked here, and 15-bit digit builds take PyLong_FromLongLong.
#if PY_VERSION_HEX >= 0x03090000 && PY_VERSION_HEX < 0x030E0000 && PYLONG_BITS_IN_DIGIT == 30 && \
    !defined(Py_LIMITED_API)
#define RJSON_DIRECT_INT 1
#endif

// The interpreter's shared small ints, -5 to 256 (what int(text) gives for those), taken
// once from PyLong_FromLong at module init (public API: its cache lookup is internal) and
// held for good (the module's init fills it before any parse); index value + 5.
inline constexpr long kSmallIntMin = -5, kSmallIntMax = 256;
inline PyObject* small_ints[kSmallIntMax - kSmallIntMin + 1];
inline bool init_small_ints() {
    for (long i = kSmallIntMin; i <= kSmallIntMax; ++i)
        if (!(small_ints[i - kSmallIntMin] = PyLong_FromLong(i))) return false;
    return true;
}

// The int -m or m (m < 2^(30 * kMaxDigits)): PyLong_FromLongLong's object without its
// calls. Values up to 256 are the interpreter's shared small ints (as int(text) gives),
// from small_ints. The block is _PyLong_New's: header and the digits, from alloc.
// ints_small: 12.5M -> 10.5M instructions a loads, ints_64: 4.0M -> 3.2M (CPython 3.11).
template <unsigned kMaxDigits = 3>
RJSON_INLINE PyObject* new_int(const ObjectAllocator& alloc, bool negative, uint64_t m) {
#ifdef RJSON_DIRECT_INT
    static_assert(kMaxDigits >= 1 && kMaxDigits <= 3, "a uint64 has at most 3 digits");
    if (RJSON_UNLIKELY(m <= static_cast<uint64_t>(kSmallIntMax))) {
        long v = negative ? -static_cast<long>(m) : static_cast<long>(m);
        if (v >= kSmallIntMin) {
            PyObject* o = small_ints[v - kSmallIntMin];
            Py_INCREF(o);
            return o;
        }
    }
    constexpr unsigned kShift = PyLong_SHIFT;
    constexpr uint64_t kMask = PyLong_MASK;
    size_t digits = 1;
    if constexpr (kMaxDigits > 1) digits = m >> kShift == 0 ? 1 : m >> (2 * kShift) == 0 ? 2 : 3;
#if PY_VERSION_HEX >= 0x030C0000
    constexpr size_t kHeader = offsetof(PyLongObject, long_value.ob_digit);
#else
    constexpr size_t kHeader = offsetof(PyLongObject, ob_digit);
#endif
    auto* o = static_cast<PyLongObject*>(alloc.malloc(alloc.ctx, kHeader + digits * sizeof(digit)));
    if (RJSON_UNLIKELY(!o)) return PyErr_NoMemory();
    init_object(reinterpret_cast<PyObject*>(o), &PyLong_Type);
#if PY_VERSION_HEX >= 0x030C0000
    o->long_value.lv_tag = (digits << 3) | (negative ? 2 : 0);
    digit* d = o->long_value.ob_digit;
#else
    Py_ssize_t sign = -static_cast<Py_ssize_t>(negative);  // arithmetic, not a branch: random signs
    Py_SET_SIZE(o, (static_cast<Py_ssize_t>(digits) ^ sign) - sign);
    digit* d = o->ob_digit;
#endif
    d[0] = static_cast<digit>(m & kMask);
    if constexpr (kMaxDigits > 1) {
        if (digits > 1) {
            d[1] = static_cast<digit>((m >> kShift) & kMask);
            if (digits > 2) d[2] = static_cast<digit>(m >> (2 * kShift));
        }
    }
    return reinterpret_cast<PyObject*>(o);
#else
    (void)alloc;
    if (!negative) {
        if (m <= static_cast<uint64_t>(INT64_MAX)) return PyLong_FromLongLong(static_cast<long long>(m));
        return PyLong_FromUnsignedLongLong(m);
    }
    if (m <= static_cast<uint64_t>(INT64_MAX) + 1) return PyLong_FromLongLong(static_cast<long long>(0 - m));
    Ref magnitude(PyLong_FromUnsignedLongLong(m));
    return magnitude ? PyNumber_Negative(magnitude.get()) : nullptr;
#endif
}

// Short ints (|m| < 2^30, one digit) with no branch on whether the value is a shared
// small int: int arrays mix them with others at random, and that branch mispredicted on
// a third of ints_small's values. Every int is written into the next block of a batch
// allocated ahead; a small int takes the shared object instead and leaves the block for
// the next int. Only where an object's set-up is two plain stores (see init_object):
// a block so written and then left unused must not have been announced to anyone.
#if defined(RJSON_DIRECT_INT) && PY_VERSION_HEX < 0x030D0000 && !defined(Py_TRACE_REFS) && \
    !defined(Py_REF_DEBUG) && !defined(Py_GIL_DISABLED)
#define RJSON_SHORT_INT_BLOCKS 1
class ShortIntBlocks {
public:
    ShortIntBlocks() = default;
    ShortIntBlocks(const ShortIntBlocks&) = delete;
    ShortIntBlocks& operator=(const ShortIntBlocks&) = delete;
    ~ShortIntBlocks() {
        for (unsigned i = next_; i < kBatch; ++i) PyObject_Free(blocks_[i]);
    }
    RJSON_INLINE PyObject* make(const ObjectAllocator& alloc, bool negative, uint64_t m) {
        if (RJSON_UNLIKELY(next_ == kBatch) && !refill(alloc)) return PyErr_NoMemory();
        auto* o = static_cast<PyLongObject*>(blocks_[next_]);
        init_object(reinterpret_cast<PyObject*>(o), &PyLong_Type);
        // The sign as arithmetic too: random signs mispredicted a branch on it.
        long sign = -static_cast<long>(negative);  // 0 or -1
#if PY_VERSION_HEX >= 0x030C0000
        o->long_value.lv_tag = (1 << 3) | (static_cast<uintptr_t>(negative) << 1);
        o->long_value.ob_digit[0] = static_cast<digit>(m);
#else
        Py_SET_SIZE(o, 1 | sign);
        o->ob_digit[0] = static_cast<digit>(m);
#endif
        long v = (static_cast<long>(m) ^ sign) - sign;
        bool small = (m <= static_cast<uint64_t>(kSmallIntMax)) & (v >= kSmallIntMin);
        PyObject* shared = small_ints[simd::pick(small, v - kSmallIntMin, 0L)];
        PyObject* r = simd::pick(small, shared, reinterpret_cast<PyObject*>(o));
#if PY_VERSION_HEX < 0x030C0000
        r->ob_refcnt += small;  // the block's own count is already 1
#endif  // (from 3.12 the small ints are immortal: no count to take)
        next_ += !small;
        return r;
    }

private:
    static constexpr unsigned kBatch = 16;
#if PY_VERSION_HEX >= 0x030C0000
    static constexpr size_t kSize = offsetof(PyLongObject, long_value.ob_digit) + sizeof(digit);
#else
    static constexpr size_t kSize = offsetof(PyLongObject, ob_digit) + sizeof(digit);
#endif
    // The batches grow from 2 to kBatch: a small document's parse would otherwise
    // allocate and free a whole batch for its one int (tiny loads: 135 -> 240 ns).
    RJSON_NOINLINE bool refill(const ObjectAllocator& alloc) {
        unsigned first = kBatch - batch_;
        for (unsigned i = first; i < kBatch; ++i) {
            if (!(blocks_[i] = alloc.malloc(alloc.ctx, kSize))) {
                while (i > first) PyObject_Free(blocks_[--i]);
                return false;
            }
        }
        next_ = first;
        if (batch_ < kBatch) batch_ *= 2;
        return true;
    }
    void* blocks_[kBatch];
    unsigned next_ = kBatch;
    unsigned batch_ = 2;
};
#endif

template <class C>
PyObject* int_from_scan(const ObjectAllocator& alloc, const C* s, size_t n, const NumberScan& r) {
    // Up to 19 digits fit in a uint64; longer goes through PyLong_FromString, which also
    // enforces the int max-str-digits limit with json's ValueError.
    if (RJSON_LIKELY(r.digits <= 19)) return new_int(alloc, r.negative, r.mantissa);
    AsciiText<C> text(s, n);
    if (!text.get()) return PyErr_NoMemory();
    return PyLong_FromString(text.get(), nullptr, 10);
}

// The float fast path: w * 10^exp10 for w of up to 19 significant digits, from one 64x64-bit
// product with the truncated power of ten P (P <= exact < P + 1, see pow10_table.hpp).
// The exact product then lies in [W*P, W*P + W): below the 54 bits kept (53 and the
// rounding bit) the error adds less than 2^64, so the result is certain unless the bits
// between could carry (all ones) or a tie is possible (rounding bit set, rest zero).
// Those cases, subnormals and overflow return false for the slow exact path.
RJSON_INLINE bool double_fast(bool negative, uint64_t w, int64_t exp10, double* out) {
    if (w == 0) {
        *out = negative ? -0.0 : 0.0;
        return true;
    }
    // Short decimals (prices, 0.5, 1e3): mantissa and power of ten are both exact
    // doubles, so one IEEE multiply or divide is the correctly rounded result.
    static constexpr double kExact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                          1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (w < (uint64_t{1} << 53) && exp10 >= -22 && exp10 <= 22) {
        double d = static_cast<double>(w);
        d = exp10 < 0 ? d / kExact[-exp10] : d * kExact[exp10];
        // The sign as a bit, not a branch (random signs mispredicted it).
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        bits |= static_cast<uint64_t>(negative) << 63;
        std::memcpy(out, &bits, 8);
        return true;
    }
    if (exp10 < kMinExp10 || exp10 > kMaxExp10) return false;
    const Pow10& p = kPow10[exp10 - kMinExp10];
    int lz = __builtin_clzll(w);
    unsigned __int128 prod = static_cast<unsigned __int128>(w << lz) * p.mantissa;
    uint64_t hi = static_cast<uint64_t>(prod >> 64);
    int upper = static_cast<int>(hi >> 63);      // the product's top bit: 127 or 126
    int low_bits = 9 + upper;                     // bits of hi below the rounding bit
    uint64_t low_mask = (uint64_t{1} << low_bits) - 1;
    uint64_t low = hi & low_mask;
    uint64_t kept = hi >> low_bits;               // 54 bits: mantissa and rounding bit
    uint64_t round = kept & 1;
    if (low == low_mask || (round && low == 0)) return false;
    uint64_t mantissa = (kept >> 1) + round;
    int64_t exp2 = 126 + upper + p.exp2 - lz;    // of the leading bit
    if (mantissa == (uint64_t{1} << 53)) {
        mantissa >>= 1;
        ++exp2;
    }
    int64_t biased = exp2 + 1023;
    if (biased <= 0 || biased >= 2047) return false;
    uint64_t bits = (static_cast<uint64_t>(negative) << 63) | (static_cast<uint64_t>(biased) << 52) |
                    (mantissa & ((uint64_t{1} << 52) - 1));
    std::memcpy(out, &bits, 8);
    return true;
}

RJSON_INLINE bool parse_float_fast(const NumberScan& r, double* out) {
    if (r.digits > 19) return false;
    return double_fast(r.negative, r.mantissa, r.exp10, out);
}

// The chars float_tail may read from the start of the number: sign, 7 integer digits,
// '.', three mantissa words (19 digits), 'e', sign and a word of exponent digits.
inline constexpr ptrdiff_t kFloatTailSpan = 40;

// The common float in one pass, for a number whose integer part (1 to 7 digits from s)
// ends with '.', 'e' or 'E': up to 19 digits in all, an exponent of up to 3 digits, then
// the conversion. Returns the number's end, with *exact false when the double needs the
// slow exact path; nullptr for anything else (more digits than a uint64 holds, "1." or
// "1e" which json backs off from, longer exponents), which the general scanner then
// handles. kFloatTailSpan units from the number's start are readable.
//
// The mantissa is read as digits with the point taken out: the integer digits, then the
// first fraction word shifted in after them, make one word of 8 digits (or of all of
// them), and the rest lie at fixed offsets from s (9 and 17: one past the point). A
// 16-digit double is two conversions, not three (integer part, two fraction words), a
// price one, not two, and the integer part's value is not computed for floats at all
// (short_int_part leaves it to ints): floats 4.52M -> 4.19M instructions a loads, 451 ->
// 431 us; canada 39.5M -> 39.2M, -2%.
template <class C>
RJSON_INLINE const C* float_tail(const C* s, unsigned nd, bool negative, double* out, bool* exact) {
    uint64_t wi = simd::load8_as_bytes(s);
    const C* q = s + nd;
    uint64_t m;
    unsigned frac_digits = 0;
    if (*q == '.') {
        uint64_t a = (wi & ((uint64_t{1} << (8 * nd)) - 1)) | (simd::load8_as_bytes(q + 1) << (8 * nd));
        uint64_t non_digit = non_digit_bytes(a);
        unsigned k = non_digit ? static_cast<unsigned>(__builtin_ctzll(non_digit)) / 8 : 8;
        if (RJSON_UNLIKELY(k == nd)) return nullptr;  // "1.": no fraction digit
        m = leading_digits(a, k);
        if (k == 8) {
            uint64_t w = simd::load8_as_bytes(s + 9);
            non_digit = non_digit_bytes(w);
            if (RJSON_LIKELY(non_digit)) {
                unsigned j = static_cast<unsigned>(__builtin_ctzll(non_digit)) / 8;
                m = m * kPow10u[j] + leading_digits_or_0(w, j);  // no branch on j == 0
                k += j;
            } else {
                // 16 digits and up to 3 more (a uint64 holds 19 exactly).
                m = m * 100000000ull + leading_digits(w, 8);
                w = simd::load8_as_bytes(s + 17);
                non_digit = non_digit_bytes(w);
                unsigned j = non_digit ? static_cast<unsigned>(__builtin_ctzll(non_digit)) / 8 : 8;
                if (RJSON_UNLIKELY(j > 3)) return nullptr;
                if (j) m = m * kPow10u[j] + leading_digits(w, j);
                k += 8 + j;
            }
        }
        frac_digits = k - nd;
        q = s + k + 1;
    } else {
        m = leading_digits(wi, nd);
    }
    int64_t exp10 = -static_cast<int64_t>(frac_digits);
    if ((*q | 0x20) == 'e') {
        // One to three digits with no branch on how many: floats of every exponent mix
        // them at random (floats: -2.5% a loads).
        const C* x = q + 1;
        bool eneg = *x == '-';
        x += (*x == '-') | (*x == '+');
        uint32_t d0 = x[0] - '0', d1 = x[1] - '0', d2 = x[2] - '0', d3 = x[3] - '0';
        bool two = d1 < 10, three = two & (d2 < 10);
        if (RJSON_UNLIKELY((d0 >= 10) | (three & (d3 < 10)))) return nullptr;
        int64_t e = d0;
        e = simd::pick(two, e * 10 + d1, e);
        e = simd::pick(three, e * 10 + d2, e);
        exp10 += eneg ? -e : e;
        q = x + 1 + two + three;
    }
    *exact = double_fast(negative, m, exp10, out);
    return q;
}

// The float d as a new object: PyFloat_FromDouble without its free-list check, which
// never pays during a parse (no float dies mid-parse, so the list stays empty). Public
// API only; float_dealloc takes the memory back as its own (free list or PyObject_Free).
// canada: 73.9M -> 72.4M instructions a loads, floats 7.81M -> 7.56M (CPython 3.11).
// Set up as init_object explains.
RJSON_INLINE void init_float(PyObject* o) { init_object(o, &PyFloat_Type); }

RJSON_INLINE PyObject* new_float(const ObjectAllocator& alloc, double d) {
    PyObject* o = static_cast<PyObject*>(alloc.malloc(alloc.ctx, sizeof(PyFloatObject)));
    if (RJSON_UNLIKELY(!o)) return PyErr_NoMemory();
    init_float(o);
    reinterpret_cast<PyFloatObject*>(o)->ob_fval = d;
    return o;
}

// The twin of parse_float_fast that is obviously right: correctly rounded library code.
template <class C>
RJSON_NOINLINE PyObject* float_from_text_slow(const C* s, size_t n) {
    double d;
    if constexpr (sizeof(C) == 1) {
        // Correctly rounded (Eisel-Lemire with a fallback), straight from the input.
        const char* first = reinterpret_cast<const char*>(s);
        auto res = std::from_chars(first, first + n, d);
        if (RJSON_LIKELY(res.ec == std::errc() && res.ptr == first + n)) return PyFloat_FromDouble(d);
    } else if (n < 64) {
        char buf[64];
        for (size_t i = 0; i < n; ++i) buf[i] = static_cast<char>(s[i]);
        auto res = std::from_chars(buf, buf + n, d);
        if (RJSON_LIKELY(res.ec == std::errc() && res.ptr == buf + n)) return PyFloat_FromDouble(d);
    }
    // Out of range (1e400 -> inf, 1e-400 -> 0.0, signed) or very long: Python's own
    // correctly rounded conversion, which is what float(text) does.
    AsciiText<C> text(s, n);
    if (!text.get()) return PyErr_NoMemory();
    d = PyOS_string_to_double(text.get(), nullptr, nullptr);
    if (d == -1.0 && PyErr_Occurred()) return nullptr;
    return PyFloat_FromDouble(d);
}

// The float of the number text [s, s + n) as scanned in r: the fast path inline
// (no call, r stays in registers), everything else out of line.
template <class C>
RJSON_INLINE PyObject* float_from_text(const ObjectAllocator& alloc, const C* s, size_t n, const NumberScan& r) {
    double d;
    if (RJSON_LIKELY(parse_float_fast(r, &d))) return new_float(alloc, d);
    return float_from_text_slow(s, n);
}

// A str of the n ASCII units at s: what parse_float, parse_int and parse_constant receive.
template <class C>
PyObject* ascii_str(const C* s, size_t n) {
    PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(n), 127);
    if (!str) return nullptr;
    Py_UCS1* d = PyUnicode_1BYTE_DATA(str);
    for (size_t i = 0; i < n; ++i) d[i] = static_cast<Py_UCS1>(s[i]);
    return str;
}

}  // namespace rjson::decode

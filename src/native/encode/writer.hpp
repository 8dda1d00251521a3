// Output buffers. Each writes straight into the memory of the object it will return,
// or (for str output of any kind) into one buffer that becomes the str at the end.
//
// Every writer keeps slack past its logical end (simd::kByteStoreSlack for byte
// output, simd::kStoreSlack for str output of any kind) so that kernels and fixed-size
// stores (true/false as one 8-byte store) may overshoot.
//
// Both writers offer typed cursors, cur<C>() and lim<C>(), for loops that keep the
// position in a local (see Encoder's fast lane); C is the current unit type.
#pragma once
#include <atomic>
#include <cstring>
#include "common/py.hpp"
#include "simd/kernels.hpp"

namespace rjson::encode {

// The next capacity for output that needs `needed` units: four times the current one
// while the output is under 16M units, twice after that. Each move of a grown buffer
// copies everything written so far into fresh pages, so fewer, larger steps copy a
// third of the output instead of all of it (canada: dumpb ~12% faster); the result is
// shrunk in place at the end, and pages never written are never touched.
inline size_t grown_capacity(size_t capacity, size_t needed) {
    const size_t factor = capacity < (size_t{1} << 24) ? 4 : 2;
    return capacity * factor > needed ? capacity * factor : needed + capacity;
}

// Sizes for the writers' buffers, kept across calls.
//
// copy_out: whether finish() should copy the output into an object of its exact size and
// free the buffer, instead of shrinking the buffer in place. glibc serves a request
// above its mmap threshold (128 KiB at first) that no free block can, with a fresh
// mapping whose every page faults when first written (~2 us each here), and raises the
// threshold to the size of each mapping freed. A mapped buffer shrunk in place is
// freed at the output's size, below the capacity the next call of that size asks for,
// so every such call got a fresh mapping (records, 360 KB: ~88 faults a call, a third
// of dumpb's time). A mapped buffer freed whole raises the threshold to its capacity:
// later buffers that size come from the heap, whose pages are mapped already, and
// shrink in place without a copy. glibc's mapped blocks start 16 bytes into a page, its
// heap blocks anywhere on a 16-byte boundary, so a large buffer at that offset is taken
// to be mapped (1 in 256 heap blocks costs a needless copy; with another allocator the
// test only decides when a copy is made). Above 32 MiB glibc always maps and never
// raises the threshold: those are shrunk in place.
//
// first_capacity: the capacity to leave the scratch buffer with, from the last outputs
// that outgrew one. Documents of one kind tend to come in a row, and each step of
// growth may move the buffer (a copy of everything written so far).
class BufferSizes {
public:
    static bool copy_out(const void* block, size_t capacity) {
        return capacity >= kMapFloor && capacity <= kMapCeiling && (reinterpret_cast<uintptr_t>(block) & 4095) == 16;
    }
    // At least the smaller of the last two outputs past a scratch buffer (one large
    // document among small ones does not make the next small one ask for as much),
    // plus a little: room for the last reservations of a document that size (a string
    // reserves its worst case), and for one somewhat larger. (An eighth more was slower
    // on bools, 330 KB: +30%, for reasons of the allocator's block reuse not found.)
    // Outputs past kMaxHint are left to ordinary growth.
    static size_t first_capacity(size_t needed) {
        size_t a = last_output_.load(std::memory_order_relaxed), b = previous_output_.load(std::memory_order_relaxed);
        size_t hint = a < b ? a : b;
        if (hint == 0) return needed;
        hint += hint / 32 + 4096;
        return hint > needed ? hint : needed;
    }
    static void output(size_t bytes) {
        previous_output_.store(last_output_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        last_output_.store(bytes <= kMaxHint ? bytes : 0, std::memory_order_relaxed);
    }

private:
    static constexpr size_t kMapFloor = size_t{128} << 10;
    static constexpr size_t kMapCeiling = size_t{32} << 20;
    static constexpr size_t kMaxHint = size_t{8} << 20;
    static inline std::atomic<size_t> last_output_{0}, previous_output_{0};  // bytes
};

// Bytes-or-ASCII output: a PyBytes for dumpb, a compact ASCII str for dumps with
// ensure_ascii (every byte written is ASCII there, so the str is valid as it stands).
enum class ByteTarget { bytes, ascii_str };

template <ByteTarget kTarget>
class ByteWriter {
public:
    static constexpr bool kUnicode = false;

    ByteWriter() : base_(scratch_), pos_(scratch_), end_(scratch_ + kScratch) {}
    ByteWriter(const ByteWriter&) = delete;
    ~ByteWriter() { Py_XDECREF(obj_); }

    // Room for n more bytes past pos(); may move the buffer.
    RJSON_INLINE bool reserve(size_t n) {
        if (RJSON_LIKELY(static_cast<size_t>(end_ - pos_) >= n)) return true;
        return grow(n);
    }
    uint8_t* pos() const { return pos_; }
    size_t room() const { return static_cast<size_t>(end_ - pos_); }
    void set_pos(uint8_t* p) { pos_ = p; }
    static constexpr int kind() { return 1; }
    template <class C> C* cur() const { static_assert(sizeof(C) == 1); return pos_; }
    template <class C> C* lim() const { static_assert(sizeof(C) == 1); return end_; }
    void set_cur(uint8_t* p) { pos_ = p; }
    void advance(size_t n) { pos_ += n; }

    RJSON_INLINE void put(uint8_t c) { *pos_++ = c; }
    RJSON_INLINE void put(const char* s, size_t n) {
        std::memcpy(pos_, s, n);
        pos_ += n;
    }

    // The finished object: made from the scratch buffer, or shrunk to its content.
    PyObject* finish() {
        size_t len = static_cast<size_t>(pos_ - base_);
        if (!obj_) {
            PyObject* o = create(len);
            if (o) std::memcpy(data(o), scratch_, len);
            return o;
        }
        BufferSizes::output(len);
        if (BufferSizes::copy_out(obj_, static_cast<size_t>(end_ - base_) + simd::kByteStoreSlack)) {
            PyObject* o = create(len);
            if (!o) return nullptr;
            std::memcpy(data(o), base_, len);
            Py_CLEAR(obj_);
            return o;
        }
        if (!resize(&obj_, len)) return nullptr;
        return std::exchange(obj_, nullptr);
    }

private:
    static uint8_t* data(PyObject* o) {
        if constexpr (kTarget == ByteTarget::bytes) return reinterpret_cast<uint8_t*>(PyBytes_AS_STRING(o));
        else return static_cast<uint8_t*>(PyUnicode_DATA(o));
    }
    static PyObject* create(size_t n) {
        if constexpr (kTarget == ByteTarget::bytes) return PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(n));
        else return PyUnicode_New(static_cast<Py_ssize_t>(n), 127);
    }
    static bool resize(PyObject** o, size_t n) {
        if constexpr (kTarget == ByteTarget::bytes) return _PyBytes_Resize(o, static_cast<Py_ssize_t>(n)) == 0;
        else return PyUnicode_Resize(o, static_cast<Py_ssize_t>(n)) == 0;
    }

    RJSON_NOINLINE bool grow(size_t n) {
        size_t used = static_cast<size_t>(pos_ - base_);
        size_t capacity = static_cast<size_t>(end_ - base_);
        size_t want = grown_capacity(capacity, used + n);
        if (!obj_) {
            want = BufferSizes::first_capacity(want);
            if (!(obj_ = create(want + simd::kByteStoreSlack))) return false;
            std::memcpy(data(obj_), scratch_, used);
        } else if (!resize(&obj_, want + simd::kByteStoreSlack)) {
            return false;
        }
        base_ = data(obj_);
        pos_ = base_ + used;
        end_ = base_ + want;
        return true;
    }

    // Output starts here, on the C stack: a small document then becomes an object of
    // its exact size with one copy, where an object made larger and shrunk at the end
    // cost ~150 instructions more (pymalloc moves a block shrunk below 3/4 of its size).
    static constexpr size_t kScratch = 384;
    alignas(16) uint8_t scratch_[kScratch + simd::kByteStoreSlack];
    PyObject* obj_ = nullptr;  // once the output outgrows scratch_
    uint8_t* base_;
    uint8_t* pos_;
    uint8_t* end_;
};

// str output of whatever kind the content needs (dumps with ensure_ascii=False). Like
// ByteWriter it starts in a scratch buffer on the C stack (one byte a char); past that
// the buffer is the data of a str object that becomes the result, replaced, once per
// step, by a str of the next kind when a wider char arrives (a UCS2 one, then a UCS4
// one). The result is shrunk in place at the end, never copied: on a document of
// non-ASCII text that final copy (up to 4 bytes a char) used to cost as much as
// writing it.
//
// The kind only widens for a char that is then written, so the result's kind is the
// narrowest that holds every char, as a str must be.
class UnicodeWriter {
public:
    static constexpr bool kUnicode = true;

    UnicodeWriter() = default;
    UnicodeWriter(const UnicodeWriter&) = delete;
    ~UnicodeWriter() { Py_XDECREF(str_); }

    int kind() const { return kind_; }
    size_t room() const { return cap_ - len_; }
    // Pointer to the next unit, typed by the current kind (C must match kind()).
    template <class C> C* cur() const { return reinterpret_cast<C*>(buf_) + len_; }
    template <class C> C* lim() const { return reinterpret_cast<C*>(buf_) + cap_; }
    template <class C> void set_cur(C* p) { len_ = static_cast<size_t>(p - reinterpret_cast<C*>(buf_)); }
    void advance(size_t n) { len_ += n; }
    bool has_latin1() const { return latin1_; }
    // Call before writing a char in 0x80..0xFF.
    bool saw_latin1() {
        note(1);
        if (latin1_ || kind_ > 1) return true;
        latin1_ = true;
        return !str_ || replace_str(1, cap_);  // an ASCII str object cannot hold it
    }
    // Records that a str of this kind with chars past ASCII (1: Latin-1) was written
    // into a buffer that already holds it.
    void note(int kind) {
        if (kind > content_) content_ = static_cast<uint8_t>(kind);
    }

    // Room for n more chars past the current position; may move the buffer.
    RJSON_INLINE bool reserve(size_t n) {
        if (RJSON_LIKELY(cap_ - len_ >= n)) return true;
        return grow(n);
    }

    // Make the buffer at least `kind` bytes per char, converting what is written so far.
    bool widen_to(int kind);

    // ASCII text (punctuation, numbers, escapes); room must have been reserved.
    RJSON_INLINE void put(uint8_t c) {
        switch (kind_) {
            case 1: buf_[len_] = c; break;
            case 2: reinterpret_cast<uint16_t*>(buf_)[len_] = c; break;
            default: reinterpret_cast<uint32_t*>(buf_)[len_] = c; break;
        }
        ++len_;
    }
    RJSON_INLINE void put(const char* s, size_t n) {
        switch (kind_) {
            case 1: std::memcpy(buf_ + len_, s, n); break;
            case 2: for (size_t i = 0; i < n; ++i) reinterpret_cast<uint16_t*>(buf_)[len_ + i] = static_cast<uint8_t>(s[i]); break;
            default: for (size_t i = 0; i < n; ++i) reinterpret_cast<uint32_t*>(buf_)[len_ + i] = static_cast<uint8_t>(s[i]); break;
        }
        len_ += n;
    }

    PyObject* finish();

private:
    bool grow(size_t n);
    // A new str object of the given kind and capacity, holding what is written so far.
    bool replace_str(int kind, size_t capacity);

    static constexpr size_t kScratch = 384;
    alignas(16) uint8_t scratch_[kScratch + simd::kStoreSlack];
    PyObject* str_ = nullptr;  // the str whose data buf_ is, once past scratch_
    uint8_t* buf_ = scratch_;
    size_t cap_ = kScratch;  // in chars, not counting the slack
    size_t len_ = 0;
    int kind_ = 1;
    bool latin1_ = false;  // kind_ 1 and a Latin-1 layout, not an ASCII one
    // The widest char written: 0 ASCII, 1 Latin-1, else the kind that holds it. The
    // layout may be wider (see KindHint); finish() then makes the narrower str.
    uint8_t content_ = 0;
};

}  // namespace rjson::encode

// json.dumps's keyword arguments, once checked and reduced to what the encoder reads.
#pragma once
#include "common/py.hpp"

namespace rjson::encode {

// A separator or indent unit. Pieces that are ASCII carry their bytes; others (only
// ever written to str output) carry the str to copy.
struct Piece {
    const char* ascii = nullptr;
    size_t len = 0;
    PyObject* str = nullptr;  // borrowed
    // The ASCII bytes zero-padded to 8, for an 8-byte store (when len <= 8).
    char padded[8] = {};

    Piece() = default;
    Piece(const char* a, size_t n, PyObject* s) : ascii(a), len(n), str(s) { pad(); }
    void pad() {
        if (ascii && len <= sizeof padded)
            for (size_t i = 0; i < len; ++i) padded[i] = ascii[i];
    }
    // A one-char ASCII str's piece, without the general path's checks.
    static Piece one(PyObject* s) {
        Piece p;
        p.ascii = reinterpret_cast<const char*>(PyUnicode_1BYTE_DATA(s));
        p.len = 1;
        p.str = s;
        p.padded[0] = p.ascii[0];
        return p;
    }
    bool fits_padded() const { return ascii && len <= sizeof padded; }
};

struct Options {
    bool skipkeys = false;
    bool check_circular = true;
    bool allow_nan = true;
    bool sort_keys = false;
    PyObject* default_fn = nullptr;  // borrowed; null for none
    Piece item_sep{", ", 2, nullptr};
    Piece key_sep{": ", 2, nullptr};
    bool pretty = false;  // indent is not None
    Piece indent;
};

}  // namespace rjson::encode

// The extension module: its method table, exception types and the objects cached at
// import. The functions themselves live in encode/ and decode/; this file only wires.
#include "common/py.hpp"
#include "decode/api.hpp"
#include "encode/api.hpp"
#include "simd/kernels.hpp"

namespace rjson {

Globals g;

namespace {

PyObject* simd_level(PyObject*, PyObject*) { return PyUnicode_FromString(simd::active->name); }

PyMethodDef methods[] = {
    {"dumps", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(encode::dumps)),
     METH_FASTCALL | METH_KEYWORDS, "Serialize obj to a JSON str, exactly as json.dumps does."},
    {"dumpb", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(encode::dumpb)),
     METH_FASTCALL | METH_KEYWORDS, "Serialize obj to compact UTF-8 JSON bytes (orjson.dumps conventions)."},
    {"loads", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(decode::loads)),
     METH_FASTCALL | METH_KEYWORDS, "Deserialize a JSON document (str, bytes, bytearray, memoryview), as json.loads does."},
    {"_format_float", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(encode::format_float)), METH_FASTCALL, nullptr},
    {"simd_level", simd_level, METH_NOARGS, "The kernel level chosen at import: sse2, avx2 or avx512."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_rjson", "rjson's native core.", -1, methods};

bool cache_globals(PyObject* module) {
    g.json_module = PyImport_ImportModule("json");
    if (!g.json_module) return false;
    g.json_dumps = PyObject_GetAttrString(g.json_module, "dumps");
    g.json_loads = PyObject_GetAttrString(g.json_module, "loads");
    g.json_encoder_class = PyObject_GetAttrString(g.json_module, "JSONEncoder");
    g.json_decoder_class = PyObject_GetAttrString(g.json_module, "JSONDecoder");
    Ref base(PyObject_GetAttrString(g.json_module, "JSONDecodeError"));
    if (!g.json_dumps || !g.json_loads || !g.json_encoder_class || !g.json_decoder_class || !base)
        return false;
    g.JSONDecodeError = PyErr_NewExceptionWithDoc(
        "rjson.JSONDecodeError", "Raised when a document is not valid JSON (a json.JSONDecodeError).",
        base.get(), nullptr);
    g.JSONEncodeError = PyErr_NewExceptionWithDoc(
        "rjson.JSONEncodeError", "Raised by dumpb for objects it cannot serialize (a TypeError).",
        PyExc_TypeError, nullptr);
    if (!g.JSONDecodeError || !g.JSONEncodeError) return false;
    if (add_module_ref(module, "JSONDecodeError", g.JSONDecodeError) < 0) return false;
    if (add_module_ref(module, "JSONEncodeError", g.JSONEncodeError) < 0) return false;
    return true;
}

}  // namespace
}  // namespace rjson

PyMODINIT_FUNC PyInit__rjson() {
    using namespace rjson;
    const char* simd_error = nullptr;
    if (!simd::init(&simd_error)) {
        PyErr_SetString(PyExc_ImportError, simd_error);
        return nullptr;
    }
    Ref module(PyModule_Create(&module_def));
    if (!module || !cache_globals(module.get()) || !encode::init(module.get()) ||
        !decode::init(module.get()))
        return nullptr;
    return module.release();
}

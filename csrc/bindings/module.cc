// pybind11 entry point of translit._core. Registration of each concept lives in its own
// register_*.cc file; this file only assembles the module.
#include <pybind11/pybind11.h>

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "translit native core (C++17): uroman-compatible romanization engine";
  m.def("build_info", []() {
    py::dict info;
    info["version"] = TRANSLIT_VERSION_INFO;
#if defined(__clang__)
    info["compiler"] = "clang " __clang_version__;
#elif defined(__GNUC__)
    info["compiler"] = "gcc " __VERSION__;
#endif
    info["cxx_standard"] = __cplusplus;
#ifdef NDEBUG
    info["ndebug"] = true;
#else
    info["ndebug"] = false;
#endif
    return info;
  });
}

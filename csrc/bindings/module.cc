// pybind11 entry point of translit._core. Registration of each concept lives in its own
// register_*.cc file; this file only assembles the module.
#include <pybind11/pybind11.h>

#include <thread>

#include "translit/unicode_db.h"

namespace py = pybind11;

void register_engine(py::module_& m);

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
    info["uroman_reference"] = "1.3.1.1";
    info["unicode_version"] = translit::ucd::unicode_version();
    info["hardware_threads"] = std::thread::hardware_concurrency();
    return info;
  });
  register_engine(m);
}

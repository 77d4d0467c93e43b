// pybind11 entry point of translit._core. Registration of each concept lives in its own
// register_*.cc file; this file only assembles the module.
#include <pybind11/pybind11.h>

#include <thread>

#include "translit/errors.h"
#include "translit/unicode_db.h"

namespace py = pybind11;

void register_engine(py::module_& m);

namespace {

// C++ errors of the core become translit's own Python exception types.
void raise_translit(const char* name, const char* message) {
  py::object cls = py::module_::import("translit.errors").attr(name);
  PyErr_SetString(cls.ptr(), message);
}

void register_errors() {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const translit::InputError& e) {
      raise_translit("InputError", e.what());
    } catch (const translit::DataError& e) {
      raise_translit("DataError", e.what());
    } catch (const translit::ResourceError& e) {
      raise_translit("ResourceError", e.what());
    }
  });
}

}  // namespace

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
  m.def(
      "unassigned_ranges",
      []() {
        py::list out;
        char32_t cp = 0;
        while (cp <= 0x10FFFF) {
          if (translit::ucd::category(cp) != translit::ucd::kCn) {
            ++cp;
            continue;
          }
          char32_t first = cp;
          while (cp + 1 <= 0x10FFFF && translit::ucd::category(cp + 1) == translit::ucd::kCn) ++cp;
          out.append(py::make_tuple(static_cast<uint32_t>(first), static_cast<uint32_t>(cp)));
          ++cp;
        }
        return out;
      },
      "Inclusive (first, last) ranges of code points unassigned (Cn) in the built-in tables.");
  register_errors();
  register_engine(m);
}

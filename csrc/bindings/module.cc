// pybind11 entry point of translit._core. Registration of each concept lives in its own
// register_*.cc file; this file only assembles the module.
#include <pybind11/pybind11.h>

#include <thread>

#include "translit/errors.h"
#include "translit/int128.h"
#include "translit/unicode_db.h"

namespace py = pybind11;

void register_engine(py::module_& m);

namespace {

// C++ errors of the core become translit's own Python exception types.
void raise_translit(const char* name, const char* message) {
  py::object cls = py::module_::import("translit.errors").attr(name);
  PyErr_SetString(cls.ptr(), message);
}

translit::Int128 parse_int128(const std::string& s) {
  translit::Int128 v(0);
  bool neg = !s.empty() && s[0] == '-';
  for (size_t k = neg ? 1 : 0; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') throw py::value_error("not a decimal integer: " + s);
    v = v * translit::Int128(10) + translit::Int128(s[k] - '0');
  }
  return neg ? -v : v;
}

// Int128 arithmetic on decimal strings, for tests against Python ints; None on overflow.
py::object int128_eval(const std::string& op, const std::string& a, const std::string& b) {
  translit::Int128 x = parse_int128(a), y = parse_int128(b), r;
  if (op == "add") {
    if (!translit::checked_add(x, y, &r)) return py::none();
  } else if (op == "mul") {
    if (!translit::checked_mul(x, y, &r)) return py::none();
  } else if (op == "sub") {
    r = x - y;
  } else if (op == "div") {
    uint32_t rem = 0;
    r = x.div_small(static_cast<uint32_t>(std::stoul(b)), &rem);
    return py::make_tuple(translit::to_string(r), rem);
  } else if (op == "lt") {
    return py::bool_(x < y);
  } else if (op == "double") {
    return py::float_(x.to_double());
  } else {
    throw py::value_error("unknown op " + op);
  }
  return py::str(translit::to_string(r));
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
  m.def("_int128_eval", &int128_eval, py::arg("op"), py::arg("a"), py::arg("b"),
        "Portable 128-bit arithmetic of the core on decimal strings (tests only).");
  register_errors();
  register_engine(m);
}

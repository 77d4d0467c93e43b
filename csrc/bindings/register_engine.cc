// pybind11 bindings of translit::Engine: type conversion, GIL release, docstrings.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "translit/chunking.h"
#include "translit/engine.h"
#include "translit/errors.h"

namespace py = pybind11;

namespace {

std::string_view utf8_view(const py::handle& obj, const char* what) {
  if (!PyUnicode_Check(obj.ptr())) {
    throw py::type_error(std::string(what) + " must be str, got " +
                         std::string(py::str(py::type::of(obj).attr("__name__"))));
  }
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
  if (!data) throw py::error_already_set();
  return {data, static_cast<size_t>(size)};
}

// Makes a (legacy, pre-PEP 393) str canonical; call with the GIL held. A no-op on 3.12+.
void ready(PyObject* s) {
#if PY_VERSION_HEX < 0x030C0000
  if (PyUnicode_READY(s) < 0) throw py::error_already_set();
#else
  (void)s;
#endif
}

// The str objects of a list, kept alive (and immune to list mutation by other threads) while
// the GIL is released: a tuple snapshot. Type checks happen here, under the GIL.
py::tuple str_snapshot(const py::list& items, const char* what) {
  py::tuple snapshot = py::reinterpret_steal<py::tuple>(PySequence_Tuple(items.ptr()));
  if (!snapshot) throw py::error_already_set();
  for (const auto& item : snapshot) {
    if (!PyUnicode_Check(item.ptr())) {
      throw py::type_error(std::string(what) + " must be str, got " +
                           std::string(py::str(py::type::of(item).attr("__name__"))));
    }
    ready(item.ptr());
  }
  return snapshot;
}

// Code points of a ready str, read without the GIL: a str's PEP 393 buffer is immutable.
void read_code_points(PyObject* s, std::u32string& out) {
  Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  int kind = PyUnicode_KIND(s);
  const void* data = PyUnicode_DATA(s);
  out.resize(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c >= 0xD800 && c <= 0xDFFF) {
      throw translit::InputError("text contains a lone surrogate at character offset " +
                                 std::to_string(i) + "; it is not valid Unicode text");
    }
    out[static_cast<size_t>(i)] = static_cast<char32_t>(c);
  }
}

translit::Engine::TextSource source_of(const py::tuple& snapshot) {
  PyObject* const* items = &PyTuple_GET_ITEM(snapshot.ptr(), 0);
  return [items](size_t i, std::u32string& out) { read_code_points(items[i], out); };
}

py::list to_py_list(const std::vector<std::string>& strings) {
  py::list out(strings.size());
  for (size_t i = 0; i < strings.size(); ++i) {
    PyObject* s = PyUnicode_DecodeUTF8(strings[i].data(),
                                       static_cast<Py_ssize_t>(strings[i].size()), "strict");
    if (!s) throw py::error_already_set();
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), s);
  }
  return out;
}

}  // namespace

void register_engine(py::module_& m) {
  py::class_<translit::Engine>(m, "Engine", R"doc(
uroman 1.3.1.1-compatible romanization engine.

Built once from the text of uroman's data tables ({file name: text}, every file of
translit._data.DATA_FILES); immutable and thread-safe afterwards.
)doc")
      .def(py::init([](const py::dict& tables, size_t chunk_size) {
             translit::Engine::Tables t;
             for (const auto& item : tables) {
               t.emplace(py::cast<std::string>(item.first),
                         std::string(utf8_view(item.second, "table text")));
             }
             py::gil_scoped_release release;
             return new translit::Engine(t, chunk_size);
           }),
           py::arg("tables"), py::arg("chunk_size") = translit::Engine::kDefaultChunk)
      .def(
          "romanize",
          [](const translit::Engine& e, const py::str& text, const std::string& lcode) {
            // Code points read straight from the str (no UTF-8 copy cached inside it).
            thread_local std::u32string cps;
            ready(text.ptr());
            std::string out;
            if (PyUnicode_GET_LENGTH(text.ptr()) > 4096) {
              py::gil_scoped_release release;
              read_code_points(text.ptr(), cps);
              out = e.romanize_cps(cps, lcode);
            } else {
              read_code_points(text.ptr(), cps);
              out = e.romanize_cps(cps, lcode);
            }
            if (cps.capacity() > (1u << 16)) std::u32string().swap(cps);
            return py::str(out);
          },
          py::arg("text"), py::arg("lcode"),
          "Romanize one string like uroman.Uroman().romanize_string(text, lcode or None).")
      .def(
          "romanize_batch",
          [](const translit::Engine& e, const py::list& texts, const std::string& lcode,
             int num_threads) {
            py::tuple snapshot = str_snapshot(texts, "texts items");
            std::vector<std::string> out;
            {
              py::gil_scoped_release release;
              out = e.romanize_batch(snapshot.size(), source_of(snapshot), lcode, num_threads);
            }
            return to_py_list(out);
          },
          py::arg("texts"), py::arg("lcode"), py::arg("num_threads"),
          "Romanize many strings on num_threads threads (0 = all cores); GIL released.")
      .def(
          "romanize_vocab",
          [](const translit::Engine& e, const py::list& pieces, const std::string& lcode,
             int num_threads) {
            py::tuple snapshot = str_snapshot(pieces, "pieces items");
            std::vector<std::string> out;
            {
              py::gil_scoped_release release;
              out = e.romanize_vocab(snapshot.size(), source_of(snapshot), lcode, num_threads);
            }
            return to_py_list(out);
          },
          py::arg("pieces"), py::arg("lcode"), py::arg("num_threads"),
          "Vocabulary mode: keep ▁ / Ġ / ## / </w> / <0x..> / special-token markers, romanize "
          "the payload (same split as translit.vocab.split_piece).")
      .def(
          "chunk_cuts",
          [](const translit::Engine& e, const py::str& text) {
            ready(text.ptr());
            std::u32string cps;
            read_code_points(text.ptr(), cps);
            py::list out;
            if (!translit::cuttable(e.data(), cps)) return out;
            for (size_t b = 1; b < cps.size(); ++b) {
              if (translit::safe_cut(e.data(), cps, b)) out.append(b);
            }
            return out;
          },
          py::arg("text"),
          "Code point offsets at which romanize may cut a text longer than chunk_size into "
          "independent lattices (diagnostics; see csrc/translit/chunking.h).")
      .def(
          "edges",
          [](const translit::Engine& e, const py::str& text, const std::string& lcode) {
            std::vector<translit::EdgeOut> edges = e.edges(utf8_view(text, "text"), lcode);
            py::list out;
            for (const auto& edge : edges) {
              out.append(
                  py::make_tuple(edge.start, edge.end, py::str(edge.txt), py::str(edge.type)));
            }
            return out;
          },
          py::arg("text"), py::arg("lcode"),
          "The best path as (start, end, romanization, type) with code point offsets.");
}

// pybind11 bindings of translit::Engine: type conversion, GIL release, docstrings.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

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

std::vector<std::string_view> utf8_views(const py::list& items, const char* what) {
  std::vector<std::string_view> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(utf8_view(item, what));
  return out;
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
      .def(py::init([](const py::dict& tables) {
             translit::Engine::Tables t;
             for (const auto& item : tables) {
               t.emplace(py::cast<std::string>(item.first),
                         std::string(utf8_view(item.second, "table text")));
             }
             py::gil_scoped_release release;
             return new translit::Engine(t);
           }),
           py::arg("tables"))
      .def(
          "romanize",
          [](const translit::Engine& e, const py::str& text, const std::string& lcode) {
            std::string_view view = utf8_view(text, "text");
            std::string out;
            if (view.size() > 4096) {
              py::gil_scoped_release release;
              out = e.romanize(view, lcode);
            } else {
              out = e.romanize(view, lcode);
            }
            return py::str(out);
          },
          py::arg("text"), py::arg("lcode"),
          "Romanize one string like uroman.Uroman().romanize_string(text, lcode or None).")
      .def(
          "romanize_batch",
          [](const translit::Engine& e, const py::list& texts, const std::string& lcode,
             int num_threads) {
            std::vector<std::string_view> views = utf8_views(texts, "texts items");
            std::vector<std::string> out;
            {
              py::gil_scoped_release release;
              out = e.romanize_batch(views, lcode, num_threads);
            }
            return to_py_list(out);
          },
          py::arg("texts"), py::arg("lcode"), py::arg("num_threads"),
          "Romanize many strings on num_threads threads (0 = all cores); GIL released.")
      .def(
          "romanize_vocab",
          [](const translit::Engine& e, const py::list& pieces, const std::string& lcode,
             int num_threads) {
            std::vector<std::string_view> views = utf8_views(pieces, "pieces items");
            std::vector<std::string> out;
            {
              py::gil_scoped_release release;
              out = e.romanize_vocab(views, lcode, num_threads);
            }
            return to_py_list(out);
          },
          py::arg("pieces"), py::arg("lcode"), py::arg("num_threads"),
          "Vocabulary mode: keep ▁ / Ġ / ## / </w> / <0x..> / special-token markers, romanize "
          "the payload (same split as translit.vocab.split_piece).")
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

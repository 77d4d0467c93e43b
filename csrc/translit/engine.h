// The public face of the core: an immutable romanization engine built from uroman's tables.
// All methods are const and thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "translit/data.h"

namespace translit {

struct EdgeOut {
  int start, end;  // code point offsets into the input
  std::string txt, type;
};

class Engine {
 public:
  using Tables = std::map<std::string, std::string, std::less<>>;
  // Fills its second argument with the code points of item i (called on worker threads).
  using TextSource = std::function<void(size_t, std::u32string&)>;
  // Texts longer than this many code points are romanized piece by piece (chunking.h), which
  // bounds the lattice memory without changing the output.
  static constexpr size_t kDefaultChunk = 1 << 15;

  explicit Engine(const Tables& tables, size_t chunk_size = kDefaultChunk);

  // uroman's romanize_string(text, lcode) (lcode "" = none). Throws InputError on invalid UTF-8.
  std::string romanize(std::string_view utf8, std::string_view lcode) const;
  // The best path as uroman's edges.
  std::vector<EdgeOut> edges(std::string_view utf8, std::string_view lcode) const;
  // Vocabulary mode: keep tokenizer markers, romanize the payload (translit/vocab.py).
  std::string romanize_piece(std::string_view utf8, std::string_view lcode) const;

  // Batch versions on `num_threads` threads (0 = all cores); results in input order.
  std::vector<std::string> romanize_batch(const std::vector<std::string_view>& texts,
                                          std::string_view lcode, int num_threads) const;
  std::vector<std::string> romanize_vocab(const std::vector<std::string_view>& pieces,
                                          std::string_view lcode, int num_threads) const;

  // The same over texts read by `fetch` inside the workers (no UTF-8 round trip).
  std::vector<std::string> romanize_batch(size_t n, const TextSource& fetch, std::string_view lcode,
                                          int num_threads) const;
  std::vector<std::string> romanize_vocab(size_t n, const TextSource& fetch, std::string_view lcode,
                                          int num_threads) const;

  // One text given as code points (InputError on a surrogate).
  std::string romanize_cps(std::u32string_view text, std::string_view lcode) const;
  std::string romanize_piece_cps(std::u32string_view piece, std::string_view lcode) const;

  const Data& data() const { return data_; }

 private:
  std::string romanize_lattice(std::u32string_view text, std::string_view lcode) const;

  Data data_;
  size_t chunk_size_;
};

}  // namespace translit

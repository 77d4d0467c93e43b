// The public face of the core: an immutable romanization engine built from uroman's tables.
// All methods are const and thread-safe.
#pragma once

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

  explicit Engine(const Tables& tables);

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

  const Data& data() const { return data_; }

 private:
  std::string romanize_cps(std::u32string_view text, std::string_view lcode) const;

  Data data_;
};

}  // namespace translit

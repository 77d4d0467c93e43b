// Vocabulary mode: the marker split of translit/vocab.py (prefix ▁ / Ġ / ##, suffix </w>,
// byte-fallback and special tokens kept whole), on code points.
#pragma once

#include <cstddef>
#include <string_view>

namespace translit {

struct PieceSplit {
  size_t prefix_len = 0, payload_len = 0, suffix_len = 0;
};

PieceSplit split_piece(std::u32string_view piece);

}  // namespace translit

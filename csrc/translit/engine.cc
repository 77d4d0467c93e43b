#include "translit/engine.h"

#include "translit/lattice.h"
#include "translit/thread_pool.h"
#include "translit/utf8.h"
#include "translit/vocab_split.h"

namespace translit {

namespace {

// Per-thread buffers grown beyond this many code points are released after use.
constexpr size_t kKeptPositions = 1 << 16;

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

Engine::Engine(const Tables& tables) : data_(load_data(tables)) {}

std::string Engine::romanize_cps(std::u32string_view text, std::string_view lcode) const {
  if (text.empty()) return "";
  thread_local LatticeBuffers buffers;  // reused by every lattice of this thread
  std::string out;
  {
    Lattice lattice(data_, text, lcode, &buffers);
    lattice.build();
    out = lattice.best_string();
  }
  if (buffers.pos.capacity() > kKeptPositions) buffers = LatticeBuffers();  // after a huge text
  return out;
}

std::string Engine::romanize(std::string_view utf8, std::string_view lcode) const {
  if (data_.ascii_identity && is_ascii(utf8)) return std::string(utf8);
  thread_local std::u32string text;
  decode_utf8_into(utf8, text);
  std::string out = romanize_cps(text, lcode);
  if (text.capacity() > kKeptPositions) std::u32string().swap(text);
  return out;
}

std::vector<EdgeOut> Engine::edges(std::string_view utf8, std::string_view lcode) const {
  std::u32string text = decode_utf8(utf8);
  std::vector<EdgeOut> out;
  if (text.empty()) return out;
  Lattice lattice(data_, text, lcode);
  lattice.build();
  for (int i : lattice.best_path()) {
    const Edge& e = lattice.edge(i);
    out.push_back({e.start, e.end, e.txt, e.type});
  }
  return out;
}

std::string Engine::romanize_piece(std::string_view utf8, std::string_view lcode) const {
  if (data_.ascii_identity && is_ascii(utf8)) return std::string(utf8);
  std::u32string piece = decode_utf8(utf8);
  PieceSplit split = split_piece(piece);
  if (split.payload_len == 0) return std::string(utf8);
  if (data_.ascii_identity) {
    bool ascii = true;
    for (size_t i = split.prefix_len; i < split.prefix_len + split.payload_len; ++i) {
      ascii = ascii && piece[i] < 0x80;
    }
    if (ascii) return std::string(utf8);
  }
  std::string out = encode_utf8(piece.substr(0, split.prefix_len));
  out += romanize_cps(piece.substr(split.prefix_len, split.payload_len), lcode);
  out += encode_utf8(piece.substr(split.prefix_len + split.payload_len));
  return out;
}

std::vector<std::string> Engine::romanize_batch(const std::vector<std::string_view>& texts,
                                                std::string_view lcode, int num_threads) const {
  std::vector<std::string> out(texts.size());
  parallel_for(texts.size(), num_threads, [&](size_t i) { out[i] = romanize(texts[i], lcode); });
  return out;
}

std::vector<std::string> Engine::romanize_vocab(const std::vector<std::string_view>& pieces,
                                                std::string_view lcode, int num_threads) const {
  std::vector<std::string> out(pieces.size());
  parallel_for(pieces.size(), num_threads,
               [&](size_t i) { out[i] = romanize_piece(pieces[i], lcode); });
  return out;
}

}  // namespace translit

#include "translit/engine.h"

#include <algorithm>

#include "translit/chunking.h"
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

Engine::Engine(const Tables& tables, size_t chunk_size)
    : data_(load_data(tables)), chunk_size_(std::max<size_t>(1, chunk_size)) {}

std::string Engine::romanize_cps(std::u32string_view text, std::string_view lcode) const {
  if (data_.ascii_identity) {
    std::string ascii;
    bool all_ascii = true;
    for (char32_t c : text) all_ascii = all_ascii && c < 0x80;
    if (all_ascii) {
      for (char32_t c : text) ascii.push_back(static_cast<char>(c));
      return ascii;
    }
  }
  if (text.size() <= chunk_size_ || !cuttable(data_, text)) return romanize_lattice(text, lcode);
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t cut = next_cut(data_, text, start + chunk_size_);
    out += romanize_lattice(text.substr(start, cut - start), lcode);
    start = cut;
  }
  return out;
}

std::string Engine::romanize_lattice(std::u32string_view text, std::string_view lcode) const {
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
  return romanize_piece_cps(decode_utf8(utf8), lcode);
}

std::string Engine::romanize_piece_cps(std::u32string_view piece, std::string_view lcode) const {
  PieceSplit split = split_piece(piece);
  if (split.payload_len == 0) return encode_utf8(piece);
  if (data_.ascii_identity) {
    bool ascii = true;
    for (size_t i = split.prefix_len; i < split.prefix_len + split.payload_len; ++i) {
      ascii = ascii && piece[i] < 0x80;
    }
    if (ascii) return encode_utf8(piece);
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

std::vector<std::string> Engine::romanize_batch(size_t n, const TextSource& fetch,
                                                std::string_view lcode, int num_threads) const {
  std::vector<std::string> out(n);
  parallel_for(n, num_threads, [&](size_t i) {
    thread_local std::u32string text;
    fetch(i, text);
    out[i] = romanize_cps(text, lcode);
    if (text.capacity() > kKeptPositions) std::u32string().swap(text);
  });
  return out;
}

std::vector<std::string> Engine::romanize_vocab(size_t n, const TextSource& fetch,
                                                std::string_view lcode, int num_threads) const {
  std::vector<std::string> out(n);
  parallel_for(n, num_threads, [&](size_t i) {
    thread_local std::u32string piece;
    fetch(i, piece);
    out[i] = romanize_piece_cps(piece, lcode);
  });
  return out;
}

}  // namespace translit

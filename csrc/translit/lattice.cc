#include "translit/lattice.h"

namespace translit {

Lattice::Lattice(const Data& data, std::u32string_view text, std::string_view lcode,
                 LatticeBuffers* buffers)
    : data_(data),
      s_(text),
      n_(static_cast<int>(text.size())),
      lcode_(lcode),
      own_(buffers ? nullptr : std::make_unique<LatticeBuffers>()),
      buf_(buffers ? *buffers : *own_),
      edges_(buf_.edges),
      pos_(buf_.pos),
      cache_(buf_.cache) {
  edges_.clear();
  cache_.clear();
  pos_.assign(n_ + 1, LatticePos{});
  init();
}

void Lattice::init() {
  for (char32_t c : s_) {
    if (c >= 0x2800 && c <= 0x28FF) has_braille_ = true;
    if (!has_tibetan_ && data_.script_id(c) == data_.sid_tibetan) has_tibetan_ = true;
  }
}

void Lattice::build() {
  if (has_tibetan_) pick_tibetan_vowel_edge();
  if (has_braille_) prep_braille();
  add_romanization();
  add_numbers();
  if (has_braille_) add_braille_numbers();
  add_fall_back_singles();
}

int Lattice::add_edge(Edge e) {
  int id = static_cast<int>(edges_.size());
  int start = e.start, end = e.end;
  edges_.push_back(std::move(e));
  if (pos_[start].tail_start < 0) {
    pos_[start].head_start = id;
  } else {
    edges_[pos_[start].tail_start].next_same_start = id;
  }
  pos_[start].tail_start = id;
  if (pos_[end].tail_end < 0) {
    pos_[end].head_end = id;
  } else {
    edges_[pos_[end].tail_end].next_same_end = id;
  }
  pos_[end].tail_end = id;
  return id;
}

bool Lattice::span_has_edges(int start, int end) const {
  if (start < 0 || start > n_) return false;
  for (int i = pos_[start].head_start; i >= 0; i = edges_[i].next_same_start) {
    if (edges_[i].end == end) return true;
  }
  return false;
}

// uroman's best_edge_in_span: an active number edge wins; otherwise the first "rom"/"num" edge,
// then the first decomposition edge, then any other edge.
int Lattice::best_edge_in_span(int start, int end) const {
  if (start < 0 || start > n_) return -1;
  int decomp = -1, rom = -1, other = -1;
  for (int i = pos_[start].head_start; i >= 0; i = edges_[i].next_same_start) {
    const Edge& e = edges_[i];
    if (e.end != end) continue;
    if (e.is_num && e.active) return i;
    std::string_view type = e.type;
    if (type.substr(0, 10) == "rom decomp") {
      if (decomp < 0) decomp = i;
    } else if (type.substr(0, 3) == "rom" || type.substr(0, 3) == "num") {
      if (rom < 0) rom = i;
    } else if (other < 0) {
      other = i;
    }
  }
  return rom >= 0 ? rom : decomp >= 0 ? decomp : other;
}

int Lattice::best_right_neighbor(int start) const {
  if (start < 0 || start > n_) return -1;
  int best_end = -1;
  for (int i = pos_[start].head_start; i >= 0; i = edges_[i].next_same_start) {
    if (edges_[i].end > best_end) best_end = edges_[i].end;
  }
  return best_end < 0 ? -1 : best_edge_in_span(start, best_end);
}

int Lattice::best_left_neighbor(int end) const {
  if (end < 0 || end > n_) return -1;
  int best_start = n_ + 1;
  for (int i = pos_[end].head_end; i >= 0; i = edges_[i].next_same_end) {
    if (edges_[i].start < best_start) best_start = edges_[i].start;
  }
  return best_start > n_ ? -1 : best_edge_in_span(best_start, end);
}

// uroman's find_rom_edge_path_backwards(0, end, min_chars, return_str=True), including its
// habit of stepping one extra position back after each edge.
std::string Lattice::rom_path_backwards(int end, size_t min_chars) const {
  std::string rom;
  size_t rom_len = 0;
  int end2 = end;
  while (0 < end2) {
    int old_end2 = end2;
    int e = best_left_neighbor(end2);
    if (e >= 0) {
      rom = edges_[e].txt + rom;
      rom_len = 0;
      for (char c : rom) rom_len += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      end2 = edges_[e].start;
    }
    if (min_chars && rom_len >= min_chars) break;
    if (old_end2 >= end2) --end2;
  }
  return rom;
}

std::vector<int> Lattice::best_path() const {
  std::vector<int> path;
  int pos = 0;
  while (pos < n_) {
    int e = best_right_neighbor(pos);
    if (e >= 0) {
      path.push_back(e);
      pos = edges_[e].end;
    } else {
      ++pos;
    }
  }
  return path;
}

std::string Lattice::best_string() const {
  std::string out;
  for (int e : best_path()) out += edges_[e].txt;
  return out;
}

}  // namespace translit

// The romanization lattice of one string (uroman's Lattice): edges over code point spans,
// added by rules, numbers, Hangul, decompositions and fall-back singles; the romanization is
// the greedy best path (longest span first, then edge class).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "translit/data.h"
#include "translit/numval.h"

namespace translit {

// The number data of uroman's NumEdge.
struct NumData {
  PyNum value;
  bool has_value_s = false;
  std::string value_s;
  bool has_fraction = false;
  int64_t frac_num = 0, frac_den = 1;
  PyNum num_base;
  int n_decimals = -1;
  std::string script;
  bool is_large_power = false;
  std::string orig_txt;
};

struct Edge {
  int start = 0, end = 0;
  std::string txt;
  std::string type;
  bool is_num = false;  // uroman's NumEdge (then `num` is set)
  bool active = false;
  std::unique_ptr<NumData> num;
  // Intrusive lists of the edges that start / end at the same position (insertion order).
  int next_same_start = -1, next_same_end = -1;
};

// Per position: edge lists and memoised context (uroman's props: -1 unknown, 0 false, 1 true).
struct LatticePos {
  int head_start = -1, tail_start = -1, head_end = -1, tail_end = -1, cache_head = -1;
  int8_t preceded_by_alpha = -1, followed_by_alpha = -1, edge_vowel = -1;
  uint8_t edge_delete = 0, is_upper = 0;
};

// Memoised rule choice of a span (uroman's simple_top_rom_cache).
struct RomCacheEntry {
  int end;
  const std::string* rom;
  int next;
};

struct LatticeBuffers {
  std::vector<Edge> edges;
  std::vector<LatticePos> pos;
  std::vector<RomCacheEntry> cache;
};

class Lattice {
 public:
  // `buffers` (optional) are reused storage, e.g. one per thread, to avoid allocations.
  Lattice(const Data& data, std::u32string_view text, std::string_view lcode,
          LatticeBuffers* buffers = nullptr);

  // Runs every phase of uroman's romanize_string_core.
  void build();
  // Edge indices of the best path from 0 to the end.
  std::vector<int> best_path() const;
  std::string best_string() const;
  const Edge& edge(int i) const { return edges_[i]; }

 private:
  friend class NumberBuilder;

  // --- edges and neighbours (lattice.cc)
  int add_edge(Edge e);
  int best_edge_in_span(int start, int end) const;
  int best_right_neighbor(int start) const;
  int best_left_neighbor(int end) const;
  bool span_has_edges(int start, int end) const;
  std::string rom_path_backwards(int end, size_t min_chars) const;

  // --- word and syllable context (context.cc)
  bool at_start_of_word(int pos);
  // `*raised` (optional) is set where uroman's is_at_end_of_word raises TypeError: a following
  // rule without target (e.g. a number-only rule) is reached before any rule with a letter.
  bool at_end_of_word(int pos, bool* raised = nullptr);
  bool at_end_of_syllable(int pos);
  bool cand_is_valid(const RomRule& rule, int start, int end);
  const std::string* simple_top(int start, int end, bool simple_search,
                                uint32_t node = kUnknownNode);
  const std::string* first_rule_target(char32_t c) const;
  const std::string* first_rule_target(std::u32string_view s) const;

  // --- phases
  void add_romanization();  // romanize.cc
  std::string expand_special(std::string rom, int& start, int& end, std::string& annot);
  std::string add_default_abugida_vowel(std::string rom, int start, int end,
                                        const std::string& annotation);  // abugida.cc
  std::string decomp_rom(int pos);                                       // romanize.cc
  void add_fall_back_singles();                                          // romanize.cc
  void pick_tibetan_vowel_edge();                                        // tibetan.cc
  void prep_braille();                                                   // braille.cc
  void add_braille_numbers();                                            // braille.cc
  void add_numbers();                                                    // numbers.cc

  void init();
  char32_t at(int i) const { return (i >= 0 && i < n_) ? s_[i] : 0; }
  std::string_view script_name_at(int i) const {
    return (i >= 0 && i < n_) ? std::string_view(data_.script_name(s_[i])) : std::string_view();
  }

  static constexpr uint32_t kUnknownNode = 0xFFFFFFFEu;

  const Data& data_;
  std::u32string_view s_;
  int n_;
  std::string lcode_;
  bool has_braille_ = false, has_tibetan_ = false;
  std::unique_ptr<LatticeBuffers> own_;
  LatticeBuffers& buf_;
  std::vector<Edge>& edges_;
  std::vector<LatticePos>& pos_;
  std::vector<RomCacheEntry>& cache_;
};

}  // namespace translit

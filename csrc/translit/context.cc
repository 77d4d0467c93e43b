// Word and syllable context of a span, and rule selection for a span (uroman's cand_is_valid
// and simple_top_romanization_candidate_for_span). Results are memoised per lattice exactly as
// uroman memoises them, because they depend on the edges present at the time of the first query.
#include <algorithm>

#include "translit/lattice.h"
#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

bool is_braille(char32_t c) { return c >= 0x2800 && c <= 0x28FF; }

bool is_consonant_no_wy(char c) {  // [bcdfghjklmnpqrstvxz] (sic: no w)
  return c && std::string_view("bcdfghjklmnpqrstvxz").find(c) != std::string_view::npos;
}

}  // namespace

bool Lattice::at_start_of_word(int pos) {
  if (pos_[pos].preceded_by_alpha >= 0) return !pos_[pos].preceded_by_alpha;
  bool braille = is_braille(at(pos));
  if (pos > 0 && ucd::is_alpha(s_[pos - 1])) {
    pos_[pos].preceded_by_alpha = 1;
    return false;
  }
  for (int i = pos_[pos].head_end; i >= 0; i = edges_[i].next_same_end) {
    const std::string& txt = edges_[i].txt;
    if (txt.empty()) continue;
    char32_t last = last_code_point(txt);
    if (ucd::is_alpha(last) || (braille && last == '\'')) {
      pos_[pos].preceded_by_alpha = 1;
      return false;
    }
  }
  pos_[pos].preceded_by_alpha = 0;
  return true;
}

bool Lattice::at_end_of_word(int pos, bool* raised) {
  if (pos_[pos].followed_by_alpha >= 0) return !pos_[pos].followed_by_alpha;
  int start = pos;
  if (start < n_ && ucd::is_alpha(s_[start])) {
    pos_[pos].followed_by_alpha = 1;
    return false;
  }
  while (start + 1 < n_ && ucd::category(s_[start]) == ucd::kMn &&
         (data_.name_flags(s_[start]) & ucd::kNameNukta)) {
    ++start;
  }
  bool saw_untargeted = false;  // uroman raises here; the scan goes on without that rule
  uint32_t node = 0;
  for (int end = start + 1; end <= n_; ++end) {
    node = data_.child(node, s_[end - 1]);
    if (node == FlatMap::kMissing) break;
    auto [b, e] = data_.rules_of(node);
    for (const uint32_t* r = b; r != e; ++r) {
      const RomRule& rule = data_.rules[*r];
      if (rule.restrictions & kOnlyAtStart) continue;
      if (!rule.has_t) {
        if (!saw_untargeted && raised) *raised = true;
        saw_untargeted = true;
        continue;
      }
      if (rule.t_has_letter) {
        if (!saw_untargeted) pos_[pos].followed_by_alpha = 1;
        return false;
      }
    }
  }
  if (!saw_untargeted) pos_[pos].followed_by_alpha = 0;
  return true;
}

// uroman's is_at_end_of_syllable (Thai final consonants).
bool Lattice::at_end_of_syllable(int pos) {
  char32_t prev = pos >= 2 ? s_[pos - 2] : 0;
  char32_t next = pos < n_ ? s_[pos] : 0;
  int adj = pos;
  if (next && data_.has_flag(next, kToneMark)) {
    adj = pos + 1;
    next = at(adj);
  }
  char32_t next2 = at(adj + 1);
  if (!prev) return false;
  if (!data_.letter_or_mark(prev)) return false;
  if (data_.has_flag(prev, kPrePostVowel)) return false;
  if (next && data_.has_flag(next, kPrePostVowel)) return true;
  if (adj >= n_) return true;
  if (!data_.letter_or_mark(next)) return true;
  if (pos > 0) {
    int left = best_left_neighbor(pos - 1);
    if (left >= 0 && !edges_[left].txt.empty() && is_consonant_no_wy(edges_[left].txt.back())) {
      return false;
    }
  }
  const std::string* r = simple_top(adj, adj + 2, true);
  if (!r) r = simple_top(adj, adj + 1, true);
  std::string next_rom = r ? ucd::str_lower(*r) : "?";
  auto is_vowel = [](const std::string& x) {
    return !x.empty() && std::string_view("aeiou").find(x[0]) != std::string_view::npos;
  };
  if (!is_vowel(next_rom)) return true;
  if (next == 0x0E2D && next2) {  // THAI CHARACTER O ANG
    const std::string* r2 = simple_top(adj + 1, adj + 2, true);
    std::string next2_rom = r2 ? ucd::str_lower(*r2) : "?";
    if (is_vowel(next2_rom)) return true;
  }
  return false;
}

bool Lattice::cand_is_valid(const RomRule& rule, int start, int end) {
  if (!rule.has_t) return false;
  uint8_t r = rule.restrictions;
  if ((r & kNotAtStart) && at_start_of_word(start)) return false;
  if ((r & kOnlyAtStart) && !at_start_of_word(start)) return false;
  if ((r & kNotAtEnd) && at_end_of_word(end)) return false;
  if ((r & kOnlyAtEnd) && !at_end_of_word(end)) return false;
  if ((r & kWholeWord) && !(at_start_of_word(start) && at_end_of_word(end))) return false;
  if (!rule.lcodes.empty() && (lcode_.empty() || std::find(rule.lcodes.begin(), rule.lcodes.end(),
                                                           lcode_) == rule.lcodes.end())) {
    return false;
  }
  return true;
}

const std::string* Lattice::simple_top(int start, int end, bool simple_search, uint32_t node) {
  if (start < 0 || end > n_) return nullptr;
  for (int i = pos_[start].cache_head; i >= 0; i = cache_[i].next) {
    if (cache_[i].end == end) return cache_[i].rom;
  }
  if (node == kUnknownNode) node = data_.node_of(s_.substr(start, end - start));
  const RomRule* best = nullptr;
  if (node != FlatMap::kMissing) {
    auto [b, e] = data_.rules_of(node);
    for (const uint32_t* r = b; r != e; ++r) {
      const RomRule& rule = data_.rules[*r];
      if (cand_is_valid(rule, start, end) && (!best || rule.n_restr > best->n_restr)) {
        best = &rule;
      }
    }
  }
  const std::string* rom = best ? &best->t : nullptr;
  if (simple_search) return rom;
  if (best && best->has_t_end_of_syllable && at_end_of_syllable(end)) {
    rom = &best->t_end_of_syllable;
  }
  if (rom) {
    cache_.push_back({end, rom, pos_[start].cache_head});
    pos_[start].cache_head = static_cast<int>(cache_.size() - 1);
  }
  return rom;
}

const std::string* Lattice::first_rule_target(std::u32string_view s) const {
  if (s.empty()) return nullptr;
  uint32_t node = data_.node_of(s);
  if (node == FlatMap::kMissing) return nullptr;
  auto [b, e] = data_.rules_of(node);
  if (b == e) return nullptr;
  const RomRule& rule = data_.rules[*b];
  return rule.has_t ? &rule.t : nullptr;
}

const std::string* Lattice::first_rule_target(char32_t c) const {
  if (!c) return nullptr;
  return first_rule_target(std::u32string_view(&c, 1));
}

}  // namespace translit

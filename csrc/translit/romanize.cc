// Rule edges (uroman's add_romanization with its context heuristics), Hangul, compatibility
// decompositions and fall-back singles.
#include "translit/hangul.h"
#include "translit/lattice.h"
#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

bool in_set(char c, std::string_view set) { return c && set.find(c) != std::string_view::npos; }

constexpr std::string_view kConsonants = "bcdfghjklmnpqrstvwxyz";

// regex ^\+(m|ng|n|h|r)
bool is_tail_marker(const std::string& rom) {
  return rom.size() >= 2 && rom[0] == '+' && in_set(rom[1], "mnhr");
}

bool all_in(std::string_view s, std::string_view set) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!in_set(c, set)) return false;
  }
  return true;
}

bool is_numeric_truthy(char32_t c) {
  auto v = ucd::numeric(c);
  return v && *v != 0.0;
}

}  // namespace

void Lattice::add_romanization() {
  for (int start = 0; start < n_; ++start) {
    uint32_t node = 0;
    for (int end = start + 1; end <= n_; ++end) {
      node = data_.child(node, s_[end - 1]);
      if (node == FlatMap::kMissing) break;
      const std::string* top = simple_top(start, end, false, node);
      if (!top) continue;
      std::string rom = *top;
      if (has_braille_ && start + 1 == end && pos_[start].is_upper) rom = ucd::str_upper(rom);
      std::string type = "rom";
      if (is_tail_marker(rom)) {
        rom.erase(0, 1);
        type = "rom tail";
      }
      const Script* script = data_.script_of(s_[start]);
      std::string new_rom = (script && !script->abugida_vowels.empty())
                                ? add_default_abugida_vowel(rom, start, end, type)
                                : rom;
      if (new_rom.size() > rom.size() && new_rom.compare(0, rom.size(), rom) == 0) {
        std::string_view suffix = std::string_view(new_rom).substr(rom.size());
        if (all_in(suffix, "aeiou")) {
          type += " c:" + rom + " s:" + std::string(suffix);
        }
      }
      int start2 = start, end2 = end;
      std::string annot;
      rom = expand_special(std::move(new_rom), start2, end2, annot);
      Edge e;
      e.start = start2;
      e.end = end2;
      e.txt = std::move(rom);
      e.type = annot.empty() ? std::move(type) : std::move(annot);
      add_edge(std::move(e));
    }
    char32_t c = s_[start];
    if (c >= 0xAC00 && c <= 0xD7A3) {
      Edge e;
      e.start = start;
      e.end = start + 1;
      e.txt = hangul_romanization(c);
      e.type = "rom";
      add_edge(std::move(e));
    }
    if (ucd::has(c, ucd::kHasDecomp)) {
      std::string rom = decomp_rom(start);
      if (!rom.empty()) {
        Edge e;
        e.start = start;
        e.end = start + 1;
        e.txt = std::move(rom);
        e.type = "rom decomp";
        add_edge(std::move(e));
      }
    }
  }
}

// uroman's expand_rom_with_special_chars: context heuristics that may widen the span.
std::string Lattice::expand_special(std::string rom, int& start, int& end, std::string& annot) {
  if (rom.empty()) return rom;
  const int orig_start = start;
  char32_t prev = at(start - 1);
  char32_t first = s_[start];
  char32_t last = s_[end - 1];
  char32_t next = at(end);
  if (prev == 0x2820 && rom[0] >= 'a' && rom[0] <= 'z') {  // Braille capital sign
    rom[0] = static_cast<char>(rom[0] - 'a' + 'A');
    --start;
    annot = "rom exp";
    return rom;
  }
  if (start + 1 == end && ucd::str_isupper(rom) && next &&
      (ucd::record(next) & (ucd::kLower | ucd::kUpper | ucd::kTitle)) == ucd::kLower) {
    rom = ucd::str_capitalize(rom);
  }
  // Japanese small tsu and Gurmukhi addak double the next consonant.
  if (prev == U'\u3063' || prev == U'\u30C3' || prev == 0x0A71) {
    std::string cons;
    if (rom.compare(0, 2, "ch") == 0) {
      cons = "ch";
    } else if (in_set(rom[0], "bcdfghjklmnpqrstwz")) {
      cons = rom.substr(0, 1);
    }
    if (!cons.empty()) {
      if (cons == "ch") cons = (prev == 0x0A71) ? "c" : "t";
      rom = cons + rom;
      --start;
      first = s_[start];
      prev = at(start - 1);
    }
  }
  if (data_.script_id(first) == data_.sid_thai) {
    if (start + 1 == end && all_in(rom, kConsonants) && prev &&
        data_.has_flag(prev, kPrePostVowel) && start >= 1) {
      for (int suffix_len = 3; suffix_len >= 1; --suffix_len) {
        if (end + suffix_len > n_) continue;
        std::u32string pattern(1, s_[start - 1]);
        pattern += U'\u2013';
        pattern += s_.substr(end, suffix_len);
        uint32_t node = data_.node_of(pattern);
        if (node == FlatMap::kMissing) continue;
        auto [b, e] = data_.rules_of(node);
        if (b == e) continue;
        const RomRule& rule = data_.rules[*b];
        start -= 1;
        end += suffix_len;
        annot = "rom exp";
        return rom + (rule.has_t ? rule.t : "");
      }
    }
    if (prev && data_.script_id(prev) == data_.sid_thai && data_.has_flag(prev, kPrePostVowel) &&
        in_set(rom[0], kConsonants)) {
      const std::string* vowel = first_rule_target(prev);
      if (vowel && !vowel->empty()) {
        --start;
        annot = "rom exp";
        return rom + *vowel;
      }
    }
    if (first == 0x0E2D && end - start == 1) {  // THAI CHARACTER O ANG
      bool keep = false;
      if (prev && next && data_.script_id(prev) == data_.sid_thai &&
          data_.script_id(next) == data_.sid_thai) {
        std::string prev_rom = rom_path_backwards(start, 1);
        if (all_in(prev_rom, "bcdfghjklmnpqrstvwxz")) {
          const std::string* next_rom = first_rule_target(next);
          keep = next_rom && all_in(*next_rom, "bcdfghjklmnpqrstvwxz");
        }
      }
      if (!keep) {
        annot = "rom del";
        return "";
      }
    }
  }
  // Coptic: consonant + combining grave = e + consonant.
  if (next == 0x0300 && data_.script_id(last) == data_.sid_coptic) {
    const std::string* r = simple_top(orig_start, end + 1, false);
    if (!r || r->empty()) {
      rom = "e" + rom;
      ++end;
      last = s_[end - 1];
      next = at(end);
      annot = "rom exp";
    }
  }
  // Japanese small ya/yu/yo: ki + ya = kya.
  if (next &&
      std::u32string_view(U"\u3083\u3085\u3087\u30E3\u30E5\u30E7").find(next) !=
          std::u32string_view::npos &&
      data_.script_id(last) == data_.script_id(next) && rom.size() >= 2 && rom.back() == 'i' &&
      in_set(rom[rom.size() - 2], kConsonants)) {
    const std::string* y_rom = first_rule_target(next);
    if (y_rom && !y_rom->empty()) {
      const std::string* r1 = simple_top(orig_start, end + 1, false);
      if (!r1 || r1->empty()) {
        const std::string* r2 = simple_top(start, end + 1, false);
        if (!r2 || r2->empty()) {
          rom.pop_back();
          rom += *y_rom;
          ++end;
          last = s_[end - 1];
          next = at(end);
          annot = "rom exp";
        }
      }
    }
  }
  // Japanese prolonged sound mark lengthens the vowel.
  if (next == 0x30FC) {
    uint16_t sc = data_.script_id(last);
    char32_t last_rom = last_code_point(rom);
    if ((sc == data_.sid_hiragana || sc == data_.sid_katakana) && last_rom < 0x80 &&
        in_set(static_cast<char>(last_rom), "aeiou")) {
      rom.push_back(static_cast<char>(last_rom));
      ++end;
      annot = "rom exp";
      return rom;
    }
  }
  if (next && data_.has_flag(next, kVirama)) {
    ++end;
    annot = "rom exp";
    return rom;
  }
  if (!rom.empty() && rom[0] == ' ' && (start == 0 || prev == ' ')) rom.erase(0, 1);
  if (!rom.empty() && rom.back() == ' ' && next == ' ') rom.pop_back();
  return rom;
}

// uroman's decomp_rom: compatibility decompositions (ligatures, fractions, wide forms ...)
// romanized recursively.
std::string Lattice::decomp_rom(int pos) {
  char32_t c = s_[pos];
  std::string_view decomp = ucd::decomposition(c);
  // Only tagged (compatibility) decompositions are romanized; canonical ones (é = e + ́) never.
  if (decomp.empty() || decomp[0] != '<') return "";
  std::string first_tag;
  bool has_tag = false;
  std::u32string chars;
  size_t i = 0;
  while (i < decomp.size()) {
    size_t j = decomp.find(' ', i);
    if (j == std::string_view::npos) j = decomp.size();
    std::string_view tok = decomp.substr(i, j - i);
    if (!tok.empty() && tok[0] == '<') {
      if (!has_tag) first_tag = std::string(tok);
      has_tag = true;
    } else if (!tok.empty()) {
      chars.push_back(static_cast<char32_t>(std::stoul(std::string(tok), nullptr, 16)));
    }
    i = j + 1;
  }
  std::string rom;
  if (has_tag && first_tag != "<super>" && first_tag != "<sub>" && first_tag != "<noBreak>" &&
      first_tag != "<compat>" && !chars.empty()) {
    Lattice sub(data_, chars, lcode_);
    sub.build();
    rom = sub.best_string();
  }
  if (!rom.empty() && is_numeric_truthy(c)) {
    std::string out;
    for (char32_t cp : decode_utf8(rom)) append_utf8(out, cp == 0x2044 ? U'/' : cp);
    rom = std::move(out);
    if (pos >= 1 && is_numeric_truthy(s_[pos - 1])) rom = " " + rom;
    if (pos + 1 < n_ && is_numeric_truthy(s_[pos + 1])) rom += " ";
  }
  return rom;
}

void Lattice::add_fall_back_singles() {
  for (int start = 0; start < n_; ++start) {
    if (span_has_edges(start, start + 1)) continue;
    char32_t c = s_[start];
    Edge e;
    e.start = start;
    e.end = start + 1;
    e.type = "orig";
    ucd::Category cat = ucd::category(c);
    if (cat == ucd::kMn) {
      e.type = "Mn";
    } else if (cat == ucd::kCf) {
      e.type = "Cf";
    } else if (cat == ucd::kCo) {
      e.type = "Co";
    } else if (c == ' ') {
      e.txt = " ";
    } else if (const std::string* r = simple_top(start, start + 1, false)) {
      e.txt = *r;
      if (is_tail_marker(e.txt)) e.txt.erase(0, 1);
      e.type = "rom single";
    } else {
      append_utf8(e.txt, c);
    }
    add_edge(std::move(e));
  }
}

}  // namespace translit

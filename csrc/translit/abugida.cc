// Inherent vowels of abugidas (Devanagari, Bengali, Ethiopic ...): uroman's
// add_default_abugida_vowel, including its final-schwa deletion rules.
#include "translit/lattice.h"
#include "translit/unicode_db.h"

namespace translit {
namespace {

bool in_set(char c, std::string_view set) { return c && set.find(c) != std::string_view::npos; }

bool all_consonants(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!in_set(c, "bcdfghjklmnpqrstvwxyz")) return false;
  }
  return true;
}

struct Split {
  bool ok = false;
  std::string base, base_plus_vowel, rom;
};

// Splits a consonant romanization into base and base + default vowel (uroman's two regexes).
Split split_rom(std::string rom, const std::vector<std::string>& vowels, bool single_char) {
  Split out;
  // ([cfghkmnqrstxy]?y)(v1+|v2+...)-?$
  for (int opt = 1; opt >= 0 && !out.ok; --opt) {
    size_t i = 0;
    if (opt == 1) {
      if (rom.empty() || !in_set(rom[0], "cfghkmnqrstxy")) continue;
      i = 1;
    }
    if (i >= rom.size() || rom[i] != 'y') continue;
    size_t base_len = i + 1;
    for (const auto& v : vowels) {
      if (v.empty()) continue;
      size_t j = base_len;
      while (rom.compare(j, v.size(), v) == 0) j += v.size();
      if (j == base_len) continue;
      std::string_view rest = std::string_view(rom).substr(j);
      if (rest.empty() || rest == "-") {
        out = {true, rom.substr(0, base_len), rom.substr(0, j), rom};
        break;
      }
    }
  }
  if (!out.ok) {
    // ([bcdfghjklmnpqrstvwxyz]+)(v1|v2...)-?$
    size_t run = 0;
    while (run < rom.size() && in_set(rom[run], "bcdfghjklmnpqrstvwxyz")) ++run;
    for (size_t len = run; len >= 1 && !out.ok; --len) {
      for (const auto& v : vowels) {
        if (rom.compare(len, v.size(), v) != 0) continue;
        std::string_view rest = std::string_view(rom).substr(len + v.size());
        if (rest.empty() || rest == "-") {
          out = {true, rom.substr(0, len), rom.substr(0, len + v.size()), rom};
          if (!rom.empty() && rom.back() == '-' && single_char && ucd::is_alpha(rom[0])) {
            out.rom.pop_back();
          }
          break;
        }
      }
    }
  }
  if (!out.ok) out = {true, rom, rom + vowels[0], rom};
  return out;
}

}  // namespace

std::string Lattice::add_default_abugida_vowel(std::string rom, int start, int end,
                                               const std::string& annotation) {
  char32_t first = s_[start];
  char32_t last = s_[end - 1];
  const Script* script = data_.script_of(first);
  if (!script || script->abugida_vowels.empty()) return rom;
  const std::string& script_name = data_.script_name(first);
  Split sp = split_rom(rom, script->abugida_vowels, start + 1 == end);
  rom = sp.rom;
  bool tibetan = script_name == "Tibetan";
  if (!all_consonants(sp.base) && !(tibetan && sp.base == "'")) return rom;
  const std::string& base = sp.base;
  const std::string& plus = sp.base_plus_vowel;
  if (annotation.find("tail") != std::string::npos) return rom;
  char32_t prev = at(start - 1);
  char32_t next = at(end);
  char32_t next2 = at(end + 1);
  if (tibetan) {
    if (pos_[start].edge_delete) return "";
    if (pos_[start].edge_vowel == 1) return plus;
    return base;
  }
  if (next &&
      (base == "ng" ||
       std::string_view("bcdfghklmnpqrstvwz").find(base) != std::string_view::npos) &&
      next == 0x1799) {  // KHMER LETTER YO
    return base;
  }
  auto is_mn = [](char32_t c) { return c && ucd::category(c) == ucd::kMn; };
  if (next && data_.has_flag(next, kVowelSign)) return base;
  if (next && data_.has_flag(next, kMedialConsonantSign)) return base;
  if (next && (data_.name_flags(next) & ucd::kNameSubjoined)) return base;
  if (is_mn(next) && next2 && data_.has_flag(next2, kVowelSign)) return base;
  if (next && data_.has_flag(next, kVirama)) return base;
  if (is_mn(next) && next2 && data_.has_flag(next2, kVirama)) return base;
  if (prev && data_.has_flag(prev, kVirama)) return plus;
  if (at_start_of_word(start)) {
    bool r_vowel = false;
    for (size_t i = 0; i + 1 < rom.size(); ++i) {
      if (rom[i] == 'r' && in_set(rom[i + 1], "aeiou")) r_vowel = true;
    }
    if (!r_vowel) return plus;
  }
  bool raised = false;  // uroman's try/except around this function then keeps rom
  bool end_of_word = at_end_of_word(end, &raised);
  if (raised) return rom;
  if (end_of_word) {
    if (script_name == "Devanagari" && lcode_ != "san") return rom;
    if (lcode_ == "asm" || lcode_ == "ben" || lcode_ == "guj" || lcode_ == "kas" ||
        lcode_ == "pan") {
      return rom;
    }
    return plus;
  }
  if (script_name_at(start - 1) != script_name) return plus;
  if (data_.name_flags(last) & ucd::kNameVocalic) return base;
  if (script_name_at(end) == script_name) return plus;
  return rom;
}

}  // namespace translit

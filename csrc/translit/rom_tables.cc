// Readers of uroman's rule files: romanization-*table.txt, UnicodeDataOverwrite.txt and
// Chinese_to_Pinyin.txt.
#include <algorithm>
#include <unordered_map>

#include "translit/data.h"
#include "translit/rule_builder.h"
#include "translit/slots.h"
#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

std::optional<char32_t> parse_hex_cp(std::string_view u) {
  u = ucd::strip(u);
  if (u.size() > 2 && u[0] == '0' && (u[1] == 'x' || u[1] == 'X')) u.remove_prefix(2);
  if (u.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : u) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else if (c == '_') {
      continue;
    } else {
      return std::nullopt;
    }
    v = v * 16 + digit;
    if (v > 0x10FFFF) return std::nullopt;
  }
  return static_cast<char32_t>(v);
}

uint32_t name_flags_of(std::string_view name) {
  uint32_t flags = 0;
  for (const auto& [key, flag] : ucd::kNameKeys) {
    if (name.find(key) != std::string_view::npos) flags |= flag;
  }
  return flags;
}

// uroman's second_rom_filter: targets with inner whitespace are cleaned up or replaced by the
// source itself.
std::optional<std::string> filter_spaced_target(const std::u32string& s, const std::string& t,
                                                const Data& d) {
  if (t.find(' ') == std::string::npos) return std::nullopt;
  std::u32string cps = decode_utf8(t);
  uint32_t flags = s.size() == 1 ? d.name_flags(s[0]) : 0;
  size_t e = cps.size();
  while (e > 0 && ucd::is_space(cps[e - 1])) --e;
  size_t tok = e;
  while (tok > 0 && !ucd::is_space(cps[tok - 1])) --tok;
  size_t ws = tok;
  while (ws > 0 && ucd::is_space(cps[ws - 1])) --ws;
  std::u32string token = cps.substr(tok, e - tok);
  bool has_ws_before = ws < tok && !token.empty();
  if ((flags & ucd::kNameKayah) && has_ws_before && ws >= 5 &&
      cps.compare(ws - 5, 5, U"kayah") == 0) {
    return encode_utf8(token);
  }
  if ((flags & ucd::kNameMende) && has_ws_before) {
    size_t k = ws;
    while (k > 0 && ucd::is_decimal(cps[k - 1])) --k;
    if (k < ws && k > 0 && cps[k - 1] == 'm') return encode_utf8(token);
  }
  // \S\s+\S anywhere
  size_t b = 0;
  while (b < e && ucd::is_space(cps[b])) ++b;
  for (size_t i = b; i < e; ++i) {
    if (ucd::is_space(cps[i])) return encode_utf8(s);
  }
  return std::nullopt;
}

void add_unique(std::vector<std::u32string>& list, const std::u32string& s) {
  if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
}

}  // namespace

uint32_t Data::name_flags(char32_t cp) const {
  uint32_t r = ucd::record(cp);
  if (r & ucd::kNamed) return r & ucd::kNameFlags;
  auto it = overwrite_name_flags.find(cp);
  return it == overwrite_name_flags.end() ? 0 : it->second;
}

void load_rom_file(RuleBuilder& b, std::string_view text, Provenance prov, bool u2r, Data& d) {
  for_each_line(text, [&](std::string_view raw) {
    if (is_skipped_line(raw)) return;
    std::string_view line = strip_comment(raw);
    SlotLine slots(line);
    std::optional<std::string> s8, t, t_end;
    if (u2r) {
      auto u = dequote(slots.get("u"));
      if (!u) return;
      auto cp = parse_hex_cp(*u);
      if (!cp) return;
      s8 = encode_utf8(std::u32string(1, *cp));
      t = dequote(slots.get("r"));
      auto name = slots.get("name");
      if (name && !name->empty() && !(ucd::record(*cp) & ucd::kNamed)) {
        d.overwrite_name_flags[*cp] = name_flags_of(*name);
      }
      auto tone = slots.get("tone-mark");
      if (tone && !tone->empty()) d.chars.at(*cp).flags |= kToneMark;
      auto syl = slots.get("syllable-info");
      if (syl && *syl == "written-pre-consonant-spoken-post-consonant") {
        d.chars.at(*cp).flags |= kPrePostVowel;
      }
    } else {
      s8 = dequote(slots.get("s"));
      t = dequote(slots.get("t"));
      t_end = dequote(slots.get("t-end-of-syllable"));
    }
    if (!s8) return;
    std::u32string s = decode_utf8(*s8);
    if (slots.get("is-minus-sign")) add_unique(d.minus_signs, s);
    if (slots.get("is-plus-sign")) add_unique(d.plus_signs, s);
    auto connector = slots.get("fraction-connector");
    if (connector && !connector->empty()) add_unique(d.fraction_connectors, s);
    RomRule rule;
    rule.prov = prov;
    auto lcode = slots.get("lcode");
    if (lcode && !lcode->empty()) rule.lcodes = split_list(*lcode);
    static const std::pair<const char*, Restriction> kRestr[] = {
        {"use-only-at-start-of-word", kOnlyAtStart},
        {"dont-use-at-start-of-word", kNotAtStart},
        {"use-only-at-end-of-word", kOnlyAtEnd},
        {"dont-use-at-end-of-word", kNotAtEnd},
        {"use-only-for-whole-word", kWholeWord}};
    for (const auto& [slot, flag] : kRestr) {
      if (slots.get(slot)) {
        rule.restrictions |= flag;
        ++rule.n_restr;
      }
    }
    if (!rule.lcodes.empty()) ++rule.n_restr;
    if (t) {
      if (auto mod = filter_spaced_target(s, *t, d); mod && !mod->empty() && *mod != *t) t = mod;
      rule.t = *t;
      rule.has_t = true;
    }
    if (t_end) {
      rule.t_end_of_syllable = *t_end;
      rule.has_t_end_of_syllable = true;
    }
    if (s.empty()) return;
    b.add(s, std::move(rule));
  });
  b.add_thai_cancellation_rules();
}

namespace {

// uroman's de_accent_pinyin: "liú" -> "liu", "ü" -> "u".
std::string de_accent_pinyin(std::string_view pinyin) {
  std::string out;
  for (char32_t cp : decode_utf8(pinyin)) {
    std::string_view decomp = ucd::decomposition(cp);
    if (decomp.empty()) {
      append_utf8(out, cp);
      continue;
    }
    std::vector<char32_t> letters;
    bool ok = true;
    size_t i = 0;
    while (i < decomp.size()) {
      size_t j = decomp.find(' ', i);
      if (j == std::string_view::npos) j = decomp.size();
      auto c = parse_hex_cp(decomp.substr(i, j - i));
      if (!c || decomp[i] == '<') ok = false;
      if (c && ucd::is_letter(*c)) letters.push_back(*c);
      i = j + 1;
    }
    if (ok && letters.size() == 1) append_utf8(out, letters[0]);
  }
  std::string result;
  for (char32_t cp : decode_utf8(out)) append_utf8(result, cp == U'\u00FC' ? U'u' : cp);
  return result;
}

}  // namespace

void load_pinyin_file(RuleBuilder& b, std::string_view text) {
  std::unordered_map<std::string, std::string> de_accented;  // ~1,500 distinct syllables
  for_each_line(text, [&](std::string_view line) {
    if (is_skipped_line(line)) return;
    // str.split(): fields separated by (Unicode) whitespace; exactly two are expected.
    std::string_view parts[3];
    size_t n_parts = 0, i = 0;
    while (i < line.size() && n_parts < 3) {
      while (i < line.size() && space_at(line, i)) i += space_at(line, i);
      if (i >= line.size()) break;
      size_t start = i;
      while (i < line.size() && !space_at(line, i)) {
        auto c = static_cast<unsigned char>(line[i]);
        i += c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
      }
      parts[n_parts++] = line.substr(start, i - start);
    }
    if (n_parts != 2) return;
    auto it = de_accented.find(std::string(parts[1]));
    if (it == de_accented.end()) {
      it = de_accented.emplace(std::string(parts[1]), de_accent_pinyin(parts[1])).first;
    }
    RomRule rule;
    rule.prov = Provenance::kPinyin;
    rule.t = it->second;
    rule.has_t = true;
    b.append(decode_utf8(parts[0]), std::move(rule));
  });
}

}  // namespace translit

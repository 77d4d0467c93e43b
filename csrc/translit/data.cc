#include "translit/data.h"

#include <string>

#include "translit/errors.h"
#include "translit/rule_builder.h"

namespace translit {
namespace {

// Walks the trie below `node` (reached by ASCII source `path`) and checks that every rule maps
// its source to itself: unconditionally equal targets, no end-of-syllable variant.
bool ascii_rules_are_identity(const Data& d, uint32_t node, std::string& path) {
  auto [b, e] = d.rules_of(node);
  for (const uint32_t* r = b; r != e; ++r) {
    const RomRule& rule = d.rules[*r];
    if ((rule.has_t && rule.t != path) || rule.has_t_end_of_syllable) return false;
  }
  for (char32_t c = 1; c < 0x80; ++c) {
    uint32_t child = d.child(node, c);
    if (child == FlatMap::kMissing) continue;
    path.push_back(static_cast<char>(c));
    bool ok = ascii_rules_are_identity(d, child, path);
    path.pop_back();
    if (!ok) return false;
  }
  return true;
}

// ASCII text romanizes to itself when ASCII rules are identities, ASCII digits are plain
// digits, and signs and fraction connectors are not ASCII.
bool check_ascii_identity(const Data& d) {
  std::string path;
  if (!ascii_rules_are_identity(d, 0, path)) return false;
  for (char32_t c = 0; c < 0x80; ++c) {
    const NumProp* p = d.num_prop(c);
    if (!p) continue;
    bool digit = c >= '0' && c <= '9' && p->type == "digit" && p->has_value &&
                 p->value == static_cast<int64_t>(c - '0') && p->has_base && p->base == 1 &&
                 !p->has_fraction && !p->is_large_power;
    if (!digit) return false;
  }
  for (const auto* list : {&d.minus_signs, &d.plus_signs, &d.fraction_connectors}) {
    for (const auto& s : *list) {
      for (char32_t c : s) {
        if (c < 0x80) return false;
      }
    }
  }
  for (char32_t c = 0; c < 0x80; ++c) {
    if (d.info(c).flags) return false;
    const Script* script = d.script_of(c);
    if (script && !script->abugida_vowels.empty()) return false;
    uint16_t id = d.script_id(c);
    if (id && (id == d.sid_thai || id == d.sid_coptic || id == d.sid_tibetan ||
               id == d.sid_hiragana || id == d.sid_katakana)) {
      return false;
    }
  }
  return true;
}

// Parses a hexadecimal code point; false unless `s` is 1..6 hex digits.
bool parse_hex(std::string_view s, uint32_t& v) {
  v = 0;
  if (s.empty() || s.size() > 6) return false;
  for (char c : s) {
    int digit = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                         : -1;
    if (digit < 0) return false;
    v = v * 16 + static_cast<uint32_t>(digit);
  }
  return true;
}

// One line "LM|ND <first hex> <last hex>" of the regex-props table; 0 flag when malformed.
uint8_t parse_regex_props_line(std::string_view line, uint32_t& first, uint32_t& last) {
  size_t a = line.find(' ');
  if (a == std::string_view::npos) return 0;
  size_t b = line.find(' ', a + 1);
  if (b == std::string_view::npos) return 0;
  std::string_view kind = line.substr(0, a);
  uint8_t flag = kind == "LM" ? kReLetterMark : kind == "ND" ? kReDecimal : 0;
  bool ok = parse_hex(line.substr(a + 1, b - a - 1), first) && parse_hex(line.substr(b + 1), last);
  return ok && first <= last && last <= 0x10FFFF ? flag : 0;
}

}  // namespace

void load_regex_props(std::string_view text, Data& d) {
  size_t line_no = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (line.empty()) continue;
    uint32_t first = 0, last = 0;
    uint8_t flag = parse_regex_props_line(line, first, last);
    if (!flag) {
      throw DataError(std::string(kRegexPropsTable) + " line " + std::to_string(line_no) +
                      ": expected 'LM|ND <first hex> <last hex>', found '" + std::string(line) +
                      "'");
    }
    for (uint32_t cp = first; cp <= last; ++cp) d.chars.at(cp).flags |= flag;
  }
}

Data load_data(const std::map<std::string, std::string, std::less<>>& tables) {
  auto get = [&](const char* name) -> std::string_view {
    auto it = tables.find(name);
    if (it == tables.end()) {
      throw DataError(
          std::string("uroman data table '") + name +
          "' was not given to the engine (pass every file of translit._data.DATA_FILES)");
    }
    return it->second;
  };
  Data d;
  d.script_names = {""};
  d.script_of_name = {-1};
  RuleBuilder rules;
  // Same order as uroman's load_resource_files: later files refine earlier ones.
  load_rom_file(rules, get("romanization-auto-table.txt"), Provenance::kAuto, false, d);
  load_rom_file(rules, get("UnicodeDataOverwrite.txt"), Provenance::kOverwrite, true, d);
  load_rom_file(rules, get("romanization-table.txt"), Provenance::kManual, false, d);
  load_pinyin_file(rules, get("Chinese_to_Pinyin.txt"));
  load_scripts(get("Scripts.txt"), d);
  load_num_props(get("NumProps.jsonl"), d);
  for (const char* name :
       {"UnicodeDataProps.txt", "UnicodeDataPropsCJK.txt", "UnicodeDataPropsHangul.txt"}) {
    load_unicode_props(get(name), d);
  }
  if (auto it = tables.find(kRegexPropsTable); it != tables.end()) {
    load_regex_props(it->second, d);
  }
  rules.freeze(d);
  auto sid = [&](std::string_view name) {
    for (size_t i = 1; i < d.script_names.size(); ++i) {
      if (d.script_names[i] == name) return static_cast<uint16_t>(i);
    }
    return Data::kNoScript;
  };
  d.sid_thai = sid("Thai");
  d.sid_coptic = sid("Coptic");
  d.sid_tibetan = sid("Tibetan");
  d.sid_hiragana = sid("Hiragana");
  d.sid_katakana = sid("Katakana");
  d.ascii_identity = check_ascii_identity(d);
  d.chunk_separators = inert_separators(d);
  return d;
}

}  // namespace translit

// The romanization data of uroman 1.3.1.1, parsed from its tables (the text of each file is
// handed over by Python; the core never opens files). Immutable after loading and shared by
// all threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "translit/cp_table.h"
#include "translit/flat_map.h"
#include "translit/unicode_db.h"

namespace translit {

// Where a rule came from; decides whether a later unrestricted rule replaces it.
enum class Provenance : uint8_t { kAuto, kOverwrite, kManual, kPinyin, kThaiCancel };

enum Restriction : uint8_t {
  kOnlyAtStart = 1,
  kNotAtStart = 2,
  kOnlyAtEnd = 4,
  kNotAtEnd = 8,
  kWholeWord = 16,
};

// One m-to-n romanization rule ("::s source ::t target ...").
struct RomRule {
  std::string t;  // meaningful only if has_t
  std::string t_end_of_syllable;
  std::vector<std::string> lcodes;
  bool has_t = false;
  bool has_t_end_of_syllable = false;
  bool t_has_letter = false;  // regex \pL found in t
  uint8_t restrictions = 0;
  uint8_t n_restr = 0;
  Provenance prov = Provenance::kAuto;
};

// A script from Scripts.txt (only what romanization needs).
struct Script {
  std::string name;
  std::vector<std::string> abugida_vowels;
};

enum CharFlag : uint8_t {
  kVowelSign = 1,
  kMedialConsonantSign = 2,
  kVirama = 4,
  kToneMark = 8,
  kPrePostVowel = 16,  // syllable-info written-pre-consonant-spoken-post-consonant
  // uroman matches input against `regex` patterns (\pL, \pM, \d) whose Unicode database is
  // newer than Python's unicodedata; these mark code points that unicodedata leaves unassigned
  // (Cn) but the `regex` module classifies (table kRegexPropsTable).
  kReLetterMark = 32,
  kReDecimal = 64,
};

// Optional table: the `regex` module's view of code points unassigned in unicodedata, computed
// by translit at run time from the installed `regex` (lines "LM|ND <first hex> <last hex>").
inline constexpr const char* kRegexPropsTable = "translit:regex-props";

struct CharInfo {
  uint16_t script = 0;    // index into Data::script_names; 0 = none
  uint8_t flags = 0;      // CharFlag
  int32_t num_prop = -1;  // index into Data::num_props
};

// One line of NumProps.jsonl.
struct NumProp {
  std::string txt;
  std::string type;
  std::string script;
  int64_t value = 0, base = 0, mult = 0, frac_num = 0, frac_den = 0;
  bool has_value = false, has_base = false, has_mult = false, has_fraction = false;
  bool is_large_power = false;
};

struct Data {
  // Rule trie over code points: node 0 is the root; every node is a prefix of a rule source.
  FlatMap trie;
  std::vector<uint32_t> node_rule_begin;  // size n_nodes + 1, indices into node_rules
  std::vector<uint32_t> node_rules;       // rule indices, in uroman's list order
  std::vector<RomRule> rules;

  std::vector<std::string> script_names;  // interned, [0] = ""
  std::vector<int32_t> script_of_name;    // script_names index -> scripts index or -1
  std::vector<Script> scripts;
  std::unordered_map<std::string, int32_t> script_lookup;  // lower-case name or alias -> index
  CpTable<CharInfo> chars;
  std::vector<NumProp> num_props;
  std::unordered_map<char32_t, uint32_t> overwrite_name_flags;  // for characters unnamed in ucd

  std::vector<std::u32string> minus_signs, plus_signs, fraction_connectors;

  // First trie level as a direct table for the BMP (the hot lookup).
  std::vector<uint32_t> root_children;

  std::vector<uint8_t> node_has_children;  // skips hash lookups below leaves
  // Sorted code points of the multi-character rule sources that contain a letter.
  std::vector<char32_t> in_multi_char_source;
  // Separators at which a long text may be cut into independent lattices (chunking.cc).
  std::u32string chunk_separators;

  uint32_t child(uint32_t node, char32_t cp) const {
    if (node == 0 && cp < root_children.size()) return root_children[cp];
    if (!node_has_children[node]) return FlatMap::kMissing;
    return trie.find((static_cast<uint64_t>(node) << 21) | cp);
  }
  // Trie node of a source string, FlatMap::kMissing if it is no rule prefix.
  uint32_t node_of(std::u32string_view s) const;
  // The rules of a node (may be empty for pure prefixes).
  std::pair<const uint32_t*, const uint32_t*> rules_of(uint32_t node) const {
    return {node_rules.data() + node_rule_begin[node],
            node_rules.data() + node_rule_begin[node + 1]};
  }

  // Interned ids of the scripts that romanization treats specially (kNoScript if absent).
  static constexpr uint16_t kNoScript = 0xFFFF;
  uint16_t sid_thai = kNoScript, sid_coptic = kNoScript, sid_tibetan = kNoScript,
           sid_hiragana = kNoScript, sid_katakana = kNoScript;
  // True when every rule whose source is ASCII maps it to itself without conditions, so that
  // ASCII text romanizes to itself (checked at load time; enables a fast path).
  bool ascii_identity = false;

  const CharInfo& info(char32_t cp) const { return chars.get(cp); }
  uint16_t script_id(char32_t cp) const { return info(cp).script; }
  const std::string& script_name(char32_t cp) const { return script_names[info(cp).script]; }
  const Script* script_of(char32_t cp) const {
    int32_t i = script_of_name[info(cp).script];
    return i < 0 ? nullptr : &scripts[i];
  }
  bool has_flag(char32_t cp, uint8_t flag) const { return (info(cp).flags & flag) != 0; }
  // regex (?:\pL|\pM) and \d as uroman's `regex` module sees them.
  bool letter_or_mark(char32_t cp) const {
    return ucd::is_letter(cp) || ucd::is_mark(cp) || has_flag(cp, kReLetterMark);
  }
  bool decimal(char32_t cp) const { return ucd::is_decimal(cp) || has_flag(cp, kReDecimal); }
  // Flags of uroman's chr_name(): unicodedata's name, else the name in UnicodeDataOverwrite.
  uint32_t name_flags(char32_t cp) const;
  const NumProp* num_prop(char32_t cp) const {
    int32_t i = info(cp).num_prop;
    return i < 0 ? nullptr : &num_props[i];
  }
};

// Builds the data from {file name: file text}; throws DataError for a missing file.
Data load_data(const std::map<std::string, std::string, std::less<>>& tables);

// Parts of load_data, one file format each.
class RuleBuilder;
void load_rom_file(RuleBuilder& b, std::string_view text, Provenance prov, bool u2r, Data& d);
void load_pinyin_file(RuleBuilder& b, std::string_view text);
void load_scripts(std::string_view text, Data& d);
void load_unicode_props(std::string_view text, Data& d);
void load_num_props(std::string_view text, Data& d);
void load_regex_props(std::string_view text, Data& d);
// The separators of Data::chunk_separators that these tables leave inert (chunking.cc).
std::u32string inert_separators(const Data& d);

}  // namespace translit

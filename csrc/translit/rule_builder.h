// Collects romanization rules while the tables load (uroman's list-per-source semantics,
// including its overwrite rule) and freezes them into the trie of Data.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "translit/data.h"

namespace translit {

class RuleBuilder {
 public:
  RuleBuilder() {
    rules_.reserve(1 << 16);
    node_lists_.reserve(1 << 16);
  }

  // Adds a rule for source s: replaces a single automatic/overwrite rule when the new rule is
  // unrestricted (uroman's load_rom_file), otherwise appends.
  void add(const std::u32string& s, RomRule rule);
  // Appends without the overwrite logic (pinyin).
  void append(const std::u32string& s, RomRule rule);
  // Adds only if s has no rule yet (uroman's generated Thai cancellation rules).
  void add_if_absent(const std::u32string& s, RomRule rule);
  // The Thai cancellation-mark rules uroman adds after loading each rule file.
  void add_thai_cancellation_rules();

  void freeze(Data& d);

 private:
  // The rule list of a source string, creating trie nodes for all its prefixes.
  std::vector<uint32_t>& list_of(const std::u32string& s);

  std::vector<RomRule> rules_;
  std::vector<char32_t> in_multi_;  // code points of multi-char sources with a letter
  FlatMap trie_;
  std::vector<uint8_t> has_children_ = std::vector<uint8_t>(1, 0);
  std::vector<std::vector<uint32_t>> node_lists_ = std::vector<std::vector<uint32_t>>(1);
};

}  // namespace translit

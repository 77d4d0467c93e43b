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
  std::vector<RomRule> rules_;
  std::unordered_map<std::u32string, std::vector<uint32_t>> by_source_;
  std::vector<std::u32string> order_;
};

}  // namespace translit

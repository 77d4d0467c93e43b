#include "translit/rule_builder.h"

#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

bool has_letter(const std::string& t) {
  for (char32_t cp : decode_utf8(t)) {
    if (ucd::is_letter(cp)) return true;
  }
  return false;
}

}  // namespace

void RuleBuilder::add(const std::u32string& s, RomRule rule) {
  auto [it, fresh] = by_source_.try_emplace(s);
  if (fresh) order_.push_back(s);
  auto& list = it->second;
  rule.t_has_letter = rule.has_t && has_letter(rule.t);
  bool replace = list.size() == 1 &&
                 (rules_[list[0]].prov == Provenance::kAuto ||
                  rules_[list[0]].prov == Provenance::kOverwrite) &&
                 rule.restrictions == 0 && rule.lcodes.empty();
  rules_.push_back(std::move(rule));
  if (replace) {
    list[0] = static_cast<uint32_t>(rules_.size() - 1);
  } else {
    list.push_back(static_cast<uint32_t>(rules_.size() - 1));
  }
}

void RuleBuilder::append(const std::u32string& s, RomRule rule) {
  auto [it, fresh] = by_source_.try_emplace(s);
  if (fresh) order_.push_back(s);
  rule.t_has_letter = rule.has_t && has_letter(rule.t);
  rules_.push_back(std::move(rule));
  it->second.push_back(static_cast<uint32_t>(rules_.size() - 1));
}

void RuleBuilder::add_if_absent(const std::u32string& s, RomRule rule) {
  auto it = by_source_.find(s);
  if (it != by_source_.end() && !it->second.empty()) return;
  append(s, std::move(rule));
}

void RuleBuilder::add_thai_cancellation_rules() {
  const char32_t kCancel = 0x0E4C;  // THAI CHARACTER THANTHAKHAT
  RomRule letter;
  letter.has_t = true;
  letter.prov = Provenance::kThaiCancel;
  for (char32_t c = 0x0E01; c < 0x0E4C; ++c) add_if_absent({c, kCancel}, letter);
  std::u32string modifiers = {0x0E31, 0x0E47};
  for (char32_t v = 0x0E33; v < 0x0E3B; ++v) modifiers.push_back(v);
  for (char32_t c = 0x0E01; c < 0x0E2F; ++c) {
    for (char32_t v : modifiers) add_if_absent({c, v, kCancel}, letter);
  }
}

void RuleBuilder::freeze(Data& d) {
  // Node ids: 0 = root; a node for every prefix of every source with rules.
  std::vector<std::vector<uint32_t>> node_lists(1);
  for (const auto& s : order_) {
    const auto& list = by_source_[s];
    if (list.empty() || s.empty()) continue;
    uint32_t node = 0;
    for (char32_t cp : s) {
      uint32_t next = d.child(node, cp);
      if (next == FlatMap::kMissing) {
        next = static_cast<uint32_t>(node_lists.size());
        node_lists.emplace_back();
        d.trie.insert((static_cast<uint64_t>(node) << 21) | cp, next);
      }
      node = next;
    }
    node_lists[node] = list;
  }
  d.node_rule_begin.assign(node_lists.size() + 1, 0);
  for (size_t i = 0; i < node_lists.size(); ++i) {
    d.node_rule_begin[i + 1] = d.node_rule_begin[i] + static_cast<uint32_t>(node_lists[i].size());
    d.node_rules.insert(d.node_rules.end(), node_lists[i].begin(), node_lists[i].end());
  }
  d.rules = std::move(rules_);
}

uint32_t Data::node_of(std::u32string_view s) const {
  uint32_t node = 0;
  for (char32_t cp : s) {
    node = child(node, cp);
    if (node == FlatMap::kMissing) return node;
  }
  return node;
}

}  // namespace translit

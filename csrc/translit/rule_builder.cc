#include "translit/rule_builder.h"

#include <algorithm>

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

std::vector<uint32_t>& RuleBuilder::list_of(const std::u32string& s) {
  if (s.size() > 1 &&
      std::any_of(s.begin(), s.end(), [](char32_t c) { return ucd::is_alpha(c); })) {
    in_multi_.insert(in_multi_.end(), s.begin(), s.end());
  }
  uint32_t node = 0;
  for (char32_t cp : s) {
    uint64_t key = (static_cast<uint64_t>(node) << 21) | cp;
    uint32_t next = trie_.find(key);
    if (next == FlatMap::kMissing) {
      next = static_cast<uint32_t>(node_lists_.size());
      node_lists_.emplace_back();
      has_children_.push_back(0);
      has_children_[node] = 1;
      trie_.insert(key, next);
    }
    node = next;
  }
  return node_lists_[node];
}

void RuleBuilder::add(const std::u32string& s, RomRule rule) {
  auto& list = list_of(s);
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
  auto& list = list_of(s);
  rule.t_has_letter = rule.has_t && has_letter(rule.t);
  rules_.push_back(std::move(rule));
  list.push_back(static_cast<uint32_t>(rules_.size() - 1));
}

void RuleBuilder::add_if_absent(const std::u32string& s, RomRule rule) {
  if (!list_of(s).empty()) return;
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
  d.trie = std::move(trie_);
  d.node_has_children = std::move(has_children_);
  d.root_children.assign(0x10000, FlatMap::kMissing);
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    d.root_children[cp] = d.trie.find(cp);  // root node 0: key == cp
  }
  d.node_rule_begin.assign(node_lists_.size() + 1, 0);
  for (size_t i = 0; i < node_lists_.size(); ++i) {
    d.node_rule_begin[i + 1] = d.node_rule_begin[i] + static_cast<uint32_t>(node_lists_[i].size());
    d.node_rules.insert(d.node_rules.end(), node_lists_[i].begin(), node_lists_[i].end());
  }
  d.rules = std::move(rules_);
  std::sort(in_multi_.begin(), in_multi_.end());
  in_multi_.erase(std::unique(in_multi_.begin(), in_multi_.end()), in_multi_.end());
  d.in_multi_char_source = std::move(in_multi_);
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

#include "translit/chunking.h"

#include <algorithm>

#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

// Candidates; inert_separators() keeps those the loaded tables leave inert.
constexpr char32_t kCandidates[] = {U' ', 0x3002 /* 。 */, 0xFF0C /* ， */, 0x3001 /* 、 */};

bool in_multi_source(const Data& d, char32_t c) {
  return std::binary_search(d.in_multi_char_source.begin(), d.in_multi_char_source.end(), c);
}

bool in_sign_lists(const Data& d, char32_t c) {
  for (const auto* list : {&d.minus_signs, &d.plus_signs, &d.fraction_connectors}) {
    for (const auto& s : *list) {
      if (s.find(c) != std::u32string::npos) return true;
    }
  }
  return false;
}

// Its own rules: a letter in a target, a restriction or an end-of-syllable variant would let
// the following code point (beyond a cut) change the result.
bool rules_are_context_free(const Data& d, char32_t c) {
  uint32_t node = d.child(0, c);
  if (node == FlatMap::kMissing) return true;
  auto [b, e] = d.rules_of(node);
  for (const uint32_t* r = b; r != e; ++r) {
    const RomRule& rule = d.rules[*r];
    if (rule.restrictions || rule.has_t_end_of_syllable) return false;
    for (const std::string* t : {&rule.t, &rule.t_end_of_syllable}) {
      for (char32_t cp : decode_utf8(*t)) {
        if (ucd::is_alpha(cp) || d.letter_or_mark(cp)) return false;
      }
    }
  }
  return true;
}

bool plain_letter(const Data& d, char32_t c) {
  if (!ucd::is_alpha(c) || ucd::is_mark(c) || ucd::has(c, ucd::kHasNumeric)) return false;
  const CharInfo& info = d.info(c);
  if (info.flags || info.num_prop >= 0) return false;
  if (info.script && (info.script == d.sid_thai || info.script == d.sid_tibetan)) return false;
  if (c >= 0x2800 && c <= 0x28FF) return false;
  return std::u32string_view(U"\u30FC\u3083\u3085\u3087\u30E3\u30E5\u30E7\u3063\u30C3").find(c) ==
         std::u32string_view::npos;
}

}  // namespace

std::u32string inert_separators(const Data& d) {
  std::u32string out;
  for (char32_t c : kCandidates) {
    bool inert = !in_multi_source(d, c) && !in_sign_lists(d, c) && !d.info(c).flags &&
                 d.info(c).num_prop < 0 && !ucd::has(c, ucd::kHasNumeric) &&
                 !ucd::has(c, ucd::kHasDecomp) && rules_are_context_free(d, c);
    if (inert) out.push_back(c);
  }
  return out;
}

bool safe_cut(const Data& d, std::u32string_view text, size_t b) {
  if (b < 2 || b >= text.size()) return false;
  if (d.chunk_separators.find(text[b - 1]) == std::u32string::npos) return false;
  return plain_letter(d, text[b - 2]) && plain_letter(d, text[b]);
}

bool cuttable(const Data& d, std::u32string_view text) {
  for (char32_t c : text) {
    if ((c >= 0x2800 && c <= 0x28FF) || d.script_id(c) == d.sid_tibetan) return false;
  }
  return !d.chunk_separators.empty();
}

size_t next_cut(const Data& d, std::u32string_view text, size_t from) {
  for (size_t b = std::max<size_t>(from, 2); b < text.size(); ++b) {
    if (safe_cut(d, text, b)) return b;
  }
  return text.size();
}

}  // namespace translit

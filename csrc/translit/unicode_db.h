// Unicode character properties as Python's `unicodedata` and `str` methods report them (the
// reference romanizer consults them at run time). The tables are generated at build time from
// the building interpreter by csrc/gen/unicode_db.py.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace translit::ucd {

// Category and Flag enums, kNameFlags and kNameKeys: generated from the lists of
// csrc/gen/unicode_db.py (the one source of their bit order).
#include "unicode_db_enums.inc"

uint32_t record(char32_t cp);
inline Category category(char32_t cp) { return static_cast<Category>(record(cp) & 31); }
inline bool has(char32_t cp, uint32_t flag) { return (record(cp) & flag) != 0; }
inline bool is_letter(char32_t cp) {  // regex \pL
  Category c = category(cp);
  return c >= kLu && c <= kLo;
}
inline bool is_mark(char32_t cp) {  // regex \pM
  Category c = category(cp);
  return c >= kMn && c <= kMe;
}
inline bool is_alpha(char32_t cp) { return has(cp, kAlpha); }
inline bool is_space(char32_t cp) { return has(cp, kSpace); }
inline bool is_decimal(char32_t cp) { return category(cp) == kNd; }  // regex \d

// unicodedata.decomposition(), e.g. "<compat> 0020 0308"; empty when none.
std::string_view decomposition(char32_t cp);
// unicodedata.numeric().
std::optional<double> numeric(char32_t cp);

// Full case mappings (str.upper/lower/title of one character), UTF-8.
std::string upper(char32_t cp);
std::string lower(char32_t cp);
std::string title(char32_t cp);

const char* unicode_version();

// Python str predicates and conversions on UTF-8 strings.
bool str_isupper(std::string_view utf8);
bool str_islower(std::string_view utf8);
std::string str_upper(std::string_view utf8);
std::string str_lower(std::string_view utf8);
std::string str_capitalize(std::string_view utf8);

// Python str.strip() (Unicode whitespace).
std::string_view strip(std::string_view utf8);

}  // namespace translit::ucd

// Unicode character properties as Python's `unicodedata` and `str` methods report them (the
// reference romanizer consults them at run time). The tables are generated at build time from
// the building interpreter by csrc/gen/unicode_db.py.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace translit::ucd {

enum Category : uint8_t {
  kCn,
  kLu,
  kLl,
  kLt,
  kLm,
  kLo,
  kMn,
  kMc,
  kMe,
  kNd,
  kNl,
  kNo,
  kPc,
  kPd,
  kPs,
  kPe,
  kPi,
  kPf,
  kPo,
  kSm,
  kSc,
  kSk,
  kSo,
  kZs,
  kZl,
  kZp,
  kCc,
  kCf,
  kCs,
  kCo
};

enum Flag : uint32_t {
  kAlpha = 1u << 5,           // str.isalpha()
  kUpper = 1u << 6,           // str.isupper() of the single character
  kLower = 1u << 7,           // str.islower() of the single character
  kTitle = 1u << 8,           // category Lt
  kSpace = 1u << 9,           // str.isspace()
  kNamed = 1u << 10,          // unicodedata.name() exists
  kNameLetter = 1u << 11,     // name contains "LETTER"
  kNameSubjoined = 1u << 12,  // "SUBJOINED LETTER"
  kNameNukta = 1u << 13,
  kNameVocalic = 1u << 14,
  kNameDigit = 1u << 15,
  kNameKayah = 1u << 16,  // "MYANMAR VOWEL SIGN KAYAH"
  kNameMende = 1u << 17,  // "MENDE KIKAKUI SYLLABLE"
  kHasDecomp = 1u << 18,
  kHasNumeric = 1u << 19,
  kHasCase = 1u << 20,
};
constexpr uint32_t kNameFlags =
    kNameLetter | kNameSubjoined | kNameNukta | kNameVocalic | kNameDigit | kNameKayah | kNameMende;

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

#include "translit/unicode_db.h"

#include <algorithm>
#include <cstdlib>

#include "translit/utf8.h"

namespace translit::ucd {
namespace {

struct DecompEntry {
  uint32_t cp;
  const char* text;
};
struct NumericEntry {
  uint32_t cp;
  double value;
};
struct CaseEntry {
  uint32_t cp;
  const char* upper;
  const char* lower;
  const char* title;
};

#include "unicode_db.inc"

template <typename T, size_t N>
const T* find_entry(const T (&table)[N], char32_t cp) {
  const T* end = table + N;
  const T* it = std::lower_bound(table, end, cp, [](const T& e, char32_t c) { return e.cp < c; });
  return (it != end && it->cp == cp) ? it : nullptr;
}

std::string mapped(char32_t cp, const char* CaseEntry::* field) {
  if (has(cp, kHasCase)) {
    if (const CaseEntry* e = find_entry(kCase, cp)) return e->*field;
  }
  std::string out;
  append_utf8(out, cp);
  return out;
}

template <typename F>
void for_each_cp(std::string_view utf8, F&& f) {
  for (char32_t cp : decode_utf8(utf8)) f(cp);
}

}  // namespace

uint32_t record(char32_t cp) {
  if (cp > 0x10FFFF) return kRecords[kStage2[kStage1[0xE0000 >> kBlockShift] << kBlockShift]];
  uint32_t block = kStage1[cp >> kBlockShift];
  return kRecords[kStage2[(block << kBlockShift) | (cp & ((1u << kBlockShift) - 1))]];
}

std::string_view decomposition(char32_t cp) {
  if (!has(cp, kHasDecomp)) return {};
  const DecompEntry* e = find_entry(kDecomp, cp);
  return e ? std::string_view(e->text) : std::string_view();
}

std::optional<double> numeric(char32_t cp) {
  if (!has(cp, kHasNumeric)) return std::nullopt;
  const NumericEntry* e = find_entry(kNumeric, cp);
  if (!e) return std::nullopt;
  return e->value;
}

std::string upper(char32_t cp) { return mapped(cp, &CaseEntry::upper); }
std::string lower(char32_t cp) { return mapped(cp, &CaseEntry::lower); }
std::string title(char32_t cp) { return mapped(cp, &CaseEntry::title); }

const char* unicode_version() { return TRANSLIT_UNICODE_VERSION; }

bool str_isupper(std::string_view utf8) {
  bool cased = false;
  bool ascii = true;
  for (char c : utf8) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') cased = true;
  }
  if (ascii) return cased;
  cased = false;
  for (char32_t cp : decode_utf8(utf8)) {
    uint32_t r = record(cp);
    if (r & (kLower | kTitle)) return false;
    if (r & kUpper) cased = true;
  }
  return cased;
}

bool str_islower(std::string_view utf8) {
  bool cased = false;
  for (char32_t cp : decode_utf8(utf8)) {
    uint32_t r = record(cp);
    if (r & (kUpper | kTitle)) return false;
    if (r & kLower) cased = true;
  }
  return cased;
}

std::string str_upper(std::string_view utf8) {
  std::string out;
  for_each_cp(utf8, [&](char32_t cp) { out += upper(cp); });
  return out;
}

std::string str_lower(std::string_view utf8) {
  std::string out;
  for_each_cp(utf8, [&](char32_t cp) { out += lower(cp); });
  return out;
}

std::string str_capitalize(std::string_view utf8) {
  std::string out;
  bool first = true;
  for_each_cp(utf8, [&](char32_t cp) {
    out += first ? title(cp) : lower(cp);
    first = false;
  });
  return out;
}

std::string_view strip(std::string_view utf8) {
  bool ascii = true;
  for (char c : utf8) ascii = ascii && !(static_cast<unsigned char>(c) & 0x80);
  if (ascii) {
    auto sp = [](char c) { return c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31); };
    size_t b = 0, e = utf8.size();
    while (b < e && sp(utf8[b])) ++b;
    while (e > b && sp(utf8[e - 1])) --e;
    return utf8.substr(b, e - b);
  }
  std::u32string cps = decode_utf8(utf8);
  size_t b = 0, e = cps.size();
  while (b < e && is_space(cps[b])) ++b;
  while (e > b && is_space(cps[e - 1])) --e;
  size_t byte_b = 0;
  for (size_t i = 0; i < b; ++i) {
    std::string tmp;
    append_utf8(tmp, cps[i]);
    byte_b += tmp.size();
  }
  size_t byte_e = utf8.size();
  for (size_t i = cps.size(); i > e; --i) {
    std::string tmp;
    append_utf8(tmp, cps[i - 1]);
    byte_e -= tmp.size();
  }
  return utf8.substr(byte_b, byte_e - byte_b);
}

}  // namespace translit::ucd

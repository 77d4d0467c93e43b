#include "translit/slots.h"

#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

size_t char_len(unsigned char b) {
  return b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
}

char32_t decode_at(std::string_view s, size_t i, size_t len) {
  auto b = static_cast<unsigned char>(s[i]);
  if (len == 1) return b;
  char32_t cp = b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len && i + k < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  return cp;
}

// Length of a run of whitespace starting at i.
size_t space_run(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size()) {
    size_t k = space_at(s, j);
    if (!k) break;
    j += k;
  }
  return j - i;
}

bool all_space(std::string_view s, size_t i) { return i + space_run(s, i) == s.size(); }

}  // namespace

size_t space_at(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return (b == ' ' || (b >= 9 && b <= 13) || (b >= 28 && b <= 31)) ? 1 : 0;
  size_t len = char_len(static_cast<unsigned char>(s[i]));
  if (i + len > s.size()) return 0;
  return ucd::is_space(decode_at(s, i, len)) ? len : 0;
}

size_t space_before(std::string_view s, size_t i) {
  if (i == 0) return 0;
  if (!(static_cast<unsigned char>(s[i - 1]) & 0x80)) return space_at(s, i - 1);
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && i - j < 4) --j;
  return space_at(s, j) == i - j ? i - j : 0;
}

void for_each_line(std::string_view text, const std::function<void(std::string_view)>& f) {
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && text[j] != '\n' && text[j] != '\r') ++j;
    f(text.substr(i, j - i));
    if (j < text.size() && text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n') ++j;
    i = j + 1;
  }
}

bool is_skipped_line(std::string_view line) {
  if (!line.empty() && line[0] == '#') return true;
  return all_space(line, 0);
}

std::string_view strip_comment(std::string_view line) {
  if (line.find('#') == std::string_view::npos) return line;
  size_t i = 0;
  while (i < line.size()) {
    size_t run = space_run(line, i);
    if (run == 0) {
      i += char_len(static_cast<unsigned char>(line[i]));
      continue;
    }
    size_t j = i + run;
    if (j < line.size() && line[j] == '#' && run >= 2 && j - i >= 2) {
      // at least two whitespace characters (not bytes)
      size_t n_chars = 0;
      for (size_t k = i; k < j; k += space_at(line, k)) ++n_chars;
      if (n_chars >= 2) return line.substr(0, i);
    }
    i = j;
  }
  return line;
}

SlotLine::SlotLine(std::string_view line) {
  // Boundaries: "::" at the start or after whitespace, followed by a non-space character.
  std::vector<size_t> starts;
  for (size_t p = line.find("::"); p != std::string_view::npos; p = line.find("::", p + 1)) {
    if ((p == 0 || space_before(line, p) > 0) && p + 2 < line.size() && !space_at(line, p + 2)) {
      starts.push_back(p);
    }
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    size_t name_begin = starts[k] + 2;
    size_t seg_end = k + 1 < starts.size() ? starts[k + 1] : line.size();
    size_t name_end = name_begin;
    while (name_end < seg_end && !space_at(line, name_end)) {
      name_end += char_len(static_cast<unsigned char>(line[name_end]));
    }
    std::string_view value = line.substr(name_end, seg_end - name_end);
    slots_.push_back({line.substr(name_begin, name_end - name_begin), ucd::strip(value)});
  }
}

std::optional<std::string_view> SlotLine::get(std::string_view slot) const {
  for (size_t k = slots_.size(); k-- > 0;) {
    if (slots_[k].name == slot) return slots_[k].value;
  }
  return std::nullopt;
}

std::optional<std::string_view> slot_value(std::string_view line, std::string_view slot) {
  return SlotLine(line).get(slot);
}

std::string dequote(std::string_view value) {
  size_t b = space_run(value, 0);
  size_t e = value.size();
  while (e > b) {
    size_t k = space_before(value, e);
    if (!k) break;
    e -= k;
  }
  std::string_view core = value.substr(b, e - b);
  if (core.size() < 2) return std::string(value);
  static const std::string_view kOpen[] = {"'", "\"", "\u201C"};
  static const std::string_view kClose[] = {"'", "\"", "\u201D"};
  for (int i = 0; i < 3; ++i) {
    if (core.substr(0, kOpen[i].size()) != kOpen[i]) continue;
    for (int j = 0; j < 3; ++j) {
      if (core.size() < kOpen[i].size() + kClose[j].size()) continue;
      if (core.substr(core.size() - kClose[j].size()) != kClose[j]) continue;
      if (i != j) return std::string(value);
      return std::string(
          core.substr(kOpen[i].size(), core.size() - kOpen[i].size() - kClose[j].size()));
    }
    return std::string(value);
  }
  return std::string(value);
}

std::optional<std::string> dequote(std::optional<std::string_view> value) {
  if (!value) return std::nullopt;
  return dequote(*value);
}

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  size_t i = 0, start = 0;
  while (i < value.size()) {
    if (value[i] == ',' || value[i] == ';') {
      out.emplace_back(value.substr(start, i - start));
      ++i;
      i += space_run(value, i);
      start = i;
    } else {
      ++i;
    }
  }
  out.emplace_back(value.substr(start));
  return out;
}

}  // namespace translit

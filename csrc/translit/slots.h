// uroman's line format for its rule tables: "::s ... ::t ... ::lcode ...". These functions
// reproduce the exact semantics of uroman's regular expressions for reading a slot value,
// stripping comments and removing quotes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace translit {

// Calls f(line) for each line of a text file as Python's text-mode iteration yields them
// (universal newlines; the line ending removed).
void for_each_line(std::string_view text, const std::function<void(std::string_view)>& f);

// True for lines that uroman skips: starting with '#' or consisting of whitespace only.
bool is_skipped_line(std::string_view line);

// Removes a trailing comment introduced by two or more whitespace characters and '#'.
std::string_view strip_comment(std::string_view line);

// A line split into its "::name value" slots in one pass. A slot starts at "::" that begins
// the line or follows whitespace and is followed by a non-space character; its value runs to
// the next such slot. This is exactly what uroman's per-slot regular expression extracts.
class SlotLine {
 public:
  explicit SlotLine(std::string_view line);
  // The value of the last "::slot", stripped; nullopt when the slot is absent.
  std::optional<std::string_view> get(std::string_view slot) const;

 private:
  struct Slot {
    std::string_view name, value;
  };
  std::vector<Slot> slots_;
};

// The value of "::slot" (the last occurrence), stripped; nullopt when the slot is absent.
std::optional<std::string_view> slot_value(std::string_view line, std::string_view slot);

// Removes matching quotes ('...', "...", “...”) around a value.
std::string dequote(std::string_view value);
std::optional<std::string> dequote(std::optional<std::string_view> value);

// Splits on [,;]\s* like uroman's lists (lcodes, alternatives).
std::vector<std::string> split_list(std::string_view value);

// Length in bytes of the Unicode whitespace character starting at byte i (0 if none).
size_t space_at(std::string_view s, size_t i);
// Length in bytes of the Unicode whitespace character ending just before byte i (0 if none).
size_t space_before(std::string_view s, size_t i);

}  // namespace translit

#include "translit/vocab_split.h"

#include "translit/unicode_db.h"

namespace translit {
namespace {

bool is_hex(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// <0x[0-9A-Fa-f]{2}>
bool is_byte_fallback(std::u32string_view p) {
  return p.size() == 6 && p[0] == '<' && p[1] == '0' && p[2] == 'x' && is_hex(p[3]) &&
         is_hex(p[4]) && p[5] == '>';
}

// <[^<>\s]{1,40}>|\[[A-Z_]{2,20}\]|<\|[^|\s]{1,60}\|>
bool is_special(std::u32string_view p) {
  size_t n = p.size();
  if (n >= 3 && p[0] == '<' && p[n - 1] == '>' && n - 2 <= 40) {
    bool ok = true;
    for (size_t i = 1; i + 1 < n; ++i) {
      ok = ok && p[i] != '<' && p[i] != '>' && !ucd::is_space(p[i]);
    }
    if (ok) return true;
  }
  if (n >= 4 && p[0] == '[' && p[n - 1] == ']' && n - 2 <= 20) {
    bool ok = true;
    for (size_t i = 1; i + 1 < n; ++i) ok = ok && ((p[i] >= 'A' && p[i] <= 'Z') || p[i] == '_');
    if (ok) return true;
  }
  if (n >= 5 && p[0] == '<' && p[1] == '|' && p[n - 2] == '|' && p[n - 1] == '>' && n - 4 <= 60) {
    bool ok = true;
    for (size_t i = 2; i + 2 < n; ++i) ok = ok && p[i] != '|' && !ucd::is_space(p[i]);
    if (ok) return true;
  }
  return false;
}

}  // namespace

PieceSplit split_piece(std::u32string_view piece) {
  PieceSplit out;
  const size_t n = piece.size();
  if (is_byte_fallback(piece) || is_special(piece)) {
    out.prefix_len = n;
    return out;
  }
  static const std::u32string_view kPrefixes[] = {U"\u2581", U"\u0120", U"##"};
  for (auto marker : kPrefixes) {
    if (piece.substr(0, marker.size()) == marker && n > marker.size()) {
      out.prefix_len = marker.size();
      break;
    }
  }
  constexpr std::u32string_view kSuffix = U"</w>";
  if (n > 4 && piece.substr(n - 4) == kSuffix) out.suffix_len = 4;
  out.payload_len = n >= out.prefix_len + out.suffix_len ? n - out.prefix_len - out.suffix_len : 0;
  if (out.payload_len == 0) out.suffix_len = n - out.prefix_len;
  return out;
}

}  // namespace translit

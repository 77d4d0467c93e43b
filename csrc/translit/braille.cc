// Braille: capitalisation marks (uroman's prep_braille) and number sequences.
#include "translit/lattice.h"

namespace translit {
namespace {

constexpr char32_t kCapital = 0x2820;  // dots-6: next letter (twice: next word) upper case
constexpr char32_t kBrailleSpace = 0x2800;
constexpr char32_t kNumberMark = 0x283C;

int braille_digit(char32_t c) {
  static const char32_t kDigits[] = {0x281A, 0x2801, 0x2803, 0x2809, 0x2819,
                                     0x2811, 0x280B, 0x281B, 0x2813, 0x280A};
  for (int d = 0; d < 10; ++d) {
    if (kDigits[d] == c) return d;
  }
  return -1;
}

}  // namespace

void Lattice::prep_braille() {
  bool all_caps = false;
  for (int i = 0; i < n_; ++i) {
    char32_t c = s_[i];
    if (i >= 1 && s_[i - 1] == kCapital && c == kCapital) {
      all_caps = true;
    } else if (all_caps) {
      if (c == kBrailleSpace) {
        all_caps = false;
      } else {
        pos_[i].is_upper = 1;
      }
    }
  }
}

void Lattice::add_braille_numbers() {
  std::string num;
  int start = -1;
  auto flush = [&](int end) {
    Edge e;
    e.start = start;
    e.end = end;
    e.is_num = true;
    e.txt = num;
    e.num = std::make_unique<NumData>();
    e.num->orig_txt = num;
    e.type = "number";
    add_edge(std::move(e));
    num.clear();
    start = -1;
  };
  for (int i = 0; i < n_; ++i) {
    char32_t c = s_[i];
    int digit = braille_digit(c);
    if (c == kNumberMark) {
      if (start < 0) start = i;
    } else if (start >= 0 && digit >= 0) {
      num.push_back(static_cast<char>('0' + digit));
    } else if (start >= 0 && c == 0x2832) {
      num.push_back('.');
    } else if (start >= 0 && c == 0x2802) {
      num.push_back(',');
    } else if (start >= 0 && !num.empty()) {
      flush(i);
    }
  }
  if (start >= 0 && !num.empty()) flush(n_);
}

}  // namespace translit

#include "translit/hangul.h"

namespace translit {

std::string hangul_romanization(char32_t syllable) {
  static const char* const kLeads[] = {"g",  "gg", "n", "d",  "dd", "r", "m", "b", "bb", "s",
                                       "ss", "",   "j", "jj", "c",  "k", "t", "p", "h"};
  static const char* const kVowels[] = {"a",   "ae", "ya", "yae", "eo", "e",  "yeo",
                                        "ye",  "o",  "wa", "wai", "oe", "yo", "u",
                                        "weo", "we", "wi", "yu",  "eu", "yi", "i"};
  static const char* const kTails[] = {"",   "g",  "gg", "gs", "n",  "nj", "nh", "d", "l",  "lg",
                                       "lm", "lb", "ls", "lt", "lp", "lh", "m",  "b", "bs", "s",
                                       "ss", "ng", "j",  "c",  "k",  "t",  "p",  "h"};
  if (syllable < 0xAC00 || syllable > 0xD7A3) return "";
  unsigned code = syllable - 0xAC00;
  std::string out = kLeads[code / (28 * 21)];
  out += kVowels[(code / 28) % 21];
  out += kTails[code % 28];
  return out;
}

}  // namespace translit

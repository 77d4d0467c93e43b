// Tibetan syllables: uroman's pick_tibetan_vowel_edge decides which letter of a syllable
// carries the inherent vowel (by cost over plausible prefixes and suffixes).
#include <limits>

#include "translit/lattice.h"
#include "translit/unicode_db.h"

namespace translit {
namespace {

bool in_set(char c, std::string_view set) { return c && set.find(c) != std::string_view::npos; }

// regex ([bcdfghjklmnpqrstvwxyz].*)a$ -> \1
std::string drop_final_a(const std::string& rom) {
  if (rom.size() < 2 || rom.back() != 'a') return rom;
  for (size_t i = 0; i + 1 < rom.size(); ++i) {
    if (in_set(rom[i], "bcdfghjklmnpqrstvwxyz")) return rom.substr(0, rom.size() - 1);
  }
  return rom;
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  for (auto x : list) {
    if (s == x) return true;
  }
  return false;
}

bool good_suffix(std::string_view post) {
  if (!post.empty() && post.back() == '\'') post.remove_suffix(1);
  if (post.size() == 1 && in_set(post[0], "bcdfghjklmnpqrstvwxz")) return true;
  return post.empty() ||
         one_of(post, {"bh", "bs", "ch",  "cs",  "dd", "ddh", "dh",  "dz", "dzh", "gh",  "gr",
                       "gs", "kh", "khs", "kss", "n",  "nn",  "nt",  "ms", "ng",  "ngs", "ns",
                       "ph", "rm", "sh",  "ss",  "th", "ts",  "tsh", "tt", "tth", "zh",  "zhs"});
}

bool good_prefix(std::string_view pre) {
  auto core = [](std::string_view p) {
    // "." is any single character (code point)
    size_t n_cp = 0;
    for (char c : p) n_cp += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (n_cp == 1 && p != "\n") return true;
    return one_of(p, {"bd",  "br",  "brg", "brgy", "bs",  "bsh",  "bst", "bt",  "bts", "by",  "bz",
                      "bzh", "ch",  "db",  "dby",  "dk",  "dm",   "dp",  "dpy", "dr",  "gl",  "gn",
                      "gr",  "gs",  "gt",  "gy",   "gzh", "kh",   "khr", "khy", "kr",  "ky",  "ld",
                      "lh",  "lt",  "mkh", "mny",  "mth", "mtsh", "ny",  "ph",  "phr", "phy", "rgy",
                      "rk",  "el",  "rn",  "rny",  "rt",  "rts",  "sk",  "skr", "sky", "sl",  "sm",
                      "sn",  "sny", "sp",  "spy",  "sr",  "st",   "th",  "ts",  "tsh"});
  };
  if (core(pre)) return true;
  return !pre.empty() && pre[0] == '\'' && core(pre.substr(1));
}

}  // namespace

void Lattice::pick_tibetan_vowel_edge() {
  std::vector<std::vector<int>> syllables;
  std::vector<int> current;
  for (int i = 0; i < n_; ++i) {
    char32_t c = s_[i];
    bool letter = (data_.name_flags(c) & ucd::kNameLetter) || data_.has_flag(c, kVowelSign);
    if (data_.script_id(c) == data_.sid_tibetan && letter) {
      current.push_back(i);
    } else if (!current.empty()) {
      syllables.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) syllables.push_back(std::move(current));
  for (const auto& positions : syllables) {
    int vowel_pos = -1;
    std::vector<std::string> roms;
    std::vector<int> subjoined;
    const int first = positions[0];
    for (int i : positions) {
      char32_t c = s_[i];
      const std::string* top = simple_top(i, i + 1, false);
      std::string rom = top ? *top : "?";
      pos_[i].edge_vowel = -1;
      bool all_vowels = !rom.empty();
      for (char ch : rom) all_vowels = all_vowels && in_set(ch, "aeiou");
      if (data_.has_flag(c, kVowelSign) || all_vowels) {
        vowel_pos = i;
        pos_[i].edge_vowel = 1;
        if (roms.size() == 1 && roms[0] == "'") pos_[i - 1].edge_delete = 1;
      } else if (data_.name_flags(c) & ucd::kNameSubjoined) {
        subjoined.push_back(i);
        if (i > first) {
          if (c == 0x0FB0) {
            vowel_pos = i - 1;
            pos_[i - 1].edge_vowel = 1;
          } else {
            pos_[i - 1].edge_vowel = 0;
          }
        }
        rom = drop_final_a(rom);
      } else if (c == 0x0F60) {  // TIBETAN LETTER -A
        pos_[i].edge_vowel = 0;
        if (i > first) {
          vowel_pos = i - 1;
          pos_[i - 1].edge_vowel = 1;
          if (i == positions.back()) pos_[i].edge_delete = 1;
        }
        bool prev_vowelish =
            !roms.empty() && std::string_view("aeiou").find(roms.back()) != std::string_view::npos;
        rom = (!roms.empty() && !prev_vowelish) ? "a'" : "'";
      } else {
        rom = drop_final_a(rom);
      }
      roms.push_back(rom);
    }
    if (vowel_pos >= 0) {
      for (int i : positions) {
        if (pos_[i].edge_vowel < 0) pos_[i].edge_vowel = 0;
      }
      continue;
    }
    double best_cost = std::numeric_limits<double>::infinity();
    int best_pos = -1;
    const size_t n_letters = positions.size();
    for (size_t k = 0; k < n_letters; ++k) {
      int i = positions[k];
      std::string pre, post;
      for (size_t j = 0; j <= k; ++j) pre += roms[j];
      for (size_t j = k + 1; j < n_letters; ++j) post += roms[j];
      double cost;
      if (pos_[i].edge_vowel == 0) {
        cost = 20;
      } else if (n_letters == 1) {
        cost = 0;
      } else if (n_letters == 2) {
        cost = i == 0 ? 0 : 0.1;
      } else {
        bool suffix_ok = good_suffix(post);
        bool prefix_ok = good_prefix(pre);
        bool subjoined_suffix = true;
        for (size_t j = k + 2; j < n_letters; ++j) {
          bool found = false;
          for (int x : subjoined) found = found || x == positions[j];
          subjoined_suffix = subjoined_suffix && found;
        }
        size_t pre_len = 0;
        for (char c : pre) pre_len += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (suffix_ok && prefix_ok) {
          cost = pre_len * 0.1;
        } else if (suffix_ok) {
          cost = static_cast<double>(pre_len);
        } else if (subjoined_suffix && prefix_ok) {
          cost = pre_len * 0.3;
        } else if (subjoined_suffix) {
          cost = pre_len * 0.5;
        } else {
          cost = std::numeric_limits<double>::infinity();
        }
      }
      if (cost < best_cost) {
        best_cost = cost;
        best_pos = i;
      }
    }
    if (best_pos >= 0) {
      for (int i : positions) {
        if (pos_[i].edge_vowel < 0) pos_[i].edge_vowel = (i == best_pos) ? 1 : 0;
      }
    }
  }
}

}  // namespace translit

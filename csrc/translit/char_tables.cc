// Readers of the per-character tables: Scripts.txt, UnicodeDataProps*.txt, NumProps.jsonl.
#include <cstdlib>

#include "translit/data.h"
#include "translit/errors.h"
#include "translit/slots.h"
#include "translit/unicode_db.h"
#include "translit/utf8.h"

namespace translit {
namespace {

std::string ascii_lower(std::string_view s) {
  std::string out;
  for (char32_t cp : decode_utf8(s)) out += ucd::lower(cp);
  return out;
}

uint16_t intern_script(Data& d, std::string_view name) {
  for (size_t i = 0; i < d.script_names.size(); ++i) {
    if (d.script_names[i] == name) return static_cast<uint16_t>(i);
  }
  d.script_names.emplace_back(name);
  return static_cast<uint16_t>(d.script_names.size() - 1);
}

}  // namespace

void load_scripts(std::string_view text, Data& d) {
  for_each_line(text, [&](std::string_view raw) {
    if (is_skipped_line(raw)) return;
    std::string_view line = strip_comment(raw);
    SlotLine slots(line);
    auto name = slots.get("script-name");
    if (!name || name->empty()) return;
    std::string lc = ascii_lower(*name);
    if (d.script_lookup.count(lc)) return;
    Script script;
    script.name = std::string(*name);
    auto vowels = slots.get("abugida-default-vowel");
    if (vowels && !vowels->empty()) script.abugida_vowels = split_list(*vowels);
    d.scripts.push_back(std::move(script));
    auto index = static_cast<int32_t>(d.scripts.size() - 1);
    d.script_lookup[lc] = index;
    auto alts = slots.get("alt-script-name");
    if (alts && !alts->empty()) {
      for (const auto& alt : split_list(*alts))
        d.script_lookup.try_emplace(ascii_lower(alt), index);
    }
  });
}

void load_unicode_props(std::string_view text, Data& d) {
  for_each_line(text, [&](std::string_view raw) {
    if (is_skipped_line(raw)) return;
    std::string_view line = strip_comment(raw);
    SlotLine slots(line);
    auto name = slots.get("script-name");
    if (!name || name->empty()) return;
    uint16_t id = intern_script(d, *name);
    if (id >= d.script_of_name.size()) {
      auto it = d.script_lookup.find(ascii_lower(*name));
      d.script_of_name.push_back(it == d.script_lookup.end() ? -1 : it->second);
    }
    auto chars = [&](const char* slot, auto&& f) {
      auto v = slots.get(slot);
      if (!v) return;
      for (char32_t cp : decode_utf8(*v)) f(d.chars.at(cp));
    };
    chars("char", [&](CharInfo& c) { c.script = id; });
    chars("numeral", [&](CharInfo& c) { c.script = id; });
    chars("vowel-sign", [&](CharInfo& c) { c.flags |= kVowelSign; });
    chars("medial-consonant-sign", [&](CharInfo& c) { c.flags |= kMedialConsonantSign; });
    chars("sign-virama", [&](CharInfo& c) { c.flags |= kVirama; });
  });
}

namespace {

// Minimal reader for the flat JSON objects of NumProps.jsonl.
class JsonLine {
 public:
  explicit JsonLine(std::string_view s) : s_(s) {}

  template <typename F>
  bool parse(F&& on_member) {
    skip();
    if (!eat('{')) return false;
    skip();
    if (eat('}')) return true;
    while (true) {
      skip();
      std::string key;
      if (!string(key)) return false;
      skip();
      if (!eat(':')) return false;
      skip();
      if (!on_member(key, *this)) return false;
      skip();
      if (eat(',')) continue;
      return eat('}');
    }
  }

  bool string(std::string& out) {
    if (!eat('"')) return false;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'u': {
          char32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
            i_ += 2;
            char32_t lo = hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          out.push_back(e);
      }
    }
    return eat('"');
  }

  bool integer(int64_t& v) {
    size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    if (i_ == start) return false;
    v = std::strtoll(std::string(s_.substr(start, i_ - start)).c_str(), nullptr, 10);
    return true;
  }

  bool boolean(bool& v) {
    if (s_.substr(i_, 4) == "true") {
      i_ += 4;
      v = true;
      return true;
    }
    if (s_.substr(i_, 5) == "false") {
      i_ += 5;
      v = false;
      return true;
    }
    return false;
  }

  bool int_pair(int64_t& a, int64_t& b) {
    if (!eat('[')) return false;
    skip();
    if (!integer(a)) return false;
    skip();
    if (!eat(',')) return false;
    skip();
    if (!integer(b)) return false;
    skip();
    return eat(']');
  }

 private:
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  char32_t hex4() {
    char32_t v = 0;
    for (int k = 0; k < 4 && i_ < s_.size(); ++k, ++i_) {
      char c = s_[i_];
      v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

void load_num_props(std::string_view text, Data& d) {
  size_t line_no = 0;
  for_each_line(text, [&](std::string_view line) {
    ++line_no;
    if (is_skipped_line(line)) return;
    NumProp p;
    JsonLine json(line);
    bool ok = json.parse([&](const std::string& key, JsonLine& j) {
      std::string ignored;
      if (key == "txt") return j.string(p.txt);
      if (key == "type") return j.string(p.type);
      if (key == "script") return j.string(p.script);
      if (key == "rom" || key == "name") return j.string(ignored);
      if (key == "value") return p.has_value = j.integer(p.value);
      if (key == "base") return p.has_base = j.integer(p.base);
      if (key == "mult") return p.has_mult = j.integer(p.mult);
      if (key == "fraction") return p.has_fraction = j.int_pair(p.frac_num, p.frac_den);
      if (key == "is-large-power") return j.boolean(p.is_large_power);
      return false;
    });
    if (!ok) {
      throw DataError("NumProps.jsonl line " + std::to_string(line_no) +
                      ": unsupported JSON (expected uroman 1.3.1.1's flat number records)");
    }
    std::u32string txt = decode_utf8(p.txt);
    if (txt.size() != 1) return;  // uroman looks numbers up by single characters only
    d.num_props.push_back(std::move(p));
    d.chars.at(txt[0]).num_prop = static_cast<int32_t>(d.num_props.size() - 1);
  });
}

}  // namespace translit

#include "translit/data.h"

#include "translit/errors.h"
#include "translit/rule_builder.h"

namespace translit {

Data load_data(const std::map<std::string, std::string, std::less<>>& tables) {
  auto get = [&](const char* name) -> std::string_view {
    auto it = tables.find(name);
    if (it == tables.end()) {
      throw DataError(
          std::string("uroman data table '") + name +
          "' was not given to the engine (pass every file of translit._data.DATA_FILES)");
    }
    return it->second;
  };
  Data d;
  d.script_names = {""};
  d.script_of_name = {-1};
  RuleBuilder rules;
  // Same order as uroman's load_resource_files: later files refine earlier ones.
  load_rom_file(rules, get("romanization-auto-table.txt"), Provenance::kAuto, false, d);
  load_rom_file(rules, get("UnicodeDataOverwrite.txt"), Provenance::kOverwrite, true, d);
  load_rom_file(rules, get("romanization-table.txt"), Provenance::kManual, false, d);
  load_pinyin_file(rules, get("Chinese_to_Pinyin.txt"));
  load_scripts(get("Scripts.txt"), d);
  load_num_props(get("NumProps.jsonl"), d);
  for (const char* name :
       {"UnicodeDataProps.txt", "UnicodeDataPropsCJK.txt", "UnicodeDataPropsHangul.txt"}) {
    load_unicode_props(get(name), d);
  }
  rules.freeze(d);
  return d;
}

}  // namespace translit

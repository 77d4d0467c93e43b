#include "translit/utf8.h"

#include "translit/data.h"
#include "translit/errors.h"
#include "translit/testing.h"

TEST(utf8_round_trip_outside_the_bmp) {
  std::u32string s = U"a\u00e9\u4e2d\U0001F600\U00031350";
  CHECK(translit::decode_utf8(translit::encode_utf8(s)) == s);
}

TEST(utf8_rejects_invalid_bytes) {
  CHECK_THROWS(translit::decode_utf8("\xff"), translit::InputError);
  CHECK_THROWS(translit::decode_utf8("\xed\xa0\x80"), translit::InputError);  // surrogate
}

TEST(regex_props_table_parses_and_rejects) {
  translit::Data d;
  translit::load_regex_props("LM 31350 31352\nND 10D40 10D40\n", d);
  CHECK(d.letter_or_mark(0x31351) && !d.letter_or_mark(0x31353) && d.decimal(0x10D40));
  CHECK_THROWS(translit::load_regex_props("LM 2 1\n", d), translit::DataError);
  CHECK_THROWS(translit::load_regex_props("XX 1 2\n", d), translit::DataError);
}

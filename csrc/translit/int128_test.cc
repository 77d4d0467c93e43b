#include "translit/int128.h"

#include "translit/testing.h"

using translit::Int128;

TEST(int128_decimal_round_trip) {
  Int128 v(0);
  for (int k = 0; k < 37; ++k) v = v * Int128(10) + Int128(k % 10);
  CHECK(translit::to_string(v) == "123456789012345678901234567890123456");
  CHECK(translit::to_string(-v) == "-123456789012345678901234567890123456");
  CHECK(translit::to_string(Int128(0)) == "0");
}

TEST(int128_overflow_is_detected) {
  Int128 max = Int128::from_halves(0x7FFFFFFFFFFFFFFFull, ~0ull), r;
  CHECK(!translit::checked_add(max, Int128(1), &r));
  CHECK(translit::checked_add(max, Int128(-1), &r) && r < max);
  CHECK(!translit::checked_mul(max, Int128(2), &r));
  CHECK(translit::checked_mul(Int128(1) * Int128(1 << 30), Int128(1 << 30), &r) &&
        r == Int128(int64_t{1} << 60));
  CHECK(translit::checked_mul(Int128(-3), Int128(7), &r) && r == Int128(-21));
}

TEST(int128_small_division_and_doubles) {
  uint32_t rem = 0;
  CHECK(Int128(1234567).div_small(10, &rem) == Int128(123456) && rem == 7);
  CHECK(Int128::from_double(1e30).to_double() == 1e30);
  CHECK(Int128::from_double(-12.9) == Int128(-12));
}

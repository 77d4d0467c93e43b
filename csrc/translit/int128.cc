#include "translit/int128.h"

#include <cmath>
#include <utility>

namespace translit {
namespace {

// Full 64 x 64 -> 128-bit unsigned product from 32-bit halves.
Int128 mul_64(uint64_t a, uint64_t b) {
  uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
  uint64_t lo = (p00 & 0xFFFFFFFFu) | (mid << 32);
  uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return Int128::from_halves(hi, lo);
}

Int128 magnitude(Int128 v) { return v.negative() ? -v : v; }

}  // namespace

Int128 operator*(Int128 a, Int128 b) {
  Int128 low = mul_64(a.lo(), b.lo());
  uint64_t cross = a.hi() * b.lo() + a.lo() * b.hi();
  return Int128::from_halves(low.hi() + cross, low.lo());
}

Int128 Int128::div_small(uint32_t d, uint32_t* rem) const {
  bool neg = negative();
  Int128 m = magnitude(*this);
  uint32_t limbs[4] = {static_cast<uint32_t>(m.hi_ >> 32), static_cast<uint32_t>(m.hi_),
                       static_cast<uint32_t>(m.lo_ >> 32), static_cast<uint32_t>(m.lo_)};
  uint64_t r = 0;
  for (uint32_t& limb : limbs) {
    uint64_t cur = (r << 32) | limb;
    limb = static_cast<uint32_t>(cur / d);
    r = cur % d;
  }
  Int128 q =
      from_halves((uint64_t{limbs[0]} << 32) | limbs[1], (uint64_t{limbs[2]} << 32) | limbs[3]);
  if (rem) *rem = static_cast<uint32_t>(r);
  return neg ? -q : q;
}

Int128 Int128::from_double(double x) {
  double m = std::trunc(std::fabs(x));
  double hi = std::floor(m / 18446744073709551616.0);
  double lo = m - hi * 18446744073709551616.0;
  Int128 r = from_halves(static_cast<uint64_t>(hi), static_cast<uint64_t>(lo));
  return x < 0 ? -r : r;
}

long double Int128::to_long_double() const {
  Int128 m = magnitude(*this);
  long double v =
      static_cast<long double>(m.hi_) * 18446744073709551616.0L + static_cast<long double>(m.lo_);
  return negative() ? -v : v;
}

bool checked_add(Int128 a, Int128 b, Int128* out) {
  *out = a + b;
  return !(a.negative() == b.negative() && out->negative() != a.negative());
}

bool checked_mul(Int128 a, Int128 b, Int128* out) {
  bool neg = a.negative() != b.negative();
  Int128 ma = magnitude(a), mb = magnitude(b);  // as unsigned: -2^127 gives 2^127
  if (ma.hi() && mb.hi()) return false;
  if (ma.hi()) std::swap(ma, mb);  // now ma < 2^64
  Int128 low = mul_64(ma.lo(), mb.lo());
  Int128 cross = mul_64(ma.lo(), mb.hi());
  if (cross.hi()) return false;
  uint64_t hi = low.hi() + cross.lo();
  if (hi < low.hi()) return false;  // carry beyond 128 bits
  Int128 mag = Int128::from_halves(hi, low.lo());
  bool fits = !mag.negative() || (neg && mag == Int128::from_halves(uint64_t{1} << 63, 0));
  if (!fits) return false;
  *out = neg ? -mag : mag;
  return true;
}

std::string to_string(Int128 v) {
  if (v == Int128(0)) return "0";
  bool neg = v.negative();
  std::string out;
  Int128 m = v;
  while (m != Int128(0)) {
    uint32_t digit = 0;
    m = m.div_small(10, &digit);
    out.push_back(static_cast<char>('0' + digit));
  }
  if (neg) out.push_back('-');
  return std::string(out.rbegin(), out.rend());
}

}  // namespace translit

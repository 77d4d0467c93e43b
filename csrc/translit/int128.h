// A portable signed 128-bit integer (two's complement in two uint64_t halves): the exact
// arithmetic uroman's numbers need (Python ints), without the GCC/Clang-only __int128, so that
// MSVC can build the core too. Only what the number lattice uses: +, -, *, comparisons,
// overflow-checked add/mul, division and remainder by a small positive divisor, conversions.
#pragma once

#include <cstdint>
#include <string>

namespace translit {

class Int128 {
 public:
  constexpr Int128() = default;
  constexpr Int128(int64_t v)  // NOLINT(google-explicit-constructor): behaves like an int
      : hi_(v < 0 ? ~uint64_t{0} : 0), lo_(static_cast<uint64_t>(v)) {}
  static constexpr Int128 from_halves(uint64_t hi, uint64_t lo) {
    Int128 r;
    r.hi_ = hi;
    r.lo_ = lo;
    return r;
  }
  // The integer value of a double with |x| < 2^127 (truncated toward zero).
  static Int128 from_double(double x);

  constexpr uint64_t hi() const { return hi_; }
  constexpr uint64_t lo() const { return lo_; }
  constexpr bool negative() const { return (hi_ >> 63) != 0; }
  long double to_long_double() const;
  double to_double() const { return static_cast<double>(to_long_double()); }
  int64_t to_int64() const { return static_cast<int64_t>(lo_); }  // low 64 bits, like a cast

  friend constexpr bool operator==(Int128 a, Int128 b) { return a.hi_ == b.hi_ && a.lo_ == b.lo_; }
  friend constexpr bool operator!=(Int128 a, Int128 b) { return !(a == b); }
  friend constexpr bool operator<(Int128 a, Int128 b) {
    if (a.hi_ != b.hi_) return static_cast<int64_t>(a.hi_) < static_cast<int64_t>(b.hi_);
    return a.lo_ < b.lo_;
  }
  friend constexpr bool operator>(Int128 a, Int128 b) { return b < a; }
  friend constexpr bool operator<=(Int128 a, Int128 b) { return !(b < a); }
  friend constexpr bool operator>=(Int128 a, Int128 b) { return !(a < b); }

  friend constexpr Int128 operator+(Int128 a, Int128 b) {
    uint64_t lo = a.lo_ + b.lo_;
    return from_halves(a.hi_ + b.hi_ + (lo < a.lo_ ? 1 : 0), lo);
  }
  constexpr Int128 operator-() const { return from_halves(~hi_, ~lo_) + Int128(1); }
  friend constexpr Int128 operator-(Int128 a, Int128 b) { return a + (-b); }
  // Wrapping product (two's complement, low 128 bits).
  friend Int128 operator*(Int128 a, Int128 b);
  // Truncating division / remainder by 0 < d < 2^32 (Python's // and % for non-negative a).
  Int128 div_small(uint32_t d, uint32_t* rem = nullptr) const;

  Int128& operator+=(Int128 b) { return *this = *this + b; }
  Int128& operator*=(Int128 b) { return *this = *this * b; }

 private:
  uint64_t hi_ = 0, lo_ = 0;
};

// false (and *out unspecified) when the exact result does not fit in 128 bits.
bool checked_add(Int128 a, Int128 b, Int128* out);
bool checked_mul(Int128 a, Int128 b, Int128* out);

// Decimal, like Python's str(int).
std::string to_string(Int128 v);

}  // namespace translit

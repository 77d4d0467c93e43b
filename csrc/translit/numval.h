// Numbers as uroman's number lattice holds them: Python int (here 128-bit, portable Int128) or
// float, with Python's str() formatting.
#pragma once

#include <cstdint>
#include <string>

#include "translit/int128.h"

namespace translit {

using int128 = Int128;

struct PyNum {
  enum Kind : uint8_t { kNone, kInt, kFloat };
  Kind kind = kNone;
  bool overflow = false;  // a non-negative int beyond 128 bits, kept as decimal digits in `big`
  std::string big;
  int128 i = 0;
  double f = 0;

  static PyNum of_int(int128 v) {
    PyNum n;
    n.kind = kInt;
    n.i = v;
    return n;
  }
  static PyNum of_float(double v) {
    PyNum n;
    n.kind = kFloat;
    n.f = v;
    return n;
  }
  bool is_none() const { return kind == kNone; }
  bool is_int() const { return kind == kInt; }
  bool is_number() const { return kind != kNone; }
  long double as_ld() const {
    if (overflow) return 1e300L;
    return kind == kInt ? i.to_long_double() : static_cast<long double>(f);
  }
};

// Python str() of an int / float / number.
std::string int128_str(int128 v);
std::string py_float_repr(double v);
std::string py_str(const PyNum& n);

// Python int arithmetic on non-negative ints (exact, switching to decimal digits on overflow).
PyNum int_mul(const PyNum& a, const PyNum& b);
PyNum int_add(const PyNum& a, const PyNum& b);

// x if it has a fractional part, else int(x) (exact, as Python converts floats to ints).
PyNum float_to_int_if_integral(double x);

// Python round(x, 5) for floats.
double py_round5(double x);

// int(s) / float(s) for a string of ASCII digits with at most one '.'.
PyNum parse_decimal(const std::string& s);

}  // namespace translit

#include "translit/numval.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace translit {

std::string int128_str(int128 v) { return to_string(v); }

std::string py_float_repr(double v) {
  if (v != v) return "nan";
  if (v == 1.0 / 0.0) return "inf";
  if (v == -1.0 / 0.0) return "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (size_t k = 0; k < e; ++k) {
    if (sci[k] != '.') digits.push_back(sci[k]);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = neg ? "-" : "";
  if (exp >= -5 + 1 && exp < 16) {  // Python 'r' format: fixed for -4 <= exp < 16
    if (exp >= 0) {
      std::string int_part = digits.substr(0, std::min<size_t>(digits.size(), exp + 1));
      while (static_cast<int>(int_part.size()) < exp + 1) int_part.push_back('0');
      std::string frac =
          digits.size() > static_cast<size_t>(exp + 1) ? digits.substr(exp + 1) : "0";
      out += int_part + "." + frac;
    } else {
      out += "0." + std::string(-exp - 1, '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char ebuf[16];
  std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return out + ebuf;
}

std::string py_str(const PyNum& n) {
  switch (n.kind) {
    case PyNum::kInt:
      return n.overflow ? n.big : int128_str(n.i);
    case PyNum::kFloat:
      return py_float_repr(n.f);
    default:
      return "None";
  }
}

double py_round5(double x) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.5f", x);
  return std::strtod(buf, nullptr);
}

namespace {

std::string digits_of(const PyNum& n) { return n.overflow ? n.big : int128_str(n.i); }

std::string strip_zeros(std::string s) {
  size_t k = 0;
  while (k + 1 < s.size() && s[k] == '0') ++k;
  return s.substr(k);
}

PyNum from_digits(const std::string& digits) {
  std::string d = strip_zeros(digits);
  if (d.size() <= 37) {
    PyNum n = PyNum::of_int(0);
    for (char c : d) n.i = n.i * Int128(10) + Int128(c - '0');
    return n;
  }
  PyNum n = PyNum::of_int(0);
  n.overflow = true;
  n.big = d;
  return n;
}

std::string mul_digits(const std::string& a, const std::string& b) {
  std::vector<int> r(a.size() + b.size(), 0);
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      r[i + j + 1] += (a[i] - '0') * (b[j] - '0');
    }
  }
  for (size_t k = r.size(); k-- > 1;) {
    r[k - 1] += r[k] / 10;
    r[k] %= 10;
  }
  std::string out;
  for (int v : r) out.push_back(static_cast<char>('0' + v));
  return strip_zeros(out);
}

std::string add_digits(const std::string& a, const std::string& b) {
  std::string out;
  int carry = 0;
  for (size_t k = 0; k < std::max(a.size(), b.size()) || carry; ++k) {
    int v = carry;
    if (k < a.size()) v += a[a.size() - 1 - k] - '0';
    if (k < b.size()) v += b[b.size() - 1 - k] - '0';
    out.push_back(static_cast<char>('0' + v % 10));
    carry = v / 10;
  }
  return strip_zeros(std::string(out.rbegin(), out.rend()));
}

}  // namespace

PyNum int_mul(const PyNum& a, const PyNum& b) {
  int128 p;
  if (!a.overflow && !b.overflow && checked_mul(a.i, b.i, &p)) return PyNum::of_int(p);
  return from_digits(mul_digits(digits_of(a), digits_of(b)));
}

PyNum int_add(const PyNum& a, const PyNum& b) {
  int128 p;
  if (!a.overflow && !b.overflow && checked_add(a.i, b.i, &p)) return PyNum::of_int(p);
  return from_digits(add_digits(digits_of(a), digits_of(b)));
}

PyNum float_to_int_if_integral(double x) {
  if (!std::isfinite(x) || x != std::floor(x)) return PyNum::of_float(x);
  if (x > -1e36 && x < 1e36) return PyNum::of_int(Int128::from_double(x));
  if (x < 0) return PyNum::of_float(x);  // never produced by uroman's number grammar
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.0f", x);  // exact decimal value of the double
  return from_digits(buf);
}

PyNum parse_decimal(const std::string& s) {
  if (s.find('.') != std::string::npos) return PyNum::of_float(std::strtod(s.c_str(), nullptr));
  size_t k = 0;
  while (k + 1 < s.size() && s[k] == '0') ++k;
  PyNum n;
  n.kind = PyNum::kInt;
  if (s.size() - k > 37) {
    n.overflow = true;
    n.big = s.substr(k);
    return n;
  }
  for (size_t j = k; j < s.size(); ++j) n.i = n.i * Int128(10) + Int128(s[j] - '0');
  return n;
}

}  // namespace translit

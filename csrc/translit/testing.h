// A minimal test harness for the colocated native unit tests (*_test.cc): TEST registers a
// function, CHECK records a failure with file and line and continues. `make test-native` builds
// every *_test.cc with the core into one binary (testing_main_test.cc holds main()).
#pragma once

#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace translit::testing {

struct Case {
  const char* name;
  std::function<void()> body;
};

inline std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

inline int& failures() {
  static int n = 0;
  return n;
}

struct Register {
  Register(const char* name, std::function<void()> body) {
    registry().push_back({name, std::move(body)});
  }
};

inline void fail(const char* file, int line, const std::string& what) {
  ++failures();
  std::cerr << file << ":" << line << ": CHECK failed: " << what << "\n";
}

}  // namespace translit::testing

#define TRANSLIT_CAT2(a, b) a##b
#define TRANSLIT_CAT(a, b) TRANSLIT_CAT2(a, b)
#define TEST(name)                                                                  \
  static void name();                                                               \
  static ::translit::testing::Register TRANSLIT_CAT(register_, name)(#name, &name); \
  static void name()
#define CHECK(cond) ((cond) ? (void)0 : ::translit::testing::fail(__FILE__, __LINE__, #cond))
#define CHECK_THROWS(expr, type)                                                         \
  do {                                                                                   \
    bool thrown_ = false;                                                                \
    try {                                                                                \
      expr;                                                                              \
    } catch (const type&) {                                                              \
      thrown_ = true;                                                                    \
    }                                                                                    \
    if (!thrown_) ::translit::testing::fail(__FILE__, __LINE__, #expr " throws " #type); \
  } while (0)

// main() of the native unit tests: runs every registered TEST, exit status 1 on any failure.
#include <exception>

#include "translit/testing.h"

int main() {
  using translit::testing::failures;
  using translit::testing::registry;
  for (const auto& test : registry()) {
    int before = failures();
    try {
      test.body();
    } catch (const std::exception& exc) {
      translit::testing::fail(test.name, 0, std::string("uncaught exception: ") + exc.what());
    }
    std::cout << (failures() == before ? "ok    " : "FAIL  ") << test.name << "\n";
  }
  std::cout << registry().size() << " native tests, " << failures() << " failed checks\n";
  return failures() ? 1 : 0;
}

// A sparse per-code-point table: pages of 256 entries allocated on first write.
#pragma once

#include <array>
#include <memory>
#include <vector>

namespace translit {

template <typename T>
class CpTable {
 public:
  CpTable() : pages_(0x110000 >> 8) {}

  const T& get(char32_t cp) const {
    if (cp > 0x10FFFF) return default_;
    const auto& page = pages_[cp >> 8];
    return page ? (*page)[cp & 0xFF] : default_;
  }

  T& at(char32_t cp) {
    auto& page = pages_[cp >> 8];
    if (!page) {
      page = std::make_unique<std::array<T, 256>>();
      page->fill(default_);
    }
    return (*page)[cp & 0xFF];
  }

 private:
  std::vector<std::unique_ptr<std::array<T, 256>>> pages_;
  T default_{};
};

}  // namespace translit

// Exceptions of the translit core. User errors derive from std::invalid_argument; the bindings
// register them so that Python sees translit.errors.InputError / DataError / ResourceError.
#pragma once

#include <stdexcept>
#include <string>

namespace translit {

// Input text or arguments that the engine cannot accept (invalid UTF-8, bad language code ...).
class InputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A data table (from the uroman package) is missing or malformed.
class DataError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The operating system refused a resource the engine needs (e.g. a worker thread).
class ResourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace translit

#pragma once
// A request the engine refuses (bad input, a locked workflow): the API turns it into a 4xx.
// Database failures stay store::Error.
#include <stdexcept>
#include <string>

namespace flow::runtime::engine {

class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace flow::runtime::engine

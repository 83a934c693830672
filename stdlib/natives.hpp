#pragma once
// The implementations of the standard functions, bound by index to function_table() (the
// order of functions.def), so Op::Call f jumps straight to natives()[f].
#include <cstdint>
#include <vector>

#include "stdlib/value.hpp"

namespace flow::stdlib {

// What a function may know about the execution besides its arguments. The VM never reads
// the clock: `now` is the execution's (possibly virtual) time.
struct CallContext {
  double now = 0;  // seconds since the Unix epoch
};

// Arguments are args[0..argc); argc is within the function's min/max (the verifier and the
// compiler check it). A type error is thrown as RuntimeError.
using Native = Value (*)(const Value* args, uint8_t argc, const CallContext& context);

const std::vector<Native>& natives();

}  // namespace flow::stdlib

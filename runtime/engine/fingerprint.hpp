#pragma once
// A workflow's own identity inside a module: its code, the templates it sends and its
// settings, independent of what else the module holds and of where things sit in it. Two
// deploys of a directory where only a sibling changed give the workflow the same
// fingerprint, so it is "unchanged" (not redeployed, not locked) although the module's hash
// changed.
#include <cstdint>

#include "bytecode/module.hpp"

namespace flow::runtime::engine {

// Source positions are left out: moving a workflow down a file does not change what it does.
// `enabled` is left out too: after creation the API owns it (docs/runtime.md, "API").
uint64_t workflow_fingerprint(const bytecode::Module& module, const bytecode::Workflow& workflow);

}  // namespace flow::runtime::engine

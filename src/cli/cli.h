// File: cli/cli.h
//
// The `opencse` command line (docs/CLI.md). RunCli parses arguments with CLI11, opens the
// store, runs one service call and prints the result as text or, with --json, as JSON.
//
// Exit codes: 0 success (including an idempotent `exists`), 1 a rule or validation error
// (the message names the field, value and reason code), 2 a usage error, 3 a storage error.
#pragma once

#include <ostream>

namespace cse {

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace cse

// File: testing/cli_run.h
//
// Runs the `opencse` command line in-process (cli::RunCli) and captures what it printed, for
// the CLI tests of every subsystem.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace cse::testing {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

// `argv` is the whole command line, the program name first.
inline CliRun RunArgv(const std::vector<std::string>& argv) {
  std::vector<const char*> pointers;
  pointers.reserve(argv.size());
  for (const std::string& a : argv) pointers.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(pointers.size()), pointers.data(), out, err);
  return CliRun{code, out.str(), err.str()};
}

// `opencse ARGS...`.
inline CliRun RunOpencse(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"opencse"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunArgv(argv);
}

}  // namespace cse::testing

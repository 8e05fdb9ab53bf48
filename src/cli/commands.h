// File: cli/commands.h
//
// Subcommand registration, one function per subsystem file. RunCli (cli/cli.cc) calls each;
// a command's callback sets `action`, which RunCli runs after parsing.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace cse::cli {

class Context;

void AddModel(CLI::App& app, Context& ctx, std::function<int()>& action);  // ai_commands.cc
void AddScore(CLI::App& app, Context& ctx, std::function<int()>& action);  // ai_commands.cc
void AddIwo(CLI::App& app, Context& ctx, std::function<int()>& action);    // iwo_commands.cc
// serve, user add, token add, assign-office
void AddHttp(CLI::App& app, Context& ctx, std::function<int()>& action);  // http_commands.cc

}  // namespace cse::cli
